/*
 * The CPU map (cpu-map.h). Every core is one cell, "[ 2a 10a]": each of its
 * threads' CPU number and mark, so SMT siblings sit side by side however
 * the kernel numbers them (i/i+8 on Ryzen, adjacent on some boards). Cells
 * are grouped the way the planner thinks: package, then L3 group (a guest
 * should not share its cache with the host), then P- and E-cores.
 */
#include "cpu-map.h"

#include <string.h>

#include "format-size.h"
#include "plan-util.h"
#include "spec.h"

#define MARK_HOST   'H'
#define MARK_FREE   '.'
#define MARK_SHARED '*'

typedef struct {
	GHashTable *marks; /* cpu -> mark (GUINT_TO_POINTER) */
	guint digits;      /* of the highest CPU number */
	guint width;
} Map;

static gchar
mark_of(const Map *map, guint cpu)
{
	gpointer mark = g_hash_table_lookup(map->marks, GUINT_TO_POINTER(cpu));
	return mark != NULL ? (gchar)GPOINTER_TO_UINT(mark) : MARK_FREE;
}

static void
claim(Map *map, guint cpu, gchar mark)
{
	gpointer old = g_hash_table_lookup(map->marks, GUINT_TO_POINTER(cpu));

	if (old != NULL && (gchar)GPOINTER_TO_UINT(old) != mark)
		mark = MARK_SHARED;
	g_hash_table_insert(map->marks, GUINT_TO_POINTER(cpu), GUINT_TO_POINTER((guint)mark));
}

static gchar
vm_mark(guint index)
{
	return index < 26 ? (gchar)('a' + index) : '#';
}

/* @cpus sorted, each once (a plan's pins are in vCPU order). */
static GArray *
sorted_set(const GArray *cpus)
{
	GArray *out = dkvm_plan_uint_array_new();

	for (guint i = 0; cpus != NULL && i < cpus->len; i++) {
		guint cpu = g_array_index(cpus, guint, i);
		if (!dkvm_plan_uint_array_contains(out, cpu))
			dkvm_plan_uint_array_add_sorted(out, cpu);
	}
	return out;
}

static gboolean
vm_pinned(const DkvmCpuMapVm *vm)
{
	return vm->vcpu_pins != NULL && vm->vcpu_pins->len > 0;
}

/* Appends @text word-wrapped to @width, the first line after @first (already
 * counted in @first_len columns), the next ones after @indent spaces. */
/* The words of @text; a word longer than @room is cut after its commas (a
 * long CPU list) so that no line needs more than @room columns. */
static GPtrArray *
split_words(const gchar *text, guint room)
{
	g_auto(GStrv) words = g_strsplit(text, " ", -1);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; words[i] != NULL; i++) {
		const gchar *rest = words[i];
		while (strlen(rest) > room) {
			const gchar *cut = NULL;
			for (const gchar *p = rest; p < rest + room; p++)
				if (*p == ',')
					cut = p + 1;
			if (cut == NULL)
				break;
			g_ptr_array_add(out, g_strndup(rest, (gsize)(cut - rest)));
			rest = cut;
		}
		g_ptr_array_add(out, g_strdup(rest));
	}
	return out;
}

static void
append_wrapped(GString *out, const gchar *first, const gchar *text, guint width, guint indent)
{
	g_autoptr(GPtrArray) words = split_words(text, width - indent);
	guint column = (guint)strlen(first);

	g_string_append(out, first);
	for (guint i = 0; i < words->len; i++) {
		const gchar *word = g_ptr_array_index(words, i);
		guint len = (guint)strlen(word);
		if (len == 0)
			continue;
		if (column > indent && column + 1 + len > width) {
			g_string_append_c(out, '\n');
			g_string_append_printf(out, "%*s", (gint)indent, "");
			column = indent;
		} else if (column > 0 && out->len > 0 && out->str[out->len - 1] != ' ') {
			g_string_append_c(out, ' ');
			column++;
		}
		g_string_append(out, word);
		column += len;
	}
	g_string_append_c(out, '\n');
}

/* One core's threads: the CPUs of @cpu's sibling set that are online, sorted. */
static GArray *
core_threads(const DkvmHostFacts *host, const DkvmHostCpu *cpu)
{
	GArray *threads = dkvm_plan_uint_array_new();

	for (guint i = 0; cpu->siblings != NULL && i < cpu->siblings->len; i++) {
		guint t = g_array_index(cpu->siblings, guint, i);
		if (dkvm_host_facts_get_cpu(host, t) != NULL)
			dkvm_plan_uint_array_add_sorted(threads, t);
	}
	if (!dkvm_plan_uint_array_contains(threads, cpu->cpu))
		dkvm_plan_uint_array_add_sorted(threads, cpu->cpu);
	return threads;
}

