/*
 * The CPU pinning planner: which host CPU runs each vCPU, where the emulator
 * and I/O threads go, the guest topology, the NUMA node, and the kernel
 * command line that isolates the guest's CPUs. A pure function of the host
 * facts, the spec and the host settings.
 *
 * Why each rule exists:
 *
 * - Cores are the kernel's `siblings` sets, never derived from numbering:
 *   AMD and most Intel desktops number the two threads of a core i and i+N,
 *   others (and many VMs and some BIOSes) number them adjacently.
 * - Host reserve: the host's own threads (libvirtd, interrupts, the QEMU main
 *   loop) need CPUs the guest does not fight for, or the guest stutters. The
 *   default keeps the whole core of CPU 0 (CPU 0 takes interrupts nobody can
 *   move) on hosts with up to 8 cores, and also the next core above 8 cores,
 *   where two cores cost little. On Intel hybrid parts that second core is
 *   the lowest E-core, not a P-core: the host's threads need no P-core, and
 *   the guest gets every P-core but CPU 0's. CPU 0's core stays reserved
 *   even when it is a P-core: the kernel keeps the boot CPU for housekeeping
 *   under nohz_full, so it cannot be isolated for a guest anyway. A reserve from dkvm.conf is
 * widened to whole cores (with a warning), since the guest gets whole cores only.
 * - Whole cores: vCPUs 2k and 2k+1 are the two threads of one host core, and
 *   the guest topology says threads=2, so the guest's scheduler knows which of
 *   its CPUs share a core exactly as the host's does. Without SMT, threads=1.
 * - Odd vCPU counts on SMT hosts work: pairs stay on sibling threads and the
 *   last vCPU gets a core's first thread while its sibling stays with the host.
 *   The guest then sees threads=1 (single-thread cores): claiming SMT pairs
 *   the guest does not have would mislead its scheduler, and libvirt needs
 *   sockets*dies*cores*threads == vcpus. A warning says so.
 * - L3 groups: a guest inside one L3 group (one CCX/CCD) never pays for
 *   cross-die cache traffic. When several groups fit, the largest L3 wins
 *   (the 3D V-Cache CCD of an X3D part), then the group without the host
 *   reserve (so the guest does not share its cache with the host's threads),
 *   then the lowest id. A GPU's NUMA node comes before all of these.
 * - A guest larger than any group fills as few groups as it can and is shown
 *   as one die per group, so the guest's scheduler sees the cache boundaries.
 *   That needs the same number of vCPUs on each die; when the groups cannot
 *   give that, the guest gets one die and a warning.
 * - Intel hybrid: P-cores first (E-cores are slower and single-threaded), and
 *   the emulator and I/O threads go on E-cores the guest does not use; they
 *   are latency-bound, not throughput-bound. Elsewhere they go on the host
 *   reserve, away from the vCPUs.
 * - NUMA: the GPU's DMA and the guest's memory should sit on the node the
 *   GPU is wired to, so the vCPUs go there first and memory is bound there
 *   (numatune) when all vCPUs are on one node of a multi-node host.
 * - A guest whose vCPUs span host nodes sees them: one guest NUMA cell per
 *   host node used, holding the vCPUs pinned there, its memory a share in
 *   proportion to its vCPUs (whole hugepages), bound strictly to that node.
 *   Without cells the guest would spread its memory over nodes it cannot
 *   see and pay remote-memory latency at random. The topology says one
 *   socket per cell (the L3 dies split among them) when the cells hold
 *   equal consecutive vCPU shares; else one socket and a warning.
 * - Hosts without L3 information are one group, with a warning.
 */
#include "plan.h"

#include <json-glib/json-glib.h>

#include "dkvm-error.h"
#include "json-builder-util.h"
#include "plan-util.h"

typedef struct {
	guint first;     /* lowest thread: identifies the core */
	GArray *threads; /* guint, online threads, sorted */
	gint l3;         /* L3 group id; -1 for every core when the host has no L3 info */
	gint node;
	gint core_id;
	DkvmCpuType type;
	gboolean reserved;
	guint used; /* threads given to the guest */
} Core;

static void
core_free(Core *self)
{
	g_array_unref(self->threads);
	g_free(self);
}

typedef struct {
	gint id;
	guint64 size_kib;
	GPtrArray *cores; /* Core*, not owned: the guest's candidates, P-cores first */
	guint capacity;   /* threads of those cores */
	gboolean has_reserve;
	gint node; /* node of all its cores; -1 when mixed or unknown */
	gboolean node_set;
} Group;

static void
group_free(Group *self)
{
	g_ptr_array_unref(self->cores);
	g_free(self);
}

void
dkvm_cpu_plan_free(DkvmCpuPlan *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->vcpu_pins, g_array_unref);
	g_clear_pointer(&self->vcpu_cores, g_array_unref);
	g_clear_pointer(&self->vcpu_l3, g_array_unref);
	g_clear_pointer(&self->emulator_cpus, g_array_unref);
	g_clear_pointer(&self->iothread_cpus, g_array_unref);
	g_clear_pointer(&self->host_reserve, g_array_unref);
	g_clear_pointer(&self->numa_cells, g_ptr_array_unref);
	g_free(self->isolation_hint);
	g_clear_pointer(&self->warnings, g_ptr_array_unref);
	g_clear_pointer(&self->rationale, g_ptr_array_unref);
	g_free(self);
}

