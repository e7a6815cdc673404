/*
 * Planning a spec for a frontend (see vm-plan.h). The hypervisor is asked
 * through DkvmApp's hook, or else dkvm_vm_get_hypervisor(): in the dkvm
 * binary its stub, which loads the libvirt module only when a plan asks
 * libvirt, so that `dkvm plan` in the binary never links libvirt.
 */
#include "vm-plan.h"

#include <string.h>

#include "vm-common.h"

/*
 * The hypervisor to plan for. For DKVM_VM_HYPERVISOR_OPTIONAL a libvirt
 * that cannot be asked is not an error: *note then says why the plan comes
 * from the host's facts.
 */
static gboolean
get_hypervisor(DkvmApp *app, DkvmVmHypervisor source, DkvmAccelerator accelerator,
               DkvmHypervisor **out, gchar **note, GError **error)
{
	g_autoptr(GError) local_error = NULL;
	DkvmAppHypervisorFunc get = app->get_hypervisor;

	*out = NULL;
	*note = NULL;
	if (source == DKVM_VM_HYPERVISOR_NONE)
		return TRUE;
	/* in the dkvm binary, the stub that loads the libvirt module (vm-api.h) */
	if (get == NULL)
		get = dkvm_vm_get_hypervisor;
	if (get(app, accelerator, out, &local_error)) {
		if (*out == NULL)
			*note = g_strdup("libvirt reports no domain capabilities for this "
			                 "connection: planned from this host's facts (/dev/kvm) "
			                 "and DKVM's defaults");
		return TRUE;
	}
	if (source != DKVM_VM_HYPERVISOR_OPTIONAL) {
		g_propagate_error(error, g_steal_pointer(&local_error));
		return FALSE;
	}
	*note = g_strdup_printf("planned from this host's facts (/dev/kvm), not from libvirt's "
	                        "capabilities: %s",
	                        local_error->message);
	return TRUE;
}

DkvmPlan *
dkvm_vm_plan(DkvmApp *app, const DkvmHostFacts *host, const DkvmSpec *spec, DkvmVmHypervisor source,
             GError **error)
{
	return dkvm_vm_plan_with_reserve(app, host, spec, source, NULL, error);
}

DkvmPlan *
dkvm_vm_plan_with_reserve(DkvmApp *app, const DkvmHostFacts *host, const DkvmSpec *spec,
                          DkvmVmHypervisor source, const GArray *reserve, GError **error)
{
	g_autoptr(DkvmHostSettings) settings = NULL;
	g_autoptr(DkvmHypervisor) hv = NULL;
	g_autofree gchar *note = NULL;
	DkvmPlan *plan;

	settings = dkvm_app_get_host_settings(app, error);
	if (settings == NULL)
		return NULL;
	if (settings->host_reserve == NULL && reserve != NULL) {
		settings->host_reserve = g_array_copy((GArray *)reserve);
		settings->host_reserve_source = "the original DKVM's cpuTopology (HOSTCPU)";
	}
	if (!get_hypervisor(app, source, settings->accelerator, &hv, &note, error))
		return NULL;
	plan = dkvm_plan_new(host, hv, spec, settings, error);
	if (plan != NULL && note != NULL) {
		/* only the first line: a hint is for the command that failed */
		g_autofree gchar *first = g_strndup(note, strcspn(note, "\n"));
		g_ptr_array_insert(plan->rationale, 0, g_steal_pointer(&first));
	}
	return plan;
}
