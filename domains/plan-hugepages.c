/*
 * The hugepage planner: which page size backs the guest's memory, how many
 * pages it needs, how many the pool must grow by, and whether the host keeps
 * its headroom. A pure function of the host facts, the spec and the settings.
 *
 * Why each rule exists:
 *
 * - Hugepages cut the guest's TLB misses and keep its memory from being
 *   swapped or moved: near-native memory speed needs them.
 * - 1 GiB pages when the CPU has pdpe1gb and the 1 GiB pool holds enough pages
 *   reserved at boot (its total): such pages can rarely be found at run time
 *   once memory is fragmented, so DKVM never plans to grow that pool. Else
 *   2 MiB pages, which the kernel can still assemble at run time.
 * - Page count = memory / page size, rounded up: the domain declares the
 *   rounded memory (memory_kib), with a warning, since libvirt refuses
 *   memory that is not a whole number of pages.
 * - pages_to_add: what the pool lacks today (free pages of that pool; on the
 *   NUMA node when memory is bound there). Those pages come out of the host's
 *   available memory, which must still leave the host its headroom:
 *   settings->headroom_kib, else max(1 GiB, 5 % of RAM), enough for the
 *   RAM-disk root file system, libvirtd and QEMU's own memory.
 * - A guest with NUMA cells (its vCPUs span host nodes) takes each cell's
 *   pages from that cell's node: the pages split in proportion to the
 *   cells' vCPUs, each node's pool and free memory checked for its part;
 *   1 GiB pages only when each node's pool holds its cell's share.
 * - A request that cannot be met fails before anything is changed, saying
 *   how much is missing and what to do: lower the VM's memory or reserve the
 *   pages at boot, when memory is not yet fragmented.
 */
#include "plan.h"

#include <json-glib/json-glib.h>

#include "dkvm-error.h"
#include "json-builder-util.h"
#include "page-size.h"
#include "plan-util.h"
#include "size-math.h"

void
dkvm_hugepage_plan_free(DkvmHugepagePlan *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->cells, g_array_unref);
	g_clear_pointer(&self->warnings, g_ptr_array_unref);
	g_clear_pointer(&self->rationale, g_ptr_array_unref);
	g_free(self);
}

/* The pool of @size_kib on @node (-1: the global pool); NULL when absent. */
static const DkvmHugepagePool *
find_pool(const DkvmHostFacts *host, guint64 size_kib, gint node)
{
	if (node < 0)
		return dkvm_host_facts_get_hugepage_pool(host, size_kib);
	for (guint i = 0; i < host->hugepages->len; i++) {
		const DkvmHugepagePool *p = g_ptr_array_index(host->hugepages, i);
		if (p->size_kib == size_kib && p->node == node)
			return p;
	}
	return NULL;
}

/* Free pages nobody has claimed: the global pool's free count includes pages
 * promised to a mapping but not yet faulted in (resv_hugepages). */
static guint64
usable_free(const DkvmHugepagePool *pool)
{
	if (pool == NULL)
		return 0;
	if (pool->node < 0)
		return pool->free > pool->reserved ? pool->free - pool->reserved : 0;
	return pool->free;
}

/* With guest NUMA cells: does each cell's node hold its share of 1 GiB pages
 * reserved at boot? */
static gboolean
cells_have_1g(const DkvmHostFacts *host, const GPtrArray *cells, guint64 pages_1g)
{
	g_autoptr(GArray) shares = dkvm_numa_cells_split(cells, pages_1g);

	for (guint i = 0; i < cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(cells, i);
		const DkvmHugepagePool *pool = find_pool(host, DKVM_PAGE_1G_KIB, cell->host_node);
		if (pool == NULL || pool->total < g_array_index(shares, guint64, i))
			return FALSE;
	}
	return TRUE;
}