static void
numa_cell_free(DkvmNumaCell *self)
{
	g_array_unref(self->vcpus);
	g_free(self);
}

GArray *
dkvm_numa_cells_split(const GPtrArray *cells, guint64 units)
{
	GArray *out = g_array_sized_new(FALSE, TRUE, sizeof(guint64), cells->len);
	g_autoptr(GArray) rest = g_array_sized_new(FALSE, TRUE, sizeof(guint64), cells->len);
	guint64 vcpus = 0, given = 0;

	for (guint i = 0; i < cells->len; i++)
		vcpus += ((const DkvmNumaCell *)g_ptr_array_index(cells, i))->vcpus->len;
	if (vcpus == 0 && cells->len > 0) {
		/* no vCPU to weigh by: everything in the first cell */
		g_array_set_size(out, cells->len);
		g_array_index(out, guint64, 0) = units;
		return out;
	}
	for (guint i = 0; i < cells->len; i++) {
		guint64 n = ((const DkvmNumaCell *)g_ptr_array_index(cells, i))->vcpus->len;
		/* units * n fits: units are pages or MiB, n a vCPU count */
		guint64 share = vcpus > 0 ? units * n / vcpus : 0;
		guint64 remainder = vcpus > 0 ? units * n % vcpus : 0;
		g_array_append_val(out, share);
		g_array_append_val(rest, remainder);
		given += share;
	}
	/* what rounding down left: one unit each, largest remainder first */
	while (given < units && cells->len > 0) {
		guint best = 0;
		for (guint i = 1; i < cells->len; i++) {
			if (g_array_index(rest, guint64, i) > g_array_index(rest, guint64, best))
				best = i;
		}
		g_array_index(out, guint64, best)++;
		g_array_index(rest, guint64, best) = 0;
		given++;
	}
	return out;
}

void
dkvm_cpu_plan_set_cell_memory(DkvmCpuPlan *self, const DkvmHugepagePlan *hugepages,
                              guint64 memory_kib)
{
	g_autoptr(GArray) mib = NULL;

	if (self == NULL || self->numa_cells->len == 0)
		return;
	if (hugepages != NULL && hugepages->cells->len == self->numa_cells->len) {
		for (guint i = 0; i < self->numa_cells->len; i++) {
			DkvmNumaCell *cell = g_ptr_array_index(self->numa_cells, i);
			cell->memory_kib =
			        g_array_index(hugepages->cells, DkvmHugepageCell, i).pages *
			        hugepages->page_size_kib;
		}
		return;
	}
	/* whole MiB per cell; the KiB beyond the last whole MiB go to cell 0 */
	mib = dkvm_numa_cells_split(self->numa_cells, memory_kib / 1024);
	for (guint i = 0; i < self->numa_cells->len; i++) {
		DkvmNumaCell *cell = g_ptr_array_index(self->numa_cells, i);
		cell->memory_kib =
		        g_array_index(mib, guint64, i) * 1024 + (i == 0 ? memory_kib % 1024 : 0);
	}
}

static gboolean
host_has_l3_info(const DkvmHostFacts *host)
{
	if (host->l3_groups->len == 0)
		return FALSE;
	for (guint i = 0; i < host->cpus->len; i++) {
		const DkvmHostCpu *c = g_ptr_array_index(host->cpus, i);
		if (c->l3 >= 0)
			return TRUE;
	}
	return FALSE;
}

/* The host's cores from the `siblings` sets, sorted by their lowest thread. */
static GPtrArray *
build_cores(const DkvmHostFacts *host, gboolean l3_info)
{
	g_autoptr(GPtrArray) cores = g_ptr_array_new_with_free_func((GDestroyNotify)core_free);
	g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);

	for (guint i = 0; i < host->cpus->len; i++) {
		const DkvmHostCpu *c = g_ptr_array_index(host->cpus, i);
		Core *core;

		if (g_hash_table_contains(seen, GUINT_TO_POINTER(c->cpu + 1)))
			continue;
		core = g_new0(Core, 1);
		core->threads = dkvm_plan_uint_array_new();
		dkvm_plan_uint_array_add_sorted(core->threads, c->cpu);
		for (guint s = 0; s < c->siblings->len; s++) {
			guint sib = g_array_index(c->siblings, guint, s);
			if (dkvm_host_facts_get_cpu(host, sib) != NULL &&
			    !g_hash_table_contains(seen, GUINT_TO_POINTER(sib + 1)))
				dkvm_plan_uint_array_add_sorted(core->threads, sib);
		}
		for (guint t = 0; t < core->threads->len; t++)
			g_hash_table_add(
			        seen, GUINT_TO_POINTER(g_array_index(core->threads, guint, t) + 1));
		core->first = g_array_index(core->threads, guint, 0);
		core->l3 = l3_info ? c->l3 : -1;
		core->node = c->node;
		core->core_id = c->core;
		core->type = c->type;
		g_ptr_array_add(cores, core);
	}
	return g_steal_pointer(&cores);
}

