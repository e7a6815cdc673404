/* The CPU pinning planner. Property tests: on every host JSON the tests know
 * and for every vCPU count from 1 to the host's maximum, every rule holds,
 * checked against the host facts rather than the planner's own notes; one
 * more vCPU is the exact error. Targeted tests: the exact pins on each
 * modelled host, the warnings and the refusals, word for word. */
#include <string.h>

#include "test-plan-common.h"

/* The default reserve, computed from the facts: the siblings of CPU 0, and,
 * when the host has more than 8 cores, the siblings of the lowest CPU outside
 * them, which on a hybrid host (P- and E-cores) is the lowest E-core. */
static GArray *
expected_default_reserve(const DkvmHostFacts *host)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(guint));
	const DkvmHostCpu *c0 = dkvm_host_facts_get_cpu(host, 0);

	g_assert_nonnull(c0);
	g_array_append_vals(out, c0->siblings->data, c0->siblings->len);
	if (c0->siblings->len == 0) /* a partial report: the CPU alone is its core */
		g_array_append_val(out, c0->cpu);
	if (dkvm_host_facts_count_cores(host) > 8) {
		gboolean has_p = FALSE, has_e = FALSE;
		for (guint i = 0; i < host->cpus->len; i++) {
			const DkvmHostCpu *c = g_ptr_array_index(host->cpus, i);
			has_p |= c->type == DKVM_CPU_TYPE_PERFORMANCE;
			has_e |= c->type == DKVM_CPU_TYPE_EFFICIENCY;
		}
		for (guint i = 0; i < host->cpus->len; i++) {
			const DkvmHostCpu *c = g_ptr_array_index(host->cpus, i);
			gboolean in = FALSE;
			for (guint j = 0; j < out->len; j++)
				in |= plan_test_uint(out, j) == c->cpu;
			if (has_p && has_e && c->type != DKVM_CPU_TYPE_EFFICIENCY)
				continue;
			if (!in) {
				g_array_append_vals(out, c->siblings->data, c->siblings->len);
				if (c->siblings->len == 0)
					g_array_append_val(out, c->cpu);
				break;
			}
		}
	}
	return out;
}

static gint
uint_cmp(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;
	return x < y ? -1 : x > y;
}

static gboolean
contains(const GArray *arr, guint v)
{
	for (guint i = 0; i < arr->len; i++) {
		if (plan_test_uint(arr, i) == v)
			return TRUE;
	}
	return FALSE;
}

static gboolean
are_siblings(const DkvmHostFacts *host, guint a, guint b)
{
	const DkvmHostCpu *c = dkvm_host_facts_get_cpu(host, a);
	return a != b && contains(c->siblings, b);
}

static gboolean
host_has_l3(const DkvmHostFacts *host)
{
	for (guint i = 0; i < host->cpus->len; i++) {
		if (((DkvmHostCpu *)g_ptr_array_index(host->cpus, i))->l3 >= 0)
			return host->l3_groups->len > 0;
	}
	return FALSE;
}

/* free CPUs of an L3 group: its CPUs outside the reserve */
static guint
group_capacity(const DkvmL3Group *g, const GArray *reserve)
{
	guint n = 0;
	for (guint i = 0; i < g->cpus->len; i++)
		n += !contains(reserve, plan_test_uint(g->cpus, i));
	return n;
}

/* free CPUs of the largest L3 group on @node */
static guint
group_free_on_node(const DkvmHostFacts *host, const GArray *reserve, gint node)
{
	guint best = 0;
	for (guint i = 0; i < host->l3_groups->len; i++) {
		const DkvmL3Group *g = g_ptr_array_index(host->l3_groups, i);
		const DkvmHostCpu *c = dkvm_host_facts_get_cpu(host, plan_test_uint(g->cpus, 0));
		if (c->node == node)
			best = MAX(best, group_capacity(g, reserve));
	}
	return best;
}

