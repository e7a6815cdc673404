/*
 * The host's CPU topology drawn as text: packages, L3 groups, cores with
 * their SMT threads, P-/E-cores and NUMA nodes, each thread marked with who
 * has it (the host's reserve, a VM's pinned vCPUs, nobody). The menu's CPU
 * screen shows it; pure (facts in, text out), so its goldens run on every
 * fixture host.
 */
#pragma once

#include <glib.h>

#include "host-facts.h"

G_BEGIN_DECLS

/* One VM on the map. */
typedef struct {
	const gchar *name;
	const gchar *state;          /* "running", "shut off"; NULL: not shown */
	const GArray *vcpu_pins;     /* guint: host CPUs its vCPUs are pinned to; empty or
	                              * NULL: not pinned (it floats, so it is not on the map) */
	const GArray *emulator_pins; /* guint or NULL: listed under the map */
} DkvmCpuMapVm;

/*
 * The map of @host in lines of at most @width columns (at least 40; the
 * menu gives 76). @reserve (guint, sorted) is what the host keeps, marked
 * H; @reserve_origin says where it comes from ("auto", "from dkvm.conf");
 * @vms (DkvmCpuMapVm*) are marked a, b, c... in their order, VMs without
 * pins only listed. A thread two of them claim is marked '*' (a VM on the
 * host's reserve, two VMs on one CPU), a free one '.'.
 */
gchar *dkvm_cpu_map_text(const DkvmHostFacts *host, const GArray *reserve,
                         const gchar *reserve_origin, const GPtrArray *vms, guint width);

G_END_DECLS
