/*
 * Everything about the VM's CPUs: <domain type>, <vcpu>, <iothreads>,
 * <cputune> (vcpupin, emulatorpin, iothreadpin, vcpusched), <numatune> and
 * <cpu> with its guest NUMA cells (<numa>). The numbers come from the CPU
 * plan; this file only writes them.
 *
 * The domain type and the CPU mode are the plan's (plan-hypervisor.c): under
 * TCG type='qemu' and mode 'maximum' (libvirt refuses type='kvm' and
 * host-passthrough there); the rest of the domain stays the one a KVM host
 * gets. A plan without a CPU mode (the hypervisor supports neither) leaves
 * the mode out: QEMU's default model.
 */
#include "domain-apply.h"
#include "dkvm-error.h"
#include "domain-tree.h"

/* Highest iothread id referenced by elements DKVM does not manage (a
 * virtio-scsi controller a person bound to iothread 2 must keep it). */
static guint
foreign_iothreads(DkvmApplyCtx *ctx)
{
	g_autoptr(GPtrArray) attrs = dkvm_tree_find(
	        ctx->doc, "/domain/devices/*[not(starts-with(alias/@name,'" DKVM_ALIAS_PREFIX
	                  "'))]//driver/@iothread");
	guint highest = 0;

	for (guint i = 0; i < attrs->len; i++) {
		xmlNode *attr = g_ptr_array_index(attrs, i);
		xmlChar *v = xmlNodeGetContent(attr);
		guint64 id = 0;
		if (v != NULL &&
		    g_ascii_string_to_unsigned((const gchar *)v, 10, 1, 4096, &id, NULL))
			highest = MAX(highest, (guint)id);
		xmlFree(v);
	}
	return highest;
}

static void
apply_cputune(DkvmApplyCtx *ctx, guint iothreads)
{
	const DkvmCpuPlan *cpu = ctx->spec->pinning ? ctx->plan->cpu : NULL;
	xmlNode *cputune = dkvm_tree_ensure(ctx->root, "cputune");

	dkvm_tree_remove_all(cputune, "vcpupin");
	dkvm_tree_remove_all(cputune, "emulatorpin");
	dkvm_tree_remove_all(cputune, "iothreadpin");
	dkvm_tree_remove_all(cputune, "vcpusched");
	if (cpu != NULL && cpu->vcpu_pins != NULL) {
		for (guint i = 0; i < cpu->vcpu_pins->len; i++) {
			xmlNode *pin = dkvm_tree_add(cputune, "vcpupin");
			dkvm_tree_set_printf(pin, "vcpu", "%u", i);
			dkvm_tree_set_printf(pin, "cpuset", "%u",
			                     g_array_index(cpu->vcpu_pins, guint, i));
		}
	}
	if (cpu != NULL && cpu->emulator_cpus != NULL && cpu->emulator_cpus->len > 0) {
		g_autofree gchar *list = dkvm_format_cpu_list(cpu->emulator_cpus);
		dkvm_tree_set(dkvm_tree_add(cputune, "emulatorpin"), "cpuset", list);
	}
	if (cpu != NULL && cpu->iothread_cpus != NULL && cpu->iothread_cpus->len > 0) {
		g_autofree gchar *list = dkvm_format_cpu_list(cpu->iothread_cpus);
		for (guint i = 1; i <= iothreads; i++) {
			xmlNode *pin = dkvm_tree_add(cputune, "iothreadpin");
			dkvm_tree_set_printf(pin, "iothread", "%u", i);
			dkvm_tree_set(pin, "cpuset", list);
		}
	}
	if (ctx->spec->realtime) {
		xmlNode *sched = dkvm_tree_add(cputune, "vcpusched");
		if (ctx->spec->vcpus > 1)
			dkvm_tree_set_printf(sched, "vcpus", "0-%u", ctx->spec->vcpus - 1);
		else
			dkvm_tree_set(sched, "vcpus", "0");
		dkvm_tree_set(sched, "scheduler", "fifo");
		dkvm_tree_set(sched, "priority", "1");
	}
	dkvm_tree_remove_if_empty(cputune);
}

