/*
 * The whole plan for one VM on one host: passthrough first (it tells which
 * NUMA node the GPU is on), then CPU pinning near that node, then hugepages
 * from the node the vCPUs landed on. Also the two ways a plan is shown:
 * words for a person (`dkvm plan`, `--print-xml`'s stderr) and JSON for
 * scripts (`dkvm plan --json`, field names documented in README.md).
 */
#include "plan.h"

#include "json-builder-util.h"

#include <json-glib/json-glib.h>

#include "dkvm-error.h"
#include "format-size.h"
#include "looking-glass.h"
#include "plan-hypervisor.h"
#include "plan-util.h"

void
dkvm_plan_free(DkvmPlan *self)
{
	if (self == NULL)
		return;
	dkvm_passthrough_plan_free(self->passthrough);
	dkvm_cpu_plan_free(self->cpu);
	dkvm_hugepage_plan_free(self->hugepages);
	g_clear_pointer(&self->hyperv, g_ptr_array_unref);
	g_clear_pointer(&self->rationale, g_ptr_array_unref);
	g_clear_pointer(&self->warnings, g_ptr_array_unref);
	g_free(self);
}

static void
collect(GPtrArray *into, const GPtrArray *from)
{
	for (guint i = 0; from != NULL && i < from->len; i++)
		g_ptr_array_add(into, g_strdup(g_ptr_array_index(from, i)));
}

/* Looking Glass: the IVSHMEM size and why, and that it needs a GPU to show
 * (with the passthrough part: it is about the guest's display devices). */
static void
plan_looking_glass(DkvmPlan *plan, const DkvmSpec *spec)
{
	guint w = spec->looking_glass_width, h = spec->looking_glass_height;
	guint64 mib = dkvm_looking_glass_size_mib(w, h);
	g_autofree gchar *frame = NULL;

	if (mib == 0)
		return;
	frame = dkvm_format_kib(((guint64)w * h * 4 + 1023) / 1024);
	dkvm_plan_line(plan->passthrough->rationale,
	               "Looking Glass: %ux%u needs %" G_GUINT64_FORMAT " MiB of shared memory "
	               "(two frames of %s plus 10 MiB, rounded up to a power of two); VNC on "
	               "127.0.0.1 stays for setup",
	               w, h, mib, frame);
	for (guint i = 0; i < plan->passthrough->slots->len; i++) {
		const DkvmPassthroughSlot *slot = g_ptr_array_index(plan->passthrough->slots, i);
		if (slot->is_gpu)
			return;
	}
	dkvm_plan_line(plan->passthrough->warnings,
	               "Looking Glass without a passed-through GPU: the guest has no "
	               "card to capture; pass one through with --pci");
}

DkvmPlan *
dkvm_plan_new(const DkvmHostFacts *host, const DkvmHypervisor *hv, const DkvmSpec *spec,
              const DkvmHostSettings *settings, GError **error)
{
	g_autoptr(DkvmPlan) plan = g_new0(DkvmPlan, 1);

	plan->warnings = dkvm_plan_lines_new();
	plan->rationale = dkvm_plan_lines_new();
	/* first: no other part should plan for more vCPUs than QEMU can hold */
	if (!dkvm_plan_check_max_vcpus(hv, spec, error))
		return NULL;
	plan->passthrough = dkvm_plan_passthrough(host, spec, error);
	if (plan->passthrough == NULL)
		return NULL;
	if (spec->pinning) {
		plan->cpu = dkvm_plan_cpu(host, spec, settings, plan->passthrough->gpu_numa_node,
		                          error);
		if (plan->cpu == NULL)
			return NULL;
	}
	if (spec->hugepages) {
		plan->hugepages = dkvm_plan_hugepages(host, spec, settings, plan->cpu, error);
		if (plan->hugepages == NULL)
			return NULL;
	}
	dkvm_cpu_plan_set_cell_memory(plan->cpu, plan->hugepages, spec->memory_kib);
	if (!dkvm_plan_hypervisor(plan, host, hv, spec, settings, error))
		return NULL;
	plan_looking_glass(plan, spec);
	collect(plan->warnings, plan->passthrough->warnings);
	if (plan->cpu != NULL)
		collect(plan->warnings, plan->cpu->warnings);
	if (plan->hugepages != NULL)
		collect(plan->warnings, plan->hugepages->warnings);
	return g_steal_pointer(&plan);
}

/* ---- words ---- */

