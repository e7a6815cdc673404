/*
 * Reads and writes <dkvm:vm> inside <metadata>. libvirt keeps one element
 * per namespace there and never interprets it, so it survives define,
 * `virsh edit` and dumpxml. Only our own element is touched; libosinfo's and
 * anybody else's stay as they are.
 */
#include "domain-metadata.h"

#include "dkvm-error.h"
#include "looking-glass.h"
#include "domain-tree.h"

DkvmMetadata *
dkvm_metadata_new(void)
{
	DkvmMetadata *self = g_new0(DkvmMetadata, 1);
	self->pinning = TRUE;
	self->hugepages = TRUE;
	self->pci = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_pci_selection_free);
	self->siblings = g_ptr_array_new_with_free_func(g_free);
	self->aliases = g_ptr_array_new_with_free_func(g_free);
	return self;
}

void
dkvm_metadata_free(DkvmMetadata *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->pci);
	g_ptr_array_unref(self->siblings);
	g_ptr_array_unref(self->aliases);
	g_free(self);
}

gboolean
dkvm_metadata_owns(const DkvmMetadata *self, const gchar *alias)
{
	if (alias == NULL || !g_str_has_prefix(alias, DKVM_ALIAS_PREFIX))
		return FALSE;
	for (guint i = 0; i < self->aliases->len; i++) {
		if (g_strcmp0(g_ptr_array_index(self->aliases, i), alias) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
is_dkvm(const xmlNode *n, const gchar *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       g_strcmp0((const gchar *)n->ns->href, DKVM_METADATA_NS) == 0 &&
	       (name == NULL || g_strcmp0((const gchar *)n->name, name) == 0);
}

static xmlNode *
find_vm(xmlNode *root)
{
	xmlNode *metadata = dkvm_tree_child(root, "metadata");
	if (metadata == NULL)
		return NULL;
	for (xmlNode *n = metadata->children; n != NULL; n = n->next) {
		if (is_dkvm(n, "vm"))
			return n;
	}
	return NULL;
}

static gboolean
read_bool(xmlNode *n, gboolean *out, GError **error)
{
	g_autofree gchar *text = dkvm_tree_text(n);
	if (g_strcmp0(text, "yes") == 0) {
		*out = TRUE;
		return TRUE;
	}
	if (g_strcmp0(text, "no") == 0) {
		*out = FALSE;
		return TRUE;
	}
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
	            "invalid DKVM metadata: <dkvm:%s> must be yes or no, not '%s'", n->name,
	            text != NULL ? text : "");
	return FALSE;
}

DkvmMetadata *
dkvm_metadata_read(xmlNode *root, GError **error)
{
	g_autoptr(DkvmMetadata) self = dkvm_metadata_new();
	xmlNode *vm = find_vm(root);

	if (vm == NULL)
		return g_steal_pointer(&self);
	self->present = TRUE;
	for (xmlNode *n = vm->children; n != NULL; n = n->next) {
		if (!is_dkvm(n, NULL))
			continue;
		if (is_dkvm(n, "preset")) {
			g_autofree gchar *text = dkvm_tree_text(n);
			if (!dkvm_preset_from_string(text, &self->preset, error)) {
				g_prefix_error(error, "invalid DKVM metadata: ");
				return NULL;
			}
		} else if (is_dkvm(n, "pinning")) {
			if (!read_bool(n, &self->pinning, error))
				return NULL;
		} else if (is_dkvm(n, "hugepages")) {
			if (!read_bool(n, &self->hugepages, error))
				return NULL;
		} else if (is_dkvm(n, "early-bind")) {
			if (!read_bool(n, &self->early_bind, error))
				return NULL;
		} else if (is_dkvm(n, "iothreads")) {
			guint64 v = 0;
			if (!dkvm_tree_get_uint(n, NULL, &v) || v > 64) {
				g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				                    "invalid DKVM metadata: <dkvm:iothreads> must "
				                    "be a number from 0 to 64");
				return NULL;
			}
			self->iothreads = (guint)v;
		} else if (is_dkvm(n, "looking-glass")) {
			guint64 w = 0, h = 0;
			if (!dkvm_tree_get_uint(n, "width", &w) ||
			    !dkvm_tree_get_uint(n, "height", &h) || w == 0 || h == 0 ||
			    w > DKVM_LOOKING_GLASS_MAX_SIDE || h > DKVM_LOOKING_GLASS_MAX_SIDE) {
				g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				            "invalid DKVM metadata: <dkvm:looking-glass> needs a "
				            "width and a height from 1 to %d",
				            DKVM_LOOKING_GLASS_MAX_SIDE);
				return NULL;
			}
			self->looking_glass_width = (guint)w;
			self->looking_glass_height = (guint)h;
		} else if (is_dkvm(n, "pci")) {
			g_autofree gchar *address = dkvm_tree_get(n, "address");
			DkvmPciSelection *sel;
			if (address == NULL) {
				g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				                    "invalid DKVM metadata: <dkvm:pci> without "
				                    "an address");
				return NULL;
			}
			sel = dkvm_pci_selection_new(address);
			sel->rom_file = dkvm_tree_get(n, "rom");
			g_ptr_array_add(self->pci, sel);
		} else if (is_dkvm(n, "sibling")) {
			gchar *address = dkvm_tree_get(n, "address");
			if (address != NULL)
				g_ptr_array_add(self->siblings, address);
		} else if (is_dkvm(n, "device")) {
			gchar *alias = dkvm_tree_get(n, "alias");
			if (alias != NULL)
				g_ptr_array_add(self->aliases, alias);
		}
	}
	return g_steal_pointer(&self);
}

