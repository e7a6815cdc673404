/*
 * `dkvm host --capture FILE`: the sysfs/procfs subset DKVM reads, as a
 * .tar.gz laid out like the kernel's tree (sys/..., proc/..., dev/...), so an
 * unpacked capture is a fixture usable as UMOCKDEV_DIR.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Writes the capture to @path (replacing it only when complete). Files the
 * kernel refuses to give are left out; DKVM_ERROR_IO when @path cannot be
 * written. Sets @out_entries to the number of archived entries if non-NULL.
 */
gboolean dkvm_host_capture(const gchar *path, guint *out_entries, GError **error);

/* Its type, for the binary that loads it from dkvm-capture.so. */
typedef gboolean (*DkvmHostCaptureFunc)(const gchar *path, guint *out_entries, GError **error);

G_END_DECLS
