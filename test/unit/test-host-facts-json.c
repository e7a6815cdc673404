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
	DkvmPciDevice *audio = dkvm_pci_device_new("0000:01:00.1");
	audio->vendor_id = 0x10de;
	audio->class_code = 0x040300;
	audio->iommu_group = 14;
	g_ptr_array_add(audio->functions, g_strdup("0000:01:00.0"));
	g_ptr_array_add(h->pci, audio);
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

/* BARs, a stuck config space and d3cold_allowed survive the round trip;
 * an unreported d3cold_allowed is null. */
static void
test_round_trip_bars(void)
{
	g_autoptr(DkvmHostFacts) host = make_host();
	DkvmPciDevice *gpu = g_ptr_array_index(host->pci, 0);
	DkvmPciBar bar = { .index = 0,
		           .size = G_GUINT64_CONSTANT(16) << 30,
		           .is_64bit = TRUE,
		           .prefetchable = TRUE,
		           .resizable_max = G_GUINT64_CONSTANT(16) << 30 };
	g_autofree gchar *json = NULL;
	g_autofree gchar *json2 = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmHostFacts) back = NULL;
	const DkvmPciDevice *gpu_back, *audio_back;

	g_array_append_val(gpu->bars, bar);
	gpu->config_stuck = TRUE;
	gpu->d3cold_allowed = 1;
	json = dkvm_host_facts_to_json(host);
	back = dkvm_host_facts_from_json(json, &error);
	g_assert_no_error(error);
	json2 = dkvm_host_facts_to_json(back);
	g_assert_cmpstr(json, ==, json2);
	gpu_back = dkvm_host_facts_get_pci(back, "0000:01:00.0");
	audio_back = dkvm_host_facts_get_pci(back, "0000:01:00.1");
	g_assert_cmpuint(gpu_back->bars->len, ==, 1);
	g_assert_cmpuint(g_array_index(gpu_back->bars, DkvmPciBar, 0).size, ==,
	                 G_GUINT64_CONSTANT(16) << 30);
	g_assert_true(gpu_back->config_stuck);
	g_assert_cmpint(gpu_back->d3cold_allowed, ==, 1);
	g_assert_cmpint(audio_back->d3cold_allowed, ==, -1);
	g_assert_nonnull(strstr(json, "\"size\" : 17179869184"));
	g_assert_nonnull(strstr(json, "\"d3cold_allowed\" : null"));
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

/*
 * A small valid host; each bad case below replaces one piece of it. Every
 * case must be refused with DKVM_ERROR_INVALID, one line, and the JSON path of
 * the fault (no Json-CRITICAL: g_test_init() makes criticals fatal here).
 */
static const gchar good_host[] =
        "{\"cpu_vendor\":\"AuthenticAMD\",\"cpu_model\":\"[[[{{{ not nesting\",\"smt\":true,"
        "\"cpus\":[{\"cpu\":0,\"package\":0,\"core\":0,\"l3\":0,\"node\":0,\"siblings\":[0,1],"
        "\"type\":null},"
        "{\"cpu\":1,\"package\":0,\"core\":0,\"l3\":0,\"node\":0,\"siblings\":[0,1]}],"
        "\"l3_groups\":[{\"id\":0,\"cpus\":[0,1],\"size_kib\":32768}],"
        "\"numa_nodes\":[{\"id\":0,\"cpus\":[0,1],\"total_kib\":1000,\"free_kib\":500}],"
        "\"memory\":{\"total_kib\":16000000,\"available_kib\":8000000},"
        "\"hugepages\":[{\"size_kib\":2048,\"node\":null,\"total\":4,\"free\":2,"
        "\"reserved\":0,\"surplus\":0}],"
        "\"cmdline\":{\"raw\":\"quiet\",\"intel_iommu\":null},"
        "\"pci\":[{\"address\":\"0000:01:00.0\",\"vendor_id\":\"10de\",\"class\":\"030000\","
        "\"iommu_group\":14,\"is_gpu\":true,\"functions\":[\"0000:01:00.1\"]},"
        "{\"address\":\"0000:01:00.1\",\"vendor_id\":\"10de\",\"functions\":[\"0000:01:00.0\"]}],"
        "\"iommu_groups\":[{\"id\":14,\"devices\":[\"0000:01:00.0\",\"0000:01:00.1\"]}],"
        "\"usb\":[{\"port_path\":\"1-4\",\"busnum\":1,\"devnum\":2,\"vendor_id\":\"046d\","
        "\"product_id\":\"c52b\",\"controller\":\"0000:01:00.0\"}],"
        "\"notes\":[]}";