static xmlNode *
add_child(xmlNode *parent, xmlNs *ns, const gchar *name, const gchar *text)
{
	return xmlNewChild(parent, ns, (const xmlChar *)name, (const xmlChar *)text);
}

void
dkvm_metadata_write(const DkvmMetadata *self, xmlNode *root)
{
	xmlNode *metadata = dkvm_tree_ensure(root, "metadata");
	xmlNode *vm;
	xmlNs *ns;
	g_autofree gchar *iothreads = g_strdup_printf("%u", self->iothreads);

	dkvm_tree_remove(find_vm(root));
	vm = xmlNewDocNode(root->doc, NULL, (const xmlChar *)"vm", NULL);
	ns = xmlNewNs(vm, (const xmlChar *)DKVM_METADATA_NS, (const xmlChar *)DKVM_METADATA_PREFIX);
	xmlSetNs(vm, ns);
	xmlAddChild(metadata, vm);

	add_child(vm, ns, "preset", dkvm_preset_to_string(self->preset));
	add_child(vm, ns, "pinning", self->pinning ? "yes" : "no");
	add_child(vm, ns, "hugepages", self->hugepages ? "yes" : "no");
	add_child(vm, ns, "iothreads", iothreads);
	/* written only when set, so the VMs that do not use it keep their XML */
	if (self->early_bind)
		add_child(vm, ns, "early-bind", "yes");
	if (self->looking_glass_width > 0) {
		xmlNode *lg = add_child(vm, ns, "looking-glass", NULL);
		dkvm_tree_set_printf(lg, "width", "%u", self->looking_glass_width);
		dkvm_tree_set_printf(lg, "height", "%u", self->looking_glass_height);
	}
	for (guint i = 0; i < self->pci->len; i++) {
		const DkvmPciSelection *sel = g_ptr_array_index(self->pci, i);
		xmlNode *n = add_child(vm, ns, "pci", NULL);
		dkvm_tree_set(n, "address", sel->address);
		dkvm_tree_set(n, "rom", sel->rom_file);
	}
	for (guint i = 0; i < self->siblings->len; i++) {
		xmlNode *n = add_child(vm, ns, "sibling", NULL);
		dkvm_tree_set(n, "address", g_ptr_array_index(self->siblings, i));
	}
	for (guint i = 0; i < self->aliases->len; i++) {
		xmlNode *n = add_child(vm, ns, "device", NULL);
		dkvm_tree_set(n, "alias", g_ptr_array_index(self->aliases, i));
	}
}
