/*
 * USB devices through libudev, which is what sees the same tree whether it is
 * the kernel's or a umockdev testbed. The port path (the kernel's device name,
 * "1-4.2") is the identity: it stays the same across replugs, unlike the
 * device number. Names come from the device's own strings (sysfs
 * manufacturer/product), else from udev's hardware database when present.
 */
#include "host-usb.h"

#include <string.h>

#include "host-sysfs.h"
#include "host-udev.h"

gint
dkvm_usb_port_path_compare(const gchar *a, const gchar *b)
{
	const gchar *pa = a, *pb = b;

	/* compare number by number ("1-10.1" -> 1, 10, 1), then by length */
	while (*pa != '\0' && *pb != '\0') {
		if (g_ascii_isdigit(*pa) && g_ascii_isdigit(*pb)) {
			gchar *ea = NULL, *eb = NULL;
			guint64 na = g_ascii_strtoull(pa, &ea, 10);
			guint64 nb = g_ascii_strtoull(pb, &eb, 10);
			if (na != nb)
				return na < nb ? -1 : 1;
			pa = ea;
			pb = eb;
			continue;
		}
		if (*pa != *pb)
			return *pa < *pb ? -1 : 1;
		pa++;
		pb++;
	}
	return (*pa != '\0') - (*pb != '\0');
}

static gint
compare_usb(gconstpointer a, gconstpointer b)
{
	const DkvmUsbDevice *ua = *(DkvmUsbDevice *const *)a;
	const DkvmUsbDevice *ub = *(DkvmUsbDevice *const *)b;
	return dkvm_usb_port_path_compare(ua->port_path, ub->port_path);
}

static guint16
attr_hex(struct udev_device *dev, const gchar *name)
{
	const gchar *v = udev_device_get_sysattr_value(dev, name);
	return v != NULL ? (guint16)g_ascii_strtoull(v, NULL, 16) : 0;
}

static guint
attr_uint(struct udev_device *dev, const gchar *name)
{
	const gchar *v = udev_device_get_sysattr_value(dev, name);
	return v != NULL ? (guint)g_ascii_strtoull(v, NULL, 10) : 0;
}

static gchar *
attr_str(struct udev_device *dev, const gchar *name)
{
	const gchar *v = udev_device_get_sysattr_value(dev, name);
	g_autofree gchar *s = NULL;

	if (v == NULL)
		return NULL;
	s = g_strstrip(g_strdup(v));
	return *s != '\0' ? g_steal_pointer(&s) : NULL;
}

/* ID_VENDOR_FROM_DATABASE / ID_MODEL_FROM_DATABASE for these ids, NULL when unknown. */
static gchar *
hwdb_lookup(struct udev *ctx, struct udev_hwdb **hwdb, guint16 vendor, guint16 product,
            const gchar *key)
{
	g_autofree gchar *modalias = NULL;
	struct udev_list_entry *entry;

	/* opened on first need: most devices name themselves */
	if (*hwdb == NULL)
		*hwdb = udev_hwdb_new(ctx);
	if (*hwdb == NULL)
		return NULL;
	/* a device's modalias matches both the vendor and the product entries */
	modalias = g_strdup_printf("usb:v%04Xp%04X", vendor, product);
	udev_list_entry_foreach(entry, udev_hwdb_get_properties_list_entry(*hwdb, modalias, 0))
	{
		if (g_strcmp0(udev_list_entry_get_name(entry), key) == 0)
			return g_strdup(udev_list_entry_get_value(entry));
	}
	return NULL;
}

static DkvmUsbDevice *
read_device(struct udev *ctx, struct udev_device *dev, struct udev_hwdb **hwdb)
{
	const gchar *speed = udev_device_get_sysattr_value(dev, "speed");
	struct udev_device *parent;
	DkvmUsbDevice *u = dkvm_usb_device_new(udev_device_get_sysname(dev));

	u->busnum = attr_uint(dev, "busnum");
	u->devnum = attr_uint(dev, "devnum");
	u->vendor_id = attr_hex(dev, "idVendor");
	u->product_id = attr_hex(dev, "idProduct");
	u->vendor_name = attr_str(dev, "manufacturer");
	u->product_name = attr_str(dev, "product");
	if (u->vendor_name == NULL)
		u->vendor_name = hwdb_lookup(ctx, hwdb, u->vendor_id, u->product_id,
		                             "ID_VENDOR_FROM_DATABASE");
	if (u->product_name == NULL)
		u->product_name = hwdb_lookup(ctx, hwdb, u->vendor_id, u->product_id,
		                              "ID_MODEL_FROM_DATABASE");
	u->serial = attr_str(dev, "serial");
	/* "1.5" (low speed) is reported as 1 */
	u->speed_mbps = speed != NULL ? (guint)g_ascii_strtod(speed, NULL) : 0;
	u->is_hub = attr_hex(dev, "bDeviceClass") == 0x09;
	parent = udev_device_get_parent_with_subsystem_devtype(dev, "pci", NULL);
	if (parent != NULL)
		u->controller = g_strdup(udev_device_get_sysname(parent));
	return u;
}

void
dkvm_host_read_usb(DkvmHostFacts *facts)
{
	g_autoptr(DkvmUdev) ctx = udev_new();
	g_autoptr(DkvmUdevEnumerate) en = NULL;
	g_autoptr(DkvmUdevHwdb) hwdb = NULL;
	struct udev_list_entry *entry;

	if (ctx == NULL) {
		dkvm_host_note(facts, "libudev is unavailable: USB devices are unknown");
		return;
	}
	en = udev_enumerate_new(ctx);
	udev_enumerate_add_match_subsystem(en, "usb");
	if (udev_enumerate_scan_devices(en) < 0) {
		dkvm_host_note(facts, "libudev cannot list USB devices: USB devices are unknown");
		return;
	}
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en))
	{
		g_autoptr(DkvmUdevDevice) dev =
		        udev_device_new_from_syspath(ctx, udev_list_entry_get_name(entry));
		const gchar *sysname;

		if (dev == NULL)
			continue;
		sysname = udev_device_get_sysname(dev);
		/* interfaces ("1-4:1.0") and root hubs ("usb1") are not devices to pass */
		if (sysname == NULL || strchr(sysname, ':') != NULL ||
		    g_str_has_prefix(sysname, "usb") ||
		    udev_device_get_sysattr_value(dev, "idVendor") == NULL)
			continue;
		g_ptr_array_add(facts->usb, read_device(ctx, dev, &hwdb));
	}
	g_ptr_array_sort(facts->usb, compare_usb);
}