static void
check_plan(const gchar *path, const DkvmHostFacts *host, const DkvmCpuPlan *plan, guint vcpus)
{
	g_autoptr(GArray) guest = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(GArray) hint = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *hint_list = NULL;
	const gchar *sp;
	gboolean seen_e = FALSE;

	g_assert_cmpuint(plan->vcpu_pins->len, ==, vcpus);
	g_assert_cmpuint(plan->sockets * plan->dies * plan->cores * plan->threads, ==, vcpus);
	for (guint i = 0; i < vcpus; i++) {
		guint cpu = plan_test_uint(plan->vcpu_pins, i);
		const DkvmHostCpu *c = dkvm_host_facts_get_cpu(host, cpu);

		g_assert_nonnull(c);                               /* an online CPU */
		g_assert_false(contains(guest, cpu));              /* distinct */
		g_assert_false(contains(plan->host_reserve, cpu)); /* not in the reserve */
		g_array_append_val(guest, cpu);
		/* P-cores before E-cores */
		if (c->type == DKVM_CPU_TYPE_EFFICIENCY)
			seen_e = TRUE;
		else if (c->type == DKVM_CPU_TYPE_PERFORMANCE)
			g_assert_false(seen_e);
		/* vCPUs 2k and 2k+1 share a host core whenever that core has two threads */
		if (i % 2 == 1 && c->siblings->len >= 2 &&
		    dkvm_host_facts_get_cpu(host, plan_test_uint(plan->vcpu_pins, i - 1))
		                    ->siblings->len >= 2)
			g_assert_true(
			        are_siblings(host, plan_test_uint(plan->vcpu_pins, i - 1), cpu));
	}
	/* with threads=2 the guest's pairs are real SMT pairs */
	for (guint i = 0; plan->threads == 2 && i + 1 < vcpus; i += 2)
		g_assert_true(are_siblings(host, plan_test_uint(plan->vcpu_pins, i),
		                           plan_test_uint(plan->vcpu_pins, i + 1)));
	/* guest NUMA cells: on a multi-node host whose vCPUs span nodes, one cell
	 * per node used, each vCPU in exactly the cell of its CPU's node; none
	 * otherwise; the topology then is one socket per cell or one socket */
	{
		g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(guint));
		guint in_cells = 0;
		for (guint i = 0; i < vcpus; i++) {
			gint node =
			        dkvm_host_facts_get_cpu(host, plan_test_uint(plan->vcpu_pins, i))
			                ->node;
			if (node >= 0 && !contains(nodes, (guint)node))
				g_array_append_val(nodes, node);
		}
		if (host->numa_nodes->len > 1 && nodes->len > 1) {
			g_assert_cmpuint(plan->numa_cells->len, ==, nodes->len);
			g_assert_cmpint(plan->numa_node, ==, -1);
			g_assert_true(plan->sockets == 1 || plan->sockets == nodes->len);
		} else {
			g_assert_cmpuint(plan->numa_cells->len, ==, 0);
			g_assert_cmpuint(plan->sockets, ==, 1);
		}
		for (guint c = 0; c < plan->numa_cells->len; c++) {
			const DkvmNumaCell *cell = g_ptr_array_index(plan->numa_cells, c);
			for (guint j = 0; j < cell->vcpus->len; j++) {
				guint v = plan_test_uint(cell->vcpus, j);
				g_assert_cmpuint(v, <, vcpus);
				g_assert_cmpint(dkvm_host_facts_get_cpu(
				                        host, plan_test_uint(plan->vcpu_pins, v))
				                        ->node,
				                ==, cell->host_node);
				in_cells++;
			}
		}
		g_assert_cmpuint(in_cells, ==, plan->numa_cells->len > 0 ? vcpus : 0);
	}
	/* helpers never on guest CPUs */
	g_assert_cmpuint(plan->emulator_cpus->len, >, 0);
	g_assert_cmpuint(plan->iothread_cpus->len, >, 0);
	for (guint i = 0; i < plan->emulator_cpus->len; i++)
		g_assert_false(contains(guest, plan_test_uint(plan->emulator_cpus, i)));
	for (guint i = 0; i < plan->iothread_cpus->len; i++)
		g_assert_false(contains(guest, plan_test_uint(plan->iothread_cpus, i)));
	/* the isolation hint names exactly the guest's CPUs, three times */
	g_array_sort(guest, uint_cmp);
	g_assert_true(g_str_has_prefix(plan->isolation_hint, "isolcpus="));
	sp = strchr(plan->isolation_hint, ' ');
	g_assert_nonnull(sp);
	hint_list = g_strndup(plan->isolation_hint + strlen("isolcpus="),
	                      (gsize)(sp - plan->isolation_hint) - strlen("isolcpus="));
	hint = dkvm_parse_cpu_list(hint_list, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(hint->len, ==, guest->len);
	g_assert_cmpmem(hint->data, hint->len * sizeof(guint), guest->data,
	                guest->len * sizeof(guint));
	{
		g_autofree gchar *expect = g_strdup_printf("isolcpus=%s nohz_full=%s rcu_nocbs=%s",
		                                           hint_list, hint_list, hint_list);
		g_assert_cmpstr(plan->isolation_hint, ==, expect);
	}
	/* inside one L3 group when one has room, and then the largest such group */
	if (host_has_l3(host)) {
		guint64 best = 0;
		const DkvmHostCpu *c0 =
		        dkvm_host_facts_get_cpu(host, plan_test_uint(plan->vcpu_pins, 0));
		gboolean one_group = TRUE;

		for (guint i = 0; i < host->l3_groups->len; i++) {
			const DkvmL3Group *g = g_ptr_array_index(host->l3_groups, i);
			if (group_capacity(g, plan->host_reserve) >= vcpus)
				best = MAX(best, g->size_kib);
		}
		for (guint i = 1; i < vcpus; i++)
			one_group &=
			        dkvm_host_facts_get_cpu(host, plan_test_uint(plan->vcpu_pins, i))
			                ->l3 == c0->l3;
		if (best > 0) {
			if (!one_group)
				g_test_message("%s: %u vCPUs span L3 groups although one fits",
				               path, vcpus);
			g_assert_true(one_group);
			if (host->numa_nodes->len <= 1)
				g_assert_cmpuint(
				        dkvm_host_facts_get_l3_group(host, (guint)c0->l3)->size_kib,
				        ==, best);
			g_assert_cmpuint(plan->dies, ==, 1);
		} else {
			g_assert_false(one_group);
		}
	}
}