static gchar *
format_cell(const Map *map, const GArray *threads)
{
	GString *cell = g_string_new("[");

	for (guint i = 0; i < threads->len; i++) {
		guint cpu = g_array_index(threads, guint, i);
		g_string_append_printf(cell, "%s%*u%c", i > 0 ? " " : "", (gint)map->digits, cpu,
		                       mark_of(map, cpu));
	}
	g_string_append_c(cell, ']');
	return g_string_free(cell, FALSE);
}

/* The cells of @cells after @label (padded to @label_width), wrapped. */
static void
append_cells(GString *out, const Map *map, const gchar *label, guint label_width, GPtrArray *cells)
{
	guint column = label_width;

	g_string_append_printf(out, "%-*s", (gint)label_width, label);
	for (guint i = 0; i < cells->len; i++) {
		const gchar *cell = g_ptr_array_index(cells, i);
		guint len = (guint)strlen(cell);
		if (column > label_width && column + 1 + len > map->width) {
			g_string_append_printf(out, "\n%*s", (gint)label_width, "");
			column = label_width;
		}
		if (column > label_width) {
			g_string_append_c(out, ' ');
			column++;
		}
		g_string_append(out, cell);
		column += len;
	}
	g_string_append_c(out, '\n');
}

/* Is @cpu the lowest online thread of its core? (Each core drawn once.) */
static gboolean
is_core_first(const DkvmHostFacts *host, const DkvmHostCpu *cpu)
{
	g_autoptr(GArray) threads = core_threads(host, cpu);
	return g_array_index(threads, guint, 0) == cpu->cpu;
}

/* The cores of @cpus (guint, sorted) of one type (UNKNOWN: every type). */
static GPtrArray *
cells_of(const DkvmHostFacts *host, const Map *map, const GArray *cpus, gboolean by_type,
         DkvmCpuType type)
{
	GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < cpus->len; i++) {
		const DkvmHostCpu *cpu =
		        dkvm_host_facts_get_cpu(host, g_array_index(cpus, guint, i));
		g_autoptr(GArray) threads = NULL;
		if (cpu == NULL || !is_core_first(host, cpu) || (by_type && cpu->type != type))
			continue;
		threads = core_threads(host, cpu);
		g_ptr_array_add(cells, format_cell(map, threads));
	}
	return cells;
}

/* The NUMA nodes of @cpus, as ", node 0" / ", nodes 0-1"; "" on one node. */
static gchar *
nodes_of(const DkvmHostFacts *host, const GArray *cpus)
{
	g_autoptr(GArray) nodes = dkvm_plan_uint_array_new();
	g_autofree gchar *list = NULL;

	if (host->numa_nodes->len < 2)
		return g_strdup("");
	for (guint i = 0; i < cpus->len; i++) {
		const DkvmHostCpu *cpu =
		        dkvm_host_facts_get_cpu(host, g_array_index(cpus, guint, i));
		if (cpu != NULL && cpu->node >= 0 &&
		    !dkvm_plan_uint_array_contains(nodes, (guint)cpu->node))
			dkvm_plan_uint_array_add_sorted(nodes, (guint)cpu->node);
	}
	if (nodes->len == 0)
		return g_strdup("");
	list = dkvm_format_cpu_list(nodes);
	return g_strdup_printf(", NUMA node%s %s", nodes->len > 1 ? "s" : "", list);
}

/* One L3 group (or the CPUs without cache information): its line and cores. */
static void
append_group(GString *out, const DkvmHostFacts *host, const Map *map, const gchar *heading,
             const GArray *cpus, gboolean show_nodes)
{
	g_autofree gchar *list = dkvm_format_cpu_list(cpus);
	g_autofree gchar *nodes = show_nodes ? nodes_of(host, cpus) : g_strdup("");
	g_autofree gchar *line = g_strdup_printf("%s, CPUs %s%s", heading, list, nodes);

	append_wrapped(out, "  ", line, map->width, 4);
	if (host->hybrid) {
		g_autoptr(GPtrArray) p = cells_of(host, map, cpus, TRUE, DKVM_CPU_TYPE_PERFORMANCE);
		g_autoptr(GPtrArray) e = cells_of(host, map, cpus, TRUE, DKVM_CPU_TYPE_EFFICIENCY);
		g_autoptr(GPtrArray) other = cells_of(host, map, cpus, TRUE, DKVM_CPU_TYPE_UNKNOWN);
		if (p->len > 0)
			append_cells(out, map, "    P-cores ", 12, p);
		if (e->len > 0)
			append_cells(out, map, "    E-cores ", 12, e);
		if (other->len > 0)
			append_cells(out, map, "    other   ", 12, other);
	} else {
		g_autoptr(GPtrArray) cells =
		        cells_of(host, map, cpus, FALSE, DKVM_CPU_TYPE_UNKNOWN);
		append_cells(out, map, "    ", 4, cells);
	}
}

