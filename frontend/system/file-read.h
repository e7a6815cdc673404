/*
 * Reading a file someone else wrote (a domain file on the stick, an import's
 * source): only a regular file, and only up to a size cap. A path that names
 * a FIFO would block for ever, /dev/zero would be read without end, and a
 * symlink can point at either.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* virsh's own cap for a domain file (VSH_MAX_XML_FILE, `virsh define`):
 * no domain libvirt writes comes near it. */
#define DKVM_DOMAIN_FILE_MAX_BYTES (10 * 1024 * 1024)

/* The original DKVM's vm_config and global files are a few lines of shell
 * variables: 1 MiB is far more than any holds. */
#define DKVM_LEGACY_FILE_MAX_BYTES (1024 * 1024)

/*
 * The contents of the regular file @path (symlinks followed), NUL-terminated,
 * its length in @out_len (may be NULL). DKVM_ERROR_NOT_FOUND when it does not
 * exist, DKVM_ERROR_INVALID when it is not a regular file (named: a FIFO, a
 * device, a folder...) or holds more than @max_bytes, DKVM_ERROR_IO when it
 * cannot be read. The messages do not name @path: the caller does. Never blocks on a FIFO: it is
 * opened with O_NONBLOCK and refused before any read.
 */
gchar *dkvm_file_read_regular(const gchar *path, gsize max_bytes, gsize *out_len, GError **error);

G_END_DECLS