static void
test_properties(void)
{
	g_autoptr(GPtrArray) files = plan_test_all_hosts();

	g_assert_cmpuint(files->len, >=, 7);
	for (guint f = 0; f < files->len; f++) {
		const gchar *path = g_ptr_array_index(files, f);
		g_autoptr(DkvmHostFacts) host = plan_test_host_from_file(path);
		g_autoptr(GArray) reserve = expected_default_reserve(host);
		guint max = host->cpus->len - reserve->len;
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmSpec) spec = plan_test_spec(max + 1, 4 << 20);
		g_autoptr(DkvmCpuPlan) none = NULL;
		g_autofree gchar *kept = NULL;
		g_autofree gchar *msg = NULL;

		g_array_sort(reserve, uint_cmp);
		kept = dkvm_format_cpu_list(reserve);
		g_test_message("%s: %u CPUs, reserve %s, max %u vCPUs", path, host->cpus->len, kept,
		               max);
		g_assert_cmpuint(dkvm_plan_cpu_max_vcpus(host, NULL), ==, max);
		for (guint v = 1; v <= max; v++) {
			g_autoptr(DkvmSpec) s = plan_test_spec(v, 4 << 20);
			g_autoptr(GError) e = NULL;
			g_autoptr(DkvmCpuPlan) plan = dkvm_plan_cpu(host, s, NULL, -1, &e);

			g_assert_no_error(e);
			g_assert_cmpuint(plan->host_reserve->len, ==, reserve->len);
			g_assert_cmpmem(plan->host_reserve->data, reserve->len * sizeof(guint),
			                reserve->data, reserve->len * sizeof(guint));
			check_plan(path, host, plan, v);
			/* with a GPU on each node in turn: the same rules, and memory bound
			 * only to a node holding every vCPU */
			for (guint n = 0; host->numa_nodes->len > 1 && n < host->numa_nodes->len;
			     n++) {
				const DkvmNumaNode *node = g_ptr_array_index(host->numa_nodes, n);
				g_autoptr(DkvmCpuPlan) near =
				        dkvm_plan_cpu(host, s, NULL, (gint)node->id, &e);

				g_assert_no_error(e);
				check_plan(path, host, near, v);
				for (guint i = 0; near->numa_node >= 0 && i < v; i++)
					g_assert_cmpint(
					        dkvm_host_facts_get_cpu(
					                host, plan_test_uint(near->vcpu_pins, i))
					                ->node,
					        ==, near->numa_node);
				/* the GPU's node is used whenever its free CPUs suffice */
				if (v <=
				    group_free_on_node(host, near->host_reserve, (gint)node->id))
					g_assert_cmpint(near->numa_node, ==, (gint)node->id);
			}
		}
		none = dkvm_plan_cpu(host, spec, NULL, -1, &error);
		g_assert_null(none);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
		msg = g_strdup_printf(
		        "not enough host CPUs for %u vCPUs: this host can give at most "
		        "%u (%u CPUs, %u kept for the host: %s)\n"
		        "hint: ask for at most %u vCPUs, or keep fewer CPUs for the "
		        "host (reserve= in dkvm.conf's [host] group)",
		        max + 1, max, host->cpus->len, reserve->len, kept, max);
		g_assert_cmpstr(error->message, ==, msg);
	}
}

static DkvmCpuPlan *
plan_on(const gchar *host_name, guint vcpus, gint gpu_node, const DkvmHostSettings *settings)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host(host_name);
	g_autoptr(DkvmSpec) spec = plan_test_spec(vcpus, 4 << 20);
	g_autoptr(GError) error = NULL;
	DkvmCpuPlan *plan = dkvm_plan_cpu(host, spec, settings, gpu_node, &error);

	g_assert_no_error(error);
	return plan;
}