static void
append_cpu_list(GString *out, const gchar *label, const GArray *cpus)
{
	g_autofree gchar *list = dkvm_format_cpu_list(cpus);
	g_string_append_printf(out, "  %-18s%s\n", label, cpus->len > 0 ? list : "none");
}

static void
text_cpu(GString *out, const DkvmCpuPlan *cpu)
{
	if (cpu == NULL) {
		g_string_append(out, "CPU pinning: off (the host schedules the vCPUs anywhere)\n");
		return;
	}
	g_string_append_printf(out,
	                       "CPU pinning: %u vCPU%s; guest topology sockets=%u dies=%u "
	                       "cores=%u threads=%u\n",
	                       cpu->vcpus, cpu->vcpus == 1 ? "" : "s", cpu->sockets, cpu->dies,
	                       cpu->cores, cpu->threads);
	g_string_append(out, "  vCPU  host CPU  core  L3\n");
	for (guint i = 0; i < cpu->vcpu_pins->len; i++) {
		gint l3 = g_array_index(cpu->vcpu_l3, gint, i);
		gint core = g_array_index(cpu->vcpu_cores, gint, i);
		g_autofree gchar *l3_str = l3 >= 0 ? g_strdup_printf("%d", l3) : g_strdup("-");
		g_autofree gchar *core_str =
		        core >= 0 ? g_strdup_printf("%d", core) : g_strdup("-");
		g_string_append_printf(out, "  %4u  %8u  %4s  %2s\n", i,
		                       g_array_index(cpu->vcpu_pins, guint, i), core_str, l3_str);
	}
	append_cpu_list(out, "emulator threads:", cpu->emulator_cpus);
	append_cpu_list(out, "I/O threads:", cpu->iothread_cpus);
	append_cpu_list(out, "host keeps:", cpu->host_reserve);
	if (cpu->numa_node >= 0)
		g_string_append_printf(out, "  %-18snode %d (memory bound there)\n",
		                       "NUMA:", cpu->numa_node);
	else if (cpu->numa_cells->len > 0)
		dkvm_plan_text_numa_cells(out, cpu->numa_cells);
	else
		g_string_append_printf(out, "  %-18snot bound\n", "NUMA:");
	g_string_append_printf(out, "  %-18s%s\n", "isolation hint:",
	                       cpu->isolation_hint != NULL ? cpu->isolation_hint
	                                                   : "none (no host reserve)");
}

static void
text_hugepages(GString *out, const DkvmHugepagePlan *hp)
{
	g_autofree gchar *page = NULL;
	g_autofree gchar *mem = NULL;
	g_autofree gchar *keep = NULL;
	g_autofree gchar *node = NULL;

	if (hp == NULL) {
		g_string_append(out, "Hugepages: off (ordinary 4 KiB pages)\n");
		return;
	}
	page = dkvm_format_kib(hp->page_size_kib);
	mem = dkvm_format_kib(hp->memory_kib);
	keep = dkvm_format_kib(hp->headroom_kib);
	node = dkvm_plan_hugepage_source(hp);
	g_string_append_printf(out,
	                       "Hugepages: %" G_GUINT64_FORMAT " pages of %s (%s) from %s; "
	                       "%" G_GUINT64_FORMAT " free in the pool, %" G_GUINT64_FORMAT
	                       " to add; the host keeps %s\n",
	                       hp->pages, page, mem, node, hp->pool_free, hp->pages_to_add, keep);
}

static void
text_passthrough(GString *out, const DkvmPassthroughPlan *pt)
{
	if (pt == NULL || pt->slots->len == 0) {
		g_string_append(out, "PCI passthrough: none\n");
		return;
	}
	g_string_append(out, "PCI passthrough:\n");
	for (guint i = 0; i < pt->slots->len; i++) {
		const DkvmPassthroughSlot *s = g_ptr_array_index(pt->slots, i);
		g_autoptr(GString) list = g_string_new(NULL);

		for (guint j = 0; j < s->functions->len; j++)
			g_string_append_printf(list, "%s%s", j > 0 ? ", " : "",
			                       (const gchar *)g_ptr_array_index(s->functions, j));
		g_string_append_printf(out, "  guest 0000:%02x:%02x <- host %s (%s%s): %s%s",
		                       s->guest_bus, s->guest_slot, s->host_slot,
		                       s->name != NULL ? s->name : "?", s->is_gpu ? ", GPU" : "",
		                       list->str, s->multifunction ? " (multifunction)" : "");
		if (s->rom_file != NULL)
			g_string_append_printf(out, ", ROM file %s", s->rom_file);
		g_string_append_c(out, '\n');
	}
}

