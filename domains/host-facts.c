/*
 * DkvmHostFacts values and their JSON form (`dkvm host --json`). The JSON is
 * built and read with json-glib; field names are the documented interface
 * (README.md, "dkvm host --json"), so renaming one is a breaking change.
 */
#include "host-facts.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "dkvm-error.h"
#include "host-facts-json-read.h"
#include "json-builder-util.h"
#include "size-math.h"

static const gchar *const cpu_type_names[] = {
	[DKVM_CPU_TYPE_UNKNOWN] = NULL,
	[DKVM_CPU_TYPE_PERFORMANCE] = "performance",
	[DKVM_CPU_TYPE_EFFICIENCY] = "efficiency",
};

const gchar *
dkvm_cpu_type_to_string(DkvmCpuType type)
{
	if ((guint)type >= G_N_ELEMENTS(cpu_type_names))
		return NULL;
	return cpu_type_names[type];
}

DkvmCpuType
dkvm_cpu_type_from_string(const gchar *str)
{
	for (guint i = 0; i < G_N_ELEMENTS(cpu_type_names); i++) {
		if (str != NULL && g_strcmp0(cpu_type_names[i], str) == 0)
			return (DkvmCpuType)i;
	}
	return DKVM_CPU_TYPE_UNKNOWN;
}

static GArray *
uint_array_new(void)
{
	return g_array_new(FALSE, FALSE, sizeof(guint));
}

static GPtrArray *
str_array_new(void)
{
	return g_ptr_array_new_with_free_func(g_free);
}

DkvmHostCpu *
dkvm_host_cpu_new(guint cpu)
{
	DkvmHostCpu *self = g_new0(DkvmHostCpu, 1);
	self->cpu = cpu;
	self->package = self->die = self->core = self->cluster = self->l3 = self->node = -1;
	self->siblings = uint_array_new();
	return self;
}

void
dkvm_host_cpu_free(DkvmHostCpu *self)
{
	if (self == NULL)
		return;
	g_array_unref(self->siblings);
	g_free(self);
}

DkvmL3Group *
dkvm_l3_group_new(guint id)
{
	DkvmL3Group *self = g_new0(DkvmL3Group, 1);
	self->id = id;
	self->cpus = uint_array_new();
	return self;
}

void
dkvm_l3_group_free(DkvmL3Group *self)
{
	if (self == NULL)
		return;
	g_array_unref(self->cpus);
	g_free(self);
}

DkvmNumaNode *
dkvm_numa_node_new(guint id)
{
	DkvmNumaNode *self = g_new0(DkvmNumaNode, 1);
	self->id = id;
	self->cpus = uint_array_new();
	return self;
}

void
dkvm_numa_node_free(DkvmNumaNode *self)
{
	if (self == NULL)
		return;
	g_array_unref(self->cpus);
	g_free(self);
}

DkvmHugepagePool *
dkvm_hugepage_pool_new(guint64 size_kib, gint node)
{
	DkvmHugepagePool *self = g_new0(DkvmHugepagePool, 1);
	self->size_kib = size_kib;
	self->node = node;
	return self;
}

void
dkvm_hugepage_pool_free(DkvmHugepagePool *self)
{
	g_free(self);
}

DkvmPciDevice *
dkvm_pci_device_new(const gchar *address)
{
	DkvmPciDevice *self = g_new0(DkvmPciDevice, 1);
	self->address = g_strdup(address);
	self->numa_node = -1;
	self->iommu_group = -1;
	self->functions = str_array_new();
	self->bars = g_array_new(FALSE, TRUE, sizeof(DkvmPciBar));
	self->d3cold_allowed = -1;
	return self;
}

void
dkvm_pci_device_free(DkvmPciDevice *self)
{
	if (self == NULL)
		return;
	g_free(self->address);
	g_free(self->vendor_name);
	g_free(self->device_name);
	g_free(self->class_name);
	g_free(self->driver);
	g_free(self->reset_method);
	g_ptr_array_unref(self->functions);
	g_clear_pointer(&self->bars, g_array_unref); /* NULL in a struct made by hand */
	g_free(self->host_needed_reason);
	g_free(self);
}