static void
assert_pins(const DkvmCpuPlan *plan, const gchar *pins, guint dies, guint cores, guint threads)
{
	g_autofree gchar *got = plan_test_join(plan->vcpu_pins);
	g_assert_cmpstr(got, ==, pins);
	g_assert_cmpuint(plan->sockets, ==, 1);
	g_assert_cmpuint(plan->dies, ==, dies);
	g_assert_cmpuint(plan->cores, ==, cores);
	g_assert_cmpuint(plan->threads, ==, threads);
}

static void
assert_list(const GArray *cpus, const gchar *expected)
{
	g_autofree gchar *got = dkvm_format_cpu_list(cpus);
	g_assert_cmpstr(got, ==, expected);
}

/* Two equal CCDs, 16 cores: two cores kept; the guest goes to the CCD
 * without the reserve (CCD1), threads i and i+16 as pairs. */
static void
test_two_ccds(void)
{
	g_autoptr(DkvmCpuPlan) p8 = plan_on("amd-16c-2ccd", 8, -1, NULL);
	g_autoptr(DkvmCpuPlan) p24 = plan_on("amd-16c-2ccd", 24, -1, NULL);
	g_autoptr(DkvmCpuPlan) p28 = plan_on("amd-16c-2ccd", 28, -1, NULL);

	assert_pins(p8, "8,24,9,25,10,26,11,27", 1, 4, 2);
	assert_list(p8->host_reserve, "0-1,16-17");
	assert_list(p8->emulator_cpus, "0-1,16-17");
	assert_list(p8->iothread_cpus, "0-1,16-17");
	g_assert_cmpstr(p8->isolation_hint, ==,
	                "isolcpus=8-11,24-27 nohz_full=8-11,24-27 rcu_nocbs=8-11,24-27");
	g_assert_cmpint(p8->numa_node, ==, -1); /* one node: nothing to bind */
	g_assert_cmpuint(p8->warnings->len, ==, 0);
	g_assert_cmpint(g_array_index(p8->vcpu_l3, gint, 0), ==, 1);
	g_assert_cmpint(g_array_index(p8->vcpu_cores, gint, 1), ==, 8);

	/* 24 vCPUs: 12 on each CCD, two dies of 6 cores */
	assert_pins(p24, "8,24,9,25,10,26,11,27,12,28,13,29,2,18,3,19,4,20,5,21,6,22,7,23", 2, 6,
	            2);
	/* 28 (all): 16 + 12 cannot be equal dies: one die and a warning */
	g_assert_cmpuint(p28->dies, ==, 1);
	g_assert_cmpuint(p28->cores, ==, 14);
	g_assert_cmpuint(p28->warnings->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(p28->warnings, 0), ==,
	                "the guest spans 2 L3 groups with unequal shares (16 in L3 group 1 (32 "
	                "MiB, free CPUs 8-15,24-31), 12 in L3 group 0 (32 MiB, free CPUs "
	                "2-7,18-23)): it is shown one die, so its scheduler does not see the "
	                "cache boundaries");
}

/* X3D: the 96 MiB CCD wins while it has room (even with the reserve on it);
 * beyond its 12 free threads, the other CCD holds the guest alone. */
static void
test_x3d(void)
{
	g_autoptr(DkvmCpuPlan) p8 = plan_on("amd-16c-x3d", 8, -1, NULL);
	g_autoptr(DkvmCpuPlan) p12 = plan_on("amd-16c-x3d", 12, -1, NULL);
	g_autoptr(DkvmCpuPlan) p16 = plan_on("amd-16c-x3d", 16, -1, NULL);

	assert_pins(p8, "2,18,3,19,4,20,5,21", 1, 4, 2);
	assert_pins(p12, "2,18,3,19,4,20,5,21,6,22,7,23", 1, 6, 2);
	assert_pins(p16, "8,24,9,25,10,26,11,27,12,28,13,29,14,30,15,31", 1, 8, 2);
}

/* Intel hybrid (Alder Lake, 8 P-cores with SMT, 8 E-cores): the reserve is
 * CPU 0's core and the lowest E-core, so the guest gets 7 whole P-cores;
 * P-cores first, helpers on the E-cores the guest does not use. */
