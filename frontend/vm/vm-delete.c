/*
 * Delete a VM (see vm-delete.h) over frontend/virt's undefine.
 */
#include "vm-delete.h"

#include "vm-common.h"
#include "virt-domain.h"

void
dkvm_vm_delete_result_free(DkvmVmDeleteResult *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_clear_pointer(&self->removed, g_ptr_array_unref);
	g_clear_pointer(&self->kept, g_ptr_array_unref);
	g_clear_pointer(&self->notes, g_ptr_array_unref);
	g_clear_error(&self->not_saved);
	g_free(self);
}

DkvmVmDeleteResult *
dkvm_vm_delete(DkvmApp *app, const gchar *name, gboolean remove_storage, GError **error)
{
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, error);
	g_autoptr(DkvmVirtUndefineReport) report = NULL;
	DkvmVmDeleteResult *result;
	g_autofree gchar *own_name = NULL;

	if (dom == NULL)
		return NULL;
	own_name = g_strdup(virDomainGetName(dom));
	report = dkvm_virt_domain_undefine(dkvm_app_get_connection(app, NULL), dom, remove_storage,
	                                   error);
	if (report == NULL)
		return NULL;
	result = g_new0(DkvmVmDeleteResult, 1);
	result->name = g_steal_pointer(&own_name);
	result->removed = g_steal_pointer(&report->removed);
	result->kept = g_steal_pointer(&report->kept);
	result->notes = g_steal_pointer(&report->notes);
	dkvm_vm_persist(app, &result->not_saved);
	return result;
}
