/* `dkvm host --json` is a stable interface: a host survives the round trip
 * through JSON unchanged, "not reported" is null, and bad JSON is refused. */
#include "dkvm-error.h"
#include "host-facts.h"

#include <string.h>

static DkvmHostFacts *
make_host(void)
{
	DkvmHostFacts *h = dkvm_host_facts_new();
	h->cpu_vendor = g_strdup("AuthenticAMD");
	h->cpu_model = g_strdup("AMD Ryzen 9 5950X 16-Core Processor");
	h->smt = TRUE;
	h->mem_total_kib = 32 * 1024 * 1024;
	for (guint i = 0; i < 4; i++) {
		DkvmHostCpu *c = dkvm_host_cpu_new(i);
		guint a = i % 2, b = a + 2;
		c->package = 0;
		c->core = (gint)a;
		c->l3 = 0;
		c->node = 0;
		g_array_append_val(c->siblings, a);
		g_array_append_val(c->siblings, b);
		g_ptr_array_add(h->cpus, c);
	}
	DkvmPciDevice *gpu = dkvm_pci_device_new("0000:01:00.0");
	gpu->vendor_id = 0x10de;
	gpu->class_code = 0x030000;
	gpu->is_gpu = TRUE;
	gpu->iommu_group = 14;
	g_ptr_array_add(gpu->functions, g_strdup("0000:01:00.1"));
	g_ptr_array_add(h->pci, gpu);
	return h;
}

static void
test_round_trip(void)
{
	g_autoptr(DkvmHostFacts) host = make_host();
	g_autofree gchar *json = dkvm_host_facts_to_json(host);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmHostFacts) back = dkvm_host_facts_from_json(json, &error);
	g_autofree gchar *json2 = NULL;

	g_assert_no_error(error);
	g_assert_nonnull(back);
	json2 = dkvm_host_facts_to_json(back);
	g_assert_cmpstr(json, ==, json2);
	g_assert_cmpuint(dkvm_host_facts_count_cores(back), ==, 2);
	g_assert_nonnull(dkvm_host_facts_get_pci(back, "0000:01:00.0"));
	g_assert_cmpint(dkvm_host_facts_get_cpu(back, 3)->die, ==, -1);
	/* documented field names and forms */
	g_assert_nonnull(strstr(json, "\"vendor_id\" : \"10de\""));
	g_assert_nonnull(strstr(json, "\"class\" : \"030000\""));
	g_assert_nonnull(strstr(json, "\"die\" : null"));
}

static void
test_bad_json(void)
{
	const gchar *bad[] = { "", "[1]", "{\"cpus\": [1]}", "{\"cpus\": []}", "{" };
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmHostFacts) h = dkvm_host_facts_from_json(bad[i], &error);
		g_assert_null(h);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		g_assert_true(g_str_has_prefix(error->message, "host JSON: "));
	}
}

/* A running VM's own hugepages count as free when it is planned again. */
static void
test_give_back_hugepages(void)
{
	g_autoptr(DkvmHostFacts) host = make_host();
	g_autoptr(DkvmHostFacts) copy = NULL;
	DkvmHugepagePool *global = dkvm_hugepage_pool_new(2048, -1);
	DkvmHugepagePool *node0 = dkvm_hugepage_pool_new(2048, 0);
	DkvmHugepagePool *node1 = dkvm_hugepage_pool_new(2048, 1);
	DkvmHugepagePool *gib = dkvm_hugepage_pool_new(1048576, -1);

	global->total = 100;
	global->free = 10;
	node0->total = node1->total = 50;
	node0->free = node1->free = 5;
	gib->total = gib->free = 2;
	g_ptr_array_add(host->hugepages, global);
	g_ptr_array_add(host->hugepages, node0);
	g_ptr_array_add(host->hugepages, node1);
	g_ptr_array_add(host->hugepages, gib);
	host->mem_available_kib = 1024 * 1024;

	copy = dkvm_host_facts_copy(host);
	dkvm_host_facts_give_back_hugepages(copy, 2048, 0, 40);
	g_assert_cmpuint(dkvm_host_facts_get_hugepage_pool(copy, 2048)->free, ==, 50);
	g_assert_cmpuint(((DkvmHugepagePool *)g_ptr_array_index(copy->hugepages, 1))->free, ==, 45);
	g_assert_cmpuint(((DkvmHugepagePool *)g_ptr_array_index(copy->hugepages, 2))->free, ==, 5);
	g_assert_cmpuint(dkvm_host_facts_get_hugepage_pool(copy, 1048576)->free, ==, 2);
	g_assert_cmpuint(copy->mem_available_kib, ==, 1024 * 1024 + 40 * 2048);
	/* never more free than the pool holds; the original is untouched */
	dkvm_host_facts_give_back_hugepages(copy, 2048, -1, 1000);
	g_assert_cmpuint(dkvm_host_facts_get_hugepage_pool(copy, 2048)->free, ==, 100);
	g_assert_cmpuint(dkvm_host_facts_get_hugepage_pool(host, 2048)->free, ==, 10);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/host-facts/json-round-trip", test_round_trip);
	g_test_add_func("/host-facts/bad-json", test_bad_json);
	g_test_add_func("/host-facts/give-back-hugepages", test_give_back_hugepages);
	return g_test_run();
}
