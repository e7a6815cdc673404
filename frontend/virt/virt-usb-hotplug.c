/* USB devices attached live again (virt-usb-hotplug.h). */
#include "virt-usb-hotplug.h"

#include <libxml/tree.h>

#include "dkvm-error.h"
#include "domain-tree.h"
#include "domain-xml-read.h"
#include "string-order.h"
#include "virt-connection.h"
#include "virt-domain.h"

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

GPtrArray *
dkvm_virt_usb_owners(virConnectPtr conn, guint16 vendor_id, guint16 product_id, GError **error)
{
	g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *id = g_strdup_printf("%04x:%04x", vendor_id, product_id);
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
			g_ptr_array_add(owners, g_strdup(virDomainGetName(doms[i])));
		virDomainFree(doms[i]);
	}
	free(doms);
	g_ptr_array_sort(owners, dkvm_compare_strings);
	return g_steal_pointer(&owners);
}

gboolean
dkvm_virt_usb_attach_live(virConnectPtr conn, const gchar *name, guint16 vendor_id,
                          guint16 product_id, GError **error)
{
	g_autoptr(virDomain) dom = dkvm_virt_domain_lookup(conn, name, error);
	g_autofree gchar *xml = hostdev_xml(vendor_id, product_id);

	if (dom == NULL)
		return FALSE;
	if (virDomainDetachDeviceFlags(dom, xml, VIR_DOMAIN_AFFECT_LIVE) < 0)
		virResetLastError();
	if (virDomainAttachDeviceFlags(dom, xml, VIR_DOMAIN_AFFECT_LIVE) < 0) {
		g_autofree gchar *what = g_strdup_printf("cannot attach it to VM '%s'", name);
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, what);
		return FALSE;
	}
	return TRUE;
}
