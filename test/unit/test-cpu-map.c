/*
 * The CPU map (domains/cpu-map.c) the menu's CPU screen shows: goldens on
 * fixture hosts (a Ryzen with i/i+8 siblings, a hybrid Intel with and
 * without SMT on its P-cores, the 2-node Xeon, a host without cache
 * information), each with the planner's host reserve and a VM pinned by the
 * planner; and on every host JSON the tests know: each line fits the width,
 * each online CPU is drawn exactly once.
 */
#include <string.h>

#include "cpu-map.h"
#include "plan-util.h"
#include "test-plan-common.h"

#define WIDTH 76

typedef struct {
	DkvmHostFacts *host;
	GArray *reserve;
	DkvmCpuPlan *plan;
	GPtrArray *vms; /* DkvmCpuMapVm*, owned */
} Fixture;

static void
fixture_free(Fixture *f)
{
	dkvm_host_facts_free(f->host);
	g_clear_pointer(&f->reserve, g_array_unref);
	g_clear_pointer(&f->plan, dkvm_cpu_plan_free);
	g_ptr_array_unref(f->vms);
	g_free(f);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Fixture, fixture_free)

/* @host with the planner's default reserve, a VM "game" of @vcpus vCPUs
 * pinned where the planner puts it (0: none) and an unpinned VM "linux". */
static Fixture *
fixture_new(DkvmHostFacts *host, guint vcpus)
{
	Fixture *f = g_new0(Fixture, 1);
	g_autoptr(GError) error = NULL;
	DkvmCpuMapVm *vm;

	f->host = host;
	f->vms = g_ptr_array_new_with_free_func(g_free);
	f->reserve = dkvm_plan_cpu_host_reserve(host, NULL, NULL, &error);
	g_assert_no_error(error);
	if (vcpus > 0) {
		g_autoptr(DkvmSpec) spec = plan_test_spec(vcpus, 8 * 1024 * 1024);
		f->plan = dkvm_plan_cpu(host, spec, NULL, -1, &error);
		g_assert_no_error(error);
		vm = g_new0(DkvmCpuMapVm, 1);
		vm->name = "game";
		vm->state = "running";
		vm->vcpu_pins = f->plan->vcpu_pins;
		vm->emulator_pins = f->plan->emulator_cpus;
		g_ptr_array_add(f->vms, vm);
	}
	vm = g_new0(DkvmCpuMapVm, 1);
	vm->name = "linux";
	vm->state = "shut off";
	g_ptr_array_add(f->vms, vm);
	return f;
}

static void
check_lines_fit(const gchar *name, const gchar *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		if (strlen(lines[i]) > WIDTH)
			g_error("%s: line %u has %zu columns: '%s'", name, i + 1, strlen(lines[i]),
			        lines[i]);
	}
}

/* Every online CPU of @host appears in exactly one cell of @text. */
static void
check_each_cpu_once(const gchar *name, const DkvmHostFacts *host, const gchar *text)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
	g_autoptr(GRegex) cell = g_regex_new("\\[([^\\]]*)\\]", 0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;

	g_regex_match(cell, text, 0, &match);
	while (g_match_info_matches(match)) {
		g_autofree gchar *inside = g_match_info_fetch(match, 1);
		g_auto(GStrv) threads = g_strsplit(inside, " ", -1);
		for (guint i = 0; threads[i] != NULL; i++) {
			guint cpu;
			if (*threads[i] == '\0')
				continue;
			cpu = (guint)g_ascii_strtoull(threads[i], NULL, 10);
			if (g_hash_table_contains(seen, GUINT_TO_POINTER(cpu)))
				g_error("%s: CPU %u drawn twice", name, cpu);
			g_hash_table_add(seen, GUINT_TO_POINTER(cpu));
		}
		g_match_info_next(match, NULL);
	}
	for (guint i = 0; i < host->cpus->len; i++) {
		const DkvmHostCpu *cpu = g_ptr_array_index(host->cpus, i);
		if (!g_hash_table_contains(seen, GUINT_TO_POINTER(cpu->cpu)))
			g_error("%s: CPU %u is not on the map", name, cpu->cpu);
	}
}

