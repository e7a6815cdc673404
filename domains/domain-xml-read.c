/*
 * Reading a domain document with libxml2 and XPath. Units follow libvirt's
 * rules (unit attribute in any case, KiB by default; KB/MB/... are powers of
 * 1000), so a file written by hand or by virt-manager reads the same as one
 * from DKVM.
 */
#include "domain-xml-read.h"

#include <string.h>

#include "dkvm-error.h"
#include "domain-tree.h"
#include "page-size.h"
#include "plan-util.h"
#include "size-math.h"
#include "spec.h"

static void
dkvm_domain_disk_free(DkvmDomainDisk *self)
{
	g_free(self->device);
	g_free(self->type);
	g_free(self->source);
	g_free(self->target);
	g_free(self);
}

void
dkvm_domain_xml_free(DkvmDomainXml *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_free(self->uuid);
	g_clear_pointer(&self->pci_hostdevs, g_ptr_array_unref);
	g_clear_pointer(&self->usb_hostdevs, g_ptr_array_unref);
	g_clear_pointer(&self->disks, g_ptr_array_unref);
	g_clear_pointer(&self->hugepage_needs, g_array_unref);
	g_free(self->nvram);
	g_clear_pointer(&self->rom_files, g_ptr_array_unref);
	g_clear_pointer(&self->evdev_paths, g_ptr_array_unref);
	g_clear_pointer(&self->networks, g_ptr_array_unref);
	g_clear_pointer(&self->vcpu_pins, g_array_unref);
	g_clear_pointer(&self->emulator_pins, g_array_unref);
	g_free(self);
}

/* The string value of @expr relative to @node, NULL when empty or absent. */
static gchar *
xpath_string(xmlXPathContext *ctx, xmlNode *node, const gchar *expr)
{
	g_autofree gchar *wrapped = g_strdup_printf("string(%s)", expr);
	g_autoptr(xmlXPathObject) obj = NULL;

	ctx->node = node;
	obj = xmlXPathEvalExpression((const xmlChar *)wrapped, ctx);
	if (obj == NULL || obj->type != XPATH_STRING || obj->stringval == NULL ||
	    obj->stringval[0] == '\0')
		return NULL;
	return g_strstrip(g_strdup((const gchar *)obj->stringval));
}

static xmlXPathObject *
xpath_nodes(xmlXPathContext *ctx, xmlNode *node, const gchar *expr)
{
	ctx->node = node;
	return xmlXPathEvalExpression((const xmlChar *)expr, ctx);
}

static guint
xpath_count(xmlXPathObject *obj)
{
	if (obj == NULL || obj->type != XPATH_NODESET || obj->nodesetval == NULL)
		return 0;
	return (guint)obj->nodesetval->nodeNr;
}

static gboolean
read_scaled(xmlXPathContext *ctx, xmlNode *node, const gchar *expr, guint64 *out, GError **error)
{
	g_autofree gchar *value = xpath_string(ctx, node, expr);
	g_autofree gchar *unit_expr = g_strdup_printf("%s/@unit", expr);
	g_autofree gchar *unit = xpath_string(ctx, node, unit_expr);

	if (value == NULL)
		return TRUE;
	if (!dkvm_parse_scaled_kib(value, unit, out, error)) {
		g_prefix_error(error, "%s: ", expr);
		return FALSE;
	}
	return TRUE;
}

static gboolean
read_hugepages(DkvmDomainXml *self, xmlXPathContext *ctx, xmlNode *root, GError **error)
{
	g_autoptr(xmlXPathObject) backing = xpath_nodes(ctx, root, "memoryBacking/hugepages");
	g_autoptr(xmlXPathObject) pages = NULL;
	g_autofree gchar *size = NULL;
	g_autofree gchar *unit = NULL;
	g_autofree gchar *nodeset = NULL;
	guint64 node = 0;

	self->hugepage_size_kib = DKVM_PAGE_2M_KIB;
	self->hugepage_node = -1;
	if (xpath_count(backing) == 0)
		return TRUE;
	self->hugepages = TRUE;
	pages = xpath_nodes(ctx, root, "memoryBacking/hugepages/page");
	if (xpath_count(pages) == 0)
		return TRUE;
	/* DKVM backs a VM with one page size; the first <page> is the one used */
	size = xpath_string(ctx, pages->nodesetval->nodeTab[0], "@size");
	unit = xpath_string(ctx, pages->nodesetval->nodeTab[0], "@unit");
	nodeset = xpath_string(ctx, pages->nodesetval->nodeTab[0], "@nodeset");
	if (size != NULL && !dkvm_parse_scaled_kib(size, unit, &self->hugepage_size_kib, error)) {
		g_prefix_error(error, "memoryBacking/hugepages/page: ");
		return FALSE;
	}
	if (self->hugepage_size_kib == 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "memoryBacking/hugepages/page: page size 0");
		return FALSE;
	}
	if (nodeset != NULL && g_ascii_string_to_unsigned(nodeset, 10, 0, 1023, &node, NULL))
		self->hugepage_node = (gint)node;
	return TRUE;
}

