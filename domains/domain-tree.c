/*
 * libxml2 tree helpers for the domain-* files. The element orders below are
 * the ones libvirt writes in `virsh dumpxml` (virDomainDefFormat): libvirt's
 * schema accepts any order (interleave), but placing what DKVM adds where
 * libvirt would keeps a person's diff small and the output stable, which is
 * what makes "apply twice gives identical XML" hold.
 */
#include "domain-tree.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "dkvm-error.h"
#include "spec.h"

#include "domain-metadata.h"

static const gchar *const domain_order[] = { "name",
	                                     "uuid",
	                                     "genid",
	                                     "title",
	                                     "description",
	                                     "metadata",
	                                     "maxMemory",
	                                     "memory",
	                                     "currentMemory",
	                                     "blkiotune",
	                                     "memtune",
	                                     "memoryBacking",
	                                     "vcpu",
	                                     "vcpus",
	                                     "iothreads",
	                                     "iothreadids",
	                                     "cputune",
	                                     "numatune",
	                                     "resource",
	                                     "sysinfo",
	                                     "bootloader",
	                                     "bootloader_args",
	                                     "os",
	                                     "idmap",
	                                     "features",
	                                     "cpu",
	                                     "clock",
	                                     "on_poweroff",
	                                     "on_reboot",
	                                     "on_crash",
	                                     "on_lockfailure",
	                                     "pm",
	                                     "perf",
	                                     "devices",
	                                     "seclabel",
	                                     "keywrap",
	                                     "launchSecurity",
	                                     "commandline",
	                                     NULL };

static const gchar *const devices_order[] = {
	"emulator", "disk",       "controller", "lease",   "filesystem", "interface",   "smartcard",
	"serial",   "parallel",   "console",    "channel", "input",      "tpm",         "graphics",
	"sound",    "audio",      "video",      "hostdev", "redirdev",   "redirfilter", "hub",
	"watchdog", "memballoon", "rng",        "panic",   "shmem",      "memory",      "iommu",
	"vsock",    "crypto",     NULL
};

static const gchar *const cputune_order[] = {
	"shares",         "period",          "quota",
	"global_period",  "global_quota",    "emulator_period",
	"emulator_quota", "iothread_period", "iothread_quota",
	"vcpupin",        "emulatorpin",     "iothreadpin",
	"emulatorsched",  "vcpusched",       "iothreadsched",
	"cachetune",      "memorytune",      NULL
};

static const gchar *const memory_backing_order[] = {
	"hugepages", "nosharepages", "locked", "source", "access", "allocation", "discard", NULL
};

static const gchar *const os_order[] = { "type",     "firmware", "loader", "nvram", "kernel",
	                                 "initrd",   "cmdline",  "dtb",    "acpi",  "boot",
	                                 "bootmenu", "smbios",   "bios",   NULL };

static const gchar *const features_order[] = { "acpi",     "apic",       "pae",          "hap",
	                                       "viridian", "privnet",    "hyperv",       "kvm",
	                                       "xen",      "pvspinlock", "capabilities", "pmu",
	                                       "vmport",   "gic",        "smm",          "ioapic",
	                                       NULL };

static const gchar *const hyperv_order[] = {
	"relaxed", "vapic", "spinlocks", "vpindex",     "runtime",         "synic",
	"stimer",  "reset", "vendor_id", "frequencies", "reenlightenment", "tlbflush",
	"ipi",     "evmcs", "avic",      NULL
};

static const gchar *const cpu_order[] = { "model",       "vendor",  "topology", "cache",
	                                  "maxphysaddr", "feature", "numa",     NULL };

static const gchar *const disk_order[] = { "driver", "source", "backingStore", "target", "readonly",
	                                   "boot",   "alias",  "address",      NULL };

static const gchar *const hostdev_order[] = { "source", "rom", "alias", "address", NULL };

static const gchar *const interface_order[] = { "mac",   "source",  "model", "driver",
	                                        "alias", "address", NULL };

static const gchar *const *
order_for(const xmlNode *parent)
{
	static const struct {
		const gchar *name;
		const gchar *const *order;
	} table[] = {
		{ "domain", domain_order },
		{ "devices", devices_order },
		{ "cputune", cputune_order },
		{ "memoryBacking", memory_backing_order },
		{ "os", os_order },
		{ "features", features_order },
		{ "hyperv", hyperv_order },
		{ "cpu", cpu_order },
		{ "disk", disk_order },
		{ "hostdev", hostdev_order },
		{ "interface", interface_order },
	};
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		if (g_strcmp0((const gchar *)parent->name, table[i].name) == 0)
			return table[i].order;
	}
	return NULL;
}