static gint
compare_int(gconstpointer a, gconstpointer b)
{
	gint x = *(const gint *)a, y = *(const gint *)b;
	return (x > y) - (x < y);
}

static GArray *
packages_of(const DkvmHostFacts *host)
{
	GArray *packages = g_array_new(FALSE, FALSE, sizeof(gint));

	for (guint i = 0; i < host->cpus->len; i++) {
		const DkvmHostCpu *cpu = g_ptr_array_index(host->cpus, i);
		gboolean seen = FALSE;
		for (guint j = 0; j < packages->len && !seen; j++)
			seen = g_array_index(packages, gint, j) == cpu->package;
		if (!seen)
			g_array_append_val(packages, cpu->package);
	}
	g_array_sort(packages, compare_int);
	return packages;
}

/* The CPUs of @package in L3 group @l3 (-1: without one), sorted. */
static GArray *
cpus_in(const DkvmHostFacts *host, gint package, gint l3)
{
	GArray *cpus = dkvm_plan_uint_array_new();

	for (guint i = 0; i < host->cpus->len; i++) {
		const DkvmHostCpu *cpu = g_ptr_array_index(host->cpus, i);
		if (cpu->package == package && cpu->l3 == l3)
			dkvm_plan_uint_array_add_sorted(cpus, cpu->cpu);
	}
	return cpus;
}

static void
append_package(GString *out, const DkvmHostFacts *host, const Map *map, gint package)
{
	g_autoptr(GArray) all = dkvm_plan_uint_array_new();
	g_autoptr(GArray) ungrouped = cpus_in(host, package, -1);
	g_autofree gchar *nodes = NULL;
	gboolean per_group;

	for (guint i = 0; i < host->cpus->len; i++) {
		const DkvmHostCpu *cpu = g_ptr_array_index(host->cpus, i);
		if (cpu->package == package)
			dkvm_plan_uint_array_add_sorted(all, cpu->cpu);
	}
	nodes = nodes_of(host, all);
	/* a package on one node says so once; one split into nodes (AMD's NPS
	 * modes) says it per L3 group */
	per_group = strstr(nodes, "nodes") != NULL;
	if (package >= 0)
		g_string_append_printf(out, "Package %d%s\n", package, nodes);
	else
		g_string_append_printf(out, "Package unknown%s\n", nodes);
	for (guint i = 0; i < host->l3_groups->len; i++) {
		const DkvmL3Group *g = g_ptr_array_index(host->l3_groups, i);
		g_autoptr(GArray) cpus = cpus_in(host, package, (gint)g->id);
		g_autofree gchar *size = NULL;
		g_autofree gchar *heading = NULL;
		if (cpus->len == 0)
			continue;
		size = dkvm_format_kib(g->size_kib);
		heading = g_strdup_printf("L3 group %u (%s)", g->id, size);
		append_group(out, host, map, heading, cpus, per_group);
	}
	if (ungrouped->len > 0)
		append_group(out, host, map, "No L3 cache information", ungrouped, per_group);
}

/* "a  win11  running: vCPUs on 2-3,6-7; emulator on 0,4" */
static void
append_vm(GString *out, const DkvmHostFacts *host, const Map *map, const DkvmCpuMapVm *vm,
          gchar mark)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GArray) absent = dkvm_plan_uint_array_new();
	g_autofree gchar *first = g_strdup_printf("  %c  ", mark);

	g_string_append(text, vm->name);
	if (vm->state != NULL)
		g_string_append_printf(text, " (%s)", vm->state);
	if (vm_pinned(vm)) {
		g_autoptr(GArray) pins = sorted_set(vm->vcpu_pins);
		g_autofree gchar *list = dkvm_format_cpu_list(pins);
		g_string_append_printf(text, ": vCPUs on %s", list);
		for (guint i = 0; i < vm->vcpu_pins->len; i++) {
			guint cpu = g_array_index(vm->vcpu_pins, guint, i);
			if (dkvm_host_facts_get_cpu(host, cpu) == NULL)
				dkvm_plan_uint_array_add_sorted(absent, cpu);
		}
	} else {
		g_string_append(text, ": not pinned");
	}
	if (vm->emulator_pins != NULL && vm->emulator_pins->len > 0) {
		g_autoptr(GArray) pins = sorted_set(vm->emulator_pins);
		g_autofree gchar *list = dkvm_format_cpu_list(pins);
		g_string_append_printf(text, "; emulator on %s", list);
	}
	if (absent->len > 0) {
		g_autofree gchar *list = dkvm_format_cpu_list(absent);
		g_string_append_printf(text, "; CPU%s %s not online on this host",
		                       absent->len > 1 ? "s" : "", list);
	}
	append_wrapped(out, first, text->str, map->width, 5);
}

