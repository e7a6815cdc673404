/*
 * Remounting a mount point read-write for a moment (the boot partition,
 * read-only on a DKVM host). The mount table is /proc/mounts under
 * dkvm_host_path(), so tests give their own; a directory that is not a
 * mount point of its own (a test's temporary directory, the image
 * builder's tree) is left alone.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Remounts @dir read-write when it is a read-only mount point;
 * *@out_remounted says whether it was (then undo with the next call).
 * DKVM_ERROR_IO when the remount fails. */
gboolean dkvm_mount_make_writable(const gchar *dir, gboolean *out_remounted, GError **error);

/* Remounts @dir read-only again. DKVM_ERROR_IO when that fails. */
gboolean dkvm_mount_make_readonly(const gchar *dir, GError **error);

G_END_DECLS
