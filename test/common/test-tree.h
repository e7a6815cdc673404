/*
 * What the C test programs share for their scratch trees.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes @path and everything below it; a symlink is removed, never
 * followed. TRUE when @path itself is gone. */
gboolean dkvm_test_remove_tree(const gchar *path);

G_END_DECLS
