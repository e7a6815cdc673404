/*
 * The DKVM boot medium. Alpine in diskless mode names it on the kernel
 * command line (alpine_dev=sdb1[:vfat], alpine_dev=UUID=...:vfat,
 * alpine_dev=LABEL=...) and loop-mounts the kernel modules from it at
 * /.modloop (the loop's backing file lives under the medium's mount point,
 * which is /media/<device>).
 * On any other system the device mounted at / stands in. The block device is
 * then mapped through libudev to its parents: the usb_device (the stick) and
 * the PCI device above it (its USB controller; an NVMe or SATA controller
 * for a disk). Passing either to a VM would pull the host's boot medium away.
 */
#include "host-bootdev.h"

#include <string.h>

#include "host-cmdline.h"
#include "host-path.h"
#include "host-sysfs.h"
#include "host-udev.h"

/* "/dev/sdb1" -> "sdb1"; /dev/disk/by-* links are followed. NULL if not a /dev path. */
static gchar *
dev_to_block(const gchar *dev)
{
	g_autofree gchar *target = NULL;

	if (dev == NULL || !g_str_has_prefix(dev, "/dev/"))
		return NULL;
	target = g_file_read_link(dev, NULL);
	if (target != NULL)
		return g_path_get_basename(target);
	return g_path_get_basename(dev);
}

/* Parses /proc/mounts into (source, mount point) pairs, octal escapes decoded. */
static GPtrArray *
parse_mounts(const gchar *mounts)
{
	GPtrArray *pairs = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	g_auto(GStrv) lines = g_strsplit(mounts != NULL ? mounts : "", "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit_set(lines[i], " \t", 3);
		if (g_strv_length(f) < 2)
			continue;
		gchar **pair = g_new0(gchar *, 3);
		pair[0] = g_strcompress(f[0]);
		pair[1] = g_strcompress(f[1]);
		g_ptr_array_add(pairs, pair);
	}
	return pairs;
}

static const gchar *
mount_source(GPtrArray *pairs, const gchar *mount_point)
{
	const gchar *found = NULL;
	for (guint i = 0; i < pairs->len; i++) {
		gchar **p = g_ptr_array_index(pairs, i);
		if (g_str_equal(p[1], mount_point))
			found = p[0]; /* the last mount on a point is the visible one */
	}
	return found;
}

/* The source of the mount whose point is the longest prefix of @path. */
static const gchar *
mount_holding(GPtrArray *pairs, const gchar *path)
{
	const gchar *found = NULL;
	gsize best = 0;
	for (guint i = 0; i < pairs->len; i++) {
		gchar **p = g_ptr_array_index(pairs, i);
		gsize len = strlen(p[1]);
		if (len > best && g_str_has_prefix(path, p[1]) &&
		    (path[len] == '/' || path[len] == '\0')) {
			found = p[0];
			best = len;
		}
	}
	return found;
}

/* Alpine mounts its boot media at /media/<device>: the first such /dev mount. */
static const gchar *
first_media_mount(GPtrArray *pairs)
{
	for (guint i = 0; i < pairs->len; i++) {
		gchar **p = g_ptr_array_index(pairs, i);
		if (g_str_has_prefix(p[0], "/dev/") && g_str_has_prefix(p[1], "/media/"))
			return p[0];
	}
	return NULL;
}

/* alpine_dev=UUID=x / LABEL=x through /dev/disk/by-uuid|by-label. */
static gchar *
resolve_alpine_dev(const gchar *value)
{
	g_autofree gchar *spec = g_strdup(value);
	gchar *colon;

	/* drop the ":fstype" suffix; UUIDs and labels do not contain ':' */
	colon = strrchr(spec, ':');
	if (colon != NULL)
		*colon = '\0';
	if (g_str_has_prefix(spec, "UUID=")) {
		g_autofree gchar *link = g_strconcat("/dev/disk/by-uuid/", spec + 5, NULL);
		return dev_to_block(link);
	}
	if (g_str_has_prefix(spec, "LABEL=")) {
		g_autofree gchar *link = g_strconcat("/dev/disk/by-label/", spec + 6, NULL);
		return dev_to_block(link);
	}
	if (g_str_has_prefix(spec, "/dev/"))
		return dev_to_block(spec);
	/* "usbdisk" and similar wildcards name no device */
	if (*spec == '\0' || g_str_equal(spec, "usbdisk"))
		return NULL;
	return g_strdup(spec);
}

gchar *
dkvm_host_find_boot_block(const gchar *cmdline, const gchar *mounts)
{
	g_autoptr(GPtrArray) pairs = parse_mounts(mounts);
	g_autofree gchar *alpine_dev =
	        cmdline != NULL ? dkvm_kernel_cmdline_get(cmdline, "alpine_dev") : NULL;
	const gchar *modloop = mount_source(pairs, "/.modloop");
	const gchar *root = mount_source(pairs, "/");

	if (alpine_dev != NULL) {
		gchar *block = resolve_alpine_dev(alpine_dev);
		if (block != NULL)
			return block;
	}
	if (modloop != NULL && g_str_has_prefix(modloop, "/dev/loop")) {
		g_autofree gchar *loop = g_path_get_basename(modloop);
		g_autofree gchar *backing_path =
		        dkvm_host_pathf("sys/block/%s/loop/backing_file", loop);
		g_autofree gchar *backing = dkvm_sysfs_read(backing_path);
		const gchar *medium = backing != NULL ? mount_holding(pairs, backing) : NULL;
		gchar *block = dev_to_block(medium);
		if (block == NULL)
			block = dev_to_block(first_media_mount(pairs));
		if (block != NULL)
			return block;
	}
	return dev_to_block(root);
}

