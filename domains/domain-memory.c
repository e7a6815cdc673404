/*
 * <memory>, <currentMemory> and <memoryBacking>: the VM's size and how it is
 * backed. Hugepages come from the hugepage plan (page size chosen there);
 * <nosharepages/> keeps KSM off the guest's memory, and <locked/> (only with
 * --lock-memory, on a pinned VM) keeps the host from swapping it; hugepages
 * are never swapped anyway, so it is off by default.
 * Other memoryBacking children a person added (memfd source, shared access
 * for virtiofs) stay.
 */
#include "domain-apply.h"
#include "dkvm-error.h"
#include "domain-tree.h"

static void
set_kib(xmlNode *root, const gchar *name, guint64 kib)
{
	xmlNode *n = dkvm_tree_ensure(root, name);
	g_autofree gchar *text = g_strdup_printf("%" G_GUINT64_FORMAT, kib);

	dkvm_tree_set_text(n, text);
	/* DKVM writes KiB; other attributes (dumpCore) stay */
	dkvm_tree_set(n, "unit", "KiB");
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

gboolean
dkvm_domain_check_guest_numa(xmlNode *root, const DkvmSpec *spec, GError **error)
{
	xmlNode *cpu = dkvm_tree_child(root, "cpu");
	xmlNode *numa = cpu != NULL ? dkvm_tree_child(cpu, "numa") : NULL;
	guint64 total_kib = 0;
	guint cells = 0;

	if (numa == NULL)
		return TRUE;
	for (xmlNode *cell = numa->children; cell != NULL; cell = cell->next) {
		g_autofree gchar *unit = NULL;
		guint64 value = 0, kib = 0;

		if (cell->type != XML_ELEMENT_NODE ||
		    g_strcmp0((const gchar *)cell->name, "cell") != 0)
			continue;
		unit = dkvm_tree_get(cell, "unit");
		if (dkvm_tree_get_uint(cell, "memory", &value) &&
		    dkvm_scale_to_kib(value, unit, &kib, NULL))
			total_kib += kib;
		cells++;
	}
	/* libvirt takes the guest's memory from the cells: a new size that the
	 * cells do not add up to would silently not apply */
	if (cells > 0 && total_kib != spec->memory_kib) {
		g_set_error(
		        error, DKVM_ERROR, DKVM_ERROR_INVALID,
		        "this VM has a guest NUMA topology (<cpu><numa>, %u cell%s, "
		        "%" G_GUINT64_FORMAT " MiB) that DKVM does not manage, so its memory "
		        "cannot change to %" G_GUINT64_FORMAT
		        " MiB\nhint: change the cells with `virsh edit`, or remove <numa> and let "
		        "DKVM size the VM",
		        cells, cells == 1 ? "" : "s", total_kib / 1024, spec->memory_kib / 1024);
		return FALSE;
	}
	return TRUE;
}
