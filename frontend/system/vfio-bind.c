/*
 * driver_override, unbind, drivers_probe (vfio-bind.h). The order matters:
 * the override first, so that nothing but vfio-pci may take the device once
 * its driver let it go.
 */
#include "vfio-bind.h"

#include "dkvm-error.h"
#include "host-path.h"
#include "sysfs-write.h"

void
dkvm_vfio_binding_free(DkvmVfioBinding *self)
{
	if (self == NULL)
		return;
	g_free(self->address);
	g_free(self->previous_driver);
	g_free(self);
}

/* The name of the driver bound to the device at @dev, NULL for none. */
static gchar *
bound_driver(const gchar *dev)
{
	g_autofree gchar *link = g_build_filename(dev, "driver", NULL);
	g_autofree gchar *target = g_file_read_link(link, NULL);

	return target != NULL ? g_path_get_basename(target) : NULL;
}

DkvmVfioBinding *
dkvm_vfio_bind(const gchar *address, gboolean dry_run, GError **error)
{
	g_autofree gchar *dev = dkvm_host_pathf(DKVM_PATH_PCI_DEVICES "/%s", address);
	g_autoptr(DkvmVfioBinding) self = NULL;
	g_autofree gchar *override = NULL;
	g_autofree gchar *unbind = NULL;
	g_autofree gchar *probe = NULL;

	if (!g_file_test(dev, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
		            "the host has no PCI device %s (/" DKVM_PATH_PCI_DEVICES "/%s)",
		            address, address);
		return NULL;
	}
	self = g_new0(DkvmVfioBinding, 1);
	self->address = g_strdup(address);
	self->previous_driver = bound_driver(dev);
	if (g_strcmp0(self->previous_driver, DKVM_VFIO_DRIVER) == 0)
		return g_steal_pointer(&self);
	self->changed = TRUE;
	if (dry_run)
		return g_steal_pointer(&self);

	override = g_build_filename(dev, "driver_override", NULL);
	if (!dkvm_sysfs_write(override, DKVM_VFIO_DRIVER, error))
		return NULL;
	if (self->previous_driver != NULL) {
		unbind = g_build_filename(dev, "driver", "unbind", NULL);
		if (!dkvm_sysfs_write(unbind, address, error))
			return NULL;
	}
	probe = dkvm_host_path("sys/bus/pci/drivers_probe");
	if (!dkvm_sysfs_write(probe, address, error))
		return NULL;
	return g_steal_pointer(&self);
}