static gint
rank_in(const gchar *const *order, const xmlChar *name)
{
	for (gint i = 0; order[i] != NULL; i++) {
		if (g_strcmp0(order[i], (const gchar *)name) == 0)
			return i;
	}
	return G_MAXINT; /* unknown elements sort last: they stay where they are */
}

xmlNode *
dkvm_tree_child(xmlNode *parent, const gchar *name)
{
	for (xmlNode *n = parent->children; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && n->ns == NULL &&
		    g_strcmp0((const gchar *)n->name, name) == 0)
			return n;
	}
	return NULL;
}

xmlNode *
dkvm_tree_child_with(xmlNode *parent, const gchar *name, const gchar *attr, const gchar *value)
{
	for (xmlNode *n = parent->children; n != NULL; n = n->next) {
		g_autofree gchar *v = NULL;
		if (n->type != XML_ELEMENT_NODE || n->ns != NULL ||
		    g_strcmp0((const gchar *)n->name, name) != 0)
			continue;
		v = dkvm_tree_get(n, attr);
		if (g_strcmp0(v, value) == 0)
			return n;
	}
	return NULL;
}

void
dkvm_tree_insert(xmlNode *parent, xmlNode *node)
{
	const gchar *const *order = order_for(parent);
	xmlNode *last_same = NULL;
	xmlNode *first_later = NULL;
	gint rank;

	if (order == NULL) {
		xmlAddChild(parent, node);
		return;
	}
	rank = rank_in(order, node->name);
	for (xmlNode *n = parent->children; n != NULL; n = n->next) {
		gint r;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		r = n->ns == NULL ? rank_in(order, n->name) : G_MAXINT;
		if (r == rank && rank != G_MAXINT && n->ns == node->ns)
			last_same = n;
		else if (r > rank && first_later == NULL && last_same == NULL)
			first_later = n;
	}
	if (last_same != NULL)
		xmlAddNextSibling(last_same, node);
	else if (first_later != NULL)
		xmlAddPrevSibling(first_later, node);
	else
		xmlAddChild(parent, node);
}

xmlNode *
dkvm_tree_add(xmlNode *parent, const gchar *name)
{
	xmlNode *node = xmlNewDocNode(parent->doc, NULL, (const xmlChar *)name, NULL);
	dkvm_tree_insert(parent, node);
	return node;
}

xmlNode *
dkvm_tree_ensure(xmlNode *parent, const gchar *name)
{
	xmlNode *n = dkvm_tree_child(parent, name);
	return n != NULL ? n : dkvm_tree_add(parent, name);
}

void
dkvm_tree_set(xmlNode *node, const gchar *attr, const gchar *value)
{
	if (value == NULL) {
		xmlUnsetProp(node, (const xmlChar *)attr);
		return;
	}
	xmlSetProp(node, (const xmlChar *)attr, (const xmlChar *)value);
}

void
dkvm_tree_set_printf(xmlNode *node, const gchar *attr, const gchar *fmt, ...)
{
	va_list args;
	g_autofree gchar *value = NULL;

	va_start(args, fmt);
	value = g_strdup_vprintf(fmt, args);
	va_end(args);
	dkvm_tree_set(node, attr, value);
}

gchar *
dkvm_tree_get(xmlNode *node, const gchar *attr)
{
	xmlChar *v;
	gchar *copy;

	if (node == NULL)
		return NULL;
	v = xmlGetNoNsProp(node, (const xmlChar *)attr);
	if (v == NULL)
		return NULL;
	copy = g_strdup((const gchar *)v);
	xmlFree(v);
	return copy;
}

gchar *
dkvm_tree_text(xmlNode *node)
{
	xmlChar *v;
	gchar *copy;

	if (node == NULL)
		return NULL;
	v = xmlNodeGetContent(node);
	if (v == NULL)
		return NULL;
	copy = g_strstrip(g_strdup((const gchar *)v));
	xmlFree(v);
	return copy;
}

