/*
 * <memory>, <currentMemory> and <memoryBacking>: the VM's size and how it is
 * backed. Hugepages come from the hugepage plan (page size chosen there);
 * <nosharepages/> keeps KSM off the guest's memory, and <locked/> (only with
 * --lock-memory, on a pinned VM) keeps the host from swapping it; hugepages
 * are never swapped anyway, so it is off by default.
 * Other memoryBacking children a person added (memfd source, shared access
 * for virtiofs) stay. The guest NUMA cells (<cpu><numa>) hold the memory too:
 * with the CPUs, domain-cpu.c writes them from the plan; a memory change
 * alone resizes them here. dkvm_domain_numa_note() says what changed.
 */
#include <string.h>

#include "domain-apply.h"
#include "dkvm-error.h"
#include "domain-tree.h"
#include "domain-xml.h"

static void
set_kib(xmlNode *root, const gchar *name, guint64 kib)
{
	xmlNode *n = dkvm_tree_ensure(root, name);
	g_autofree gchar *text = g_strdup_printf("%" G_GUINT64_FORMAT, kib);

	dkvm_tree_set_text(n, text);
	/* DKVM writes KiB; other attributes (dumpCore) stay */
	dkvm_tree_set(n, "unit", "KiB");
}

/*
 * A memory change that leaves the CPUs alone (`vm edit --memory`): the guest
 * NUMA cells keep their vCPUs (the vCPU pins and node bindings they go with
 * stay too) and share the new memory in proportion to their vCPUs, in whole
 * hugepages when hugepages are on, so libvirt (which sizes the guest from the
 * cells) gives the guest the new size.
 */
static void
resize_cells(DkvmApplyCtx *ctx, guint64 memory_kib)
{
	const DkvmHugepagePlan *hp = ctx->spec->hugepages ? ctx->plan->hugepages : NULL;
	xmlNode *cpu = dkvm_tree_child(ctx->root, "cpu");
	xmlNode *numa = cpu != NULL ? dkvm_tree_child(cpu, "numa") : NULL;
	g_autoptr(GPtrArray) nodes = g_ptr_array_new();
	g_autoptr(GPtrArray) cells = NULL;
	g_autoptr(GArray) shares = NULL;
	guint64 unit_kib = hp != NULL && hp->page_size_kib > 0 ? hp->page_size_kib : 1024;

	for (xmlNode *n = numa != NULL ? numa->children : NULL; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && g_strcmp0((const gchar *)n->name, "cell") == 0)
			g_ptr_array_add(nodes, n);
	}
	if (nodes->len == 0)
		return;
	cells = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < nodes->len; i++) {
		g_autofree gchar *list = dkvm_tree_get(g_ptr_array_index(nodes, i), "cpus");
		DkvmNumaCell *cell = g_new0(DkvmNumaCell, 1);
		/* a cell without (valid) cpus weighs nothing */
		cell->vcpus = list != NULL ? dkvm_parse_cpu_list(list, NULL) : NULL;
		if (cell->vcpus == NULL)
			cell->vcpus = g_array_new(FALSE, FALSE, sizeof(guint));
		g_ptr_array_add(cells, cell);
	}
	shares = dkvm_numa_cells_split(cells, memory_kib / unit_kib);
	for (guint i = 0; i < nodes->len; i++) {
		xmlNode *node = g_ptr_array_index(nodes, i);
		/* what is not a whole unit (memory without hugepages) goes to cell 0 */
		guint64 kib = g_array_index(shares, guint64, i) * unit_kib +
		              (i == 0 ? memory_kib % unit_kib : 0);
		dkvm_tree_set_printf(node, "memory", "%" G_GUINT64_FORMAT, kib);
		dkvm_tree_set(node, "unit", "KiB");
		g_array_unref(((DkvmNumaCell *)g_ptr_array_index(cells, i))->vcpus);
	}
}

