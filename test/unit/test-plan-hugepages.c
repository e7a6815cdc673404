/* The hugepage planner: which page size, how many pages, how many to add,
 * the host's headroom, and the refusal a person reads, word for word. */
#include "test-plan-common.h"

#define GIB (G_GUINT64_CONSTANT(1024) * 1024)
#define MIB G_GUINT64_CONSTANT(1024)

static DkvmHugepagePlan *
plan_ok(const DkvmHostFacts *host, guint64 memory_kib, const DkvmHostSettings *settings, gint node)
{
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, memory_kib);
	g_autoptr(GError) error = NULL;
	DkvmCpuPlan cpu = { .numa_node = node };
	DkvmHugepagePlan *plan =
	        dkvm_plan_hugepages(host, spec, settings, node >= 0 ? &cpu : NULL, &error);

	g_assert_no_error(error);
	g_assert_nonnull(plan);
	return plan;
}

static GError *
plan_err(const DkvmHostFacts *host, guint64 memory_kib, const DkvmHostSettings *settings, gint node)
{
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, memory_kib);
	GError *error = NULL;
	DkvmCpuPlan cpu = { .numa_node = node };
	g_autoptr(DkvmHugepagePlan) plan =
	        dkvm_plan_hugepages(host, spec, settings, node >= 0 ? &cpu : NULL, &error);

	g_assert_null(plan);
	g_assert_nonnull(error);
	return error;
}

/* 1 GiB pages: pdpe1gb and 16 pages reserved at boot, enough for 16 GiB. */
static void
test_one_gib(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-x3d");
	g_autoptr(DkvmHugepagePlan) plan = plan_ok(host, 16 * GIB, NULL, -1);

	g_assert_cmpuint(plan->page_size_kib, ==, GIB);
	g_assert_cmpuint(plan->pages, ==, 16);
	g_assert_cmpuint(plan->pool_free, ==, 16);
	g_assert_cmpuint(plan->pages_to_add, ==, 0);
	g_assert_cmpuint(plan->memory_kib, ==, 16 * GIB);
	g_assert_cmpuint(plan->headroom_kib, ==, 64 * GIB / 20); /* 5 % of 64 GiB > 1 GiB */
	g_assert_cmpint(plan->node, ==, -1);
	g_assert_cmpuint(plan->warnings->len, ==, 0);
	g_assert_cmpstr(g_ptr_array_index(plan->rationale, 0), ==,
	                "1 GiB pages: the CPU has pdpe1gb and the 1 GiB pool holds 16 pages "
	                "reserved at boot, enough for 16");
}

/* 17 GiB do not fit the 16 pages reserved at boot: 2 MiB pages instead. */
static void
test_two_mib_fallback(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-x3d");
	g_autoptr(DkvmHostFacts) no1g = plan_test_host("no-l3");
	g_autoptr(DkvmHugepagePlan) plan = plan_ok(host, 17 * GIB, NULL, -1);
	g_autoptr(DkvmHugepagePlan) small = plan_ok(no1g, 4 * GIB, NULL, -1);

	g_assert_cmpuint(plan->page_size_kib, ==, 2 * MIB);
	g_assert_cmpuint(plan->pages, ==, 17 * 512);
	g_assert_cmpuint(plan->pages_to_add, ==, 17 * 512);
	g_assert_cmpstr(g_ptr_array_index(plan->rationale, 0), ==,
	                "2 MiB pages: 1 GiB pages need 17 pages reserved at boot and the pool has "
	                "16 (1 GiB pages can rarely be added at run time)");

	/* no pdpe1gb at all */
	g_assert_cmpuint(small->page_size_kib, ==, 2 * MIB);
	g_assert_cmpuint(small->pages, ==, 2048);
	g_assert_cmpuint(small->headroom_kib, ==, GIB); /* 5 % of 8 GiB < 1 GiB */
	g_assert_cmpstr(g_ptr_array_index(small->rationale, 0), ==,
	                "2 MiB pages: the CPU has no 1 GiB pages (pdpe1gb)");
}

/* Free pages in the pool count; only the rest must be added. */
static void
test_pool_free(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("intel-6c-nosmt");
	g_autoptr(DkvmHugepagePlan) plan = plan_ok(host, 4 * GIB, NULL, -1);

	g_assert_cmpuint(plan->page_size_kib, ==, 2 * MIB);
	g_assert_cmpuint(plan->pages, ==, 2048);
	g_assert_cmpuint(plan->pool_free, ==, 1000);
	g_assert_cmpuint(plan->pages_to_add, ==, 1048);
}