static Core *
core_of(GPtrArray *cores, guint cpu)
{
	for (guint i = 0; i < cores->len; i++) {
		Core *core = g_ptr_array_index(cores, i);
		if (dkvm_plan_uint_array_contains(core->threads, cpu))
			return core;
	}
	return NULL;
}

static GArray *
reserved_cpus(GPtrArray *cores)
{
	GArray *out = dkvm_plan_uint_array_new();
	for (guint i = 0; i < cores->len; i++) {
		Core *core = g_ptr_array_index(cores, i);
		for (guint t = 0; core->reserved && t < core->threads->len; t++)
			dkvm_plan_uint_array_add_sorted(out,
			                                g_array_index(core->threads, guint, t));
	}
	return out;
}

/* An Intel hybrid part: P-cores and E-cores side by side. */
static gboolean
has_both_core_types(GPtrArray *cores)
{
	gboolean p = FALSE, e = FALSE;

	for (guint i = 0; i < cores->len; i++) {
		const Core *core = g_ptr_array_index(cores, i);
		p |= core->type == DKVM_CPU_TYPE_PERFORMANCE;
		e |= core->type == DKVM_CPU_TYPE_EFFICIENCY;
	}
	return p && e;
}

/* Marks the reserved cores; adds the rationale line and any warning. */
static gboolean
mark_reserve(GPtrArray *cores, const DkvmHostSettings *settings, GPtrArray *warnings,
             GPtrArray *rationale, GError **error)
{
	g_autoptr(GArray) kept = NULL;
	g_autofree gchar *kept_str = NULL;

	if (settings != NULL && settings->host_reserve != NULL &&
	    settings->host_reserve->len == 0) {
		/* reserve=none: a host that is nothing but the VM's (or a 2-CPU test
		 * machine); the host's threads then share the guest's CPUs */
		if (warnings != NULL)
			dkvm_plan_line(
			        warnings,
			        "no host reserve (reserve=none in dkvm.conf): the host's threads, "
			        "interrupts and the emulator share the guest's CPUs");
		if (rationale != NULL)
			dkvm_plan_line(rationale, "host reserve: none, from dkvm.conf");
		return TRUE;
	} else if (settings != NULL && settings->host_reserve != NULL) {
		const GArray *asked = settings->host_reserve;
		gboolean widened = FALSE;
		g_autofree gchar *asked_str = dkvm_format_cpu_list(asked);

		for (guint i = 0; i < asked->len; i++) {
			guint cpu = g_array_index(asked, guint, i);
			Core *core = core_of(cores, cpu);
			if (core == NULL) {
				g_set_error(
				        error, DKVM_ERROR, DKVM_ERROR_INVALID,
				        "host reserve %s: CPU %u is not an online CPU of this host",
				        asked_str, cpu);
				return FALSE;
			}
			core->reserved = TRUE;
			for (guint t = 0; t < core->threads->len; t++) {
				if (!dkvm_plan_uint_array_contains(
				            asked, g_array_index(core->threads, guint, t)))
					widened = TRUE;
			}
		}
		kept = reserved_cpus(cores);
		kept_str = dkvm_format_cpu_list(kept);
		if (widened && warnings != NULL)
			dkvm_plan_line(warnings,
			               "host reserve %s covers part of a core: the host keeps the "
			               "whole cores, CPUs %s (a guest gets whole cores only)",
			               asked_str, kept_str);
		if (rationale != NULL)
			dkvm_plan_line(rationale, "host reserve: CPUs %s, from %s (whole cores)",
			               kept_str,
			               settings->host_reserve_source != NULL
			                       ? settings->host_reserve_source
			                       : "dkvm.conf");
	} else {
		Core *first = core_of(cores, 0);
		if (first == NULL)
			first = g_ptr_array_index(cores, 0);
		gboolean hybrid = has_both_core_types(cores);

		first->reserved = TRUE;
		/* the second core: on a hybrid part the lowest E-core (a P-core is
		 * worth more to the guest than to the host), elsewhere the next core */
		for (guint pass = hybrid ? 0 : 1; cores->len > 8 && pass < 2; pass++) {
			Core *next = NULL;
			for (guint i = 0; i < cores->len && next == NULL; i++) {
				Core *c = g_ptr_array_index(cores, i);
				if (!c->reserved &&
				    (pass == 1 || c->type == DKVM_CPU_TYPE_EFFICIENCY))
					next = c;
			}
			if (next != NULL) {
				next->reserved = TRUE;
				break;
			}
		}
		kept = reserved_cpus(cores);
		kept_str = dkvm_format_cpu_list(kept);
		if (rationale != NULL)
			dkvm_plan_line(
			        rationale,
			        "host reserve: CPUs %s, %s: the host's own threads and "
			        "interrupts (CPU 0 takes those nobody can move) need CPUs "
			        "the guest does not compete for",
			        kept_str,
			        cores->len <= 8 ? "the whole core of CPU 0 (up to 8 cores: one "
			                          "is kept)"
			        : hybrid ? "the core of CPU 0 (the kernel keeps the boot CPU "
			                   "for housekeeping under nohz_full) and the "
			                   "lowest E-core (more than 8 cores: two are kept; "
			                   "the P-cores go to the guest)"
			                 : "the cores of CPU 0 and the next core (more "
			                   "than 8 cores: two are kept)");
	}
	for (guint i = 0; i < cores->len; i++) {
		Core *core = g_ptr_array_index(cores, i);
		if (!core->reserved)
			return TRUE;
	}
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
	            "host reserve %s leaves no CPU for VMs\n"
	            "hint: keep fewer CPUs for the host (reserve= in dkvm.conf's [host] group)",
	            kept_str);
	return FALSE;
}

