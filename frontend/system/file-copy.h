/*
 * Copying a VM's state files (NVRAM, swtpm state) byte for byte into place.
 * Never over an existing file: state that is there belongs to someone.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Copies @src to the new file @dst (mode 0600; its folder is created, 0755).
 * DKVM_ERROR_INVALID when @dst exists, DKVM_ERROR_IO when a file cannot be
 * read or written (a half-written @dst is removed). */
gboolean dkvm_file_copy(const gchar *src, const gchar *dst, GError **error);

/* Copies the files and folders under @src_dir into the new folder @dst_dir
 * (mode 0700, its parents created 0711). DKVM_ERROR_INVALID when @dst_dir
 * exists; on any failure what was copied is removed again. */
gboolean dkvm_dir_copy(const gchar *src_dir, const gchar *dst_dir, GError **error);

/* Removes @path and everything under it (what dkvm_dir_copy made). */
void dkvm_dir_remove(const gchar *path);

G_END_DECLS