static void
test_rounding(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmHostFacts) x3d = plan_test_host("amd-16c-x3d");
	g_autoptr(DkvmHugepagePlan) plan = plan_ok(host, 8193 * MIB, NULL, -1);
	g_autoptr(DkvmHugepagePlan) big = plan_ok(x3d, 15872 * MIB, NULL, -1);

	g_assert_cmpuint(plan->pages, ==, 4097);
	g_assert_cmpuint(plan->memory_kib, ==, 8194 * MIB);
	g_assert_cmpuint(plan->warnings->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(plan->warnings, 0), ==,
	                "memory 8193 MiB is not a multiple of the 2 MiB page size: the VM gets "
	                "8194 MiB (4097 pages)");
	g_assert_cmpuint(big->page_size_kib, ==, GIB);
	g_assert_cmpuint(big->memory_kib, ==, 16 * GIB);
	g_assert_cmpstr(g_ptr_array_index(big->warnings, 0), ==,
	                "memory 15872 MiB is not a multiple of the 1 GiB page size: the VM gets "
	                "16 GiB (16 pages)");
}

/* What must come from new pages may not eat into the host's headroom. */
static void
test_headroom_refusal(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmHostFacts) small = plan_test_host("no-l3");
	g_autoptr(DkvmHugepagePlan) fits = plan_ok(host, 56 * GIB, NULL, -1);
	g_autoptr(GError) e1 = plan_err(host, 60 * GIB, NULL, -1);
	g_autoptr(GError) e2 = plan_err(small, 6 * GIB, NULL, -1);

	g_assert_cmpuint(fits->pages_to_add, ==, 56 * 512);
	g_assert_error(e1, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_assert_cmpstr(e1->message, ==,
	                "not enough memory for 60 GiB in hugepages: 3.2 GiB missing (60 GiB of new "
	                "pages needed, 60 GiB available, the host keeps 3.2 GiB)\n"
	                "hint: lower the VM's memory, or reserve hugepages at boot: "
	                "`hugepagesz=1G hugepages=60` on the kernel command line");
	g_assert_error(e2, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_assert_cmpstr(e2->message, ==,
	                "not enough memory for 6 GiB in hugepages: 1 GiB missing (6 GiB of new "
	                "pages needed, 6 GiB available, the host keeps 1 GiB)\n"
	                "hint: lower the VM's memory, or reserve hugepages at boot: "
	                "`hugepages=3072` on the kernel command line");
}

/* Bound to a node: that node's pool and that node's free memory. */
static void
test_node(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("xeon-2node");
	g_autoptr(DkvmHugepagePlan) plan = plan_ok(host, 8 * GIB, NULL, 1);
	g_autoptr(DkvmHugepagePlan) any = plan_ok(host, 8 * GIB, NULL, -1);
	g_autoptr(GError) error = plan_err(host, 30 * GIB, NULL, 1);
	g_autoptr(DkvmHugepagePlan) node0 = plan_ok(host, 30 * GIB, NULL, 0);

	g_assert_cmpint(plan->node, ==, 1);
	g_assert_cmpuint(plan->pool_free, ==, 512);
	g_assert_cmpuint(plan->pages_to_add, ==, 4096 - 512);
	g_assert_cmpuint(any->pool_free, ==, 0);
	g_assert_cmpstr(error->message, ==,
	                "not enough memory for 30 GiB in hugepages: 15.4 GiB missing (29 GiB of "
	                "new pages needed, 20 GiB available on NUMA node 1, the host keeps 6.4 "
	                "GiB)\n"
	                "hint: lower the VM's memory, or reserve hugepages at boot: "
	                "`hugepagesz=1G hugepages=30` on the kernel command line");
	/* node 0 has 40 GiB free */
	g_assert_cmpuint(node0->pages_to_add, ==, 30 * 512);
}

static void
test_settings(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmHostFacts) x3d = plan_test_host("amd-16c-x3d");
	g_autoptr(DkvmHostFacts) no1g = plan_test_host("no-l3");
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(DkvmHugepagePlan) forced = NULL;
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(GError) e3 = NULL;

	settings->headroom_kib = 10 * GIB;
	e1 = plan_err(host, 52 * GIB, settings, -1);
	g_assert_cmpstr(e1->message, ==,
	                "not enough memory for 52 GiB in hugepages: 2 GiB missing (52 GiB of new "
	                "pages needed, 60 GiB available, the host keeps 10 GiB)\n"
	                "hint: lower the VM's memory, or reserve hugepages at boot: "
	                "`hugepagesz=1G hugepages=52` on the kernel command line");

	settings->headroom_kib = 0;
	settings->hugepage_size_kib = 2 * MIB;
	forced = plan_ok(x3d, 16 * GIB, settings, -1);
	g_assert_cmpuint(forced->page_size_kib, ==, 2 * MIB);
	g_assert_cmpstr(g_ptr_array_index(forced->rationale, 0), ==,
	                "page size 2 MiB, set in dkvm.conf");

	settings->hugepage_size_kib = GIB;
	e2 = plan_err(no1g, 4 * GIB, settings, -1);
	g_assert_error(e2, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(e2->message, ==,
	                "hugepage size 1 GiB: this CPU has no 1 GiB pages (pdpe1gb)\n"
	                "hint: use 2 MiB pages (hugepage_size=2M in dkvm.conf)");

	settings->hugepage_size_kib = 4;
	e3 = plan_err(x3d, 4 * GIB, settings, -1);
	g_assert_error(e3, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(e3->message, ==, "hugepage size 4 KiB: DKVM uses 2 MiB or 1 GiB pages");
}

/* 1 GiB pages chosen, but another VM holds some: a warning to reserve at boot. */
static void
test_one_gib_in_use(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-x3d");
	g_autoptr(DkvmHugepagePlan) plan = NULL;

	for (guint i = 0; i < host->hugepages->len; i++) {
		DkvmHugepagePool *p = g_ptr_array_index(host->hugepages, i);
		if (p->size_kib == GIB)
			p->free = 10;
	}
	plan = plan_ok(host, 16 * GIB, NULL, -1);
	g_assert_cmpuint(plan->page_size_kib, ==, GIB);
	g_assert_cmpuint(plan->pages_to_add, ==, 6);
	g_assert_cmpstr(g_ptr_array_index(plan->warnings, 0), ==,
	                "6 1 GiB pages must be added at run time, which fails once memory is "
	                "fragmented: reserve them at boot (hugepagesz=1G hugepages=N)");
}

static void
test_zero(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(GError) error = plan_err(host, 0, NULL, -1);

	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==, "cannot plan hugepages for 0 bytes of memory");
}

/* A guest with NUMA cells (24 vCPUs on the two-node host): each cell's
 * pages from its own node, in proportion to its vCPUs, each node's pool
 * counted apart; the whole plan through dkvm_plan_new() sets the cells'
 * memory to whole pages summing to the domain's memory. */
static void
test_cells(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("epyc-2node");
	g_autoptr(DkvmSpec) spec = plan_test_spec(24, 48 * GIB + 3 * MIB);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPlan) plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
	const DkvmHugepagePlan *hp;
	const DkvmHugepageCell *c0, *c1;
	guint64 sum = 0;

	g_assert_no_error(error);
	hp = plan->hugepages;
	g_assert_cmpuint(hp->page_size_kib, ==, 2 * MIB);
	g_assert_cmpuint(hp->pages, ==, 24578); /* 48 GiB + 3 MiB, rounded up to pages */
	g_assert_cmpint(hp->node, ==, -1);
	g_assert_cmpuint(hp->cells->len, ==, 2);
	c0 = &g_array_index(hp->cells, DkvmHugepageCell, 0);
	c1 = &g_array_index(hp->cells, DkvmHugepageCell, 1);
	/* cell 0 is node 1, whose pool holds 1024 free pages; 12289 each */
	g_assert_cmpint(c0->node, ==, 1);
	g_assert_cmpuint(c0->pages, ==, 12289);
	g_assert_cmpuint(c0->pool_free, ==, 1024);
	g_assert_cmpuint(c0->pages_to_add, ==, 12289 - 1024);
	g_assert_cmpint(c1->node, ==, 0);
	g_assert_cmpuint(c1->pages, ==, 12289);
	g_assert_cmpuint(c1->pool_free, ==, 0);
	g_assert_cmpuint(c1->pages_to_add, ==, 12289);
	g_assert_cmpuint(hp->pool_free, ==, 1024);
	g_assert_cmpuint(hp->pages_to_add, ==, 2 * 12289 - 1024);
	for (guint i = 0; i < plan->cpu->numa_cells->len; i++) {
		const DkvmNumaCell *cell = g_ptr_array_index(plan->cpu->numa_cells, i);
		g_assert_cmpuint(cell->memory_kib % hp->page_size_kib, ==, 0);
		sum += cell->memory_kib;
	}
	g_assert_cmpuint(sum, ==, hp->memory_kib);
}