static gboolean
choose_size(const DkvmHostFacts *host, const DkvmSpec *spec, const DkvmHostSettings *settings,
            gint node, const GPtrArray *cells, DkvmHugepagePlan *plan, GError **error)
{
	guint64 want = settings != NULL ? settings->hugepage_size_kib : 0;
	guint64 pages_1g = dkvm_size_units(spec->memory_kib, DKVM_PAGE_1G_KIB);
	const DkvmHugepagePool *pool_1g = find_pool(host, DKVM_PAGE_1G_KIB, node);

	if (want != 0 && want != DKVM_PAGE_2M_KIB && want != DKVM_PAGE_1G_KIB) {
		g_autofree gchar *s = dkvm_format_kib(want);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "hugepage size %s: DKVM uses 2 MiB or 1 GiB pages", s);
		return FALSE;
	}
	if (want == DKVM_PAGE_1G_KIB && !host->pdpe1gb) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "hugepage size 1 GiB: this CPU has no 1 GiB pages (pdpe1gb)\n"
		                    "hint: use 2 MiB pages (hugepage_size=2M in dkvm.conf)");
		return FALSE;
	}
	if (want != 0) {
		plan->page_size_kib = want;
		dkvm_plan_line(plan->rationale, "page size %s, set in dkvm.conf",
		               want == DKVM_PAGE_1G_KIB ? "1 GiB" : "2 MiB");
		return TRUE;
	}
	if (host->pdpe1gb && cells != NULL) {
		gboolean enough = cells_have_1g(host, cells, pages_1g);
		plan->page_size_kib = enough ? DKVM_PAGE_1G_KIB : DKVM_PAGE_2M_KIB;
		dkvm_plan_line(
		        plan->rationale,
		        enough ? "1 GiB pages: the CPU has pdpe1gb and the 1 GiB pool of each "
		                 "guest NUMA cell's node holds the cell's share of "
		                 "%" G_GUINT64_FORMAT " pages, reserved at boot"
		               : "2 MiB pages: the 1 GiB pools of the guest NUMA cells' nodes do "
		                 "not each hold the cell's share of %" G_GUINT64_FORMAT
		                 " pages reserved at boot (1 GiB pages can rarely be added at "
		                 "run time)",
		        pages_1g);
		return TRUE;
	}
	if (host->pdpe1gb && pool_1g != NULL && pool_1g->total >= pages_1g) {
		plan->page_size_kib = DKVM_PAGE_1G_KIB;
		dkvm_plan_line(plan->rationale,
		               "1 GiB pages: the CPU has pdpe1gb and the 1 GiB pool%s holds "
		               "%" G_GUINT64_FORMAT
		               " pages reserved at boot, enough for %" G_GUINT64_FORMAT,
		               node >= 0 ? " of the node" : "", pool_1g->total, pages_1g);
		return TRUE;
	}
	plan->page_size_kib = DKVM_PAGE_2M_KIB;
	if (!host->pdpe1gb)
		dkvm_plan_line(plan->rationale,
		               "2 MiB pages: the CPU has no 1 GiB pages (pdpe1gb)");
	else
		dkvm_plan_line(plan->rationale,
		               "2 MiB pages: 1 GiB pages need %" G_GUINT64_FORMAT
		               " pages reserved at boot and the pool%s has %" G_GUINT64_FORMAT
		               " (1 GiB pages can rarely be added at run time)",
		               pages_1g, node >= 0 ? " of the node" : "",
		               pool_1g != NULL ? pool_1g->total : 0);
	return TRUE;
}

