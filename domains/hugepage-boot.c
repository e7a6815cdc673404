/*
 * The kernel options that reserve the VMs' hugepages at boot
 * (hugepage-boot.h). The kernel reads "hugepagesz=X hugepages=N" pairs in
 * order, each count for the size before it, and since Linux 5.12 a count
 * per node as "hugepages=0:N,1:M".
 */
#include "hugepage-boot.h"

#include "domain-xml-read.h"
#include "page-size.h"

/* Pages per node of one page size; node -1 is "any node". */
typedef struct {
	guint64 size_kib;
	GHashTable *by_node; /* GINT_TO_POINTER(node + 1) -> guint64* pages */
} SizeNeed;

static void
size_need_free(SizeNeed *self)
{
	g_hash_table_unref(self->by_node);
	g_free(self);
}

static SizeNeed *
size_need_for(GPtrArray *sizes, guint64 size_kib)
{
	SizeNeed *need;

	for (guint i = 0; i < sizes->len; i++) {
		need = g_ptr_array_index(sizes, i);
		if (need->size_kib == size_kib)
			return need;
	}
	need = g_new0(SizeNeed, 1);
	need->size_kib = size_kib;
	need->by_node = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	g_ptr_array_add(sizes, need);
	return need;
}

static void
add_pages(SizeNeed *need, gint node, guint64 pages)
{
	guint64 *sum = g_hash_table_lookup(need->by_node, GINT_TO_POINTER(node + 1));

	if (sum == NULL) {
		sum = g_new0(guint64, 1);
		g_hash_table_insert(need->by_node, GINT_TO_POINTER(node + 1), sum);
	}
	*sum += pages;
}

static gint
size_desc(gconstpointer a, gconstpointer b)
{
	const SizeNeed *x = *(SizeNeed *const *)a, *y = *(SizeNeed *const *)b;
	return (x->size_kib < y->size_kib) - (x->size_kib > y->size_kib);
}

static gint
int_cmp(gconstpointer a, gconstpointer b)
{
	gint x = GPOINTER_TO_INT(a), y = GPOINTER_TO_INT(b);
	return (x > y) - (x < y);
}

static gchar *
size_name(guint64 size_kib)
{
	if (size_kib == DKVM_PAGE_1G_KIB)
		return g_strdup("1G");
	if (size_kib == DKVM_PAGE_2M_KIB)
		return g_strdup("2M");
	return g_strdup_printf("%" G_GUINT64_FORMAT "K", size_kib);
}

/* "16" or "0:4,1:12" */
static gchar *
count_of(const SizeNeed *need)
{
	g_autoptr(GList) nodes = g_list_sort(g_hash_table_get_keys(need->by_node), int_cmp);
	g_autoptr(GString) out = g_string_new(NULL);
	guint64 total = 0;
	gboolean any_node = FALSE;

	for (GList *l = nodes; l != NULL; l = l->next) {
		const guint64 *pages = g_hash_table_lookup(need->by_node, l->data);
		total += *pages;
		any_node |= GPOINTER_TO_INT(l->data) == 0;
	}
	if (any_node)
		return g_strdup_printf("%" G_GUINT64_FORMAT, total);
	for (GList *l = nodes; l != NULL; l = l->next) {
		const guint64 *pages = g_hash_table_lookup(need->by_node, l->data);
		g_string_append_printf(out, "%s%d:%" G_GUINT64_FORMAT, out->len > 0 ? "," : "",
		                       GPOINTER_TO_INT(l->data) - 1, *pages);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* What @domains need, one SizeNeed per page size, 1 GiB first. */
static GPtrArray *
collect_sizes(const GPtrArray *domains)
{
	GPtrArray *sizes = g_ptr_array_new_with_free_func((GDestroyNotify)size_need_free);

	for (guint i = 0; domains != NULL && i < domains->len; i++) {
		const DkvmDomainXml *d = g_ptr_array_index(domains, i);
		guint64 pages = dkvm_domain_xml_hugepages_needed(d);
		SizeNeed *need;
		if (pages == 0)
			continue;
		need = size_need_for(sizes, d->hugepage_size_kib);
		if (d->hugepage_needs == NULL || d->hugepage_needs->len == 0) {
			add_pages(need, d->hugepage_node, pages);
			continue;
		}
		for (guint n = 0; n < d->hugepage_needs->len; n++) {
			const DkvmHugepageNeed *cell =
			        &g_array_index(d->hugepage_needs, DkvmHugepageNeed, n);
			add_pages(need, cell->node, cell->pages);
		}
	}
	g_ptr_array_sort(sizes, size_desc);
	return sizes;
}

gchar *
dkvm_hugepage_boot_options(const GPtrArray *domains)
{
	g_autoptr(GPtrArray) sizes = collect_sizes(domains);
	g_autoptr(GString) out = g_string_new(NULL);

	if (sizes->len == 0)
		return NULL;
	for (guint i = 0; i < sizes->len; i++) {
		const SizeNeed *need = g_ptr_array_index(sizes, i);
		g_autofree gchar *size = size_name(need->size_kib);
		g_autofree gchar *count = count_of(need);
		g_string_append_printf(out, "%shugepagesz=%s hugepages=%s", out->len > 0 ? " " : "",
		                       size, count);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

GArray *
dkvm_hugepage_boot_needs(const GPtrArray *domains)
{
	g_autoptr(GPtrArray) sizes = collect_sizes(domains);
	GArray *out = g_array_new(FALSE, TRUE, sizeof(DkvmHugepageBootNeed));

	for (guint i = 0; i < sizes->len; i++) {
		const SizeNeed *need = g_ptr_array_index(sizes, i);
		g_autoptr(GList) nodes = g_list_sort(g_hash_table_get_keys(need->by_node), int_cmp);
		gboolean any_node = g_hash_table_contains(need->by_node, GINT_TO_POINTER(0));
		DkvmHugepageBootNeed total = { need->size_kib, -1, 0 };

		/* as the kernel options: one global count as soon as a VM takes
		 * its pages from any node, else a count per node */
		for (GList *l = nodes; l != NULL; l = l->next) {
			const guint64 *pages = g_hash_table_lookup(need->by_node, l->data);
			DkvmHugepageBootNeed one = { need->size_kib, GPOINTER_TO_INT(l->data) - 1,
				                     *pages };
			total.pages += *pages;
			if (!any_node)
				g_array_append_val(out, one);
		}
		if (any_node)
			g_array_append_val(out, total);
	}
	return out;
}
