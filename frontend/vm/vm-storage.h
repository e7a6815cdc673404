/*
 * Disk images for VMs, made through libvirt's storage API (never qemu-img):
 * libvirtd creates the file as the user QEMU runs as, where a DKVM host
 * keeps its images (the data partition).
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

/*
 * Creates the qcow2 image @file_name (a plain file name; ".qcow2" added when
 * it has no such ending) of @size_bytes in directory @dir, and returns its
 * path. The directory is used as a libvirt `dir` pool: an active pool on it
 * when there is one, else a transient pool made for this and destroyed after.
 * DKVM_ERROR_INVALID for a name with '/' or a size of 0; DKVM_ERROR_LIBVIRT
 * with libvirt's reason otherwise (a file of that name, no space...).
 */
gchar *dkvm_vm_storage_create_qcow2(DkvmApp *app, const gchar *dir, const gchar *file_name,
                                    guint64 size_bytes, GError **error);

G_END_DECLS