typedef struct {
	const gchar *from; /* replaced once in good_host */
	const gchar *to;
	const gchar *message; /* after "host JSON: " */
} BadHostCase;

static const BadHostCase bad_host_cases[] = {
	/* crashes found by the probe (issue 18) */
	{ "\"vendor_id\":\"10de\",\"class\"", "\"vendor_id\":4318,\"class\"",
	  "$.pci[0].vendor_id: expected a string of 1 to 4 hex digits" },
	{ "\"address\":\"0000:01:00.1\"", "\"address\":null",
	  "$.pci[1].address: expected a string like 0000:01:00.0" },
	{ "\"address\":\"0000:01:00.1\"", "\"address\":\"0000:01:00\"",
	  "$.pci[1].address: expected a string like 0000:01:00.0" },
	{ "{\"address\":\"0000:01:00.1\",", "{", "$.pci[1].address: missing" },
	{ "\"devices\":[\"0000:01:00.0\",", "\"devices\":[null,",
	  "$.iommu_groups[0].devices[0]: expected a string like 0000:01:00.0" },
	/* wrong types that gave Json-CRITICAL and exit 0 */
	{ "\"siblings\":[0,1],\"type\"", "\"siblings\":[{}],\"type\"",
	  "$.cpus[0].siblings[0]: expected a whole number from 0 to 8191" },
	{ "\"cpu\":1,", "\"cpu\":[1],", "$.cpus[1].cpu: expected a whole number" },
	{ "\"type\":null", "\"type\":{}", "$.cpus[0].type: expected null or a string" },
	{ "\"type\":null", "\"type\":\"fast\"", "$.cpus[0].type: expected null, \"performance\"" },
	{ "\"functions\":[\"0000:01:00.1\"]", "\"functions\":[{}]",
	  "$.pci[0].functions[0]: expected a string like 0000:01:00.0" },
	{ "\"is_gpu\":true", "\"is_gpu\":\"yes\"", "$.pci[0].is_gpu: expected true or false" },
	{ "\"core\":0,\"l3\":0,\"node\":0,\"siblings\":[0,1],\"type\"",
	  "\"core\":1.5,\"l3\":0,\"node\":0,\"siblings\":[0,1],\"type\"",
	  "$.cpus[0].core: expected null or a whole number" },
	{ "\"cpus\":[{\"cpu\":0", "\"cpus\":{},\"x\":[{\"cpu\":0", "$.cpus: expected an array" },
	{ "\"cpus\":[{\"cpu\":0", "\"cpus\":[1,{\"cpu\":0", "$.cpus[0]: expected an object" },
	{ "\"memory\":{\"total_kib\":16000000,\"available_kib\":8000000}", "\"memory\":[]",
	  "$.memory: expected an object" },
	{ "\"raw\":\"quiet\"", "\"raw\":7", "$.cmdline.raw: expected null or a string" },
	{ "\"notes\":[]", "\"notes\":[null]", "$.notes[0]: expected a string" },
	{ "\"controller\":\"0000:01:00.0\"", "\"controller\":\"usb1\"",
	  "$.usb[0].controller: expected null or a string like 0000:01:00.0" },
	{ "\"port_path\":\"1-4\"", "\"port_path\":null", "$.usb[0].port_path: expected a string" },
	{ "\"product_id\":\"c52b\"", "\"product_id\":\"-46d\"",
	  "$.usb[0].product_id: expected a string of 1 to 4 hex digits" },
	{ "\"class\":\"030000\"", "\"class\":\"0x0300\"",
	  "$.pci[0].class: expected a string of 1 to 6 hex digits" },
	/* ranges: negative counts, -1 sizes, CPU numbers that wrapped */
	{ "\"free\":2", "\"free\":-3", "$.hugepages[0].free: -3 is out of range" },
	{ "\"free\":2", "\"free\":18446744073709551613", "a number longer than 18 digits" },
	{ "\"free\":2", "\"free\":5",
	  "$.hugepages[0].free: more pages free than the pool's total" },
	{ "\"total\":4", "\"total\":999999999999999999",
	  "$.hugepages[0].total: 999999999999999999 "
	  "is out of range" },
	{ "\"size_kib\":2048", "\"size_kib\":0", "$.hugepages[0].size_kib: 0 is not a page size" },
	{ "\"total_kib\":16000000", "\"total_kib\":-1", "$.memory.total_kib: -1 is out of range" },
	{ "\"available_kib\":8000000", "\"available_kib\":99000000",
	  "$.memory.available_kib: more than total_kib" },
	{ "\"free_kib\":500", "\"free_kib\":5000",
	  "$.numa_nodes[0].free_kib: more than total_kib" },
	{ "\"cpu\":1,", "\"cpu\":4294967296,", "$.cpus[1].cpu: 4294967296 is out of range" },
	{ "\"cpu\":1,", "\"cpu\":-1,", "$.cpus[1].cpu: -1 is out of range" },
	{ "\"node\":0,\"siblings\":[0,1],\"type\"", "\"node\":-2,\"siblings\":[0,1],\"type\"",
	  "$.cpus[0].node: -2 is out of range" },
	/* cross-references: everything named is listed, once */
	{ "\"siblings\":[0,1],\"type\"", "\"siblings\":[0,7],\"type\"",
	  "$.cpus[0].siblings[1]: CPU 7 is not in $.cpus" },
	{ "\"siblings\":[0,1],\"type\"", "\"siblings\":[0,0],\"type\"",
	  "$.cpus[0].siblings[1]: CPU 0 is listed twice" },
	{ "\"cpus\":[0,1],\"size_kib\"", "\"cpus\":[0,2],\"size_kib\"",
	  "$.l3_groups[0].cpus[1]: CPU 2 is not in $.cpus" },
	{ "\"cpus\":[0,1],\"total_kib\"", "\"cpus\":[3],\"total_kib\"",
	  "$.numa_nodes[0].cpus[0]: CPU 3 is not in $.cpus" },
	{ "\"functions\":[\"0000:01:00.1\"]", "\"functions\":[\"0000:02:00.1\"]",
	  "$.pci[0].functions[0]: 0000:02:00.1 is not in $.pci" },
	{ "\"0000:01:00.0\",\"0000:01:00.1\"]}]", "\"0000:01:00.0\",\"0000:03:00.0\"]}]",
	  "$.iommu_groups[0].devices[1]: 0000:03:00.0 is not in $.pci" },
	{ "\"cpu\":1,", "\"cpu\":0,", "$.cpus[1].cpu: CPU 0 is listed twice" },
	{ "\"address\":\"0000:01:00.1\"", "\"address\":\"0000:01:00.0\"",
	  "$.pci[1].address: 0000:01:00.0 is listed twice" },
	{ "\"id\":14,", "\"id\":14,\"x\":0},{\"id\":14,",
	  "$.iommu_groups[1].id: IOMMU group 14 is "
	  "listed twice" },
	/* no CPUs at all */
	{ "\"cpus\":[{\"cpu\":0", "\"x\":[{\"cpu\":0", "$.cpus: no CPUs listed" },
	/* BARs and health (issue 19) */
	{ "\"is_gpu\":true,", "\"is_gpu\":true,\"bars\":{},", "$.pci[0].bars: expected an array" },
	{ "\"is_gpu\":true,", "\"is_gpu\":true,\"bars\":[1],",
	  "$.pci[0].bars[0]: expected an object" },
	{ "\"is_gpu\":true,", "\"is_gpu\":true,\"bars\":[{\"size\":1048576}],",
	  "$.pci[0].bars[0].index: missing" },
	{ "\"is_gpu\":true,", "\"is_gpu\":true,\"bars\":[{\"index\":7,\"size\":1048576}],",
	  "$.pci[0].bars[0].index: 7 is out of range (0 to 6)" },
	{ "\"is_gpu\":true,", "\"is_gpu\":true,\"bars\":[{\"index\":0,\"size\":3000000}],",
	  "$.pci[0].bars[0].size: a BAR's size is a power of two" },
	{ "\"is_gpu\":true,",
	  "\"is_gpu\":true,\"bars\":[{\"index\":0,\"size\":1048576},{\"index\":0,\"size\":1048576}]"
	  ",",
	  "$.pci[0].bars[1].index: BAR 0 is listed twice" },
	{ "\"is_gpu\":true,",
	  "\"is_gpu\":true,\"bars\":[{\"index\":0,\"size\":1048576,\"resizable_max\":524288}],",
	  "$.pci[0].bars[0].resizable_max: 0, or a power of two no smaller than the BAR's size" },
	{ "\"is_gpu\":true,", "\"is_gpu\":true,\"config_stuck\":1,",
	  "$.pci[0].config_stuck: expected true or false" },
	{ "\"is_gpu\":true,", "\"is_gpu\":true,\"d3cold_allowed\":\"1\",",
	  "$.pci[0].d3cold_allowed: expected null, true or false" },
};