static guint
count_free_threads(GPtrArray *cores)
{
	guint n = 0;
	for (guint i = 0; i < cores->len; i++) {
		Core *core = g_ptr_array_index(cores, i);
		if (!core->reserved)
			n += core->threads->len;
	}
	return n;
}

guint
dkvm_plan_cpu_max_vcpus(const DkvmHostFacts *host, const DkvmHostSettings *settings)
{
	g_autoptr(GPtrArray) cores = NULL;

	if (host->cpus->len == 0)
		return 0;
	cores = build_cores(host, FALSE);
	if (!mark_reserve(cores, settings, NULL, NULL, NULL))
		return 0;
	return count_free_threads(cores);
}

GArray *
dkvm_plan_cpu_host_reserve(const DkvmHostFacts *host, const DkvmHostSettings *settings,
                           GPtrArray *warnings, GError **error)
{
	g_autoptr(GPtrArray) cores = NULL;

	if (host->cpus->len == 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
		                    "the host reports no online CPU");
		return NULL;
	}
	cores = build_cores(host, FALSE);
	if (!mark_reserve(cores, settings, warnings, NULL, error))
		return NULL;
	return reserved_cpus(cores);
}

static gint
type_rank(DkvmCpuType type)
{
	return type == DKVM_CPU_TYPE_PERFORMANCE ? 0 : type == DKVM_CPU_TYPE_EFFICIENCY ? 2 : 1;
}

static gint
core_cmp(gconstpointer a, gconstpointer b)
{
	const Core *x = *(Core *const *)a, *y = *(Core *const *)b;

	if (type_rank(x->type) != type_rank(y->type))
		return type_rank(x->type) - type_rank(y->type);
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Groups of free cores by L3 group; empty groups are left out. */
static GPtrArray *
build_groups(const DkvmHostFacts *host, GPtrArray *cores)
{
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)group_free);
	GPtrArray *groups = g_ptr_array_new_with_free_func((GDestroyNotify)group_free);

	for (guint i = 0; i < cores->len; i++) {
		Core *core = g_ptr_array_index(cores, i);
		Group *g = NULL;

		for (guint j = 0; j < all->len && g == NULL; j++) {
			Group *cand = g_ptr_array_index(all, j);
			if (cand->id == core->l3)
				g = cand;
		}
		if (g == NULL) {
			const DkvmL3Group *l3 =
			        core->l3 >= 0 ? dkvm_host_facts_get_l3_group(host, (guint)core->l3)
			                      : NULL;
			g = g_new0(Group, 1);
			g->id = core->l3;
			g->size_kib = l3 != NULL ? l3->size_kib : 0;
			g->cores = g_ptr_array_new();
			g->node = -1;
			g_ptr_array_add(all, g);
		}
		if (core->reserved) {
			g->has_reserve = TRUE;
			continue;
		}
		g_ptr_array_add(g->cores, core);
		g->capacity += core->threads->len;
		if (!g->node_set) {
			g->node = core->node;
			g->node_set = TRUE;
		} else if (g->node != core->node) {
			g->node = -1;
		}
	}
	while (all->len > 0) {
		Group *g = g_ptr_array_steal_index(all, 0);
		if (g->capacity == 0) {
			group_free(g);
			continue;
		}
		g_ptr_array_sort(g->cores, core_cmp);
		g_ptr_array_add(groups, g);
	}
	return groups;
}

/* The preference order of L3 groups (see the top of the file). */
static gint
group_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
	const Group *x = *(Group *const *)a, *y = *(Group *const *)b;
	gint node = GPOINTER_TO_INT(data);

	if (node >= 0 && (x->node == node) != (y->node == node))
		return x->node == node ? -1 : 1;
	if (x->size_kib != y->size_kib)
		return x->size_kib > y->size_kib ? -1 : 1;
	if (x->has_reserve != y->has_reserve)
		return x->has_reserve ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Gives @n vCPUs from @g's cores, whole cores first in the group's order. */
static void
take_from_group(Group *g, guint n, DkvmCpuPlan *plan, GPtrArray *used_cores)
{
	for (guint i = 0; i < g->cores->len && n > 0; i++) {
		Core *core = g_ptr_array_index(g->cores, i);
		guint take = MIN(n, core->threads->len - core->used);

		if (take == 0)
			continue;
		for (guint t = core->used; t < core->used + take; t++) {
			guint cpu = g_array_index(core->threads, guint, t);
			g_array_append_val(plan->vcpu_pins, cpu);
			g_array_append_val(plan->vcpu_cores, core->core_id);
			g_array_append_val(plan->vcpu_l3, core->l3);
		}
		if (core->used == 0)
			g_ptr_array_add(used_cores, core);
		core->used += take;
		n -= take;
	}
}

