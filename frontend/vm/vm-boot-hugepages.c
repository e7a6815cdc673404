/*
 * Boot-time hugepages (vm-boot-hugepages.h): the VMs' needs added up by
 * domains/hugepage-boot.c, each pool grown by frontend/system's pool code.
 */
#include "vm-boot-hugepages.h"

#include "domain-xml-read.h"
#include "format-size.h"
#include "hugepage-boot.h"
#include "hugepage-pool.h"

gboolean
dkvm_vm_boot_hugepages(const gchar *xml_dir, GPtrArray *report, GPtrArray *skipped, GError **error)
{
	g_autoptr(GPtrArray) files = dkvm_vm_domain_files(xml_dir, skipped, error);
	g_autoptr(GPtrArray) domains =
	        g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_domain_xml_free);
	g_autoptr(GArray) needs = NULL;
	g_autoptr(GError) first = NULL;

	if (files == NULL)
		return FALSE;
	for (guint i = 0; i < files->len; i++) {
		const DkvmDomainFile *file = g_ptr_array_index(files, i);
		g_autoptr(GError) local = NULL;
		DkvmDomainXml *domain = dkvm_domain_xml_parse(file->xml, &local);

		if (domain == NULL) {
			g_ptr_array_add(skipped,
			                g_strdup_printf("%s: %s", file->path, local->message));
			continue;
		}
		g_ptr_array_add(domains, domain);
	}
	needs = dkvm_hugepage_boot_needs(domains);
	for (guint i = 0; i < needs->len; i++) {
		const DkvmHugepageBootNeed *need = &g_array_index(needs, DkvmHugepageBootNeed, i);
		g_autofree gchar *size = dkvm_format_kib(need->size_kib);
		g_autofree gchar *where =
		        need->node >= 0 ? g_strdup_printf(" on node %d", need->node) : g_strdup("");
		g_autoptr(GError) local = NULL;
		guint64 added = 0;

		if (!dkvm_hugepage_pool_ensure(need->size_kib, need->node, need->pages, &added,
		                               &local)) {
			/* the other pools are still worth reserving */
			g_ptr_array_add(report, g_strdup_printf("%s pages%s: %s", size, where,
			                                        local->message));
			if (first == NULL)
				first = g_steal_pointer(&local);
			continue;
		}
		g_ptr_array_add(report, g_strdup_printf("%" G_GUINT64_FORMAT " pages of %s free%s "
		                                        "(%" G_GUINT64_FORMAT " added now)",
		                                        need->pages, size, where, added));
	}
	if (first != NULL) {
		g_propagate_error(error, g_steal_pointer(&first));
		return FALSE;
	}
	return TRUE;
}
