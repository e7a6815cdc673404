/*
 * Reading VMs for a frontend (see vm-list.h): the lookups go through the
 * app's connection, the records and their JSON are frontend/virt's.
 */
#include "vm-list.h"

#include "virt-domain.h"
#include "vm-common.h"

GPtrArray *
dkvm_vm_list(DkvmApp *app, GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);

	if (conn == NULL)
		return NULL;
	return dkvm_virt_list(conn, error);
}

void
dkvm_vm_details_free(DkvmVmDetails *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->summary, dkvm_vm_summary_free);
	g_clear_pointer(&self->domain, dkvm_domain_xml_free);
	g_free(self);
}

DkvmVmDetails *
dkvm_vm_show(DkvmApp *app, const gchar *name, GError **error)
{
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, error);
	g_autoptr(DkvmVmDetails) details = NULL;
	g_autofree gchar *xml = NULL;

	if (dom == NULL)
		return NULL;
	details = g_new0(DkvmVmDetails, 1);
	details->summary = dkvm_virt_summary(dom, error);
	if (details->summary == NULL)
		return NULL;
	xml = dkvm_virt_domain_get_xml(dom, error);
	if (xml == NULL)
		return NULL;
	details->domain = dkvm_domain_xml_parse(xml, error);
	if (details->domain == NULL) {
		g_prefix_error(error, "VM '%s': ", details->summary->name);
		return NULL;
	}
	return g_steal_pointer(&details);
}

gchar *
dkvm_vm_get_xml(DkvmApp *app, const gchar *name, GError **error)
{
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, error);

	if (dom == NULL)
		return NULL;
	return dkvm_virt_domain_get_xml(dom, error);
}

const gchar *
dkvm_vm_state_name(gint state)
{
	return dkvm_virt_state_to_string(state);
}

gchar *
dkvm_vm_list_to_json(GPtrArray *vms, const gchar *default_vm)
{
	return dkvm_virt_list_to_json(vms, default_vm);
}

gchar *
dkvm_vm_details_to_json(const DkvmVmDetails *details, const gchar *default_vm)
{
	return dkvm_virt_show_to_json(details->summary, details->domain, default_vm);
}
