/*
 * The host report (host-report.h). The full form and the summary are what
 * `dkvm host` has always printed (test/host's goldens hold them byte for
 * byte); the IOMMU form reuses their pieces for the menu's Host screen.
 */
#include "host-report.h"

#include "format-size.h"
#include "spec.h"

static gchar *
cpus_of_type(const DkvmHostFacts *host, DkvmCpuType type)
{
	g_autoptr(GArray) cpus = g_array_new(FALSE, FALSE, sizeof(guint));
	for (guint i = 0; i < host->cpus->len; i++) {
		const DkvmHostCpu *c = g_ptr_array_index(host->cpus, i);
		if (c->type == type)
			g_array_append_val(cpus, c->cpu);
	}
	return cpus->len > 0 ? dkvm_format_cpu_list(cpus) : g_strdup("none");
}

static void
print_cpu(GString *out, const DkvmHostFacts *host)
{
	guint cores = dkvm_host_facts_count_cores(host);

	g_string_append_printf(out, "CPU        %s (%s)\n",
	                       host->cpu_model != NULL ? host->cpu_model : "unknown model",
	                       host->cpu_vendor != NULL ? host->cpu_vendor : "unknown vendor");
	g_string_append_printf(out,
	                       "           %u cores, %u threads%s; virtualization %s; KVM %s; "
	                       "1 GiB pages %s\n",
	                       cores, host->cpus->len, host->smt ? " (SMT)" : "",
	                       host->virt_support ? "yes" : "no",
	                       host->kvm_available ? "yes" : "no (/dev/kvm missing)",
	                       host->pdpe1gb ? "yes" : "no");
	for (guint i = 0; i < host->l3_groups->len; i++) {
		const DkvmL3Group *g = g_ptr_array_index(host->l3_groups, i);
		g_autofree gchar *list = dkvm_format_cpu_list(g->cpus);
		g_autofree gchar *size = dkvm_format_kib(g->size_kib);
		g_string_append_printf(out, "%s group %u: CPUs %s, %s\n",
		                       i == 0 ? "L3        " : "          ", g->id, list, size);
	}
	if (host->hybrid) {
		g_autofree gchar *p = cpus_of_type(host, DKVM_CPU_TYPE_PERFORMANCE);
		g_autofree gchar *e = cpus_of_type(host, DKVM_CPU_TYPE_EFFICIENCY);
		g_string_append_printf(out, "P/E cores  performance %s; efficiency %s\n", p, e);
	}
	for (guint i = 0; i < host->numa_nodes->len; i++) {
		const DkvmNumaNode *n = g_ptr_array_index(host->numa_nodes, i);
		g_autofree gchar *list =
		        n->cpus->len > 0 ? dkvm_format_cpu_list(n->cpus) : g_strdup("none");
		g_autofree gchar *total = dkvm_format_kib(n->total_kib);
		g_autofree gchar *free_mem = dkvm_format_kib(n->free_kib);
		g_string_append_printf(out, "%s node %u: CPUs %s, %s (%s free)\n",
		                       i == 0 ? "NUMA      " : "          ", n->id, list, total,
		                       free_mem);
	}
}

static void
print_memory(GString *out, const DkvmHostFacts *host)
{
	g_autofree gchar *total = dkvm_format_kib(host->mem_total_kib);
	g_autofree gchar *avail = dkvm_format_kib(host->mem_available_kib);

	g_string_append_printf(out, "Memory     %s total, %s available\n", total, avail);
	for (guint i = 0; i < host->hugepages->len; i++) {
		const DkvmHugepagePool *p = g_ptr_array_index(host->hugepages, i);
		g_autofree gchar *size = dkvm_format_kib(p->size_kib);
		g_autofree gchar *where =
		        p->node < 0 ? g_strdup("") : g_strdup_printf(" on node %d", p->node);
		g_string_append_printf(out,
		                       "%s %s pages%s: %" G_GUINT64_FORMAT
		                       " total, %" G_GUINT64_FORMAT " free, %" G_GUINT64_FORMAT
		                       " reserved, %" G_GUINT64_FORMAT " surplus\n",
		                       i == 0 ? "Hugepages " : "          ", size, where, p->total,
		                       p->free, p->reserved, p->surplus);
	}
}

