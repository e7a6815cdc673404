/* The whole plan: passthrough, then pinning near the GPU, then hugepages on
 * that node; the warnings collected; and what `dkvm plan` prints, in words
 * and as JSON (goldens in test/data/plans/, DKVM_TEST_REGENERATE=1 rewrites
 * them; the JSON is also read back and checked field by field). */
#include <json-glib/json-glib.h>
#include <string.h>

#define GIB (G_GUINT64_CONSTANT(1024) * 1024)

#include "test-plan-common.h"

static DkvmPlan *
plan_for(const gchar *host_name, guint vcpus, guint64 memory_kib, const gchar *gpu)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host(host_name);
	g_autoptr(DkvmSpec) spec = plan_test_spec(vcpus, memory_kib);
	g_autoptr(GError) error = NULL;
	DkvmPlan *plan;

	if (gpu != NULL)
		plan_test_add_pci(spec, gpu, NULL);
	plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(plan);
	return plan;
}

static JsonObject *
member_object(JsonObject *o, const gchar *name)
{
	JsonNode *n = json_object_get_member(o, name);
	g_assert_nonnull(n);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(n));
	return json_node_get_object(n);
}

/* A gaming desktop: GPU with audio, 8 vCPUs on the CCD without the reserve. */
static void
test_gaming(void)
{
	g_autoptr(DkvmPlan) plan = plan_for("amd-16c-2ccd", 8, 16 * GIB, "0000:0b:00.0");
	g_autofree gchar *text = dkvm_plan_to_text(plan);
	g_autofree gchar *json = dkvm_plan_to_json(plan);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	JsonObject *root, *cpu, *topo, *hp, *pt, *slot, *pin;

	g_assert_true(plan->kvm);
	g_assert_cmpuint(plan->warnings->len, ==, 0);
	g_assert_cmpuint(plan->passthrough->slots->len, ==, 1);
	g_assert_cmpuint(plan->hugepages->pages, ==, 8192);
	plan_test_golden("gaming.txt", text);
	plan_test_golden("gaming.json", json);

	g_assert_true(json_parser_load_from_data(parser, json, -1, &error));
	g_assert_no_error(error);
	root = json_node_get_object(json_parser_get_root(parser));
	g_assert_true(json_object_get_boolean_member(root, "kvm"));
	cpu = member_object(root, "cpu");
	g_assert_cmpint(json_object_get_int_member(cpu, "vcpus"), ==, 8);
	pin = json_array_get_object_element(json_object_get_array_member(cpu, "vcpu_pins"), 1);
	g_assert_cmpint(json_object_get_int_member(pin, "vcpu"), ==, 1);
	g_assert_cmpint(json_object_get_int_member(pin, "cpu"), ==, 24);
	g_assert_cmpint(json_object_get_int_member(pin, "core"), ==, 8);
	g_assert_cmpint(json_object_get_int_member(pin, "l3"), ==, 1);
	topo = member_object(cpu, "topology");
	g_assert_cmpint(json_object_get_int_member(topo, "cores"), ==, 4);
	g_assert_cmpint(json_object_get_int_member(topo, "threads"), ==, 2);
	g_assert_true(json_object_get_null_member(cpu, "numa_node"));
	g_assert_cmpstr(json_object_get_string_member(cpu, "isolation_hint"), ==,
	                "isolcpus=8-11,24-27 nohz_full=8-11,24-27 rcu_nocbs=8-11,24-27");
	hp = member_object(root, "hugepages");
	g_assert_cmpint(json_object_get_int_member(hp, "page_size_kib"), ==, 2048);
	g_assert_cmpint(json_object_get_int_member(hp, "pages_to_add"), ==, 8192);
	pt = member_object(root, "passthrough");
	slot = json_array_get_object_element(json_object_get_array_member(pt, "slots"), 0);
	g_assert_cmpstr(json_object_get_string_member(slot, "host_slot"), ==, "0000:0b:00");
	g_assert_cmpstr(json_object_get_string_member(slot, "guest_slot"), ==, "0000:10:00");
	g_assert_cmpint(json_object_get_int_member(slot, "guest_bus"), ==, 16);
	g_assert_true(json_object_get_boolean_member(slot, "multifunction"));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(slot, "functions")), ==,
	                 2);

	g_assert_nonnull(strstr(text, "     1        24     8   1\n"));
	g_assert_nonnull(strstr(text, "guest 0000:10:00 <- host 0000:0b:00 (GA102 [GeForce RTX "
	                              "3080], GPU): 0000:0b:00.0, 0000:0b:00.1 (multifunction)\n"));
}

