/*
 * The config -> settings -> plan glue every frontend plans with: dkvm.conf's
 * host settings, the hypervisor libvirt reports, and the host's facts give
 * the plan for a spec. A menu plans a spec exactly as `dkvm plan` and
 * `dkvm vm create` do, without the CLI's options.
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "plan.h"
#include "spec.h"

G_BEGIN_DECLS

/* Where the hypervisor's facts come from. */
typedef enum {
	/* libvirt's domain capabilities; failing to ask is an error */
	DKVM_VM_HYPERVISOR_REQUIRED,
	/* libvirt's, else the host's facts alone, with a note in the plan */
	DKVM_VM_HYPERVISOR_OPTIONAL,
	/* none: a saved host (host JSON) is not the connection's host */
	DKVM_VM_HYPERVISOR_NONE,
} DkvmVmHypervisor;

/*
 * The plan for @spec on @host with dkvm.conf's host settings, for the
 * hypervisor chosen by @source. A note about where the hypervisor facts came
 * from, when they are not libvirt's, is the plan's first rationale line.
 */
DkvmPlan *dkvm_vm_plan(DkvmApp *app, const DkvmHostFacts *host, const DkvmSpec *spec,
                       DkvmVmHypervisor source, GError **error);

/* As dkvm_vm_plan, with @reserve (guint CPUs) as the host reserve when
 * dkvm.conf sets none (the original DKVM's HOSTCPU on import); NULL: the
 * planner's default rule. */
DkvmPlan *dkvm_vm_plan_with_reserve(DkvmApp *app, const DkvmHostFacts *host, const DkvmSpec *spec,
                                    DkvmVmHypervisor source, const GArray *reserve, GError **error);

G_END_DECLS
