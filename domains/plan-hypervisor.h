/*
 * The hypervisor part of the plan (plan-hypervisor.c), called by
 * dkvm_plan_new() only. Private to domains/.
 */
#pragma once

#include "plan.h"

G_BEGIN_DECLS

/* Fills plan->kvm, cpu_mode, hyperv, hyperv_vendor_id, hypervclock,
 * tpm_model, from_capabilities and adds to plan->rationale and
 * plan->warnings. @hv and @settings may be NULL. */
gboolean dkvm_plan_hypervisor(DkvmPlan *plan, const DkvmHostFacts *host, const DkvmHypervisor *hv,
                              const DkvmSpec *spec, const DkvmHostSettings *settings,
                              GError **error);

/* DKVM_ERROR_INVALID when @spec has more vCPUs than the machine type holds:
 * @hv's <vcpu max> when reported, else DKVM_Q35_MAX_VCPUS. */
gboolean dkvm_plan_check_max_vcpus(const DkvmHypervisor *hv, const DkvmSpec *spec, GError **error);

G_END_DECLS