DkvmIommuGroup *
dkvm_iommu_group_new(guint id)
{
	DkvmIommuGroup *self = g_new0(DkvmIommuGroup, 1);
	self->id = id;
	self->devices = str_array_new();
	return self;
}

void
dkvm_iommu_group_free(DkvmIommuGroup *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->devices);
	g_free(self);
}

DkvmUsbDevice *
dkvm_usb_device_new(const gchar *port_path)
{
	DkvmUsbDevice *self = g_new0(DkvmUsbDevice, 1);
	self->port_path = g_strdup(port_path);
	return self;
}

void
dkvm_usb_device_free(DkvmUsbDevice *self)
{
	if (self == NULL)
		return;
	g_free(self->port_path);
	g_free(self->vendor_name);
	g_free(self->product_name);
	g_free(self->serial);
	g_free(self->controller);
	g_free(self->host_needed_reason);
	g_free(self);
}

#define OPTION(name, shown, field, repeats)                                                        \
	{                                                                                          \
		name, shown, #field, G_STRUCT_OFFSET(DkvmKernelCmdline, field), repeats            \
	}

static const DkvmKernelOption kernel_options[] = {
	OPTION("intel_iommu", "intel_iommu", intel_iommu, FALSE),
	OPTION("amd_iommu", "amd_iommu", amd_iommu, FALSE),
	OPTION("iommu", "iommu", iommu, FALSE),
	OPTION("pcie_acs_override", "pcie_acs_override", pcie_acs_override, FALSE),
	OPTION("isolcpus", "isolcpus", isolcpus, FALSE),
	OPTION("nohz_full", "nohz_full", nohz_full, FALSE),
	OPTION("rcu_nocbs", "rcu_nocbs", rcu_nocbs, FALSE),
	/* the order people write them in: the default size, then each pool */
	OPTION("default_hugepagesz", "default_hugepagesz", default_hugepagesz, FALSE),
	OPTION("hugepagesz", "hugepagesz", hugepagesz, TRUE),
	OPTION("hugepages", "hugepages", hugepages, TRUE),
	OPTION("vfio_pci.ids", "vfio-pci.ids", vfio_pci_ids, FALSE),
};

const DkvmKernelOption *
dkvm_kernel_options(guint *out_count)
{
	*out_count = G_N_ELEMENTS(kernel_options);
	return kernel_options;
}

#undef OPTION

static void
kernel_cmdline_clear(DkvmKernelCmdline *c)
{
	g_free(c->raw);
	for (guint i = 0; i < G_N_ELEMENTS(kernel_options); i++)
		g_free(*DKVM_KERNEL_OPTION_FIELD(c, &kernel_options[i]));
	memset(c, 0, sizeof(*c));
}

DkvmHostFacts *
dkvm_host_facts_new(void)
{
	DkvmHostFacts *self = g_new0(DkvmHostFacts, 1);
	self->cpus = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_host_cpu_free);
	self->l3_groups = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_l3_group_free);
	self->numa_nodes = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_numa_node_free);
	self->hugepages = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_hugepage_pool_free);
	self->pci = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_pci_device_free);
	self->iommu_groups = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_iommu_group_free);
	self->usb = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_usb_device_free);
	self->notes = str_array_new();
	return self;
}

void
dkvm_host_facts_free(DkvmHostFacts *self)
{
	if (self == NULL)
		return;
	g_free(self->cpu_vendor);
	g_free(self->cpu_model);
	g_ptr_array_unref(self->cpus);
	g_ptr_array_unref(self->l3_groups);
	g_ptr_array_unref(self->numa_nodes);
	g_ptr_array_unref(self->hugepages);
	kernel_cmdline_clear(&self->cmdline);
	g_ptr_array_unref(self->pci);
	g_ptr_array_unref(self->iommu_groups);
	g_ptr_array_unref(self->usb);
	g_ptr_array_unref(self->notes);
	g_free(self);
}

