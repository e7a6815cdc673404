/*
 * Binding one PCI device to vfio-pci by its address, through the kernel's
 * driver_override: the device's own driver_override names vfio-pci, its
 * current driver lets it go (unbind), and drivers_probe hands it to the
 * driver the override names. Only that device changes: another card with the
 * same vendor:device id keeps its driver (binding by id with new_id would
 * take every such card). Paths under dkvm_host_path (DKVM_SYSFS_ROOT).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DKVM_VFIO_DRIVER "vfio-pci"

typedef struct {
	gchar *address;         /* "0000:01:00.0" */
	gchar *previous_driver; /* the driver it had, NULL for none */
	gboolean changed;       /* FALSE: it was on vfio-pci already */
} DkvmVfioBinding;

void dkvm_vfio_binding_free(DkvmVfioBinding *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVfioBinding, dkvm_vfio_binding_free)

/*
 * Binds @address to vfio-pci (@dry_run: only says what it would do).
 * DKVM_ERROR_NOT_FOUND when the host has no such PCI device; DKVM_ERROR_IO
 * when the kernel refuses a write (the message names the file and why), e.g.
 * vfio-pci not loaded: the device is then left without a driver, and the
 * override stays, so loading vfio-pci takes it.
 */
DkvmVfioBinding *dkvm_vfio_bind(const gchar *address, gboolean dry_run, GError **error);

G_END_DECLS