void
dkvm_tree_set_text(xmlNode *node, const gchar *text)
{
	xmlChar *escaped = xmlEncodeSpecialChars(node->doc, (const xmlChar *)text);
	xmlNodeSetContent(node, escaped);
	xmlFree(escaped);
}

void
dkvm_tree_remove(xmlNode *node)
{
	if (node == NULL)
		return;
	xmlUnlinkNode(node);
	xmlFreeNode(node);
}

guint
dkvm_tree_remove_all(xmlNode *parent, const gchar *name)
{
	guint count = 0;
	xmlNode *n = parent->children;

	while (n != NULL) {
		xmlNode *next = n->next;
		if (n->type == XML_ELEMENT_NODE && n->ns == NULL &&
		    g_strcmp0((const gchar *)n->name, name) == 0) {
			dkvm_tree_remove(n);
			count++;
		}
		n = next;
	}
	return count;
}

void
dkvm_tree_remove_if_empty(xmlNode *node)
{
	if (node == NULL || node->properties != NULL)
		return;
	for (xmlNode *n = node->children; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE || n->type == XML_COMMENT_NODE)
			return;
	}
	dkvm_tree_remove(node);
}

GPtrArray *
dkvm_tree_find(xmlDoc *doc, const gchar *xpath)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new();
	g_autoptr(xmlXPathContext) ctx = xmlXPathNewContext(doc);
	g_autoptr(xmlXPathObject) obj = NULL;

	xmlXPathRegisterNs(ctx, (const xmlChar *)"dkvm", (const xmlChar *)DKVM_METADATA_NS);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"qemu",
	                   (const xmlChar *)"http://libvirt.org/schemas/domain/qemu/1.0");
	obj = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	if (obj == NULL || obj->nodesetval == NULL)
		return g_steal_pointer(&found);
	for (gint i = 0; i < obj->nodesetval->nodeNr; i++)
		g_ptr_array_add(found, obj->nodesetval->nodeTab[i]);
	return g_steal_pointer(&found);
}

gboolean
dkvm_tree_get_uint(xmlNode *node, const gchar *attr, guint64 *out)
{
	g_autofree gchar *v = attr != NULL ? dkvm_tree_get(node, attr) : dkvm_tree_text(node);
	guint64 value = 0;

	if (v == NULL)
		return FALSE;
	if (!g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT64, &value, NULL)) {
		/* libvirt writes ids like '0x01' in addresses */
		if (!g_str_has_prefix(v, "0x") ||
		    !g_ascii_string_to_unsigned(v + 2, 16, 0, G_MAXUINT64, &value, NULL))
			return FALSE;
	}
	*out = value;
	return TRUE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt)

xmlDoc *
dkvm_tree_read_domain(const gchar *xml, GError **error)
{
	g_autoptr(xmlParserCtxt) ctxt = xmlNewParserCtxt();
	g_autoptr(xmlDoc) doc = NULL;
	xmlNode *root;

	if (xml == NULL || *xml == '\0') {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "invalid domain XML: the document is empty");
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctxt, xml, (int)strlen(xml), "domain.xml", NULL,
	                        XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	                                XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		g_autofree gchar *msg =
		        g_strdup(e != NULL && e->message != NULL ? e->message : "unreadable");
		/* libxml2's message spans lines ("...encoding !\nBytes: 0xFF"): one line */
		for (gchar *c = msg; *c != '\0'; c++) {
			if (g_ascii_iscntrl(*c))
				*c = ' ';
		}
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid domain XML: line %d: %s", e != NULL ? e->line : 0,
		            g_strstrip(msg));
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || root->ns != NULL ||
	    g_strcmp0((const gchar *)root->name, "domain") != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "invalid domain XML: the root element is <%s>, not <domain>",
		            root != NULL ? (const gchar *)root->name : "");
		return NULL;
	}
	return g_steal_pointer(&doc);
}

gchar *
dkvm_tree_pci_address(xmlNode *address)
{
	guint64 d = 0, b = 0, s = 0, f = 0;

	/* absent parts are 0, as libvirt reads them */
	dkvm_tree_get_uint(address, "domain", &d);
	dkvm_tree_get_uint(address, "bus", &b);
	dkvm_tree_get_uint(address, "slot", &s);
	dkvm_tree_get_uint(address, "function", &f);
	return dkvm_pci_address_format((guint)d, (guint)b, (guint)s, (guint)f);
}