gboolean
dkvm_domain_apply_memory(DkvmApplyCtx *ctx, GError **error)
{
	const DkvmHugepagePlan *hp = ctx->plan->hugepages;
	xmlNode *backing;
	/* with hugepages the guest gets whole pages (the plan rounds up) */
	guint64 kib = ctx->spec->hugepages && hp != NULL && hp->memory_kib > 0
	                      ? hp->memory_kib
	                      : ctx->spec->memory_kib;

	set_kib(ctx->root, "memory", kib);
	set_kib(ctx->root, "currentMemory", kib);

	backing = dkvm_tree_ensure(ctx->root, "memoryBacking");
	dkvm_tree_remove_all(backing, "hugepages");
	dkvm_tree_remove_all(backing, "nosharepages");
	dkvm_tree_remove_all(backing, "locked");
	if (ctx->spec->hugepages && hp != NULL) {
		xmlNode *pages = dkvm_tree_add(backing, "hugepages");
		xmlNode *page = dkvm_tree_add(pages, "page");
		dkvm_tree_set_printf(page, "size", "%" G_GUINT64_FORMAT, hp->page_size_kib);
		dkvm_tree_set(page, "unit", "KiB");
		dkvm_tree_add(backing, "nosharepages");
		if (ctx->spec->pinning && ctx->spec->lock_memory)
			dkvm_tree_add(backing, "locked");
	}
	dkvm_tree_remove_if_empty(backing);
	/* the guest NUMA cells carry the memory too: with the CPUs, the CPU area
	 * writes them from the plan; without, they keep their vCPUs and nodes */
	if ((ctx->areas & DKVM_DOMAIN_AREA_CPU) == 0)
		resize_cells(ctx, kib);
	return TRUE;
}

gboolean
dkvm_domain_read_memory(xmlNode *root, DkvmSpec *spec, GError **error)
{
	xmlNode *memory = dkvm_tree_child(root, "memory");
	xmlNode *backing = dkvm_tree_child(root, "memoryBacking");
	g_autofree gchar *unit = dkvm_tree_get(memory, "unit");
	guint64 value = 0;

	if (memory == NULL || !dkvm_tree_get_uint(memory, NULL, &value)) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "invalid domain: <memory> is missing or not a size");
		return FALSE;
	}
	if (!dkvm_scale_to_kib(value, unit, &spec->memory_kib, error)) {
		g_prefix_error(error, "invalid domain: <memory>: ");
		return FALSE;
	}
	spec->hugepages = backing != NULL && dkvm_tree_child(backing, "hugepages") != NULL;
	/* <locked/> is off unless asked for, so the element says it all */
	spec->lock_memory = backing != NULL && dkvm_tree_child(backing, "locked") != NULL;
	return TRUE;
}

/* The guest NUMA cells of a domain in words ("cell 0: vCPUs 0-15, 15000
 * MiB; ..."), NULL when it has none. */
static gchar *
describe_cells(xmlNode *root)
{
	xmlNode *cpu = dkvm_tree_child(root, "cpu");
	xmlNode *numa = cpu != NULL ? dkvm_tree_child(cpu, "numa") : NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	for (xmlNode *cell = numa != NULL ? numa->children : NULL; cell != NULL;
	     cell = cell->next) {
		g_autofree gchar *id = NULL;
		g_autofree gchar *cpus = NULL;
		g_autofree gchar *unit = NULL;
		guint64 value = 0, kib = 0;

		if (cell->type != XML_ELEMENT_NODE ||
		    g_strcmp0((const gchar *)cell->name, "cell") != 0)
			continue;
		id = dkvm_tree_get(cell, "id");
		cpus = dkvm_tree_get(cell, "cpus");
		unit = dkvm_tree_get(cell, "unit");
		if (!dkvm_tree_get_uint(cell, "memory", &value) ||
		    !dkvm_scale_to_kib(value, unit, &kib, NULL))
			kib = 0;
		g_string_append_printf(out, "%scell %s: vCPUs %s, %" G_GUINT64_FORMAT " MiB",
		                       out->len > 0 ? "; " : "", id != NULL ? id : "?",
		                       cpus != NULL ? cpus : "none", kib / 1024);
	}
	return out->len > 0 ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}

gchar *
dkvm_domain_numa_note(const gchar *old_xml, const gchar *new_xml)
{
	g_autoptr(xmlDoc) old_doc = NULL;
	g_autoptr(xmlDoc) new_doc = NULL;
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;

	old_doc = dkvm_tree_read_domain(old_xml, NULL);
	new_doc = dkvm_tree_read_domain(new_xml, NULL);
	if (old_doc == NULL || new_doc == NULL)
		return NULL;
	before = describe_cells(xmlDocGetRootElement(old_doc));
	after = describe_cells(xmlDocGetRootElement(new_doc));
	if (before == NULL || g_strcmp0(before, after) == 0)
		return NULL;
	return g_strdup_printf("DKVM rewrote the guest NUMA cells (<cpu><numa>): were %s; now %s",
	                       before,
	                       after != NULL ? after
	                                     : "none (one host node holds the vCPUs, or they are "
	                                       "not pinned)");
}