static gchar *
group_label(const Group *g, gboolean l3_info)
{
	g_autoptr(GArray) cpus = dkvm_plan_uint_array_new();
	g_autofree gchar *list = NULL;
	g_autofree gchar *size = NULL;

	for (guint i = 0; i < g->cores->len; i++) {
		const Core *core = g_ptr_array_index(g->cores, i);
		for (guint t = 0; t < core->threads->len; t++)
			dkvm_plan_uint_array_add_sorted(cpus,
			                                g_array_index(core->threads, guint, t));
	}
	list = dkvm_format_cpu_list(cpus);
	if (!l3_info)
		return g_strdup_printf("all CPUs (%s free)", list);
	size = dkvm_format_kib(g->size_kib);
	return g_strdup_printf("L3 group %d (%s, free CPUs %s)", g->id, size, list);
}

/* Places the vCPUs group by group (see the top of the file); sets plan->dies. */
static void
place_vcpus(GPtrArray *groups, guint vcpus, gint gpu_node, gboolean l3_info, DkvmCpuPlan *plan,
            GPtrArray *used_cores)
{
	guint ngroups = 0, sum = 0;
	gboolean balanced = TRUE;
	g_autoptr(GString) labels = g_string_new(NULL);

	g_ptr_array_sort_with_data(groups, group_cmp, GINT_TO_POINTER(gpu_node));

	/* one group when it fits */
	for (guint i = 0; i < groups->len; i++) {
		Group *g = g_ptr_array_index(groups, i);
		g_autofree gchar *label = NULL;
		/* "the vCPU", "all 4 vCPUs" */
		g_autofree gchar *which =
		        vcpus == 1 ? g_strdup("the vCPU") : g_strdup_printf("all %u vCPUs", vcpus);

		if (g->capacity < vcpus)
			continue;
		take_from_group(g, vcpus, plan, used_cores);
		plan->dies = 1;
		label = group_label(g, l3_info);
		if (l3_info && groups->len == 1)
			dkvm_plan_line(plan->rationale,
			               "%s in %s, the only L3 group with free CPUs", which, label);
		else if (l3_info)
			dkvm_plan_line(
			        plan->rationale,
			        "%s in %s: one shared cache, no traffic between "
			        "caches; groups are chosen %sby largest L3 (X3D cache), then "
			        "the one without the host reserve",
			        which, label,
			        gpu_node >= 0 ? "on the GPU's NUMA node first, then " : "");
		else
			dkvm_plan_line(plan->rationale, "%s from %s", which, label);
		return;
	}

	/* too big for one group: as few groups as possible, one die each */
	while (ngroups < groups->len && sum < vcpus) {
		sum += ((Group *)g_ptr_array_index(groups, ngroups))->capacity;
		ngroups++;
	}
	/* equal dies, each a whole number of host cores (so pairs stay pairs) */
	if (vcpus % ngroups != 0)
		balanced = FALSE;
	for (guint i = 0; balanced && i < ngroups; i++) {
		const Group *g = g_ptr_array_index(groups, i);
		if (g->capacity < vcpus / ngroups)
			balanced = FALSE;
		for (guint j = 0; balanced && j < g->cores->len; j++) {
			const Core *core = g_ptr_array_index(g->cores, j);
			if ((vcpus / ngroups) % core->threads->len != 0)
				balanced = FALSE;
		}
	}
	for (guint i = 0, left = vcpus; i < ngroups; i++) {
		Group *g = g_ptr_array_index(groups, i);
		guint n = balanced ? vcpus / ngroups : MIN(left, g->capacity);
		g_autofree gchar *label = group_label(g, l3_info);

		take_from_group(g, n, plan, used_cores);
		left -= n;
		g_string_append_printf(labels, "%s%u in %s", i > 0 ? ", " : "", n, label);
	}
	if (balanced) {
		plan->dies = ngroups;
		dkvm_plan_line(plan->rationale,
		               "%u vCPUs do not fit in one L3 group: %s; shown to the guest as %u "
		               "dies, one per L3 group, so its scheduler sees the cache boundaries",
		               vcpus, labels->str, ngroups);
	} else {
		plan->dies = 1;
		dkvm_plan_line(plan->rationale, "%u vCPUs do not fit in one L3 group: %s", vcpus,
		               labels->str);
		dkvm_plan_line(plan->warnings,
		               "the guest spans %u L3 groups with unequal shares (%s): it is shown "
		               "one die, so its scheduler does not see the cache boundaries",
		               ngroups, labels->str);
	}
}

static void build_numa_cells(const DkvmHostFacts *host, DkvmCpuPlan *plan);

