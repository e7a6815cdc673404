/*
 * Replacing a file whole: the data goes to a temporary file beside it,
 * which is renamed over the file, so a reader sees the old contents or the
 * new, never half. Unlike g_file_set_contents(), whose errors name the
 * temporary file ("dkvm.conf.K3J2Q1"), an error here names the file the
 * caller asked for.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes @data (@length bytes, or a string when -1) to @path.
 * DKVM_ERROR_IO "cannot write PATH: <why>" on failure; @path is then as it
 * was and no temporary file is left. */
gboolean dkvm_file_replace(const gchar *path, const gchar *data, gssize length, GError **error);

G_END_DECLS