static DkvmUsbDevice *
find_usb(DkvmHostFacts *facts, const gchar *port_path)
{
	for (guint i = 0; i < facts->usb->len; i++) {
		DkvmUsbDevice *u = g_ptr_array_index(facts->usb, i);
		if (g_strcmp0(u->port_path, port_path) == 0)
			return u;
	}
	return NULL;
}

gboolean
dkvm_host_mark_block_carriers(DkvmHostFacts *facts, const gchar *block, const gchar *usb_reason,
                              const gchar *pci_reason)
{
	g_autoptr(DkvmUdev) ctx = udev_new();
	g_autoptr(DkvmUdevDevice) dev =
	        ctx != NULL ? udev_device_new_from_subsystem_sysname(ctx, "block", block) : NULL;
	struct udev_device *usb, *pci;
	DkvmPciDevice *controller = NULL;

	if (dev == NULL)
		return FALSE;
	usb = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
	pci = udev_device_get_parent_with_subsystem_devtype(dev, "pci", NULL);
	if (usb != NULL) {
		DkvmUsbDevice *stick = find_usb(facts, udev_device_get_sysname(usb));
		/* the first reason stays: the boot medium's is marked first */
		if (stick != NULL && !stick->host_needed) {
			g_autofree gchar *via =
			        g_strdup_printf("%s on the USB device %s", pci_reason,
			                        udev_device_get_sysname(usb));
			stick->host_needed = TRUE;
			stick->host_needed_reason = g_strdup(usb_reason);
			if (pci != NULL)
				controller = (DkvmPciDevice *)dkvm_host_facts_get_pci(
				        facts, udev_device_get_sysname(pci));
			if (controller != NULL && !controller->host_needed) {
				controller->host_needed = TRUE;
				controller->host_needed_reason = g_steal_pointer(&via);
			}
			return controller != NULL;
		}
	}
	if (pci != NULL)
		controller = (DkvmPciDevice *)dkvm_host_facts_get_pci(facts,
		                                                      udev_device_get_sysname(pci));
	if (controller == NULL)
		return FALSE;
	if (!controller->host_needed) {
		controller->host_needed = TRUE;
		controller->host_needed_reason = g_strdup(pci_reason);
	}
	return TRUE;
}

void
dkvm_host_mark_boot_device(DkvmHostFacts *facts)
{

	g_autofree gchar *mounts = NULL;
	g_autofree gchar *block = NULL;
	g_autoptr(DkvmUdev) ctx = NULL;
	g_autoptr(DkvmUdevDevice) dev = NULL;
	struct udev_device *usb, *pci;
	DkvmPciDevice *controller = NULL;
	g_autofree gchar *what = NULL;
	g_autofree gchar *mounts_path = dkvm_host_path("proc/mounts");

	g_file_get_contents(mounts_path, &mounts, NULL, NULL);
	block = dkvm_host_find_boot_block(facts->cmdline.raw, mounts);
	if (block == NULL) {
		dkvm_host_note(facts, "the boot medium was not found (no alpine_dev= option, "
		                      "/.modloop or block device at /): no device is marked as "
		                      "needed by the host");
		return;
	}
	ctx = udev_new();
	dev = ctx != NULL ? udev_device_new_from_subsystem_sysname(ctx, "block", block) : NULL;
	if (dev == NULL) {
		dkvm_host_note(facts,
		               "the boot medium %s is not in /sys/class/block: its "
		               "controller is not marked as needed by the host",
		               block);
		return;
	}
	usb = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
	pci = udev_device_get_parent_with_subsystem_devtype(dev, "pci", NULL);
	if (usb != NULL) {
		DkvmUsbDevice *stick = find_usb(facts, udev_device_get_sysname(usb));
		what = g_strdup_printf("the USB device %s", udev_device_get_sysname(usb));
		if (stick != NULL) {
			stick->host_needed = TRUE;
			g_free(stick->host_needed_reason);
			stick->host_needed_reason =
			        g_strdup_printf("DKVM boot medium (/dev/%s)", block);
		}
	}
	if (pci != NULL)
		controller = (DkvmPciDevice *)dkvm_host_facts_get_pci(facts,
		                                                      udev_device_get_sysname(pci));
	if (controller == NULL) {
		dkvm_host_note(facts, "the boot medium /dev/%s hangs off no known PCI device",
		               block);
		return;
	}
	controller->host_needed = TRUE;
	g_free(controller->host_needed_reason);
	controller->host_needed_reason =
	        what != NULL
	                ? g_strdup_printf("controller of the DKVM boot medium (/dev/%s on %s)",
	                                  block, what)
	                : g_strdup_printf("controller of the DKVM boot medium (/dev/%s)", block);
}