/* threads per guest core, and the warnings for half-used cores and P/E mixes */
static void
set_topology(const DkvmHostFacts *host, GPtrArray *used_cores, DkvmCpuPlan *plan)
{
	guint t = 0, l3_dies;
	gboolean uniform = TRUE, mixed_types = FALSE;
	g_autoptr(GArray) half = dkvm_plan_uint_array_new();
	g_autoptr(GArray) idle = dkvm_plan_uint_array_new();

	for (guint i = 0; i < used_cores->len; i++) {
		const Core *core = g_ptr_array_index(used_cores, i);
		const Core *first = g_ptr_array_index(used_cores, 0);

		if (t == 0)
			t = core->used;
		else if (core->used != t)
			uniform = FALSE;
		if (core->type != first->type)
			mixed_types = TRUE;
		if (core->used < core->threads->len) {
			dkvm_plan_uint_array_add_sorted(half,
			                                g_array_index(core->threads, guint, 0));
			for (guint k = core->used; k < core->threads->len; k++)
				dkvm_plan_uint_array_add_sorted(
				        idle, g_array_index(core->threads, guint, k));
		}
	}
	plan->sockets = 1;
	plan->threads = uniform && t > 0 ? t : 1;
	plan->cores = plan->vcpus / plan->dies / plan->threads;

	if (half->len > 0) {
		g_autofree gchar *h = dkvm_format_cpu_list(half);
		g_autofree gchar *s = dkvm_format_cpu_list(idle);
		dkvm_plan_line(plan->warnings,
		               "%u vCPU%s on an SMT host: the core of CPU %s is half used (sibling "
		               "CPU %s stays with the host), so the guest sees %u single-thread "
		               "core%s; an even vCPU count gives it whole cores as SMT pairs",
		               plan->vcpus, plan->vcpus == 1 ? "" : "s", h, s, plan->vcpus,
		               plan->vcpus == 1 ? "" : "s");
	} else if (mixed_types) {
		dkvm_plan_line(
		        plan->warnings,
		        "the guest gets P-cores and E-cores: it sees %u single-thread core%s "
		        "of unequal speed",
		        plan->vcpus, plan->vcpus == 1 ? "" : "s");
	}
	if (plan->threads > 1)
		dkvm_plan_line(
		        plan->rationale,
		        "vCPUs 2k and 2k+1 are the two threads of one host core (siblings as "
		        "the kernel reports them), so the guest topology has threads=%u",
		        plan->threads);
	else if (host->smt)
		dkvm_plan_line(plan->rationale,
		               "SMT pairs stay on sibling threads, but not every guest core is a "
		               "whole host core, so the guest topology has threads=1");
	else
		dkvm_plan_line(plan->rationale,
		               "no SMT on this host: one vCPU per host core, threads=1");
	l3_dies = plan->dies;
	build_numa_cells(host, plan);
	if (plan->sockets > 1 && l3_dies > 1)
		/* the L3 line above spoke of dies; the cells regroup them */
		dkvm_plan_line(plan->rationale,
		               "guest topology: sockets=%u dies=%u cores=%u threads=%u, one socket "
		               "per NUMA cell, the %u L3 dies split among them",
		               plan->sockets, plan->dies, plan->cores, plan->threads, l3_dies);
	else
		dkvm_plan_line(plan->rationale,
		               "guest topology: sockets=%u dies=%u cores=%u threads=%u%s",
		               plan->sockets, plan->dies, plan->cores, plan->threads,
		               plan->sockets > 1 ? ", one socket per NUMA cell" : "");
}

/* Emulator and I/O threads: E-cores the guest does not use, else the reserve. */
static void
set_helpers(const DkvmHostFacts *host, const GArray *guest, DkvmCpuPlan *plan)
{
	g_autoptr(GArray) ecores = dkvm_plan_uint_array_new();
	g_autofree gchar *list = NULL;

	for (guint i = 0; host->hybrid && i < host->cpus->len; i++) {
		const DkvmHostCpu *c = g_ptr_array_index(host->cpus, i);
		if (c->type == DKVM_CPU_TYPE_EFFICIENCY &&
		    !dkvm_plan_uint_array_contains(guest, c->cpu))
			dkvm_plan_uint_array_add_sorted(ecores, c->cpu);
	}
	if (ecores->len > 0) {
		plan->emulator_cpus = g_array_copy(ecores);
		plan->iothread_cpus = g_array_copy(ecores);
		list = dkvm_format_cpu_list(ecores);
		dkvm_plan_line(
		        plan->rationale,
		        "emulator and I/O threads on CPUs %s, the E-cores the guest does not "
		        "use: they wait on I/O and need no P-core, and stay off the vCPUs",
		        list);
		return;
	}
	if (plan->host_reserve->len == 0) {
		/* no reserve: the emulator may run on every CPU of the host */
		g_autoptr(GArray) all = dkvm_plan_uint_array_new();
		for (guint i = 0; i < host->cpus->len; i++) {
			const DkvmHostCpu *c = g_ptr_array_index(host->cpus, i);
			dkvm_plan_uint_array_add_sorted(all, c->cpu);
		}
		plan->emulator_cpus = g_array_copy(all);
		plan->iothread_cpus = g_array_copy(all);
		list = dkvm_format_cpu_list(all);
		dkvm_plan_line(plan->rationale,
		               "emulator and I/O threads on CPUs %s: without a host reserve they "
		               "share the vCPUs' CPUs",
		               list);
		return;
	}
	plan->emulator_cpus = g_array_copy(plan->host_reserve);
	plan->iothread_cpus = g_array_copy(plan->host_reserve);
	list = dkvm_format_cpu_list(plan->host_reserve);
	dkvm_plan_line(plan->rationale,
	               "emulator and I/O threads on CPUs %s, the host reserve: away from the vCPUs",
	               list);
	if (host->hybrid)
		dkvm_plan_line(plan->warnings,
		               "the guest uses every E-core: emulator and I/O threads share the "
		               "host reserve (CPUs %s)",
		               list);
}