static void
set_insufficient(GError **error, const DkvmSpec *spec, const DkvmHostFacts *host,
                 const DkvmHugepagePlan *plan, guint64 needed_kib, guint64 avail_kib, gint node)
{
	guint64 usable = avail_kib > plan->headroom_kib ? avail_kib - plan->headroom_kib : 0;
	g_autofree gchar *mem = dkvm_format_kib(spec->memory_kib);
	g_autofree gchar *missing = dkvm_format_kib(needed_kib - usable);
	g_autofree gchar *need = dkvm_format_kib(needed_kib);
	g_autofree gchar *avail = dkvm_format_kib(avail_kib);
	g_autofree gchar *keep = dkvm_format_kib(plan->headroom_kib);
	g_autofree gchar *node_str =
	        node >= 0 ? g_strdup_printf(" on NUMA node %d", node) : g_strdup("");
	g_autofree gchar *boot = NULL;

	if (host->pdpe1gb)
		boot = g_strdup_printf("hugepagesz=1G hugepages=%" G_GUINT64_FORMAT,
		                       dkvm_size_units(spec->memory_kib, DKVM_PAGE_1G_KIB));
	else
		boot = g_strdup_printf("hugepages=%" G_GUINT64_FORMAT,
		                       dkvm_size_units(spec->memory_kib, DKVM_PAGE_2M_KIB));
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
	            "not enough memory for %s in hugepages: %s missing (%s of new pages needed, "
	            "%s available%s, the host keeps %s)\n"
	            "hint: lower the VM's memory, or reserve hugepages at boot: `%s` on the kernel "
	            "command line",
	            mem, missing, need, avail, node_str, keep, boot);
}

static guint64
node_free_kib(const DkvmHostFacts *host, gint node)
{
	for (guint i = 0; i < host->numa_nodes->len; i++) {
		const DkvmNumaNode *n = g_ptr_array_index(host->numa_nodes, i);
		if ((gint)n->id == node)
			return n->free_kib;
	}
	return 0;
}

/* One part per guest NUMA cell, from that cell's node: each node's pool and
 * free memory must give its part (see the top of the file). */
static gboolean
plan_cells(const DkvmHostFacts *host, const DkvmSpec *spec, const GPtrArray *cells,
           DkvmHugepagePlan *plan, GError **error)
{
	g_autoptr(GArray) pages = dkvm_numa_cells_split(cells, plan->pages);
	g_autoptr(GString) parts = g_string_new(NULL);
	g_autofree gchar *page = dkvm_format_kib(plan->page_size_kib);

	for (guint i = 0; i < cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(cells, i);
		DkvmHugepageCell part = { .node = cell->host_node };
		guint64 free_kib = node_free_kib(host, cell->host_node);

		part.pages = g_array_index(pages, guint64, i);
		part.pool_free = usable_free(find_pool(host, plan->page_size_kib, cell->host_node));
		part.pages_to_add = part.pages > part.pool_free ? part.pages - part.pool_free : 0;
		/* the node's own free memory must hold the pages it adds */
		if (free_kib > 0 &&
		    dkvm_size_mul(part.pages_to_add, plan->page_size_kib) > free_kib) {
			g_autofree gchar *mem = dkvm_format_kib(spec->memory_kib);
			g_autofree gchar *need = dkvm_format_kib(
			        dkvm_size_mul(part.pages_to_add, plan->page_size_kib));
			g_autofree gchar *avail = dkvm_format_kib(free_kib);
			g_set_error(
			        error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
			        "not enough memory for %s in hugepages: guest NUMA cell %u needs "
			        "%s of new pages on NUMA node %d, which has %s free\n"
			        "hint: lower the VM's memory, or reserve hugepages on that node at "
			        "boot (/sys/devices/system/node/node%d/hugepages/)",
			        mem, i, need, cell->host_node, avail, cell->host_node);
			return FALSE;
		}
		plan->pool_free += part.pool_free;
		plan->pages_to_add += part.pages_to_add;
		g_array_append_val(plan->cells, part);
		g_string_append_printf(parts,
		                       "%scell %u: %" G_GUINT64_FORMAT
		                       " on node %d (%" G_GUINT64_FORMAT " free, %" G_GUINT64_FORMAT
		                       " to add)",
		                       i > 0 ? "; " : "", i, part.pages, part.node, part.pool_free,
		                       part.pages_to_add);
	}
	dkvm_plan_line(plan->rationale,
	               "the %" G_GUINT64_FORMAT " pages of %s come from the nodes of the guest's "
	               "NUMA cells, in proportion to their vCPUs: %s",
	               plan->pages, page, parts->str);
	return TRUE;
}