static void
test_hybrid(void)
{
	g_autoptr(DkvmCpuPlan) p4 = plan_on("intel-hybrid", 4, -1, NULL);
	g_autoptr(DkvmCpuPlan) p14 = plan_on("intel-hybrid", 14, -1, NULL);
	g_autoptr(DkvmCpuPlan) p16 = plan_on("intel-hybrid", 16, -1, NULL);
	g_autoptr(DkvmCpuPlan) p21 = plan_on("intel-hybrid", 21, -1, NULL);

	assert_pins(p4, "2,3,4,5", 1, 2, 2);
	assert_list(p4->host_reserve, "0-1,16");
	assert_list(p4->emulator_cpus, "16-23");
	assert_list(p4->iothread_cpus, "16-23");
	g_assert_cmpuint(p4->warnings->len, ==, 0);

	/* 14 vCPUs: all 7 free P-cores as SMT pairs */
	assert_pins(p14, "2,3,4,5,6,7,8,9,10,11,12,13,14,15", 1, 7, 2);
	assert_list(p14->emulator_cpus, "16-23");
	g_assert_cmpuint(p14->warnings->len, ==, 0);

	assert_pins(p16, "2,3,4,5,6,7,8,9,10,11,12,13,14,15,17,18", 1, 16, 1);
	assert_list(p16->emulator_cpus, "16,19-23");
	g_assert_cmpuint(p16->warnings->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(p16->warnings, 0), ==,
	                "the guest gets P-cores and E-cores: it sees 16 single-thread cores of "
	                "unequal speed");

	/* every free E-core given: the helpers share the reserve's E-core */
	assert_list(p21->host_reserve, "0-1,16");
	assert_list(p21->emulator_cpus, "16");
	assert_list(p21->iothread_cpus, "16");
}

/* Core Ultra 9 285K (Arrow Lake-S: 8 P-cores without SMT, 16 E-cores): the
 * reserve is P-core 0 (the boot CPU) and E-core 8, so a 7-vCPU guest gets
 * the other 7 P-cores, one vCPU each; the emulator and I/O threads run on
 * the E-cores, away from the vCPUs. */
static void
test_arrow_lake(void)
{
	g_autoptr(DkvmCpuPlan) p7 = plan_on("intel-arrowlake-285k", 7, -1, NULL);
	g_autoptr(DkvmCpuPlan) p8 = plan_on("intel-arrowlake-285k", 8, -1, NULL);
	g_autoptr(DkvmCpuPlan) p22 = plan_on("intel-arrowlake-285k", 22, -1, NULL);
	g_autoptr(DkvmHostFacts) host = plan_test_host("intel-arrowlake-285k");

	assert_pins(p7, "1,2,3,4,5,6,7", 1, 7, 1);
	assert_list(p7->host_reserve, "0,8");
	assert_list(p7->emulator_cpus, "8-23");
	assert_list(p7->iothread_cpus, "8-23");
	g_assert_cmpstr(p7->isolation_hint, ==, "isolcpus=1-7 nohz_full=1-7 rcu_nocbs=1-7");
	g_assert_cmpuint(p7->warnings->len, ==, 0);
	g_assert_cmpstr(g_ptr_array_index(p7->rationale, 0), ==,
	                "host reserve: CPUs 0,8, the core of CPU 0 (the kernel keeps the boot "
	                "CPU for housekeeping under nohz_full) and the lowest E-core (more "
	                "than 8 cores: two are kept; the P-cores go to the guest): the host's "
	                "own threads and interrupts (CPU 0 takes those nobody can move) need "
	                "CPUs the guest does not compete for");

	/* one more: the first free E-core joins, with the mixed-speed warning */
	assert_pins(p8, "1,2,3,4,5,6,7,9", 1, 8, 1);
	assert_list(p8->emulator_cpus, "8,10-23");
	g_assert_cmpuint(p8->warnings->len, ==, 1);

	/* the most it gives: 22 vCPUs, the helpers on the reserve's E-core */
	g_assert_cmpuint(p22->vcpu_pins->len, ==, 22);
	assert_list(p22->emulator_cpus, "8");
	g_assert_cmpuint(dkvm_plan_cpu_max_vcpus(host, NULL), ==, 22);
}

static void
test_no_smt(void)
{
	g_autoptr(DkvmCpuPlan) p3 = plan_on("intel-6c-nosmt", 3, -1, NULL);

	assert_pins(p3, "1,2,3", 1, 3, 1);
	assert_list(p3->host_reserve, "0");
	assert_list(p3->emulator_cpus, "0");
	g_assert_cmpuint(p3->warnings->len, ==, 0);
}

/* Adjacent sibling numbering, odd count: pairs on siblings, the last core
 * half used, threads=1, and the warning. */
static void
test_adjacent_odd(void)
{
	g_autoptr(DkvmCpuPlan) p5 = plan_on("amd-6c-adjacent", 5, -1, NULL);
	g_autoptr(DkvmCpuPlan) p6 = plan_on("amd-6c-adjacent", 6, -1, NULL);

	assert_pins(p5, "2,3,4,5,6", 1, 5, 1);
	assert_list(p5->host_reserve, "0-1");
	g_assert_cmpuint(p5->warnings->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(p5->warnings, 0), ==,
	                "5 vCPUs on an SMT host: the core of CPU 6 is half used (sibling CPU 7 "
	                "stays with the host), so the guest sees 5 single-thread cores; an even "
	                "vCPU count gives it whole cores as SMT pairs");
	assert_pins(p6, "2,3,4,5,6,7", 1, 3, 2);
	g_assert_cmpuint(p6->warnings->len, ==, 0);
}

