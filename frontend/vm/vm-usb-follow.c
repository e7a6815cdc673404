/*
 * The USB follower (vm-usb-follow.h): a plugged device is looked up in
 * sysfs by its port (vendor:product and name), the running VMs' live
 * definitions are asked who passes it through, and the one owner gets it
 * attached live (frontend/virt/virt-usb-hotplug.c).
 */
#include "vm-usb-follow.h"

#include "dkvm-error.h"
#include "host-facts.h"
#include "host-monitor.h"
#include "host-usb.h"
#include "virt-usb-hotplug.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmUsbDevice, dkvm_usb_device_free)

struct _DkvmVmUsbFollower {
	DkvmApp *app;
	DkvmVmUsbFollowLog log;
	gpointer user_data;
	DkvmUsbMonitor *monitor;
};

static void say(DkvmVmUsbFollower *self, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

static void
say(DkvmVmUsbFollower *self, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *line = NULL;

	va_start(args, format);
	line = g_strdup_vprintf(format, args);
	va_end(args);
	self->log(line, self->user_data);
}

/* The plugged device at @port_path, read from sysfs; NULL when it is gone. */
static DkvmUsbDevice *
plugged_device(const gchar *port_path)
{
	g_autoptr(DkvmHostFacts) facts = dkvm_host_facts_new();

	dkvm_host_read_usb(facts);
	for (guint i = 0; i < facts->usb->len; i++) {
		DkvmUsbDevice *u = g_ptr_array_index(facts->usb, i);
		if (g_strcmp0(u->port_path, port_path) == 0)
			return g_ptr_array_steal_index(facts->usb, i);
	}
	return NULL;
}

/* 'a' and 'b': @names are sorted already */
static gchar *
join_names(GPtrArray *names)
{
	g_autoptr(GString) joined = g_string_new(NULL);

	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(joined, "%s'%s'", i == 0 ? "" : " and ",
		                       (const gchar *)names->pdata[i]);
	return g_string_free(g_steal_pointer(&joined), FALSE);
}

static void
on_usb_event(const gchar *action, const gchar *port_path, gpointer user_data)
{
	DkvmVmUsbFollower *self = user_data;
	g_autoptr(DkvmUsbDevice) device = NULL;
	g_autoptr(GPtrArray) owners = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *what = NULL;
	virConnectPtr conn;

	if (g_strcmp0(action, "add") != 0)
		return;
	device = plugged_device(port_path);
	if (device == NULL)
		return;
	id = g_strdup_printf("%04x:%04x", device->vendor_id, device->product_id);
	what = g_strdup_printf("%s%s%s at port %s", id, device->product_name != NULL ? " " : "",
	                       device->product_name != NULL ? device->product_name : "", port_path);
	conn = dkvm_app_get_connection(self->app, &error);
	if (conn != NULL)
		owners = dkvm_virt_usb_owners(conn, device->vendor_id, device->product_id, &error);
	if (owners == NULL) {
		say(self, "USB device %s plugged in: %s", what, error->message);
		return;
	}
	if (owners->len == 0)
		return;
	if (owners->len > 1) {
		g_autofree gchar *names = join_names(owners);
		say(self,
		    "USB device %s plugged in: running VMs %s both pass it through; attached to "
		    "neither (a device goes to one VM)",
		    what, names);
		return;
	}
	if (!dkvm_virt_usb_attach_live(conn, owners->pdata[0], device->vendor_id,
	                               device->product_id, &error)) {
		say(self, "USB device %s plugged in: %s", what, error->message);
		return;
	}
	say(self, "USB device %s plugged in: attached to VM '%s'", what,
	    (const gchar *)owners->pdata[0]);
}

DkvmVmUsbFollower *
dkvm_vm_usb_follower_new(DkvmApp *app, DkvmVmUsbFollowLog log, gpointer user_data, GError **error)
{
	g_autoptr(DkvmVmUsbFollower) self = g_new0(DkvmVmUsbFollower, 1);

	self->app = app;
	self->log = log;
	self->user_data = user_data;
	/* the connection first: a follower that cannot reach libvirt says so now */
	if (dkvm_app_get_connection(app, error) == NULL)
		return NULL;
	self->monitor = dkvm_usb_monitor_new(on_usb_event, self, error);
	if (self->monitor == NULL)
		return NULL;
	return g_steal_pointer(&self);
}

void
dkvm_vm_usb_follower_free(DkvmVmUsbFollower *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->monitor, dkvm_usb_monitor_free);
	g_free(self);
}