/* Two NUMA nodes: the GPU's node holds the vCPUs and the hugepages. */
static void
test_gpu_node(void)
{
	g_autoptr(DkvmPlan) plan = plan_for("xeon-2node", 8, 8 * GIB, "0000:81:00.0");
	g_autofree gchar *text = dkvm_plan_to_text(plan);
	g_autofree gchar *json = dkvm_plan_to_json(plan);

	g_assert_cmpint(plan->passthrough->gpu_numa_node, ==, 1);
	g_assert_cmpint(plan->cpu->numa_node, ==, 1);
	g_assert_cmpint(plan->hugepages->node, ==, 1);
	g_assert_cmpuint(plan->hugepages->pool_free, ==, 512);
	plan_test_golden("xeon-gpu.txt", text);
	plan_test_golden("xeon-gpu.json", json);
}

/* No /dev/kvm: the plan says so first; the part's warnings follow. */
static void
test_no_kvm(void)
{
	g_autoptr(DkvmPlan) plan = plan_for("amd-6c-adjacent", 5, 4 * GIB, NULL);
	g_autoptr(DkvmPlan) tcg = plan_for("intel-6c-nosmt", 3, 4 * GIB, NULL);
	g_autofree gchar *text = dkvm_plan_to_text(tcg);

	g_assert_true(plan->kvm);
	g_assert_cmpuint(plan->warnings->len, ==, 1);
	g_assert_true(g_str_has_prefix(g_ptr_array_index(plan->warnings, 0), "5 vCPUs on an SMT"));
	g_assert_false(tcg->kvm);
	g_assert_cmpuint(tcg->warnings->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(tcg->warnings, 0), ==,
	                "no /dev/kvm: the VM runs under TCG emulation, far from native speed");
	plan_test_golden("no-kvm.txt", text);
}

/* --no-pinning --no-hugepages: no CPU or hugepage plan, said in words and JSON. */
static void
test_switches_off(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmSpec) spec = plan_test_spec(64, 200 * GIB);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *json = NULL;

	spec->pinning = FALSE;
	spec->hugepages = FALSE;
	/* neither 64 vCPUs nor 200 GiB are checked by planners that are off */
	plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
	g_assert_no_error(error);
	g_assert_null(plan->cpu);
	g_assert_null(plan->hugepages);
	text = dkvm_plan_to_text(plan);
	json = dkvm_plan_to_json(plan);
	g_assert_nonnull(strstr(text, "CPU pinning: off"));
	g_assert_nonnull(strstr(text, "Hugepages: off"));
	g_assert_nonnull(strstr(text, "PCI passthrough: none"));
	g_assert_nonnull(strstr(json, "\"cpu\" : null"));
	g_assert_nonnull(strstr(json, "\"hugepages\" : null"));

	/* pinning off, hugepages on: pages from any node */
	spec->hugepages = TRUE;
	spec->memory_kib = 8 * GIB;
	g_clear_pointer(&plan, dkvm_plan_free);
	plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(plan->hugepages->node, ==, -1);
}

/* The first part that refuses decides; nothing is half planned. */
static void
test_errors(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	struct {
		guint vcpus;
		guint64 memory;
		const gchar *pci;
		gint code;
		const gchar *prefix;
	} cases[] = {
		{ 8, 8 * GIB, "0000:02:00.0", DKVM_ERROR_REFUSED,
		  "cannot pass through 0000:02:00.0" },
		{ 40, 8 * GIB, "0000:0b:00.0", DKVM_ERROR_INSUFFICIENT,
		  "not enough host CPUs for 40" },
		{ 8, 60 * GIB, NULL, DKVM_ERROR_INSUFFICIENT, "not enough memory for 60 GiB" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(DkvmSpec) spec = plan_test_spec(cases[i].vcpus, cases[i].memory);
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmPlan) plan = NULL;

		if (cases[i].pci != NULL)
			plan_test_add_pci(spec, cases[i].pci, NULL);
		plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
		g_assert_null(plan);
		g_assert_error(error, DKVM_ERROR, cases[i].code);
		g_assert_true(g_str_has_prefix(error->message, cases[i].prefix));
	}
}

/* The reviewed host golden of a real Ryzen 9 5950X (test/data/hosts-json,
 * written by host discovery from its fixture): exact pins, pages and slots. */