const DkvmHostCpu *
dkvm_host_facts_get_cpu(const DkvmHostFacts *self, guint cpu)
{
	for (guint i = 0; i < self->cpus->len; i++) {
		const DkvmHostCpu *c = g_ptr_array_index(self->cpus, i);
		if (c->cpu == cpu)
			return c;
	}
	return NULL;
}

const DkvmL3Group *
dkvm_host_facts_get_l3_group(const DkvmHostFacts *self, guint id)
{
	for (guint i = 0; i < self->l3_groups->len; i++) {
		const DkvmL3Group *g = g_ptr_array_index(self->l3_groups, i);
		if (g->id == id)
			return g;
	}
	return NULL;
}

const DkvmPciDevice *
dkvm_host_facts_get_pci(const DkvmHostFacts *self, const gchar *address)
{
	for (guint i = 0; i < self->pci->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(self->pci, i);
		if (g_ascii_strcasecmp(d->address, address) == 0)
			return d;
	}
	return NULL;
}

const DkvmIommuGroup *
dkvm_host_facts_get_iommu_group(const DkvmHostFacts *self, guint id)
{
	for (guint i = 0; i < self->iommu_groups->len; i++) {
		const DkvmIommuGroup *g = g_ptr_array_index(self->iommu_groups, i);
		if (g->id == id)
			return g;
	}
	return NULL;
}

const DkvmHugepagePool *
dkvm_host_facts_get_hugepage_pool(const DkvmHostFacts *self, guint64 size_kib)
{
	for (guint i = 0; i < self->hugepages->len; i++) {
		const DkvmHugepagePool *p = g_ptr_array_index(self->hugepages, i);
		if (p->size_kib == size_kib && p->node < 0)
			return p;
	}
	return NULL;
}

guint
dkvm_host_facts_count_cores(const DkvmHostFacts *self)
{
	/* a core is counted at its lowest-numbered thread */
	guint cores = 0;
	for (guint i = 0; i < self->cpus->len; i++) {
		const DkvmHostCpu *c = g_ptr_array_index(self->cpus, i);
		if (c->siblings->len == 0 || g_array_index(c->siblings, guint, 0) == c->cpu)
			cores++;
	}
	return cores;
}

/* ---- to JSON ---- */

static void
add_hex(JsonBuilder *b, const gchar *name, guint value, guint digits)
{
	g_autofree gchar *s = g_strdup_printf("%0*x", (int)digits, value);
	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, s);
}