static void
test_golden(gconstpointer data)
{
	const gchar *name = data;
	g_autofree gchar *file = g_strdup_printf("%s.json", name);
	g_autofree gchar *path = plan_test_data("hosts-json", file, NULL);
	g_autofree gchar *golden = g_strdup_printf("cpu-map/%s.txt", name);
	DkvmHostFacts *host = plan_test_host_from_file(path);
	g_autoptr(Fixture) f = fixture_new(host, MIN(8, dkvm_plan_cpu_max_vcpus(host, NULL)));
	g_autofree gchar *text = dkvm_cpu_map_text(f->host, f->reserve, "auto", f->vms, WIDTH);

	check_lines_fit(name, text);
	check_each_cpu_once(name, f->host, text);
	plan_test_golden(golden, text);
}

/* Every host JSON, with the largest VM the planner gives there. */
static void
test_every_host(void)
{
	g_autoptr(GPtrArray) hosts = plan_test_all_hosts();

	for (guint i = 0; i < hosts->len; i++) {
		const gchar *path = g_ptr_array_index(hosts, i);
		DkvmHostFacts *host = plan_test_host_from_file(path);
		guint max = dkvm_plan_cpu_max_vcpus(host, NULL);
		g_autoptr(Fixture) f = fixture_new(host, max);
		g_autofree gchar *text = dkvm_cpu_map_text(host, f->reserve, NULL, f->vms, WIDTH);

		check_lines_fit(path, text);
		check_each_cpu_once(path, host, text);
	}
}

/* A VM pinned onto the host's reserve, and two VMs sharing a CPU, are
 * marked '*'; a pin on a CPU the host lacks is named; a narrow screen
 * wraps the cells. */
static void
test_conflicts(void)
{
	g_autofree gchar *path = plan_test_data("hosts-json", "demo.json", NULL);
	g_autoptr(DkvmHostFacts) host = plan_test_host_from_file(path);
	g_autoptr(GArray) reserve = dkvm_plan_uint_array_new();
	g_autoptr(GArray) a = NULL, b = NULL;
	g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *text = NULL, *narrow = NULL;
	DkvmCpuMapVm *vm;

	dkvm_plan_uint_array_add_sorted(reserve, 0);
	dkvm_plan_uint_array_add_sorted(reserve, 8);
	a = dkvm_parse_cpu_list("0,1,9", NULL);
	b = dkvm_parse_cpu_list("1,2,99", NULL);
	vm = g_new0(DkvmCpuMapVm, 1);
	vm->name = "a-vm";
	vm->vcpu_pins = a;
	g_ptr_array_add(vms, vm);
	vm = g_new0(DkvmCpuMapVm, 1);
	vm->name = "b-vm";
	vm->vcpu_pins = b;
	g_ptr_array_add(vms, vm);
	text = dkvm_cpu_map_text(host, reserve, "from dkvm.conf", vms, WIDTH);
	g_assert_nonnull(strstr(text, "[ 0*  8H]"));
	g_assert_nonnull(strstr(text, "[ 1*  9a]"));
	g_assert_nonnull(strstr(text, "[ 2b 10.]"));
	g_assert_nonnull(strstr(text, "H  host reserve: CPUs 0,8, from dkvm.conf\n"));
	g_assert_nonnull(strstr(text, "b  b-vm: vCPUs on 1-2,99; CPU 99 not online on this host"));
	narrow = dkvm_cpu_map_text(host, reserve, NULL, vms, 40);
	check_each_cpu_once("narrow", host, narrow);
	{
		g_auto(GStrv) lines = g_strsplit(narrow, "\n", -1);
		for (guint i = 0; lines[i] != NULL; i++)
			g_assert_cmpuint(strlen(lines[i]), <=, 40);
	}
}

int
main(int argc, char **argv)
{
	static const gchar *const goldens[] = {
		"demo", "intel-12900k", "intel-285k", "xeon-numa", "ryzen-3900x", "partial",
	};

	g_test_init(&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(goldens); i++) {
		g_autofree gchar *test = g_strdup_printf("/cpu-map/golden/%s", goldens[i]);
		g_test_add_data_func(test, goldens[i], test_golden);
	}
	g_test_add_func("/cpu-map/every-host", test_every_host);
	g_test_add_func("/cpu-map/conflicts", test_conflicts);
	return g_test_run();
}
