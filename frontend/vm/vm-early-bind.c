/*
 * Early binding (vm-early-bind.h): the files of libvirt's config folder
 * (domains/early-bind says which devices), the binding itself
 * (frontend/system/vfio-bind).
 */
#include "vm-early-bind.h"

#include "dkvm-error.h"
#include "early-bind.h"
#include "vfio-bind.h"
#include "vm-domain-files.h"

void
dkvm_early_bind_result_free(DkvmEarlyBindResult *self)
{
	if (self == NULL)
		return;
	g_free(self->address);
	g_free(self->vms);
	g_free(self->previous);
	g_clear_error(&self->error);
	g_free(self);
}

/* "VM 'win11'" or "VMs 'win11', 'linux'": the marked VMs passing @address. */
static gchar *
vms_naming(const GPtrArray *vms, const gchar *address)
{
	g_autoptr(GString) names = g_string_new(NULL);
	guint count = 0;

	for (guint i = 0; i < vms->len; i++) {
		const DkvmEarlyBindVm *vm = g_ptr_array_index(vms, i);
		if (vm->marked &&
		    g_ptr_array_find_with_equal_func(vm->addresses, address, g_str_equal, NULL)) {
			g_string_append_printf(names, "%s'%s'", count > 0 ? ", " : "", vm->name);
			count++;
		}
	}
	g_string_prepend(names, count > 1 ? "VMs " : "VM ");
	return g_string_free(g_steal_pointer(&names), FALSE);
}

gboolean
dkvm_vm_early_bind(const gchar *xml_dir, gboolean dry_run, GPtrArray **out_results,
                   GPtrArray **out_skipped, GError **error)
{
	g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) files = dkvm_vm_domain_files(xml_dir, skipped, error);
	g_autoptr(GPtrArray) vms =
	        g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_early_bind_vm_free);
	g_autoptr(GPtrArray) results =
	        g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_early_bind_result_free);
	g_autoptr(GPtrArray) addresses = NULL;

	if (files == NULL)
		return FALSE;
	for (guint i = 0; i < files->len; i++) {
		const DkvmDomainFile *file = g_ptr_array_index(files, i);
		g_autoptr(GError) local = NULL;
		DkvmEarlyBindVm *vm = dkvm_early_bind_read(file->xml, &local);

		if (vm == NULL) {
			g_ptr_array_add(skipped,
			                g_strdup_printf("%s: %s", file->path, local->message));
			continue;
		}
		g_ptr_array_add(vms, vm);
	}
	addresses = dkvm_early_bind_addresses(vms);
	for (guint i = 0; i < addresses->len; i++) {
		const gchar *address = g_ptr_array_index(addresses, i);
		DkvmEarlyBindResult *result = g_new0(DkvmEarlyBindResult, 1);
		g_autoptr(DkvmVfioBinding) binding =
		        dkvm_vfio_bind(address, dry_run, &result->error);

		result->address = g_strdup(address);
		result->vms = vms_naming(vms, address);
		if (binding != NULL) {
			result->previous = g_strdup(binding->previous_driver);
			result->changed = binding->changed;
		}
		g_ptr_array_add(results, result);
	}
	*out_results = g_steal_pointer(&results);
	*out_skipped = g_steal_pointer(&skipped);
	return TRUE;
}