/* The one host node of a strict binding (mode absent means strict), else -1:
 * pages bound elsewhere or spread over nodes come from the global pool. */
static gint
strict_single_node(xmlXPathContext *ctx, xmlNode *binding)
{
	g_autofree gchar *mode = xpath_string(ctx, binding, "@mode");
	g_autofree gchar *nodeset = xpath_string(ctx, binding, "@nodeset");
	guint64 node = 0;

	if ((mode != NULL && g_strcmp0(mode, "strict") != 0) || nodeset == NULL ||
	    !g_ascii_string_to_unsigned(nodeset, 10, 0, 1023, &node, NULL))
		return -1;
	return (gint)node;
}

static void
add_need(GArray *needs, gint node, guint64 pages)
{
	DkvmHugepageNeed need = { .node = node, .pages = pages };
	guint at = 0;

	for (; at < needs->len; at++) {
		DkvmHugepageNeed *have = &g_array_index(needs, DkvmHugepageNeed, at);
		if (have->node == node) {
			/* saturating: a sum no pool holds stays one no pool holds */
			have->pages = dkvm_size_add(have->pages, pages);
			return;
		}
		if (have->node > node)
			break;
	}
	g_array_insert_val(needs, at, need);
}

/* Where the pages come from: each guest NUMA cell's pages from the node its
 * <memnode> binds it to strictly; everything else from the node of
 * <numatune><memory> (or the page's nodeset) when that is one node, else
 * from the global pool. */
static gboolean
read_hugepage_needs(DkvmDomainXml *self, xmlXPathContext *ctx, xmlNode *root, GError **error)
{
	g_autoptr(xmlXPathObject) memory = xpath_nodes(ctx, root, "numatune/memory");
	g_autoptr(xmlXPathObject) cells = xpath_nodes(ctx, root, "cpu/numa/cell");

	self->hugepage_needs = g_array_new(FALSE, FALSE, sizeof(DkvmHugepageNeed));
	if (!self->hugepages || self->hugepage_size_kib == 0)
		return TRUE;
	if (self->hugepage_node < 0 && xpath_count(memory) > 0)
		self->hugepage_node = strict_single_node(ctx, memory->nodesetval->nodeTab[0]);
	for (guint i = 0; i < xpath_count(cells); i++) {
		xmlNode *cell = cells->nodesetval->nodeTab[i];
		g_autofree gchar *id = xpath_string(ctx, cell, "@id");
		g_autofree gchar *expr = NULL;
		g_autoptr(xmlXPathObject) memnode = NULL;
		g_autofree gchar *size = xpath_string(ctx, cell, "@memory");
		g_autofree gchar *unit = xpath_string(ctx, cell, "@unit");
		guint64 kib = 0;
		gint node = self->hugepage_node;

		if (size == NULL || !dkvm_parse_scaled_kib(size, unit, &kib, error)) {
			if (error != NULL && *error == NULL)
				g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				            "cpu/numa/cell %s: no memory", id != NULL ? id : "?");
			else
				g_prefix_error(error, "cpu/numa/cell %s: ", id != NULL ? id : "?");
			return FALSE;
		}
		if (id != NULL && strspn(id, "0123456789") == strlen(id)) {
			expr = g_strdup_printf("numatune/memnode[@cellid='%s']", id);
			memnode = xpath_nodes(ctx, root, expr);
			if (xpath_count(memnode) > 0)
				node = strict_single_node(ctx, memnode->nodesetval->nodeTab[0]);
		}
		add_need(self->hugepage_needs, node, dkvm_size_units(kib, self->hugepage_size_kib));
	}
	if (xpath_count(cells) == 0)
		add_need(self->hugepage_needs, self->hugepage_node,
		         dkvm_domain_xml_hugepages_needed(self));
	/* the cells' pages come from several nodes: no one node holds them all */
	if (self->hugepage_needs->len > 1)
		self->hugepage_node = -1;
	return TRUE;
}