static gchar *
replace_once(const gchar *text, const gchar *from, const gchar *to)
{
	const gchar *at = strstr(text, from);
	g_assert_nonnull(at);
	return g_strdup_printf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

static void
assert_refused(const gchar *json, const gchar *message)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmHostFacts) h = dkvm_host_facts_from_json(json, &error);

	g_assert_null(h);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_true(g_str_has_prefix(error->message, "host JSON: "));
	if (strstr(error->message, message) == NULL)
		g_error("'%s' does not say '%s'", error->message, message);
	for (const gchar *c = error->message; *c != '\0'; c++)
		g_assert_false(g_ascii_iscntrl(*c)); /* one printable line */
}

static void
test_bad_host_cases(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmHostFacts) good = dkvm_host_facts_from_json(good_host, &error);

	/* the base document loads: each case's refusal is that case's fault */
	g_assert_no_error(error);
	g_assert_cmpuint(good->cpus->len, ==, 2);
	g_assert_cmpuint(good->pci->len, ==, 2);
	g_assert_cmpuint(dkvm_host_facts_get_pci(good, "0000:01:00.0")->vendor_id, ==, 0x10de);
	for (guint i = 0; i < G_N_ELEMENTS(bad_host_cases); i++) {
		const BadHostCase *c = &bad_host_cases[i];
		g_autofree gchar *json = replace_once(good_host, c->from, c->to);
		g_test_message("case %u: %s", i, c->message);
		assert_refused(json, c->message);
	}
}