/* Sets the 1 GiB pool of @node (-1: global) to @total pages, all free. */
static void
set_1g_pool(DkvmHostFacts *host, gint node, guint64 total)
{
	for (guint i = 0; i < host->hugepages->len; i++) {
		DkvmHugepagePool *p = g_ptr_array_index(host->hugepages, i);
		if (p->size_kib == GIB && p->node == node) {
			p->total = p->free = total;
			return;
		}
	}
	g_assert_not_reached();
}

/* 1 GiB pages for a guest with NUMA cells only when each cell's node holds
 * the cell's share reserved at boot (they cannot be added later). */
static void
test_cells_one_gib(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("epyc-2node");
	g_autoptr(DkvmSpec) spec = plan_test_spec(24, 48 * GIB);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(DkvmPlan) short_plan = NULL;

	set_1g_pool(host, -1, 48);
	set_1g_pool(host, 0, 24);
	set_1g_pool(host, 1, 24);
	plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(plan->hugepages->page_size_kib, ==, GIB);
	g_assert_cmpuint(g_array_index(plan->hugepages->cells, DkvmHugepageCell, 0).pages, ==, 24);
	g_assert_cmpuint(plan->hugepages->pages_to_add, ==, 0);
	g_assert_cmpuint(((DkvmNumaCell *)g_ptr_array_index(plan->cpu->numa_cells, 0))->memory_kib,
	                 ==, 24 * GIB);

	/* node 1 holds 20 of its 24: 2 MiB pages, and the plan says why */
	set_1g_pool(host, -1, 44);
	set_1g_pool(host, 1, 20);
	short_plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(short_plan->hugepages->page_size_kib, ==, 2 * MIB);
	g_assert_cmpstr(g_ptr_array_index(short_plan->hugepages->rationale, 0), ==,
	                "2 MiB pages: the 1 GiB pools of the guest NUMA cells' nodes do not each "
	                "hold the cell's share of 48 pages reserved at boot (1 GiB pages can "
	                "rarely be added at run time)");
}