/* The vCPUs of each cell are consecutive and equally many: the guest can
 * be told one socket per cell. */
static gboolean
cells_are_sockets(const DkvmCpuPlan *plan)
{
	guint per = plan->vcpus / plan->numa_cells->len, next = 0;

	if (plan->vcpus % plan->numa_cells->len != 0)
		return FALSE;
	for (guint i = 0; i < plan->numa_cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(plan->numa_cells, i);
		if (cell->vcpus->len != per)
			return FALSE;
		for (guint v = 0; v < per; v++) {
			if (g_array_index(cell->vcpus, guint, v) != next++)
				return FALSE;
		}
	}
	/* a socket must hold whole guest cores */
	return per % plan->threads == 0;
}

/* One guest NUMA cell per host node the vCPUs use (on a multi-node host), in
 * the order the vCPUs reach them, and one socket per cell when the cells are
 * equal (see the top of the file). The rationale comes with set_numa(). */
static void
build_numa_cells(const DkvmHostFacts *host, DkvmCpuPlan *plan)
{
	if (host->numa_nodes->len <= 1)
		return;
	for (guint i = 0; i < plan->vcpu_pins->len; i++) {
		const DkvmHostCpu *c =
		        dkvm_host_facts_get_cpu(host, g_array_index(plan->vcpu_pins, guint, i));
		DkvmNumaCell *cell = NULL;

		if (c->node < 0) {
			/* a CPU of no known node: no cell can be bound (set_numa warns) */
			g_ptr_array_set_size(plan->numa_cells, 0);
			return;
		}
		for (guint j = 0; j < plan->numa_cells->len && cell == NULL; j++) {
			DkvmNumaCell *cand = g_ptr_array_index(plan->numa_cells, j);
			if (cand->host_node == c->node)
				cell = cand;
		}
		if (cell == NULL) {
			cell = g_new0(DkvmNumaCell, 1);
			cell->host_node = c->node;
			cell->vcpus = dkvm_plan_uint_array_new();
			g_ptr_array_add(plan->numa_cells, cell);
		}
		g_array_append_val(cell->vcpus, i);
	}
	if (plan->numa_cells->len == 1) {
		g_ptr_array_set_size(plan->numa_cells, 0); /* one node: bound, no cells */
		return;
	}
	if (cells_are_sockets(plan)) {
		guint sockets = plan->numa_cells->len;
		plan->dies = plan->dies % sockets == 0 ? plan->dies / sockets : 1;
		plan->sockets = sockets;
		plan->cores = plan->vcpus / plan->sockets / plan->dies / plan->threads;
	}
}

static void
explain_numa_cells(DkvmCpuPlan *plan)
{
	g_autoptr(GString) list = g_string_new(NULL);

	for (guint i = 0; i < plan->numa_cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(plan->numa_cells, i);
		g_autofree gchar *vcpus = dkvm_format_cpu_list(cell->vcpus);
		g_string_append_printf(list, "%scell %u on node %d (vCPUs %s)", i > 0 ? ", " : "",
		                       i, cell->host_node, vcpus);
	}
	dkvm_plan_line(plan->rationale,
	               "the vCPUs span %u NUMA nodes: the guest sees %u NUMA cells, %s; each "
	               "cell's memory is bound to its node (strict), in proportion to its vCPUs",
	               plan->numa_cells->len, plan->numa_cells->len, list->str);
	if (plan->sockets == 1) {
		dkvm_plan_line(plan->warnings,
		               "the guest's NUMA cells hold unequal vCPU shares: its topology "
		               "says one socket, so its scheduler sees the cells but not as "
		               "sockets");
	}
}

static void
set_numa(const DkvmHostFacts *host, const GArray *guest, gint gpu_node, DkvmCpuPlan *plan)
{
	gint node = -2;

	plan->numa_node = -1;
	for (guint i = 0; i < guest->len; i++) {
		const DkvmHostCpu *c =
		        dkvm_host_facts_get_cpu(host, g_array_index(guest, guint, i));
		if (node == -2)
			node = c->node;
		else if (node != c->node)
			node = -1;
	}
	if (host->numa_nodes->len > 1 && node >= 0) {
		plan->numa_node = node;
		dkvm_plan_line(plan->rationale,
		               "memory bound to NUMA node %d, where all vCPUs run%s", node,
		               node == gpu_node ? " and the GPU is wired" : "");
	} else if (plan->numa_cells->len > 1) {
		explain_numa_cells(plan);
	} else if (host->numa_nodes->len > 1) {
		dkvm_plan_line(plan->warnings, "the guest's CPUs span NUMA nodes, some of no known "
		                               "node: its memory is not bound to any node");
	}
	if (gpu_node >= 0 && host->numa_nodes->len > 1 && plan->numa_node != gpu_node)
		dkvm_plan_line(plan->warnings,
		               "the GPU sits on NUMA node %d, but the vCPUs could not all go there",
		               gpu_node);
}

