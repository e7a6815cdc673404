/*
 * Hugepage pools changed from a face (vm-hugepages.h).
 */
#include "vm-hugepages.h"

#include "format-size.h"
#include "hugepage-pool.h"

gboolean
dkvm_vm_hugepages_resize(const DkvmHugepagePool *pool, guint64 total, GError **error)
{
	guint64 available = pool->free > pool->reserved ? pool->free - pool->reserved : 0;
	guint64 added = 0;

	if (total > pool->total)
		/* "this many free": what is free now plus the pages asked for */
		return dkvm_hugepage_pool_ensure(pool->size_kib, pool->node,
		                                 available + (total - pool->total), &added, error);
	if (total < pool->total)
		return dkvm_hugepage_pool_release(pool->size_kib, pool->node, pool->total - total,
		                                  NULL, error);
	return TRUE;
}

gboolean
dkvm_vm_hugepages_reserve(const DkvmDomainXml *domain, GPtrArray *report, GError **error)
{
	g_autofree gchar *size = dkvm_format_kib(domain->hugepage_size_kib);

	for (guint i = 0; domain->hugepage_needs != NULL && i < domain->hugepage_needs->len; i++) {
		const DkvmHugepageNeed *need =
		        &g_array_index(domain->hugepage_needs, DkvmHugepageNeed, i);
		g_autofree gchar *where =
		        need->node >= 0 ? g_strdup_printf(" on node %d", need->node) : g_strdup("");
		guint64 added = 0;

		if (!dkvm_hugepage_pool_ensure(domain->hugepage_size_kib, need->node, need->pages,
		                               &added, error))
			return FALSE;
		if (report != NULL)
			g_ptr_array_add(report,
			                g_strdup_printf("%" G_GUINT64_FORMAT " pages of %s free%s "
			                                "(%" G_GUINT64_FORMAT " added now)",
			                                need->pages, size, where, added));
	}
	return TRUE;
}
