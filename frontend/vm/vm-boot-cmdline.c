/*
 * See vm-boot-cmdline.h.
 */
#include "vm-boot-cmdline.h"

#include "dkvm-error.h"
#include "host-cpu.h"
#include "hugepage-boot.h"
#include "spec.h"
#include "vm-api.h"

DkvmBootChange *
dkvm_vm_boot_change_new(DkvmApp *app)
{
	g_autoptr(DkvmHostFacts) facts = dkvm_host_facts_new();

	(void)app;
	/* the vendor only: /proc/cpuinfo, not the whole host's discovery; an
	 * unknown vendor gives both vendors' options, which is safe */
	if (!dkvm_host_read_cpus(facts, NULL))
		return dkvm_boot_change_new(NULL);
	return dkvm_boot_change_new(facts->cpu_vendor);
}

gboolean
dkvm_vm_boot_hugepage_options(DkvmApp *app, gchar **out, GError **error)
{
	g_autoptr(GPtrArray) list = dkvm_vm_list(app, error);
	g_autoptr(GPtrArray) details = NULL;
	g_autoptr(GPtrArray) domains = g_ptr_array_new();

	*out = NULL;
	if (list == NULL)
		return FALSE;
	details = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_vm_details_free);
	for (guint i = 0; i < list->len; i++) {
		const DkvmVmSummary *summary = g_ptr_array_index(list, i);
		g_autoptr(GError) show_error = NULL;
		DkvmVmDetails *vm = dkvm_vm_show(app, summary->name, &show_error);
		if (vm == NULL) {
			/* deleted since the list */
			if (g_error_matches(show_error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND))
				continue;
			g_propagate_error(error, g_steal_pointer(&show_error));
			return FALSE;
		}
		g_ptr_array_add(details, vm);
		g_ptr_array_add(domains, vm->domain);
	}
	*out = dkvm_hugepage_boot_options(domains);
	return TRUE;
}

gboolean
dkvm_vm_boot_isolate_cpus(DkvmApp *app, const gchar *name, gchar **out, GError **error)
{
	g_autoptr(DkvmVmDetails) vm = dkvm_vm_show(app, name, error);

	*out = NULL;
	if (vm == NULL)
		return FALSE;
	if (vm->domain->vcpu_pins == NULL || vm->domain->vcpu_pins->len == 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "%s's vCPUs are not pinned: there are no CPUs to isolate for it",
		            vm->summary->name);
		return FALSE;
	}
	*out = dkvm_format_cpu_list(vm->domain->vcpu_pins);
	return TRUE;
}

static void
set_boot_hugepages(DkvmConfig *config, gpointer on)
{
	config->boot_hugepages = GPOINTER_TO_INT(on);
}

gboolean
dkvm_vm_boot_set_hugepages_key(DkvmApp *app, gboolean on, GError **error)
{
	const DkvmConfig *config = dkvm_app_get_config(app, error);

	if (config == NULL)
		return FALSE;
	if (config->boot_hugepages == on)
		return TRUE;
	if (!dkvm_app_change_config(app, set_boot_hugepages, GINT_TO_POINTER(on), error))
		return FALSE;
	return dkvm_vm_persist(app, error);
}