static void
print_iommu(GString *out, const DkvmHostFacts *host)
{
	g_autoptr(GString) set = g_string_new(NULL);
	guint count = 0;
	const DkvmKernelOption *options = dkvm_kernel_options(&count);

	for (guint i = 0; i < count; i++) {
		const DkvmKernelOption *option = &options[i];
		const gchar *value =
		        *DKVM_KERNEL_OPTION_FIELD((DkvmKernelCmdline *)&host->cmdline, option);
		if (value != NULL)
			g_string_append_printf(set, " %s=%s", option->shown, value);
	}
	if (host->iommu_enabled)
		g_string_append_printf(out, "IOMMU      on, %u group%s\n", host->iommu_groups->len,
		                       host->iommu_groups->len == 1 ? "" : "s");
	else
		g_string_append(out, "IOMMU      off: no device can be passed through\n");
	g_string_append_printf(out, "Kernel     %s\n",
	                       set->len > 0 ? set->str + 1 : "no passthrough options");
}

static void
print_pci_device(GString *out, const DkvmPciDevice *d)
{
	g_autoptr(GString) marks = g_string_new(NULL);
	g_autofree gchar *node =
	        d->numa_node >= 0 ? g_strdup_printf(", node %d", d->numa_node) : g_strdup("");

	if (d->is_gpu)
		g_string_append(marks, " [GPU]");
	if (d->boot_vga)
		g_string_append(marks, " [boot VGA]");
	if (d->host_needed)
		g_string_append_printf(marks, " [host needs it: %s]", d->host_needed_reason);
	g_string_append_printf(out, "    %s %04x:%04x %s %s (%s)%s; driver %s; reset %s%s\n",
	                       d->address, d->vendor_id, d->device_id,
	                       d->vendor_name != NULL ? d->vendor_name : "unknown vendor",
	                       d->device_name != NULL ? d->device_name : "unknown device",
	                       d->class_name != NULL ? d->class_name : "unknown class", node,
	                       d->driver != NULL ? d->driver : "none",
	                       d->reset_method != NULL ? d->reset_method : "none", marks->str);
}

static void
print_pci(GString *out, const DkvmHostFacts *host)
{
	gboolean ungrouped = FALSE;

	g_string_append_printf(out, "PCI        %u device%s%s\n", host->pci->len,
	                       host->pci->len == 1 ? "" : "s",
	                       host->iommu_enabled ? ", by IOMMU group" : "");
	for (guint i = 0; i < host->iommu_groups->len; i++) {
		const DkvmIommuGroup *g = g_ptr_array_index(host->iommu_groups, i);
		g_string_append_printf(out, "  group %u\n", g->id);
		for (guint j = 0; j < g->devices->len; j++) {
			const DkvmPciDevice *d =
			        dkvm_host_facts_get_pci(host, g_ptr_array_index(g->devices, j));
			if (d != NULL)
				print_pci_device(out, d);
		}
	}
	for (guint i = 0; i < host->pci->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(host->pci, i);
		if (d->iommu_group >= 0)
			continue;
		if (!ungrouped)
			g_string_append(out, "  no IOMMU group\n");
		ungrouped = TRUE;
		print_pci_device(out, d);
	}
}

static void
print_usb(GString *out, const DkvmHostFacts *host)
{
	g_string_append_printf(out, "USB        %u device%s\n", host->usb->len,
	                       host->usb->len == 1 ? "" : "s");
	for (guint i = 0; i < host->usb->len; i++) {
		const DkvmUsbDevice *u = g_ptr_array_index(host->usb, i);
		g_autofree gchar *mark = u->host_needed ? g_strdup_printf(" [host needs it: %s]",
		                                                          u->host_needed_reason)
		                                        : g_strdup("");
		g_string_append_printf(out, "    %-8s %04x:%04x %s %s, %u Mbit/s%s, on %s%s\n",
		                       u->port_path, u->vendor_id, u->product_id,
		                       u->vendor_name != NULL ? u->vendor_name : "unknown vendor",
		                       u->product_name != NULL ? u->product_name
		                                               : "unknown product",
		                       u->speed_mbps, u->is_hub ? ", hub" : "",
		                       u->controller != NULL ? u->controller : "no PCI", mark);
	}
}

static const DkvmIommuGroup *
group_of(const DkvmHostFacts *host, const DkvmPciDevice *d)
{
	for (guint i = 0; d->iommu_group >= 0 && i < host->iommu_groups->len; i++) {
		const DkvmIommuGroup *g = g_ptr_array_index(host->iommu_groups, i);
		if (g->id == (guint)d->iommu_group)
			return g;
	}
	return NULL;
}