/* json-glib's parser recurses without limit: depth and size are checked first. */
static void
test_host_json_limits(void)
{
	guint deep = 100000;
	g_autoptr(GString) nested = g_string_sized_new(2 * deep + 16);
	g_autoptr(GString) big = g_string_new("{\"notes\":[");
	g_autofree gchar *control = NULL;

	for (guint i = 0; i < deep; i++)
		g_string_append_c(nested, '[');
	for (guint i = 0; i < deep; i++)
		g_string_append_c(nested, ']');
	assert_refused(nested->str, "nested deeper than 16 levels");

	while (big->len <= 1024 * 1024)
		g_string_append(big, "\"a note that fills the file up\",");
	g_string_append(big, "\"\"]}");
	assert_refused(big->str, "larger than 1048576 bytes");

	/* a parse error quotes the bad byte: escaped, never raw */
	control = replace_once(good_host, "\"smt\":true", "\"smt\":\x1b[31m");
	assert_refused(control, "host JSON: ");
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
	g_test_add_func("/host-facts/json-round-trip-bars", test_round_trip_bars);
	g_test_add_func("/host-facts/bad-json", test_bad_json);
	g_test_add_func("/host-facts/bad-host-cases", test_bad_host_cases);
	g_test_add_func("/host-facts/host-json-limits", test_host_json_limits);
	g_test_add_func("/host-facts/give-back-hugepages", test_give_back_hugepages);
	return g_test_run();
}