guint64
dkvm_plan_headroom_kib(const DkvmHostFacts *host, const DkvmHostSettings *settings)
{
	if (settings != NULL && settings->headroom_kib != 0)
		return settings->headroom_kib;
	return MAX(DKVM_PAGE_1G_KIB, host->mem_total_kib / 20);
}

guint64
dkvm_plan_hugepages_max_kib(const DkvmHostFacts *host, const DkvmHostSettings *settings)
{
	guint64 headroom = dkvm_plan_headroom_kib(host, settings);
	guint64 pool_kib = 0;

	/* the global pools (node -1): each page counted once */
	for (guint i = 0; i < host->hugepages->len; i++) {
		const DkvmHugepagePool *pool = g_ptr_array_index(host->hugepages, i);
		if (pool->node < 0)
			pool_kib = dkvm_size_add(pool_kib,
			                         dkvm_size_mul(usable_free(pool), pool->size_kib));
	}
	return dkvm_size_add(pool_kib, host->mem_available_kib > headroom
	                                       ? host->mem_available_kib - headroom
	                                       : 0);
}

DkvmHugepagePlan *
dkvm_plan_hugepages(const DkvmHostFacts *host, const DkvmSpec *spec,
                    const DkvmHostSettings *settings, const DkvmCpuPlan *cpu, GError **error)
{
	g_autoptr(DkvmHugepagePlan) plan = g_new0(DkvmHugepagePlan, 1);
	const DkvmHugepagePool *pool;
	guint64 needed_kib, avail_kib = host->mem_available_kib;
	g_autofree gchar *mem = NULL;
	g_autofree gchar *page = NULL;
	gint numa_node = cpu != NULL ? cpu->numa_node : -1;
	const GPtrArray *cells = cpu != NULL && cpu->numa_cells != NULL && cpu->numa_cells->len > 0
	                                 ? cpu->numa_cells
	                                 : NULL;

	plan->warnings = dkvm_plan_lines_new();
	plan->rationale = dkvm_plan_lines_new();
	plan->cells = g_array_new(FALSE, TRUE, sizeof(DkvmHugepageCell));
	plan->node = numa_node;

	if (spec->memory_kib == 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "cannot plan hugepages for 0 bytes of memory");
		return NULL;
	}
	if (!choose_size(host, spec, settings, numa_node, cells, plan, error))
		return NULL;

	plan->pages = dkvm_size_units(spec->memory_kib, plan->page_size_kib);
	plan->memory_kib = dkvm_size_mul(plan->pages, plan->page_size_kib);
	mem = dkvm_format_kib(spec->memory_kib);
	page = dkvm_format_kib(plan->page_size_kib);
	if (plan->memory_kib != spec->memory_kib) {
		g_autofree gchar *rounded = dkvm_format_kib(plan->memory_kib);
		dkvm_plan_line(plan->warnings,
		               "memory %s is not a multiple of the %s page size: the VM gets %s "
		               "(%" G_GUINT64_FORMAT " pages)",
		               mem, page, rounded, plan->pages);
	}

	if (cells != NULL) {
		if (!plan_cells(host, spec, cells, plan, error))
			return NULL;
	} else {
		pool = find_pool(host, plan->page_size_kib, numa_node);
		plan->pool_free = usable_free(pool);
		plan->pages_to_add =
		        plan->pages > plan->pool_free ? plan->pages - plan->pool_free : 0;
	}
	plan->headroom_kib = dkvm_plan_headroom_kib(host, settings);
	if (numa_node >= 0) {
		for (guint i = 0; i < host->numa_nodes->len; i++) {
			const DkvmNumaNode *n = g_ptr_array_index(host->numa_nodes, i);
			if ((gint)n->id == numa_node && n->free_kib > 0)
				avail_kib = MIN(avail_kib, n->free_kib);
		}
	}
	needed_kib = dkvm_size_mul(plan->pages_to_add, plan->page_size_kib);
	/* the sum saturates: a headroom near G_MAXUINT64 (dkvm.conf) is refused,
	 * never wrapped into a small number that passes */
	if (needed_kib > 0 && dkvm_size_add(needed_kib, plan->headroom_kib) > avail_kib) {
		set_insufficient(error, spec, host, plan, needed_kib, avail_kib, numa_node);
		return NULL;
	}

	dkvm_plan_line(plan->rationale,
	               "%s in %" G_GUINT64_FORMAT " pages of %s%s; the pool%s %" G_GUINT64_FORMAT
	               " free, %" G_GUINT64_FORMAT " to add",
	               mem, plan->pages, page,
	               numa_node >= 0  ? " from the VM's NUMA node"
	               : cells != NULL ? " from the nodes of its NUMA cells"
	                               : "",
	               cells != NULL ? "s have" : " has", plan->pool_free, plan->pages_to_add);
	{
		g_autofree gchar *keep = dkvm_format_kib(plan->headroom_kib);
		dkvm_plan_line(
		        plan->rationale,
		        "the host keeps %s (%s) for its RAM-disk root, libvirtd and QEMU", keep,
		        settings != NULL && settings->headroom_kib != 0 ? "set in dkvm.conf"
		                                                        : "max(1 GiB, 5 % of RAM)");
	}
	if (plan->page_size_kib == DKVM_PAGE_1G_KIB && plan->pages_to_add > 0)
		dkvm_plan_line(plan->warnings,
		               "%" G_GUINT64_FORMAT " 1 GiB pages must be added at run time, which "
		               "fails once memory is fragmented: reserve them at boot "
		               "(hugepagesz=1G hugepages=N)",
		               plan->pages_to_add);
	if (spec->pinning && spec->lock_memory)
		dkvm_plan_line(plan->warnings,
		               "--lock-memory: libvirtd needs CAP_SYS_RESOURCE to lift QEMU's "
		               "memlock limit, or the VM cannot start (\"cannot limit locked "
		               "memory\")");
	return g_steal_pointer(&plan);
}