static gboolean
is_usb_controller(const DkvmPciDevice *d)
{
	return (d->class_code >> 8) == 0x0c03;
}

/* "group 15: 0000:01:00.0 0000:01:00.1": what passes through together */
static gchar *
describe_group(const DkvmHostFacts *host, const DkvmPciDevice *d)
{
	const DkvmIommuGroup *g = group_of(host, d);
	g_autoptr(GString) out = NULL;

	if (g == NULL)
		return g_strdup("no IOMMU group");
	out = g_string_new(NULL);
	g_string_append_printf(out, "group %u:", g->id);
	for (guint i = 0; i < g->devices->len; i++)
		g_string_append_printf(out, " %s", (const gchar *)g_ptr_array_index(g->devices, i));
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* The PCI devices for which @wanted holds, one line each with its group. */
static guint
print_compact_pci(GString *out, const DkvmHostFacts *host, const gchar *title,
                  gboolean (*wanted)(const DkvmPciDevice *d))
{
	guint n = 0;

	for (guint i = 0; i < host->pci->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(host->pci, i);
		g_autofree gchar *group = NULL;
		if (!wanted(d))
			continue;
		if (n++ == 0)
			g_string_append_printf(out, "%s\n", title);
		group = describe_group(host, d);
		g_string_append_printf(out, "  %s %s%s; %s%s%s%s\n", d->address,
		                       d->device_name != NULL ? d->device_name : "unknown device",
		                       d->boot_vga ? " [boot VGA]" : "", group,
		                       d->host_needed ? " [host needs it: " : "",
		                       d->host_needed ? d->host_needed_reason : "",
		                       d->host_needed ? "]" : "");
	}
	return n;
}

static gboolean
is_gpu(const DkvmPciDevice *d)
{
	return d->is_gpu;
}

/* `dkvm host --summary`: one screen for choosing what to pass through. */
static gchar *
format_compact(const DkvmHostFacts *host)
{
	GString *out = g_string_new(NULL);
	g_autofree gchar *total = dkvm_format_kib(host->mem_total_kib);
	g_autofree gchar *avail = dkvm_format_kib(host->mem_available_kib);

	g_string_append_printf(out, "CPU     %s: %u cores, %u threads; KVM %s\n",
	                       host->cpu_model != NULL ? host->cpu_model : "unknown model",
	                       dkvm_host_facts_count_cores(host), host->cpus->len,
	                       host->kvm_available ? "yes" : "no (/dev/kvm missing)");
	g_string_append_printf(out, "Memory  %s total, %s available\n", total, avail);
	if (host->iommu_enabled)
		g_string_append_printf(out, "IOMMU   on, %u groups (a group passes as a whole)\n",
		                       host->iommu_groups->len);
	else
		g_string_append(out, "IOMMU   off: no device can be passed through\n");
	if (print_compact_pci(out, host, "GPUs", is_gpu) == 0)
		g_string_append(out, "GPUs    none\n");
	print_compact_pci(out, host, "USB controllers", is_usb_controller);
	g_string_append_printf(out, "USB devices\n");
	for (guint i = 0; i < host->usb->len; i++) {
		const DkvmUsbDevice *u = g_ptr_array_index(host->usb, i);
		if (u->is_hub)
			continue;
		g_string_append_printf(
		        out, "  %-8s %04x:%04x %s %s, on %s%s%s%s\n", u->port_path, u->vendor_id,
		        u->product_id, u->vendor_name != NULL ? u->vendor_name : "unknown vendor",
		        u->product_name != NULL ? u->product_name : "unknown product",
		        u->controller != NULL ? u->controller : "no PCI",
		        u->host_needed ? " [host needs it: " : "",
		        u->host_needed ? u->host_needed_reason : "", u->host_needed ? "]" : "");
	}
	if (host->notes->len > 0)
		g_string_append_printf(out, "Notes   %u (see `dkvm host`)\n", host->notes->len);
	g_string_append(out, "The full report (CPUs by L3 cache, hugepages, every PCI device by "
	                     "IOMMU group): dkvm host\n");
	return g_string_free(out, FALSE);
}

/* The readable summary; every line is a fact from @host, nothing is computed anew. */
static gchar *
format_summary(const DkvmHostFacts *host)
{
	GString *out = g_string_new(NULL);

	print_cpu(out, host);
	print_memory(out, host);
	print_iommu(out, host);
	print_pci(out, host);
	print_usb(out, host);
	if (host->notes->len > 0) {
		g_string_append(out, "Notes\n");
		for (guint i = 0; i < host->notes->len; i++)
			g_string_append_printf(out, "  - %s\n",
			                       (const gchar *)g_ptr_array_index(host->notes, i));
	}
	return g_string_free(out, FALSE);
}

static gboolean
is_own_function(const DkvmPciDevice *gpu, const gchar *address)
{
	if (g_strcmp0(gpu->address, address) == 0)
		return TRUE;
	for (guint i = 0; gpu->functions != NULL && i < gpu->functions->len; i++) {
		if (g_strcmp0(g_ptr_array_index(gpu->functions, i), address) == 0)
			return TRUE;
	}
	return FALSE;
}

/* The devices in @gpu's group that are neither its functions nor bridges
 * (vfio leaves bridges to the host): what must pass through with it. */
static gchar *
group_strangers(const DkvmHostFacts *host, const DkvmPciDevice *gpu)
{
	const DkvmIommuGroup *g = group_of(host, gpu);
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; g != NULL && i < g->devices->len; i++) {
		const gchar *address = g_ptr_array_index(g->devices, i);
		const DkvmPciDevice *d = dkvm_host_facts_get_pci(host, address);
		if (is_own_function(gpu, address) || (d != NULL && d->is_bridge))
			continue;
		g_string_append_printf(out, "%s%s", out->len > 0 ? ", " : "", address);
	}
	return out->len > 0 ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}