DkvmCpuPlan *
dkvm_plan_cpu(const DkvmHostFacts *host, const DkvmSpec *spec, const DkvmHostSettings *settings,
              gint gpu_node, GError **error)
{
	g_autoptr(DkvmCpuPlan) plan = g_new0(DkvmCpuPlan, 1);
	g_autoptr(GPtrArray) cores = NULL;
	g_autoptr(GPtrArray) groups = NULL;
	g_autoptr(GPtrArray) used_cores = g_ptr_array_new();
	g_autoptr(GArray) guest = dkvm_plan_uint_array_new();
	g_autofree gchar *guest_str = NULL;
	gboolean l3_info = host_has_l3_info(host);
	guint max;

	plan->vcpus = spec->vcpus;
	plan->vcpu_pins = dkvm_plan_uint_array_new();
	plan->vcpu_cores = g_array_new(FALSE, FALSE, sizeof(gint));
	plan->vcpu_l3 = g_array_new(FALSE, FALSE, sizeof(gint));
	plan->warnings = dkvm_plan_lines_new();
	plan->rationale = dkvm_plan_lines_new();
	plan->numa_node = -1;
	plan->numa_cells = g_ptr_array_new_with_free_func((GDestroyNotify)numa_cell_free);

	if (spec->vcpus == 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "cannot pin 0 vCPUs: a VM needs at least one");
		return NULL;
	}
	if (host->cpus->len == 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "cannot pin vCPUs: the host facts list no CPU");
		return NULL;
	}
	cores = build_cores(host, l3_info);
	if (!mark_reserve(cores, settings, plan->warnings, plan->rationale, error))
		return NULL;
	plan->host_reserve = reserved_cpus(cores);
	max = count_free_threads(cores);
	if (spec->vcpus > max) {
		g_autofree gchar *kept = dkvm_format_cpu_list(plan->host_reserve);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
		            "not enough host CPUs for %u vCPUs: this host can give at most %u "
		            "(%u CPUs, %u kept for the host: %s)\n"
		            "hint: ask for at most %u vCPUs, or keep fewer CPUs for the host "
		            "(reserve= in dkvm.conf's [host] group)",
		            spec->vcpus, max, host->cpus->len, plan->host_reserve->len, kept, max);
		return NULL;
	}
	if (!l3_info)
		dkvm_plan_line(plan->warnings,
		               "the host reports no L3 cache groups: all CPUs are treated as one "
		               "group, and the guest may straddle caches");

	groups = build_groups(host, cores);
	place_vcpus(groups, spec->vcpus, gpu_node, l3_info, plan, used_cores);
	for (guint i = 0; i < plan->vcpu_pins->len; i++)
		dkvm_plan_uint_array_add_sorted(guest, g_array_index(plan->vcpu_pins, guint, i));
	set_topology(host, used_cores, plan);
	set_helpers(host, guest, plan);
	set_numa(host, guest, gpu_node, plan);
	dkvm_cpu_plan_set_cell_memory(plan, NULL, spec->memory_kib);

	guest_str = dkvm_format_cpu_list(guest);
	if (plan->host_reserve->len == 0)
		return g_steal_pointer(&plan); /* isolating every CPU would starve the host */
	plan->isolation_hint = g_strdup_printf("isolcpus=%s nohz_full=%s rcu_nocbs=%s", guest_str,
	                                       guest_str, guest_str);
	dkvm_plan_line(plan->rationale,
	               "isolation hint: `%s` on the kernel command line keeps the host's "
	               "scheduler, timer ticks and RCU callbacks off the guest's CPUs",
	               plan->isolation_hint);
	return g_steal_pointer(&plan);
}

/* ---- the cells in words and JSON (plan.c shows them with the plan) ---- */

void
dkvm_plan_text_numa_cells(GString *out, const GPtrArray *cells)
{
	g_string_append_printf(out, "  %-18s%u guest cells, each bound to its host node\n",
	                       "NUMA:", cells->len);
	for (guint i = 0; i < cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(cells, i);
		g_autofree gchar *vcpus = dkvm_format_cpu_list(cell->vcpus);
		g_autofree gchar *mem = dkvm_format_kib(cell->memory_kib);
		g_string_append_printf(out, "    cell %u: node %d, vCPUs %s, %s\n", i,
		                       cell->host_node, vcpus, mem);
	}
}

void
dkvm_plan_json_numa_cells(JsonBuilder *b, const GPtrArray *cells)
{
	json_builder_set_member_name(b, "numa_cells");
	json_builder_begin_array(b);
	for (guint i = 0; i < cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(cells, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "id", i);
		dkvm_json_add_int(b, "host_node", cell->host_node);
		dkvm_json_add_uint_array(b, "vcpus", cell->vcpus);
		dkvm_json_add_int(b, "memory_kib", (gint64)cell->memory_kib);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}