/* Two NUMA nodes: the GPU's node first, memory bound there. */
static void
test_numa(void)
{
	g_autoptr(DkvmCpuPlan) gpu1 = plan_on("xeon-2node", 8, 1, NULL);
	g_autoptr(DkvmCpuPlan) gpu0 = plan_on("xeon-2node", 8, 0, NULL);
	g_autoptr(DkvmCpuPlan) big = plan_on("xeon-2node", 20, 1, NULL);

	assert_pins(gpu1, "8,24,9,25,10,26,11,27", 1, 4, 2);
	g_assert_cmpint(gpu1->numa_node, ==, 1);
	assert_pins(gpu0, "2,18,3,19,4,20,5,21", 1, 4, 2);
	g_assert_cmpint(gpu0->numa_node, ==, 0);
	/* 20 vCPUs: 10 per node; the guest sees two NUMA cells, one socket each
	 * (was: two dies and unbound memory, with a warning) */
	{
		g_autofree gchar *pins = plan_test_join(big->vcpu_pins);
		g_assert_cmpstr(pins, ==, "8,24,9,25,10,26,11,27,12,28,2,18,3,19,4,20,5,21,6,22");
	}
	g_assert_cmpuint(big->sockets, ==, 2);
	g_assert_cmpuint(big->dies, ==, 1);
	g_assert_cmpuint(big->cores, ==, 5);
	g_assert_cmpuint(big->threads, ==, 2);
	g_assert_cmpint(big->numa_node, ==, -1);
	g_assert_cmpuint(big->numa_cells->len, ==, 2);
	g_assert_cmpuint(big->warnings->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(big->warnings, 0), ==,
	                "the GPU sits on NUMA node 1, but the vCPUs could not all go there");
}

static const DkvmNumaCell *
cell_of(const DkvmCpuPlan *plan, guint i)
{
	g_assert_cmpuint(i, <, plan->numa_cells->len);
	return g_ptr_array_index(plan->numa_cells, i);
}

/* A two-node host (2 x 8 cores x 2 threads, 64 GiB per node) and a 24-vCPU
 * guest, larger than either node's 16 free threads: 12 vCPUs per node, one
 * guest NUMA cell per node holding the vCPUs pinned there, one socket per
 * cell, the memory split in proportion. */
static void
test_numa_cells(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("epyc-2node");
	g_autoptr(DkvmSpec) spec = plan_test_spec(24, 48 * 1024 * 1024);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmCpuPlan) plan = dkvm_plan_cpu(host, spec, NULL, -1, &error);
	g_autoptr(DkvmCpuPlan) small = plan_on("epyc-2node", 16, -1, NULL);
	g_autofree gchar *pins = NULL;
	g_autofree gchar *c0 = NULL;
	g_autofree gchar *c1 = NULL;

	g_assert_no_error(error);
	pins = plan_test_join(plan->vcpu_pins);
	g_assert_cmpstr(pins, ==,
	                "8,24,9,25,10,26,11,27,12,28,13,29,2,18,3,19,4,20,5,21,6,22,7,23");
	g_assert_cmpuint(plan->sockets, ==, 2);
	g_assert_cmpuint(plan->dies, ==, 1);
	g_assert_cmpuint(plan->cores, ==, 6);
	g_assert_cmpuint(plan->threads, ==, 2);
	g_assert_cmpint(plan->numa_node, ==, -1);
	g_assert_cmpuint(plan->numa_cells->len, ==, 2);
	c0 = dkvm_format_cpu_list(cell_of(plan, 0)->vcpus);
	c1 = dkvm_format_cpu_list(cell_of(plan, 1)->vcpus);
	g_assert_cmpint(cell_of(plan, 0)->host_node, ==, 1);
	g_assert_cmpstr(c0, ==, "0-11");
	g_assert_cmpint(cell_of(plan, 1)->host_node, ==, 0);
	g_assert_cmpstr(c1, ==, "12-23");
	g_assert_cmpuint(cell_of(plan, 0)->memory_kib, ==, 24 * 1024 * 1024);
	g_assert_cmpuint(cell_of(plan, 1)->memory_kib, ==, 24 * 1024 * 1024);
	g_assert_cmpuint(plan->warnings->len, ==, 0);
	g_assert_true(g_ptr_array_find_with_equal_func(
	        plan->rationale,
	        "the vCPUs span 2 NUMA nodes: the guest sees 2 NUMA cells, cell 0 on node 1 (vCPUs "
	        "0-11), cell 1 on node 0 (vCPUs 12-23); each cell's memory is bound to its node "
	        "(strict), in proportion to its vCPUs",
	        g_str_equal, NULL));
	g_assert_true(g_ptr_array_find_with_equal_func(
	        plan->rationale,
	        "guest topology: sockets=2 dies=1 cores=6 threads=2, one socket per NUMA cell, the "
	        "2 L3 dies split among them",
	        g_str_equal, NULL));
	/* 16 vCPUs fit node 1: no cells, memory bound there */
	g_assert_cmpuint(small->numa_cells->len, ==, 0);
	g_assert_cmpint(small->numa_node, ==, 1);
	g_assert_cmpuint(small->sockets, ==, 1);
}

