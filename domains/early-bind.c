/*
 * Which devices early binding takes (early-bind.h): the marked VMs' PCI host
 * devices, read from their domain XML with the same readers as the rest of
 * domains/ (dkvm_domain_xml_parse for the devices, the metadata for the mark).
 */
#include "early-bind.h"

#include "domain-metadata.h"
#include "domain-tree.h"
#include "domain-xml-read.h"

void
dkvm_early_bind_vm_free(DkvmEarlyBindVm *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	if (self->addresses != NULL)
		g_ptr_array_unref(self->addresses);
	g_free(self);
}

DkvmEarlyBindVm *
dkvm_early_bind_read(const gchar *xml, GError **error)
{
	g_autoptr(DkvmDomainXml) domain = dkvm_domain_xml_parse(xml, error);
	g_autoptr(xmlDoc) doc = NULL;
	g_autoptr(DkvmMetadata) meta = NULL;
	g_autoptr(DkvmEarlyBindVm) self = NULL;

	if (domain == NULL)
		return NULL;
	doc = dkvm_tree_read_domain(xml, error);
	if (doc == NULL)
		return NULL;
	meta = dkvm_metadata_read(xmlDocGetRootElement(doc), error);
	if (meta == NULL)
		return NULL;
	self = g_new0(DkvmEarlyBindVm, 1);
	self->name = g_strdup(domain->name);
	self->marked = meta->early_bind;
	self->addresses = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < domain->pci_hostdevs->len; i++)
		g_ptr_array_add(self->addresses,
		                g_strdup(g_ptr_array_index(domain->pci_hostdevs, i)));
	return g_steal_pointer(&self);
}

static gint
address_cmp(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

GPtrArray *
dkvm_early_bind_addresses(const GPtrArray *vms)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < vms->len; i++) {
		const DkvmEarlyBindVm *vm = g_ptr_array_index(vms, i);

		if (!vm->marked)
			continue;
		for (guint j = 0; j < vm->addresses->len; j++) {
			const gchar *address = g_ptr_array_index(vm->addresses, j);
			if (!g_ptr_array_find_with_equal_func(out, address, g_str_equal, NULL))
				g_ptr_array_add(out, g_strdup(address));
		}
	}
	g_ptr_array_sort(out, address_cmp);
	return out;
}