static void
read_hostdevs(DkvmDomainXml *self, xmlXPathContext *ctx, xmlNode *root)
{
	g_autoptr(xmlXPathObject) pci =
	        xpath_nodes(ctx, root, "devices/hostdev[@type='pci']/source/address");
	g_autoptr(xmlXPathObject) usb =
	        xpath_nodes(ctx, root, "devices/hostdev[@type='usb']/source");

	for (guint i = 0; i < xpath_count(pci); i++) {
		/* libvirt writes them as 0x.. hex; plain decimal is accepted too */
		g_ptr_array_add(self->pci_hostdevs,
		                dkvm_tree_pci_address(pci->nodesetval->nodeTab[i]));
	}
	for (guint i = 0; i < xpath_count(usb); i++) {
		xmlNode *node = usb->nodesetval->nodeTab[i];
		g_autofree gchar *vendor = xpath_string(ctx, node, "vendor/@id");
		g_autofree gchar *product = xpath_string(ctx, node, "product/@id");
		g_autofree gchar *bus = xpath_string(ctx, node, "address/@bus");
		g_autofree gchar *device = xpath_string(ctx, node, "address/@device");

		if (vendor != NULL && product != NULL)
			g_ptr_array_add(self->usb_hostdevs,
			                g_strdup_printf("%04x:%04x",
			                                (guint)g_ascii_strtoull(vendor, NULL, 0),
			                                (guint)g_ascii_strtoull(product, NULL, 0)));
		else if (bus != NULL && device != NULL)
			g_ptr_array_add(self->usb_hostdevs,
			                g_strdup_printf("bus %s device %s", bus, device));
	}
}

static void
read_disks(DkvmDomainXml *self, xmlXPathContext *ctx, xmlNode *root)
{
	g_autoptr(xmlXPathObject) disks = xpath_nodes(ctx, root, "devices/disk");

	for (guint i = 0; i < xpath_count(disks); i++) {
		xmlNode *node = disks->nodesetval->nodeTab[i];
		DkvmDomainDisk *disk = g_new0(DkvmDomainDisk, 1);
		g_autofree gchar *policy = NULL;

		disk->device = xpath_string(ctx, node, "@device");
		if (disk->device == NULL)
			disk->device = g_strdup("disk");
		disk->type = xpath_string(ctx, node, "@type");
		if (disk->type == NULL)
			disk->type = g_strdup("file");
		if (g_strcmp0(disk->type, "file") == 0)
			disk->source = xpath_string(ctx, node, "source/@file");
		else if (g_strcmp0(disk->type, "block") == 0)
			disk->source = xpath_string(ctx, node, "source/@dev");
		else if (g_strcmp0(disk->type, "dir") == 0)
			disk->source = xpath_string(ctx, node, "source/@dir");
		disk->target = xpath_string(ctx, node, "target/@dev");
		policy = xpath_string(ctx, node, "source/@startupPolicy");
		disk->optional = g_strcmp0(policy, "optional") == 0;
		g_ptr_array_add(self->disks, disk);
	}
}

/* The string values of @expr (attribute nodes), each once, in document order. */
static void
read_values(GPtrArray *into, xmlXPathContext *ctx, xmlNode *root, const gchar *expr)
{
	g_autoptr(xmlXPathObject) found = xpath_nodes(ctx, root, expr);

	for (guint i = 0; i < xpath_count(found); i++) {
		g_autofree gchar *value = xpath_string(ctx, found->nodesetval->nodeTab[i], ".");
		if (value != NULL &&
		    !g_ptr_array_find_with_equal_func(into, value, g_str_equal, NULL))
			g_ptr_array_add(into, g_steal_pointer(&value));
	}
}

/* libvirt's cpuset syntax into @into: the kernel's list syntax plus "^N"
 * exclusions ("0-7,^3"), applied after the inclusions as libvirt does. */
static gboolean
add_cpuset(GArray *into, const gchar *cpuset, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(cpuset, ",", -1);
	g_autoptr(GArray) excluded = dkvm_plan_uint_array_new();
	g_autoptr(GArray) included = dkvm_plan_uint_array_new();

	for (guint i = 0; parts[i] != NULL; i++) {
		const gchar *part = g_strstrip(parts[i]);
		gboolean exclude = part[0] == '^';
		g_autoptr(GArray) cpus = dkvm_parse_cpu_list(exclude ? part + 1 : part, error);
		if (cpus == NULL) {
			g_prefix_error(error, "cpuset '%s': ", cpuset);
			return FALSE;
		}
		for (guint c = 0; c < cpus->len; c++)
			dkvm_plan_uint_array_add_sorted(exclude ? excluded : included,
			                                g_array_index(cpus, guint, c));
	}
	for (guint c = 0; c < included->len; c++) {
		guint cpu = g_array_index(included, guint, c);
		if (!dkvm_plan_uint_array_contains(excluded, cpu) &&
		    !dkvm_plan_uint_array_contains(into, cpu))
			dkvm_plan_uint_array_add_sorted(into, cpu);
	}
	return TRUE;
}