/* The split: in proportion, largest remainder first, summing exactly. */
static void
test_numa_split(void)
{
	g_autoptr(GPtrArray) cells = g_ptr_array_new();
	DkvmNumaCell a = { .host_node = 0, .vcpus = g_array_new(FALSE, FALSE, sizeof(guint)) };
	DkvmNumaCell b = { .host_node = 1, .vcpus = g_array_new(FALSE, FALSE, sizeof(guint)) };
	g_autoptr(GArray) split = NULL;

	for (guint i = 0; i < 10; i++)
		g_array_append_val(i < 7 ? a.vcpus : b.vcpus, i);
	g_ptr_array_add(cells, &a);
	g_ptr_array_add(cells, &b);
	/* 7:3 of 11 pages: 7.7 and 3.3 -> 8 and 3 */
	split = dkvm_numa_cells_split(cells, 11);
	g_assert_cmpuint(g_array_index(split, guint64, 0), ==, 8);
	g_assert_cmpuint(g_array_index(split, guint64, 1), ==, 3);
	g_clear_pointer(&split, g_array_unref);
	/* 7:3 of 12: 8.4 and 3.6 -> 8 and 4 */
	split = dkvm_numa_cells_split(cells, 12);
	g_assert_cmpuint(g_array_index(split, guint64, 0), ==, 8);
	g_assert_cmpuint(g_array_index(split, guint64, 1), ==, 4);
	g_array_unref(a.vcpus);
	g_array_unref(b.vcpus);
}

static void
test_no_l3(void)
{
	g_autoptr(DkvmCpuPlan) p4 = plan_on("no-l3", 4, -1, NULL);

	assert_pins(p4, "1,5,2,6", 1, 2, 2);
	assert_list(p4->host_reserve, "0,4");
	g_assert_cmpint(g_array_index(p4->vcpu_l3, gint, 0), ==, -1);
	g_assert_cmpstr(g_ptr_array_index(p4->warnings, 0), ==,
	                "the host reports no L3 cache groups: all CPUs are treated as one group, "
	                "and the guest may straddle caches");
}

static void
test_settings_reserve(void)
{
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmSpec) spec = plan_test_spec(30, 4 << 20);
	g_autoptr(DkvmCpuPlan) plan = NULL;
	g_autoptr(GError) error = NULL;
	guint bad = 99;

	settings->host_reserve = dkvm_parse_cpu_list("0", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(dkvm_plan_cpu_max_vcpus(host, settings), ==, 30);
	plan = dkvm_plan_cpu(host, spec, settings, -1, &error);
	g_assert_no_error(error);
	assert_list(plan->host_reserve, "0,16");
	g_assert_cmpstr(g_ptr_array_index(plan->warnings, 0), ==,
	                "host reserve 0 covers part of a core: the host keeps the whole cores, "
	                "CPUs 0,16 (a guest gets whole cores only)");
	g_clear_pointer(&plan, dkvm_cpu_plan_free);

	g_array_append_val(settings->host_reserve, bad);
	plan = dkvm_plan_cpu(host, spec, settings, -1, &error);
	g_assert_null(plan);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==,
	                "host reserve 0,99: CPU 99 is not an online CPU of this host");
	g_assert_cmpuint(dkvm_plan_cpu_max_vcpus(host, settings), ==, 0);
}

/* The host reserve alone (the menu's CPU map and its reserve input): the
 * same CPUs a plan keeps, the same warnings and refusals. */