gchar *
dkvm_cpu_map_text(const DkvmHostFacts *host, const GArray *reserve, const gchar *reserve_origin,
                  const GPtrArray *vms, guint width)
{
	GString *out = g_string_new(NULL);
	g_autoptr(GArray) packages = packages_of(host);
	Map map = { .marks = g_hash_table_new(NULL, NULL), .width = MAX(width, 40) };
	guint highest = 0, cores = dkvm_host_facts_count_cores(host), letter = 0;
	g_autofree gchar *model = NULL;
	g_autofree gchar *counts = NULL;
	g_autofree gchar *nodes = NULL;

	for (guint i = 0; i < host->cpus->len; i++)
		highest =
		        MAX(highest, ((const DkvmHostCpu *)g_ptr_array_index(host->cpus, i))->cpu);
	map.digits = 1;
	for (guint n = highest; n >= 10; n /= 10)
		map.digits++;
	for (guint i = 0; reserve != NULL && i < reserve->len; i++)
		claim(&map, g_array_index(reserve, guint, i), MARK_HOST);
	for (guint v = 0; vms != NULL && v < vms->len; v++) {
		const DkvmCpuMapVm *vm = g_ptr_array_index(vms, v);
		if (!vm_pinned(vm))
			continue;
		for (guint i = 0; i < vm->vcpu_pins->len; i++)
			claim(&map, g_array_index(vm->vcpu_pins, guint, i), vm_mark(letter));
		letter++;
	}

	model = g_strdup(host->cpu_model != NULL ? host->cpu_model : "unknown CPU model");
	if (strlen(model) > map.width)
		model[map.width] = '\0';
	g_string_append_printf(out, "%s\n", model);
	nodes = host->numa_nodes->len > 1
	                ? g_strdup_printf(", %u NUMA nodes", host->numa_nodes->len)
	                : g_strdup("");
	counts = g_strdup_printf("%u package%s, %u core%s, %u thread%s%s%s", packages->len,
	                         packages->len == 1 ? "" : "s", cores, cores == 1 ? "" : "s",
	                         host->cpus->len, host->cpus->len == 1 ? "" : "s",
	                         host->hybrid ? " (P- and E-cores)" : "", nodes);
	append_wrapped(out, "", counts, map.width, 0);
	append_wrapped(out, "", "Each [ ] is a core: its threads' CPU numbers, each marked",
	               map.width, 0);
	append_wrapped(out, "",
	               "H host reserve, a b c.. VMs' pinned vCPUs (below), * claimed twice, "
	               ". free",
	               map.width, 0);
	g_string_append_c(out, '\n');
	for (guint i = 0; i < packages->len; i++)
		append_package(out, host, &map, g_array_index(packages, gint, i));

	g_string_append_c(out, '\n');
	if (reserve == NULL || reserve->len == 0) {
		append_wrapped(out, "  H  ",
		               "host reserve: none: the host's threads share the VMs' CPUs",
		               map.width, 5);
	} else {
		g_autofree gchar *list = dkvm_format_cpu_list(reserve);
		g_autofree gchar *text = g_strdup_printf(
		        "host reserve: CPUs %s%s%s", list, reserve_origin != NULL ? ", " : "",
		        reserve_origin != NULL ? reserve_origin : "");
		append_wrapped(out, "  H  ", text, map.width, 5);
	}
	letter = 0;
	for (guint v = 0; vms != NULL && v < vms->len; v++) {
		const DkvmCpuMapVm *vm = g_ptr_array_index(vms, v);
		append_vm(out, host, &map, vm, vm_pinned(vm) ? vm_mark(letter++) : '-');
	}
	g_hash_table_unref(map.marks);
	return g_string_free(out, FALSE);
}