/* ---- where the pages come from, in words and JSON (for plan.c) ---- */

gchar *
dkvm_plan_hugepage_source(const DkvmHugepagePlan *hp)
{
	g_autoptr(GString) nodes = NULL;

	if (hp->cells->len == 0)
		return hp->node >= 0 ? g_strdup_printf("node %d", hp->node) : g_strdup("any node");
	nodes = g_string_new("nodes");
	for (guint i = 0; i < hp->cells->len; i++) {
		const DkvmHugepageCell *c = &g_array_index(hp->cells, DkvmHugepageCell, i);
		g_string_append_printf(nodes, "%s %d: %" G_GUINT64_FORMAT, i > 0 ? "," : "",
		                       c->node, c->pages);
	}
	return g_string_free(g_steal_pointer(&nodes), FALSE);
}

void
dkvm_plan_json_hugepage_cells(JsonBuilder *b, const GArray *cells)
{
	json_builder_set_member_name(b, "cells");
	json_builder_begin_array(b);
	for (guint i = 0; i < cells->len; i++) {
		const DkvmHugepageCell *c = &g_array_index(cells, DkvmHugepageCell, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "cell", i);
		dkvm_json_add_int(b, "node", c->node);
		dkvm_json_add_int(b, "pages", (gint64)c->pages);
		dkvm_json_add_int(b, "pool_free", (gint64)c->pool_free);
		dkvm_json_add_int(b, "pages_to_add", (gint64)c->pages_to_add);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}
