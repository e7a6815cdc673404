/*
 * Writing a kernel file (sysfs, procfs): the hugepage pools, vfio binding.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Writes @value the way the kernel's files want it: one write() on the
 * existing file (no temporary file and rename: sysfs has no such thing). The
 * kernel reports a refused value as the write's error. DKVM_ERROR_NOT_FOUND
 * when @path does not exist, DKVM_ERROR_IO otherwise, naming @path.
 */
gboolean dkvm_sysfs_write(const gchar *path, const gchar *value, GError **error);

G_END_DECLS