static void
text_lines(GString *out, const gchar *title, const GPtrArray *lines)
{
	if (lines == NULL || lines->len == 0)
		return;
	g_string_append_printf(out, "%s\n", title);
	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf(out, "  - %s\n", (const gchar *)g_ptr_array_index(lines, i));
}

static void
text_virtualization(GString *out, const DkvmPlan *self)
{
	g_autoptr(GString) hyperv = g_string_new(NULL);

	if (!self->from_capabilities && self->rationale->len == 0) {
		/* planned from host facts alone (--host-json): as before */
		g_string_append_printf(out, "Virtualization: %s\n",
		                       self->kvm ? "KVM" : "TCG emulation (no /dev/kvm)");
		return;
	}
	g_string_append_printf(out, "Virtualization: %s, CPU mode %s\n",
	                       self->kvm ? "KVM (type='kvm')" : "TCG emulation (type='qemu')",
	                       self->cpu_mode != NULL ? self->cpu_mode : "none");
	for (guint i = 0; i < self->hyperv->len; i++)
		g_string_append_printf(hyperv, "%s%s", i > 0 ? ", " : "",
		                       (const gchar *)g_ptr_array_index(self->hyperv, i));
	if (self->hyperv_vendor_id)
		g_string_append_printf(hyperv, "%svendor_id", hyperv->len > 0 ? ", " : "");
	g_string_append_printf(out, "Hyper-V: %s%s\n", hyperv->len > 0 ? hyperv->str : "none",
	                       self->hypervclock ? "; hypervclock timer" : "");
}

gchar *
dkvm_cpu_plan_to_text(const DkvmCpuPlan *cpu)
{
	GString *out = g_string_new(NULL);

	text_cpu(out, cpu);
	if (cpu != NULL) {
		text_lines(out, "Why:", cpu->rationale);
		text_lines(out, "Warnings:", cpu->warnings);
	}
	return g_string_free(out, FALSE);
}

gchar *
dkvm_plan_to_text(const DkvmPlan *self)
{
	GString *out = g_string_new(NULL);
	g_autoptr(GPtrArray) why = dkvm_plan_lines_new();

	text_virtualization(out, self);
	text_cpu(out, self->cpu);
	text_hugepages(out, self->hugepages);
	text_passthrough(out, self->passthrough);
	collect(why, self->rationale);
	collect(why, self->passthrough != NULL ? self->passthrough->rationale : NULL);
	collect(why, self->cpu != NULL ? self->cpu->rationale : NULL);
	collect(why, self->hugepages != NULL ? self->hugepages->rationale : NULL);
	text_lines(out, "Why:", why);
	text_lines(out, "Warnings:", self->warnings);
	return g_string_free(out, FALSE);
}

/* ---- JSON ---- */