static void
test_host_reserve(void)
{
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmSpec) spec = plan_test_spec(8, 4 << 20);
	g_autoptr(DkvmCpuPlan) plan = dkvm_plan_cpu(host, spec, NULL, -1, NULL);
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) automatic = dkvm_plan_cpu_host_reserve(host, NULL, NULL, NULL);
	g_autoptr(GArray) widened = NULL, none = NULL;
	g_autoptr(GError) error = NULL;

	/* the default rule: what a plan keeps */
	g_assert_nonnull(plan);
	g_assert_nonnull(automatic);
	assert_list(automatic, "0-1,16-17");
	assert_list(plan->host_reserve, "0-1,16-17");

	settings->host_reserve = dkvm_parse_cpu_list("3", NULL);
	widened = dkvm_plan_cpu_host_reserve(host, settings, warnings, &error);
	g_assert_no_error(error);
	assert_list(widened, "3,19");
	g_assert_cmpuint(warnings->len, ==, 1);
	g_assert_nonnull(strstr(g_ptr_array_index(warnings, 0), "covers part of a core"));

	g_array_set_size(settings->host_reserve, 0);
	none = dkvm_plan_cpu_host_reserve(host, settings, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(none->len, ==, 0);

	g_clear_pointer(&settings->host_reserve, g_array_unref);
	settings->host_reserve = dkvm_parse_cpu_list("64", NULL);
	g_assert_null(dkvm_plan_cpu_host_reserve(host, settings, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==,
	                "host reserve 64: CPU 64 is not an online CPU of this host");
	g_clear_error(&error);

	g_clear_pointer(&settings->host_reserve, g_array_unref);
	settings->host_reserve = dkvm_parse_cpu_list("0-31", NULL);
	g_assert_null(dkvm_plan_cpu_host_reserve(host, settings, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_assert_true(g_str_has_prefix(error->message, "host reserve 0-31 leaves no CPU for VMs"));
}

/* reserve=none: every CPU for the guest, the emulator on all of them, no
 * isolation hint (it would isolate the host from itself), and a warning. */
static void
test_settings_no_reserve(void)
{
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmSpec) spec = plan_test_spec(32, 4 << 20);
	g_autoptr(DkvmCpuPlan) plan = NULL;
	g_autoptr(GError) error = NULL;

	settings->host_reserve = g_array_new(FALSE, FALSE, sizeof(guint));
	g_assert_cmpuint(dkvm_plan_cpu_max_vcpus(host, settings), ==, 32);
	plan = dkvm_plan_cpu(host, spec, settings, -1, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(plan->host_reserve->len, ==, 0);
	g_assert_cmpuint(plan->vcpu_pins->len, ==, 32);
	assert_list(plan->emulator_cpus, "0-31");
	assert_list(plan->iothread_cpus, "0-31");
	g_assert_null(plan->isolation_hint);
	g_assert_cmpstr(g_ptr_array_index(plan->warnings, 0), ==,
	                "no host reserve (reserve=none in dkvm.conf): the host's threads, "
	                "interrupts and the emulator share the guest's CPUs");
}

static void
test_refusals(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmSpec) zero = plan_test_spec(0, 4 << 20);
	g_autoptr(DkvmSpec) many = plan_test_spec(29, 4 << 20);
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;

	g_assert_null(dkvm_plan_cpu(host, zero, NULL, -1, &e1));
	g_assert_error(e1, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(e1->message, ==, "cannot pin 0 vCPUs: a VM needs at least one");
	g_assert_null(dkvm_plan_cpu(host, many, NULL, -1, &e2));
	g_assert_error(e2, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_assert_cmpstr(e2->message, ==,
	                "not enough host CPUs for 29 vCPUs: this host can give at most 28 (32 "
	                "CPUs, 4 kept for the host: 0-1,16-17)\n"
	                "hint: ask for at most 28 vCPUs, or keep fewer CPUs for the host "
	                "(reserve= in dkvm.conf's [host] group)");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/plan-cpu/properties", test_properties);
	g_test_add_func("/plan-cpu/host-reserve", test_host_reserve);
	g_test_add_func("/plan-cpu/two-ccds", test_two_ccds);
	g_test_add_func("/plan-cpu/x3d", test_x3d);
	g_test_add_func("/plan-cpu/hybrid", test_hybrid);
	g_test_add_func("/plan-cpu/arrow-lake", test_arrow_lake);
	g_test_add_func("/plan-cpu/no-smt", test_no_smt);
	g_test_add_func("/plan-cpu/adjacent-odd", test_adjacent_odd);
	g_test_add_func("/plan-cpu/numa", test_numa);
	g_test_add_func("/plan-cpu/numa-cells", test_numa_cells);
	g_test_add_func("/plan-cpu/numa-split", test_numa_split);
	g_test_add_func("/plan-cpu/no-l3", test_no_l3);
	g_test_add_func("/plan-cpu/settings-reserve", test_settings_reserve);
	g_test_add_func("/plan-cpu/settings-no-reserve", test_settings_no_reserve);
	g_test_add_func("/plan-cpu/refusals", test_refusals);
	return g_test_run();
}
