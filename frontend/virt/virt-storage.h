/*
 * Disk images for VMs, made through libvirt's storage API (never qemu-img):
 * libvirtd creates the file as the user QEMU runs as.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/*
 * Creates the qcow2 volume @name (a plain file name) of @size_bytes in
 * directory @dir and returns its path. The directory is used as a libvirt
 * `dir` pool: an active pool on it when there is one (refreshed first, so a
 * file made behind libvirt's back is refused rather than overwritten), else
 * a transient pool made for this and destroyed after. DKVM_ERROR_LIBVIRT
 * with libvirt's reason (a file of that name, no space...).
 */
gchar *dkvm_virt_storage_create_qcow2(virConnectPtr conn, const gchar *dir, const gchar *name,
                                      guint64 size_bytes, GError **error);

G_END_DECLS