static gint
uint_cmp(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;
	return x < y ? -1 : x > y;
}

/* <numatune>: the one node all vCPUs run on, or with guest NUMA cells every
 * node used and one strict <memnode> per cell. */
static void
apply_numatune(DkvmApplyCtx *ctx, const DkvmCpuPlan *cpu)
{
	xmlNode *numatune = dkvm_tree_ensure(ctx->root, "numatune");
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autofree gchar *nodeset = NULL;
	xmlNode *memory;

	dkvm_tree_remove_all(numatune, "memory");
	dkvm_tree_remove_all(numatune, "memnode");
	if (cpu != NULL && cpu->numa_node >= 0) {
		guint node = (guint)cpu->numa_node;
		g_array_append_val(nodes, node);
	}
	for (guint i = 0; cpu != NULL && cpu->numa_node < 0 && i < cpu->numa_cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(cpu->numa_cells, i);
		guint node = (guint)cell->host_node;
		g_array_append_val(nodes, node);
	}
	if (nodes->len > 0) {
		g_array_sort(nodes, uint_cmp);
		nodeset = dkvm_format_cpu_list(nodes);
		memory = xmlNewDocNode(ctx->doc, NULL, (const xmlChar *)"memory", NULL);
		/* <memory> comes before <memnode>s */
		if (numatune->children != NULL)
			xmlAddPrevSibling(numatune->children, memory);
		else
			xmlAddChild(numatune, memory);
		dkvm_tree_set(memory, "mode", "strict");
		dkvm_tree_set(memory, "nodeset", nodeset);
	}
	for (guint i = 0; cpu != NULL && cpu->numa_node < 0 && i < cpu->numa_cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(cpu->numa_cells, i);
		xmlNode *memnode = dkvm_tree_add(numatune, "memnode");
		dkvm_tree_set_printf(memnode, "cellid", "%u", i);
		dkvm_tree_set(memnode, "mode", "strict");
		dkvm_tree_set_printf(memnode, "nodeset", "%d", cell->host_node);
	}
	dkvm_tree_remove_if_empty(numatune);
}

/* <cpu><numa>: one cell per host node the vCPUs use, none otherwise (a
 * hand-made <numa> is replaced: libvirt sizes the guest from the cells). */
static void
apply_guest_numa_cells(DkvmApplyCtx *ctx, const DkvmCpuPlan *cpu)
{
	xmlNode *cpu_node = dkvm_tree_child(ctx->root, "cpu");
	xmlNode *numa;

	if (cpu_node != NULL)
		dkvm_tree_remove_all(cpu_node, "numa");
	if (cpu == NULL || cpu->numa_cells->len == 0)
		return;
	if (cpu_node == NULL)
		cpu_node = dkvm_tree_ensure(ctx->root, "cpu");
	numa = dkvm_tree_add(cpu_node, "numa");
	for (guint i = 0; i < cpu->numa_cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(cpu->numa_cells, i);
		g_autofree gchar *vcpus = dkvm_format_cpu_list(cell->vcpus);
		xmlNode *node = dkvm_tree_add(numa, "cell");
		dkvm_tree_set_printf(node, "id", "%u", i);
		dkvm_tree_set(node, "cpus", vcpus);
		dkvm_tree_set_printf(node, "memory", "%" G_GUINT64_FORMAT, cell->memory_kib);
		dkvm_tree_set(node, "unit", "KiB");
	}
}

/* <numatune> and the guest NUMA cells from the plan (a memory change alone
 * resizes the cells in domain-memory.c instead) */
static void
apply_numa(DkvmApplyCtx *ctx)
{
	const DkvmCpuPlan *cpu = ctx->spec->pinning ? ctx->plan->cpu : NULL;

	apply_numatune(ctx, cpu);
	apply_guest_numa_cells(ctx, cpu);
}