GPtrArray *
dkvm_host_report_warnings(const DkvmHostFacts *host)
{
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	guint gpus = 0;

	if (!host->iommu_enabled)
		g_ptr_array_add(warnings,
		                g_strdup("IOMMU off: no device can be passed through. Turn on "
		                         "VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the firmware; on "
		                         "Intel also add intel_iommu=on to the kernel command "
		                         "line."));
	if (host->cmdline.pcie_acs_override != NULL)
		g_ptr_array_add(warnings,
		                g_strdup_printf("pcie_acs_override=%s is set: the kernel splits "
		                                "IOMMU groups the hardware does not isolate (no "
		                                "ACS); devices in split groups can still reach "
		                                "each other's memory.",
		                                host->cmdline.pcie_acs_override));
	for (guint i = 0; i < host->pci->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(host->pci, i);
		g_autofree gchar *strangers = NULL;
		if (!d->is_gpu)
			continue;
		gpus++;
		strangers = host->iommu_enabled ? group_strangers(host, d) : NULL;
		if (strangers != NULL)
			g_ptr_array_add(
			        warnings,
			        g_strdup_printf("GPU %s is not isolated (no ACS): its IOMMU "
			                        "group %d also holds %s, which must pass "
			                        "through with it.",
			                        d->address, d->iommu_group, strangers));
	}
	if (gpus == 0)
		g_ptr_array_add(warnings, g_strdup("No GPU: a VM gets an emulated display only."));
	else if (gpus == 1)
		g_ptr_array_add(warnings,
		                g_strdup("Only one GPU: passing it through leaves the host "
		                         "without a screen while the VM runs (reach it by SSH)."));
	return warnings;
}

/* The menu's Host screen: what decides passthrough, warnings first. */
static gchar *
format_iommu(const DkvmHostFacts *host)
{
	GString *out = g_string_new(NULL);
	g_autoptr(GPtrArray) warnings = dkvm_host_report_warnings(host);

	if (warnings->len > 0) {
		g_string_append(out, "Warnings\n");
		for (guint i = 0; i < warnings->len; i++)
			g_string_append_printf(out, "  ! %s\n",
			                       (const gchar *)g_ptr_array_index(warnings, i));
	}
	print_iommu(out, host);
	print_pci(out, host);
	if (host->notes->len > 0) {
		g_string_append(out, "Notes\n");
		for (guint i = 0; i < host->notes->len; i++)
			g_string_append_printf(out, "  - %s\n",
			                       (const gchar *)g_ptr_array_index(host->notes, i));
	}
	return g_string_free(out, FALSE);
}

gchar *
dkvm_host_report_text(const DkvmHostFacts *host, DkvmHostReportForm form)
{
	switch (form) {
	case DKVM_HOST_REPORT_SUMMARY:
		return format_compact(host);
	case DKVM_HOST_REPORT_IOMMU:
		return format_iommu(host);
	case DKVM_HOST_REPORT_FULL:
	default:
		return format_summary(host);
	}
}