static void
test_ryzen_5950x(void)
{
	g_autofree gchar *path = plan_test_data("hosts-json", "ryzen-5950x.json", NULL);
	g_autoptr(DkvmHostFacts) host = plan_test_host_from_file(path);
	g_autoptr(DkvmSpec) spec = plan_test_spec(8, 16 * GIB);
	g_autoptr(DkvmSpec) small = plan_test_spec(8, 8 * GIB);
	g_autoptr(DkvmSpec) boot = plan_test_spec(4, 8 * GIB);
	g_autoptr(DkvmSpec) onboard = plan_test_spec(4, 8 * GIB);
	g_autoptr(DkvmSpec) usb = plan_test_spec(4, 8 * GIB);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(DkvmPlan) plan8 = NULL;
	g_autoptr(DkvmPlan) vga = NULL;
	g_autoptr(DkvmPlan) usb_plan = NULL;
	g_autofree gchar *pins = NULL;
	g_autofree gchar *text = NULL;
	const DkvmPassthroughSlot *slot;

	plan_test_add_pci(spec, "0000:01:00.0", NULL);
	plan = dkvm_plan_new(host, NULL, spec, NULL, &error);
	g_assert_no_error(error);
	pins = plan_test_join(plan->cpu->vcpu_pins);
	/* two equal CCDs: the one without the host reserve (CPUs 0-1,16-17) */
	g_assert_cmpstr(pins, ==, "8,24,9,25,10,26,11,27");
	g_assert_cmpuint(plan->cpu->threads, ==, 2);
	g_assert_cmpuint(plan->cpu->cores, ==, 4);
	/* 8 GiB of 1 GiB pages reserved at boot: too few for 16 GiB */
	g_assert_cmpuint(plan->hugepages->page_size_kib, ==, 2048);
	g_assert_cmpuint(plan->hugepages->pages, ==, 8192);
	slot = g_ptr_array_index(plan->passthrough->slots, 0);
	g_assert_cmpstr(slot->host_slot, ==, "0000:01:00");
	g_assert_cmpuint(slot->functions->len, ==, 2);
	g_assert_cmpuint(slot->guest_bus, ==, 0x10);
	g_assert_true(slot->multifunction);
	g_assert_cmpuint(plan->warnings->len, ==, 0);
	text = dkvm_plan_to_text(plan);
	plan_test_golden("ryzen-5950x-gaming.txt", text);

	plan8 = dkvm_plan_new(host, NULL, small, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(plan8->hugepages->page_size_kib, ==, GIB);
	g_assert_cmpuint(plan8->hugepages->pages, ==, 8);
	g_assert_cmpuint(plan8->hugepages->pages_to_add, ==, 0);

	/* the boot GPU, which also has no reset method */
	plan_test_add_pci(boot, "0000:09:00.0", NULL);
	vga = dkvm_plan_new(host, NULL, boot, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(vga->warnings->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(vga->warnings, 0), ==,
	                "0000:09:00.0 (GK208B [GeForce GT 710]) is the host's boot GPU: the host "
	                "console goes dark while the VM runs, and the card may need its ROM "
	                "dumped and given as a ROM file");
	/* one reset warning for the slot, naming both functions */
	g_assert_cmpstr(g_ptr_array_index(vga->warnings, 1), ==,
	                "host 0000:09:00 (GK208B [GeForce GT 710]): 0000:09:00.0, 0000:09:00.1 "
	                "offer no reset (reset_method is empty): the second start of this VM "
	                "may need a host reboot; what helps: shutting the guest down rather "
	                "than forcing it off");

	/* the chipset USB slot: function 0 and both controllers share group 22 */
	plan_test_add_pci(usb, "06:00.1", NULL);
	usb_plan = dkvm_plan_new(host, NULL, usb, NULL, &error);
	g_assert_no_error(error);
	slot = g_ptr_array_index(usb_plan->passthrough->slots, 0);
	g_assert_cmpuint(slot->functions->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(slot->functions, 0), ==, "0000:06:00.0");

	/* the onboard audio shares its slot with the boot medium's USB controller */
	plan_test_add_pci(onboard, "0000:0b:00.4", NULL);
	g_assert_null(dkvm_plan_new(host, NULL, onboard, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(error->message, ==,
	                "cannot pass through 0000:0b:00.3 (Matisse USB 3.0 Host Controller), in "
	                "the slot of the selected 0000:0b:00.4: the host needs it: controller of "
	                "the DKVM boot medium (/dev/sdb1 on the USB device 1-2)");
}

/* A partial host report (no siblings, caches, nodes or pools) still plans. */
static void
test_partial_host(void)
{
	g_autoptr(DkvmPlan) plan = plan_for("partial-report", 3, GIB, NULL);
	g_autofree gchar *pins = plan_test_join(plan->cpu->vcpu_pins);

	g_assert_cmpstr(pins, ==, "1,2,3");
	g_assert_cmpuint(plan->cpu->threads, ==, 1);
	g_assert_cmpint(plan->cpu->numa_node, ==, -1);
	g_assert_cmpuint(plan->hugepages->page_size_kib, ==, 2048);
	g_assert_cmpuint(plan->hugepages->pages_to_add, ==, 512);
	g_assert_cmpuint(plan->warnings->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(plan->warnings, 0), ==,
	                "no /dev/kvm: the VM runs under TCG emulation, far from native speed");
	g_assert_true(g_str_has_prefix(g_ptr_array_index(plan->warnings, 1),
	                               "the host reports no L3 cache groups"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/plan/gaming", test_gaming);
	g_test_add_func("/plan/gpu-node", test_gpu_node);
	g_test_add_func("/plan/no-kvm", test_no_kvm);
	g_test_add_func("/plan/switches-off", test_switches_off);
	g_test_add_func("/plan/errors", test_errors);
	g_test_add_func("/plan/partial-host", test_partial_host);
	g_test_add_func("/plan/ryzen-5950x", test_ryzen_5950x);
	return g_test_run();
}