static void
json_cpu(JsonBuilder *b, const DkvmCpuPlan *cpu)
{
	json_builder_set_member_name(b, "cpu");
	if (cpu == NULL) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	dkvm_json_add_int(b, "vcpus", cpu->vcpus);
	json_builder_set_member_name(b, "vcpu_pins");
	json_builder_begin_array(b);
	for (guint i = 0; i < cpu->vcpu_pins->len; i++) {
		json_builder_begin_object(b);
		dkvm_json_add_int(b, "vcpu", i);
		dkvm_json_add_int(b, "cpu", g_array_index(cpu->vcpu_pins, guint, i));
		dkvm_json_add_opt_int(b, "core", g_array_index(cpu->vcpu_cores, gint, i));
		dkvm_json_add_opt_int(b, "l3", g_array_index(cpu->vcpu_l3, gint, i));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	dkvm_json_add_uint_array(b, "emulator_cpus", cpu->emulator_cpus);
	dkvm_json_add_uint_array(b, "iothread_cpus", cpu->iothread_cpus);
	dkvm_json_add_uint_array(b, "host_reserve", cpu->host_reserve);
	json_builder_set_member_name(b, "topology");
	json_builder_begin_object(b);
	dkvm_json_add_int(b, "sockets", cpu->sockets);
	dkvm_json_add_int(b, "dies", cpu->dies);
	dkvm_json_add_int(b, "cores", cpu->cores);
	dkvm_json_add_int(b, "threads", cpu->threads);
	json_builder_end_object(b);
	dkvm_json_add_opt_int(b, "numa_node", cpu->numa_node);
	dkvm_plan_json_numa_cells(b, cpu->numa_cells);
	dkvm_json_add_opt_str(b, "isolation_hint", cpu->isolation_hint);
	dkvm_json_add_str_array(b, "rationale", cpu->rationale);
	dkvm_json_add_str_array(b, "warnings", cpu->warnings);
	json_builder_end_object(b);
}

static void
json_hugepages(JsonBuilder *b, const DkvmHugepagePlan *hp)
{
	json_builder_set_member_name(b, "hugepages");
	if (hp == NULL) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	dkvm_json_add_int(b, "page_size_kib", (gint64)hp->page_size_kib);
	dkvm_json_add_int(b, "pages", (gint64)hp->pages);
	dkvm_json_add_int(b, "pages_to_add", (gint64)hp->pages_to_add);
	dkvm_json_add_int(b, "pool_free", (gint64)hp->pool_free);
	dkvm_json_add_int(b, "memory_kib", (gint64)hp->memory_kib);
	dkvm_json_add_int(b, "headroom_kib", (gint64)hp->headroom_kib);
	dkvm_json_add_opt_int(b, "node", hp->node);
	dkvm_plan_json_hugepage_cells(b, hp->cells);
	dkvm_json_add_str_array(b, "rationale", hp->rationale);
	dkvm_json_add_str_array(b, "warnings", hp->warnings);
	json_builder_end_object(b);
}

static void
json_passthrough(JsonBuilder *b, const DkvmPassthroughPlan *pt)
{
	json_builder_set_member_name(b, "passthrough");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "slots");
	json_builder_begin_array(b);
	for (guint i = 0; pt != NULL && i < pt->slots->len; i++) {
		const DkvmPassthroughSlot *s = g_ptr_array_index(pt->slots, i);
		g_autofree gchar *guest =
		        g_strdup_printf("0000:%02x:%02x", s->guest_bus, s->guest_slot);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "host_slot");
		json_builder_add_string_value(b, s->host_slot);
		dkvm_json_add_str_array(b, "functions", s->functions);
		json_builder_set_member_name(b, "name");
		json_builder_add_string_value(b, s->name);
		json_builder_set_member_name(b, "guest_slot");
		json_builder_add_string_value(b, guest);
		dkvm_json_add_int(b, "guest_bus", s->guest_bus);
		dkvm_json_add_bool(b, "multifunction", s->multifunction);
		dkvm_json_add_bool(b, "is_gpu", s->is_gpu);
		json_builder_set_member_name(b, "rom_file");
		if (s->rom_file != NULL)
			json_builder_add_string_value(b, s->rom_file);
		else
			json_builder_add_null_value(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	dkvm_json_add_opt_int(b, "gpu_numa_node", pt != NULL ? pt->gpu_numa_node : -1);
	dkvm_json_add_int(b, "mmio64_mb", pt != NULL ? (gint64)pt->mmio64_mb : 0);
	dkvm_json_add_str_array(b, "rationale", pt != NULL ? pt->rationale : NULL);
	dkvm_json_add_str_array(b, "warnings", pt != NULL ? pt->warnings : NULL);
	json_builder_end_object(b);
}

static void
json_hypervisor(JsonBuilder *b, const DkvmPlan *self)
{
	json_builder_set_member_name(b, "hypervisor");
	json_builder_begin_object(b);
	dkvm_json_add_bool(b, "from_capabilities", self->from_capabilities);
	dkvm_json_add_opt_str(b, "domain_type", self->kvm ? "kvm" : "qemu");
	dkvm_json_add_opt_str(b, "cpu_mode", self->cpu_mode);
	dkvm_json_add_str_array(b, "hyperv", self->hyperv);
	dkvm_json_add_bool(b, "hyperv_vendor_id", self->hyperv_vendor_id);
	dkvm_json_add_bool(b, "hypervclock", self->hypervclock);
	dkvm_json_add_opt_str(b, "tpm_model", self->tpm_model);
	dkvm_json_add_bool(b, "secure_boot", self->secure_boot);
	dkvm_json_add_str_array(b, "rationale", self->rationale);
	json_builder_end_object(b);
}

gchar *
dkvm_plan_to_json(const DkvmPlan *self)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	dkvm_json_add_bool(b, "kvm", self->kvm);
	json_hypervisor(b, self);
	json_cpu(b, self->cpu);
	json_hugepages(b, self->hugepages);
	json_passthrough(b, self->passthrough);
	dkvm_json_add_str_array(b, "warnings", self->warnings);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	json_generator_set_indent(gen, 2);
	return json_generator_to_data(gen, NULL);
}