/* The cpusets of @expr's nodes, all into @into. */
static gboolean
read_pins(GArray *into, xmlXPathContext *ctx, xmlNode *root, const gchar *expr, GError **error)
{
	g_autoptr(xmlXPathObject) found = xpath_nodes(ctx, root, expr);

	for (guint i = 0; i < xpath_count(found); i++) {
		g_autofree gchar *cpuset = xpath_string(ctx, found->nodesetval->nodeTab[i], ".");
		if (cpuset != NULL && !add_cpuset(into, cpuset, error)) {
			g_prefix_error(error, "%s: ", expr);
			return FALSE;
		}
	}
	return TRUE;
}

DkvmDomainXml *
dkvm_domain_xml_parse(const gchar *xml, GError **error)
{
	g_autoptr(DkvmDomainXml) self = g_new0(DkvmDomainXml, 1);
	g_autoptr(xmlDoc) doc = NULL;
	g_autoptr(xmlXPathContext) ctx = NULL;
	g_autoptr(xmlXPathObject) tpm = NULL;
	g_autofree gchar *vcpus = NULL;
	xmlNode *root;

	self->pci_hostdevs = g_ptr_array_new_with_free_func(g_free);
	self->usb_hostdevs = g_ptr_array_new_with_free_func(g_free);
	self->disks = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_domain_disk_free);
	self->rom_files = g_ptr_array_new_with_free_func(g_free);
	self->evdev_paths = g_ptr_array_new_with_free_func(g_free);
	self->networks = g_ptr_array_new_with_free_func(g_free);
	self->vcpu_pins = dkvm_plan_uint_array_new();
	self->emulator_pins = dkvm_plan_uint_array_new();

	doc = dkvm_tree_read_domain(xml, error);
	if (doc == NULL)
		return NULL;
	root = xmlDocGetRootElement(doc);
	ctx = xmlXPathNewContext(doc);
	self->name = xpath_string(ctx, root, "name");
	self->uuid = xpath_string(ctx, root, "uuid");
	if (!read_scaled(ctx, root, "memory", &self->memory_kib, error))
		return NULL;
	vcpus = xpath_string(ctx, root, "vcpu");
	if (vcpus != NULL)
		self->vcpus = (guint)g_ascii_strtoull(vcpus, NULL, 10);
	if (!read_hugepages(self, ctx, root, error) || !read_hugepage_needs(self, ctx, root, error))
		return NULL;
	read_hostdevs(self, ctx, root);
	read_disks(self, ctx, root);
	self->nvram = xpath_string(ctx, root, "os/nvram");
	tpm = xpath_nodes(ctx, root, "devices/tpm");
	self->tpm = xpath_count(tpm) > 0;
	read_values(self->rom_files, ctx, root, "devices/hostdev/rom/@file");
	read_values(self->evdev_paths, ctx, root, "devices/input[@type='evdev']/source/@dev");
	read_values(self->networks, ctx, root,
	            "devices/interface[@type='network']/source/@network");
	if (!read_pins(self->vcpu_pins, ctx, root, "cputune/vcpupin/@cpuset", error) ||
	    !read_pins(self->emulator_pins, ctx, root, "cputune/emulatorpin/@cpuset", error))
		return NULL;
	return g_steal_pointer(&self);
}

guint64
dkvm_domain_xml_hugepages_needed(const DkvmDomainXml *self)
{
	guint64 sum = 0;

	if (!self->hugepages || self->hugepage_size_kib == 0)
		return 0;
	for (guint i = 0; self->hugepage_needs != NULL && i < self->hugepage_needs->len; i++)
		sum = dkvm_size_add(sum,
		                    g_array_index(self->hugepage_needs, DkvmHugepageNeed, i).pages);
	if (sum > 0)
		return sum; /* the cells' pages, each cell rounded up */
	return dkvm_size_units(self->memory_kib, self->hugepage_size_kib);
}
