/*
 * The domain XML files of a folder, read at boot before libvirtd runs
 * (libvirt's own /etc/libvirt/qemu, which lbu keeps): for early binding and
 * the boot-time hugepages. No libvirt: in vm_core.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DKVM_LIBVIRT_QEMU_DIR "/etc/libvirt/qemu"

typedef struct {
	gchar *path;
	gchar *xml;
} DkvmDomainFile;

void dkvm_domain_file_free(DkvmDomainFile *self);

/*
 * Every *.xml of @dir (DkvmDomainFile*, sorted by name). A file that cannot
 * be read adds a line to @skipped ("PATH: why") and is left out. A missing
 * @dir is no VM (an empty list); NULL with DKVM_ERROR_IO when @dir cannot be
 * read.
 */
GPtrArray *dkvm_vm_domain_files(const gchar *dir, GPtrArray *skipped, GError **error);

G_END_DECLS