static void
build_cpus(JsonBuilder *b, const DkvmHostFacts *self)
{
	json_builder_set_member_name(b, "cpus");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->cpus->len; i++) {
		const DkvmHostCpu *c = g_ptr_array_index(self->cpus, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "cpu", c->cpu);
		dkvm_json_add_opt_int(b, "package", c->package);
		dkvm_json_add_opt_int(b, "die", c->die);
		dkvm_json_add_opt_int(b, "core", c->core);
		dkvm_json_add_opt_int(b, "cluster", c->cluster);
		dkvm_json_add_opt_int(b, "l3", c->l3);
		dkvm_json_add_opt_int(b, "node", c->node);
		dkvm_json_add_uint_array(b, "siblings", c->siblings);
		dkvm_json_add_opt_str(b, "type", dkvm_cpu_type_to_string(c->type));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);

	json_builder_set_member_name(b, "l3_groups");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->l3_groups->len; i++) {
		const DkvmL3Group *g = g_ptr_array_index(self->l3_groups, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "id", g->id);
		dkvm_json_add_uint_array(b, "cpus", g->cpus);
		dkvm_json_add_int(b, "size_kib", (gint64)g->size_kib);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);

	json_builder_set_member_name(b, "numa_nodes");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->numa_nodes->len; i++) {
		const DkvmNumaNode *n = g_ptr_array_index(self->numa_nodes, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "id", n->id);
		dkvm_json_add_uint_array(b, "cpus", n->cpus);
		dkvm_json_add_int(b, "total_kib", (gint64)n->total_kib);
		dkvm_json_add_int(b, "free_kib", (gint64)n->free_kib);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void
build_memory(JsonBuilder *b, const DkvmHostFacts *self)
{
	json_builder_set_member_name(b, "memory");
	json_builder_begin_object(b);
	dkvm_json_add_int(b, "total_kib", (gint64)self->mem_total_kib);
	dkvm_json_add_int(b, "available_kib", (gint64)self->mem_available_kib);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "hugepages");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->hugepages->len; i++) {
		const DkvmHugepagePool *p = g_ptr_array_index(self->hugepages, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "size_kib", (gint64)p->size_kib);
		dkvm_json_add_opt_int(b, "node", p->node);
		dkvm_json_add_int(b, "total", (gint64)p->total);
		dkvm_json_add_int(b, "free", (gint64)p->free);
		dkvm_json_add_int(b, "reserved", (gint64)p->reserved);
		dkvm_json_add_int(b, "surplus", (gint64)p->surplus);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void
build_cmdline(JsonBuilder *b, const DkvmKernelCmdline *c)
{
	json_builder_set_member_name(b, "cmdline");
	json_builder_begin_object(b);
	dkvm_json_add_opt_str(b, "raw", c->raw);
	for (guint i = 0; i < G_N_ELEMENTS(kernel_options); i++)
		dkvm_json_add_opt_str(b, kernel_options[i].json,
		                      *DKVM_KERNEL_OPTION_FIELD(c, &kernel_options[i]));
	json_builder_end_object(b);
}

/* Sizes as whole numbers of bytes: a 16 GiB BAR fits JSON's safe integers. */
static void
build_bars(JsonBuilder *b, const GArray *bars)
{
	json_builder_set_member_name(b, "bars");
	json_builder_begin_array(b);
	for (guint i = 0; bars != NULL && i < bars->len; i++) {
		const DkvmPciBar *bar = &g_array_index(bars, DkvmPciBar, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "index", bar->index);
		dkvm_json_add_int(b, "size", (gint64)bar->size);
		dkvm_json_add_bool(b, "is_64bit", bar->is_64bit);
		dkvm_json_add_bool(b, "prefetchable", bar->prefetchable);
		dkvm_json_add_int(b, "resizable_max", (gint64)bar->resizable_max);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void
build_pci(JsonBuilder *b, const DkvmHostFacts *self)
{
	json_builder_set_member_name(b, "pci");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->pci->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(self->pci, i);
		json_builder_begin_object(b);
		dkvm_json_add_opt_str(b, "address", d->address);
		add_hex(b, "vendor_id", d->vendor_id, 4);
		add_hex(b, "device_id", d->device_id, 4);
		add_hex(b, "subsystem_vendor_id", d->subsystem_vendor_id, 4);
		add_hex(b, "subsystem_device_id", d->subsystem_device_id, 4);
		add_hex(b, "class", d->class_code, 6);
		dkvm_json_add_opt_str(b, "vendor_name", d->vendor_name);
		dkvm_json_add_opt_str(b, "name", d->device_name);
		dkvm_json_add_opt_str(b, "class_name", d->class_name);
		dkvm_json_add_opt_str(b, "driver", d->driver);
		dkvm_json_add_opt_int(b, "iommu_group", d->iommu_group);
		dkvm_json_add_bool(b, "is_gpu", d->is_gpu);
		dkvm_json_add_bool(b, "is_bridge", d->is_bridge);
		dkvm_json_add_bool(b, "boot_vga", d->boot_vga);
		dkvm_json_add_opt_int(b, "numa_node", d->numa_node);
		dkvm_json_add_opt_str(b, "reset_method", d->reset_method);
		build_bars(b, d->bars);
		dkvm_json_add_bool(b, "config_stuck", d->config_stuck);
		if (d->d3cold_allowed >= 0)
			dkvm_json_add_bool(b, "d3cold_allowed", d->d3cold_allowed == 1);
		else
			dkvm_json_add_opt_int(b, "d3cold_allowed", -1);
		dkvm_json_add_str_array(b, "functions", d->functions);
		dkvm_json_add_bool(b, "host_needed", d->host_needed);
		dkvm_json_add_opt_str(b, "host_needed_reason", d->host_needed_reason);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);

	json_builder_set_member_name(b, "iommu_groups");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->iommu_groups->len; i++) {
		const DkvmIommuGroup *g = g_ptr_array_index(self->iommu_groups, i);
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "id", g->id);
		dkvm_json_add_str_array(b, "devices", g->devices);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void
build_usb(JsonBuilder *b, const DkvmHostFacts *self)
{
	json_builder_set_member_name(b, "usb");
	json_builder_begin_array(b);
	for (guint i = 0; i < self->usb->len; i++) {
		const DkvmUsbDevice *u = g_ptr_array_index(self->usb, i);
		json_builder_begin_object(b);
		dkvm_json_add_opt_str(b, "port_path", u->port_path);
		dkvm_json_add_int(b, "busnum", u->busnum);
		dkvm_json_add_int(b, "devnum", u->devnum);
		add_hex(b, "vendor_id", u->vendor_id, 4);
		add_hex(b, "product_id", u->product_id, 4);
		dkvm_json_add_opt_str(b, "vendor_name", u->vendor_name);
		dkvm_json_add_opt_str(b, "product_name", u->product_name);
		dkvm_json_add_opt_str(b, "serial", u->serial);
		dkvm_json_add_int(b, "speed_mbps", u->speed_mbps);
		dkvm_json_add_bool(b, "is_hub", u->is_hub);
		dkvm_json_add_opt_str(b, "controller", u->controller);
		dkvm_json_add_bool(b, "host_needed", u->host_needed);
		dkvm_json_add_opt_str(b, "host_needed_reason", u->host_needed_reason);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

gchar *
dkvm_host_facts_to_json(const DkvmHostFacts *self)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	dkvm_json_add_opt_str(b, "cpu_vendor", self->cpu_vendor);
	dkvm_json_add_opt_str(b, "cpu_model", self->cpu_model);
	dkvm_json_add_bool(b, "virtualization", self->virt_support);
	dkvm_json_add_bool(b, "kvm", self->kvm_available);
	dkvm_json_add_bool(b, "pdpe1gb", self->pdpe1gb);
	dkvm_json_add_bool(b, "smt", self->smt);
	dkvm_json_add_bool(b, "hybrid", self->hybrid);
	build_cpus(b, self);
	build_memory(b, self);
	dkvm_json_add_bool(b, "iommu_enabled", self->iommu_enabled);
	build_cmdline(b, &self->cmdline);
	build_pci(b, self);
	build_usb(b, self);
	dkvm_json_add_str_array(b, "notes", self->notes);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	json_generator_set_indent(gen, 2);
	return json_generator_to_data(gen, NULL);
}

DkvmHostFacts *
dkvm_host_facts_copy(const DkvmHostFacts *self)
{
	g_autofree gchar *json = dkvm_host_facts_to_json(self);
	g_autoptr(GError) error = NULL;
	/* cross-references unchecked: hosts built in code (tests) may name devices they
	 * do not list, and a live host's discovery may have missed one */
	DkvmHostFacts *copy = dkvm_host_facts_read_json(json, FALSE, &error);

	/* the JSON of a host with CPUs always reads back */
	g_assert_no_error(error);
	return copy;
}

void
dkvm_host_facts_give_back_hugepages(DkvmHostFacts *self, guint64 size_kib, gint node, guint64 pages)
{
	for (guint i = 0; i < self->hugepages->len; i++) {
		DkvmHugepagePool *p = g_ptr_array_index(self->hugepages, i);
		if (p->size_kib != size_kib || (p->node >= 0 && p->node != node))
			continue;
		p->free = MIN(p->total, dkvm_size_add(p->free, pages));
	}
	/* checked: a page count read from a domain may be anything */
	self->mem_available_kib =
	        MIN(self->mem_total_kib,
	            dkvm_size_add(self->mem_available_kib, dkvm_size_mul(pages, size_kib)));
}
