/*
 * Reading libvirt's domain capabilities (see hypervisor.h). Only the parts
 * the planner decides from are read; the rest of the document is ignored.
 * An element that is absent leaves its field "not reported"; an element
 * with supported='no' makes it "reported, nothing supported".
 */
#include "hypervisor.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "dkvm-error.h"

DkvmHypervisor *
dkvm_hypervisor_new(void)
{
	return g_new0(DkvmHypervisor, 1);
}

void
dkvm_hypervisor_free(DkvmHypervisor *self)
{
	if (self == NULL)
		return;
	g_free(self->domain_type);
	g_free(self->machine);
	g_clear_pointer(&self->cpu_modes, g_ptr_array_unref);
	g_clear_pointer(&self->hyperv, g_ptr_array_unref);
	g_clear_pointer(&self->tpm_models, g_ptr_array_unref);
	g_clear_pointer(&self->tpm_backend_models, g_ptr_array_unref);
	g_clear_pointer(&self->tpm_backend_versions, g_ptr_array_unref);
	g_clear_pointer(&self->loaders, g_ptr_array_unref);
	g_free(self->secure_boot_keys_firmware);
	g_free(self);
}

DkvmCapability
dkvm_hypervisor_lists(const GPtrArray *list, const gchar *value)
{
	if (list == NULL)
		return DKVM_CAPABILITY_UNKNOWN;
	for (guint i = 0; i < list->len; i++) {
		if (g_strcmp0(g_ptr_array_index(list, i), value) == 0)
			return DKVM_CAPABILITY_YES;
	}
	return DKVM_CAPABILITY_NO;
}

gboolean
dkvm_hypervisor_offers_kvm(const DkvmHypervisor *self)
{
	return self != NULL && g_strcmp0(self->domain_type, "kvm") == 0;
}

static gboolean
is_element(const xmlNode *n, const gchar *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	       g_strcmp0((const gchar *)n->name, name) == 0;
}

static xmlNode *
child(const xmlNode *parent, const gchar *name)
{
	for (xmlNode *n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next) {
		if (is_element(n, name))
			return n;
	}
	return NULL;
}

static gchar *
prop(const xmlNode *n, const gchar *name)
{
	xmlChar *v = n != NULL ? xmlGetProp((xmlNode *)n, (const xmlChar *)name) : NULL;
	gchar *copy = g_strdup((const gchar *)v);
	xmlFree(v);
	return copy;
}

static gchar *
text(const xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent((xmlNode *)n);
	gchar *copy = g_strstrip(g_strdup(v != NULL ? (const gchar *)v : ""));
	xmlFree(v);
	return copy;
}

/* supported='no' on @n. Absent means supported (libvirt writes 'yes'). */
static gboolean
unsupported(const xmlNode *n)
{
	g_autofree gchar *s = prop(n, "supported");
	return g_strcmp0(s, "no") == 0;
}

/* The <value>s of <enum name=@name> under @parent; NULL when there is no
 * such enum. */
static GPtrArray *
enum_values(const xmlNode *parent, const gchar *name)
{
	GPtrArray *values = NULL;

	for (xmlNode *n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next) {
		g_autofree gchar *enum_name = NULL;
		if (!is_element(n, "enum"))
			continue;
		enum_name = prop(n, "name");
		if (g_strcmp0(enum_name, name) != 0)
			continue;
		values = g_ptr_array_new_with_free_func(g_free);
		for (xmlNode *v = n->children; v != NULL; v = v->next) {
			if (is_element(v, "value"))
				g_ptr_array_add(values, text(v));
		}
		break;
	}
	return values;
}

/* The list under an element that may say supported='no': an empty list then. */
static GPtrArray *
supported_values(const xmlNode *element, const gchar *name)
{
	if (element == NULL)
		return NULL;
	if (unsupported(element))
		return g_ptr_array_new_with_free_func(g_free);
	return enum_values(element, name);
}

static void
read_os(DkvmHypervisor *self, const xmlNode *os)
{
	xmlNode *loader = child(os, "loader");
	g_autoptr(GPtrArray) firmware = NULL;
	g_autoptr(GPtrArray) secure = NULL;
	gboolean efi_loader = FALSE;

	if (os == NULL)
		return;
	if (unsupported(os)) {
		self->efi = DKVM_CAPABILITY_NO;
		self->secure_boot = DKVM_CAPABILITY_NO;
		return;
	}
	firmware = enum_values(os, "firmware");
	/* older libvirt lists no firmware enum, only the loader's files */
	if (loader != NULL)
		self->loaders = g_ptr_array_new_with_free_func(g_free);
	for (xmlNode *v = loader != NULL ? loader->children : NULL; v != NULL; v = v->next) {
		if (!is_element(v, "value"))
			continue;
		efi_loader = TRUE;
		g_ptr_array_add(self->loaders, text(v));
	}
	if (firmware != NULL)
		self->efi = dkvm_hypervisor_lists(firmware, "efi");
	else if (loader != NULL)
		self->efi = efi_loader ? DKVM_CAPABILITY_YES : DKVM_CAPABILITY_NO;
	if (loader == NULL)
		return;
	if (unsupported(loader)) {
		self->secure_boot = DKVM_CAPABILITY_NO;
		return;
	}
	/* libvirt lists secure=yes only when a firmware that does Secure Boot
	 * (and the SMM it needs) is installed */
	secure = enum_values(loader, "secure");
	if (secure != NULL)
		self->secure_boot = dkvm_hypervisor_lists(secure, "yes");
}

static void
read_cpu(DkvmHypervisor *self, const xmlNode *cpu)
{
	if (cpu == NULL)
		return;
	self->cpu_modes = g_ptr_array_new_with_free_func(g_free);
	for (xmlNode *n = cpu->children; n != NULL; n = n->next) {
		if (is_element(n, "mode") && !unsupported(n))
			g_ptr_array_add(self->cpu_modes, prop(n, "name"));
	}
}

DkvmHypervisor *
dkvm_hypervisor_from_xml(const gchar *xml, GError **error)
{
	g_autoptr(DkvmHypervisor) self = dkvm_hypervisor_new();
	xmlDoc *doc = NULL;
	xmlNode *root, *node, *devices, *features;

	if (xml != NULL)
		doc = xmlReadMemory(xml, (int)strlen(xml), "domcapabilities.xml", NULL,
		                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	if (!is_element(root, "domainCapabilities")) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "the hypervisor's domain capabilities are not "
		                    "<domainCapabilities> XML");
		xmlFreeDoc(doc);
		return NULL;
	}
	if ((node = child(root, "domain")) != NULL)
		self->domain_type = text(node);
	if ((node = child(root, "machine")) != NULL)
		self->machine = text(node);
	if ((node = child(root, "vcpu")) != NULL) {
		g_autofree gchar *max = prop(node, "max");
		guint64 value = 0;
		/* a value that is not a count is "not reported" */
		if (max != NULL && g_ascii_string_to_unsigned(max, 10, 1, G_MAXUINT, &value, NULL))
			self->max_vcpus = (guint)value;
	}
	read_os(self, child(root, "os"));
	read_cpu(self, child(root, "cpu"));
	devices = child(root, "devices");
	node = child(devices, "tpm");
	self->tpm_models = supported_values(node, "model");
	self->tpm_backend_models = supported_values(node, "backendModel");
	self->tpm_backend_versions = supported_values(node, "backendVersion");
	features = child(root, "features");
	self->hyperv = supported_values(child(features, "hyperv"), "features");
	xmlFreeDoc(doc);
	return g_steal_pointer(&self);
}