/* A cell's node without the free memory for its part: the refusal names the
 * cell and the node, before anything changes. */
static void
test_cells_node_short(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("epyc-2node");
	g_autoptr(DkvmSpec) spec = plan_test_spec(24, 124 * GIB);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPlan) plan = dkvm_plan_new(host, NULL, spec, NULL, &error);

	g_assert_null(plan);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_assert_cmpstr(error->message, ==,
	                "not enough memory for 124 GiB in hugepages: guest NUMA cell 1 needs 62 "
	                "GiB of new pages on NUMA node 0, which has 60 GiB free\n"
	                "hint: lower the VM's memory, or reserve hugepages on that node at boot "
	                "(/sys/devices/system/node/node0/hugepages/)");
}

/* The headroom rule the planner applies, alone: settings first, else
 * max(1 GiB, 5 % of RAM). */
static void
test_headroom_rule(void)
{
	g_autoptr(DkvmHostFacts) big = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmHostFacts) small = plan_test_host("no-l3");
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(DkvmHugepagePlan) plan = plan_ok(big, 4 * GIB, NULL, -1);

	g_assert_cmpuint(dkvm_plan_headroom_kib(big, NULL), ==, plan->headroom_kib);
	g_assert_cmpuint(dkvm_plan_headroom_kib(big, NULL), ==, big->mem_total_kib / 20);
	g_assert_cmpuint(dkvm_plan_headroom_kib(small, NULL), ==, GIB);
	settings->headroom_kib = 10 * GIB;
	g_assert_cmpuint(dkvm_plan_headroom_kib(small, settings), ==, 10 * GIB);
}

/* The estimate a person is shown (the menu's Memory step) is the planner's
 * edge on a host of 2 MiB pages (no 1 GiB pages reserved): the most it
 * shows fits, one page more does not. */
static void
test_max_estimate(void)
{
	const gchar *const names[] = { "intel-6c-nosmt", "no-l3" };

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(DkvmHostFacts) host = plan_test_host(names[i]);
		guint64 max = dkvm_plan_hugepages_max_kib(host, NULL);
		guint64 fits = max / (2 * MIB) * (2 * MIB);
		g_autoptr(DkvmHugepagePlan) plan = NULL;
		g_autoptr(GError) error = NULL;

		g_assert_cmpuint(max, >, 0);
		plan = plan_ok(host, fits, NULL, -1);
		g_assert_cmpuint(plan->page_size_kib, ==, 2 * MIB);
		error = plan_err(host, fits + 2 * MIB, NULL, -1);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/plan-hugepages/one-gib", test_one_gib);
	g_test_add_func("/plan-hugepages/two-mib-fallback", test_two_mib_fallback);
	g_test_add_func("/plan-hugepages/pool-free", test_pool_free);
	g_test_add_func("/plan-hugepages/rounding", test_rounding);
	g_test_add_func("/plan-hugepages/headroom-refusal", test_headroom_refusal);
	g_test_add_func("/plan-hugepages/node", test_node);
	g_test_add_func("/plan-hugepages/settings", test_settings);
	g_test_add_func("/plan-hugepages/one-gib-in-use", test_one_gib_in_use);
	g_test_add_func("/plan-hugepages/zero", test_zero);
	g_test_add_func("/plan-hugepages/cells", test_cells);
	g_test_add_func("/plan-hugepages/cells-one-gib", test_cells_one_gib);
	g_test_add_func("/plan-hugepages/cells-node-short", test_cells_node_short);
	g_test_add_func("/plan-hugepages/headroom-rule", test_headroom_rule);
	g_test_add_func("/plan-hugepages/max-estimate", test_max_estimate);
	return g_test_run();
}
