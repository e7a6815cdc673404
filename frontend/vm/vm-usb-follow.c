/*
 * The USB follower (vm-usb-follow.h): a plugged device is looked up in
 * sysfs by its port (vendor:product and name), the running VMs' live
 * definitions are asked who passes it through, and the one owner gets it
 * attached live: first the stale <hostdev> of the device that went away is
 * detached (libvirt keeps it in the live definition), then the device is
 * attached by vendor:product, as DKVM defines it.
 */
#include "vm-usb-follow.h"

#include <libxml/tree.h>

#include "dkvm-error.h"
#include "domain-tree.h"
#include "domain-xml-read.h"
#include "host-facts.h"
#include "host-monitor.h"
#include "host-usb.h"
#include "virt-connection.h"
#include "virt-domain.h"

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

/* The <hostdev> DKVM defines for a USB device: by vendor and product. */
static gchar *
hostdev_xml(guint16 vendor_id, guint16 product_id)
{
	g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr hostdev = xmlNewNode(NULL, BAD_CAST "hostdev");
	xmlNodePtr source;
	g_autofree gchar *vendor = g_strdup_printf("0x%04x", vendor_id);
	g_autofree gchar *product = g_strdup_printf("0x%04x", product_id);
	xmlBufferPtr buf = xmlBufferCreate();
	gchar *out;

	xmlDocSetRootElement(doc, hostdev);
	xmlNewProp(hostdev, BAD_CAST "mode", BAD_CAST "subsystem");
	xmlNewProp(hostdev, BAD_CAST "type", BAD_CAST "usb");
	xmlNewProp(hostdev, BAD_CAST "managed", BAD_CAST "yes");
	source = xmlNewChild(hostdev, NULL, BAD_CAST "source", NULL);
	xmlNewProp(xmlNewChild(source, NULL, BAD_CAST "vendor", NULL), BAD_CAST "id",
	           BAD_CAST vendor);
	xmlNewProp(xmlNewChild(source, NULL, BAD_CAST "product", NULL), BAD_CAST "id",
	           BAD_CAST product);
	xmlNodeDump(buf, doc, hostdev, 0, 0);
	out = g_strdup((const gchar *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return out;
}

static void
domain_unref(gpointer dom)
{
	virDomainFree(dom);
}

/* The running VMs whose live definition passes @id ("046d:c52b") through. */
static GPtrArray *
owners_of(virConnectPtr conn, const gchar *id, GError **error)
{
	g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func(domain_unref);
	virDomainPtr *doms = NULL;
	gint n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);

	if (n < 0) {
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, "cannot list the running VMs");
		return NULL;
	}
	for (gint i = 0; i < n; i++) {
		g_autofree gchar *xml = virDomainGetXMLDesc(doms[i], 0);
		g_autoptr(DkvmDomainXml) parsed =
		        xml != NULL ? dkvm_domain_xml_parse(xml, NULL) : NULL;
		gboolean owns = FALSE;

		for (guint d = 0; parsed != NULL && d < parsed->usb_hostdevs->len; d++)
			owns = owns || g_ascii_strcasecmp(parsed->usb_hostdevs->pdata[d], id) == 0;
		if (owns)
			g_ptr_array_add(owners, doms[i]);
		else
			virDomainFree(doms[i]);
	}
	free(doms);
	return g_steal_pointer(&owners);
}

static gint
compare_domain_names(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(virDomainGetName(*(virDomainPtr const *)a),
	                 virDomainGetName(*(virDomainPtr const *)b));
}

/* 'a' and 'b', by name: the same line whatever order libvirt lists them in */
static gchar *
names_of(GPtrArray *doms)
{
	g_autoptr(GString) names = g_string_new(NULL);

	g_ptr_array_sort(doms, compare_domain_names);
	for (guint i = 0; i < doms->len; i++)
		g_string_append_printf(names, "%s'%s'", i == 0 ? "" : " and ",
		                       virDomainGetName(doms->pdata[i]));
	return g_string_free(g_steal_pointer(&names), FALSE);
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
	g_autofree gchar *xml = NULL;
	virConnectPtr conn;
	virDomainPtr dom;
	const guint live = VIR_DOMAIN_AFFECT_LIVE;

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
		owners = owners_of(conn, id, &error);
	if (owners == NULL) {
		say(self, "USB device %s plugged in: %s", what, error->message);
		return;
	}
	if (owners->len == 0)
		return;
	if (owners->len > 1) {
		g_autofree gchar *names = names_of(owners);
		say(self,
		    "USB device %s plugged in: running VMs %s both pass it through; attached to "
		    "neither (a device goes to one VM)",
		    what, names);
		return;
	}
	dom = owners->pdata[0];
	xml = hostdev_xml(device->vendor_id, device->product_id);
	/* the entry of the device that went away stays in the live definition;
	 * without it gone first, libvirt refuses the attach as a duplicate */
	if (virDomainDetachDeviceFlags(dom, xml, live) < 0)
		virResetLastError();
	if (virDomainAttachDeviceFlags(dom, xml, live) < 0) {
		g_autoptr(virError) err = dkvm_virt_save_error();
		g_autofree gchar *reason = dkvm_virt_error_reason(err);
		say(self, "USB device %s plugged in: cannot attach it to VM '%s': %s", what,
		    virDomainGetName(dom), reason);
		return;
	}
	say(self, "USB device %s plugged in: attached to VM '%s'", what, virDomainGetName(dom));
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