static void
apply_guest_cpu(DkvmApplyCtx *ctx)
{
	const DkvmCpuPlan *plan = ctx->plan->cpu;
	xmlNode *cpu = dkvm_tree_ensure(ctx->root, "cpu");
	xmlNode *topology, *cache, *topoext;
	gboolean amd = g_strcmp0(ctx->host->cpu_vendor, "AuthenticAMD") == 0;

	dkvm_tree_set(cpu, "mode", ctx->plan->cpu_mode);
	dkvm_tree_set(cpu, "match", NULL);
	dkvm_tree_set(cpu, "check", "none");
	/* migratable is an attribute of host-passthrough and maximum only */
	dkvm_tree_set(cpu, "migratable", ctx->plan->cpu_mode != NULL ? "off" : NULL);
	/* a named model or vendor contradicts host-passthrough/maximum */
	dkvm_tree_remove_all(cpu, "model");
	dkvm_tree_remove_all(cpu, "vendor");

	dkvm_tree_remove_all(cpu, "topology");
	topology = dkvm_tree_add(cpu, "topology");
	if (plan != NULL &&
	    plan->sockets * plan->dies * plan->cores * plan->threads == ctx->spec->vcpus) {
		dkvm_tree_set_printf(topology, "sockets", "%u", plan->sockets);
		dkvm_tree_set_printf(topology, "dies", "%u", plan->dies);
		dkvm_tree_set_printf(topology, "cores", "%u", plan->cores);
		dkvm_tree_set_printf(topology, "threads", "%u", plan->threads);
	} else {
		dkvm_tree_set(topology, "sockets", "1");
		dkvm_tree_set(topology, "dies", "1");
		dkvm_tree_set_printf(topology, "cores", "%u", ctx->spec->vcpus);
		dkvm_tree_set(topology, "threads", "1");
	}

	dkvm_tree_remove_all(cpu, "cache");
	cache = dkvm_tree_add(cpu, "cache");
	dkvm_tree_set(cache, "mode", "passthrough");

	/* topoext lets an AMD guest see SMT siblings; it means nothing on Intel */
	dkvm_tree_remove(dkvm_tree_child_with(cpu, "feature", "name", "topoext"));
	if (amd) {
		topoext = dkvm_tree_add(cpu, "feature");
		dkvm_tree_set(topoext, "policy", "require");
		dkvm_tree_set(topoext, "name", "topoext");
	}
}

gboolean
dkvm_domain_apply_cpu(DkvmApplyCtx *ctx, GError **error)
{
	xmlNode *vcpu;
	xmlNode *iothreads_node;
	g_autofree gchar *text = g_strdup_printf("%u", ctx->spec->vcpus);
	guint iothreads = MAX(dkvm_domain_iothreads_needed(ctx->spec), foreign_iothreads(ctx));

	dkvm_tree_set(ctx->root, "type", ctx->plan->kvm ? "kvm" : "qemu");

	vcpu = dkvm_tree_ensure(ctx->root, "vcpu");
	dkvm_tree_set_text(vcpu, text);
	dkvm_tree_set(vcpu, "placement", "static");
	if (ctx->spec->pinning && ctx->plan->cpu != NULL)
		dkvm_tree_set(vcpu, "cpuset", NULL); /* the vcpupins say it per vCPU */
	dkvm_tree_set(vcpu, "current", NULL);

	iothreads_node = dkvm_tree_child(ctx->root, "iothreads");
	if (iothreads > 0) {
		g_autofree gchar *n = g_strdup_printf("%u", iothreads);
		if (iothreads_node == NULL)
			iothreads_node = dkvm_tree_add(ctx->root, "iothreads");
		dkvm_tree_set_text(iothreads_node, n);
	} else {
		dkvm_tree_remove(iothreads_node);
	}

	apply_cputune(ctx, iothreads);
	apply_guest_cpu(ctx);
	apply_numa(ctx);
	return TRUE;
}

void
dkvm_domain_read_cpu(xmlNode *root, DkvmSpec *spec)
{
	xmlNode *cputune = dkvm_tree_child(root, "cputune");
	guint64 vcpus = 0;

	if (dkvm_tree_get_uint(dkvm_tree_child(root, "vcpu"), NULL, &vcpus) && vcpus > 0 &&
	    vcpus <= G_MAXUINT)
		spec->vcpus = (guint)vcpus;
	spec->realtime = cputune != NULL && dkvm_tree_child(cputune, "vcpusched") != NULL;
}
