/* The passthrough planner: whole slots, IOMMU group isolation, devices the
 * host needs, no IOMMU, the boot GPU, and the guest slot layout; refusals
 * word for word. Host: test/data/plans/hosts/amd-16c-2ccd.json (a GPU with
 * audio alone in its group, a four-function boot GPU sharing its group with a
 * bridge, a NIC and a USB controller sharing a group, the boot stick's SATA
 * controller, an NVMe drive without reset). */
#include "test-plan-common.h"

static DkvmPassthroughPlan *
plan_of(const gchar *host_name, const gchar *const *addresses, GError **error)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host(host_name);
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 << 20);

	for (guint i = 0; addresses[i] != NULL; i++)
		plan_test_add_pci(spec, addresses[i], NULL);
	return dkvm_plan_passthrough(host, spec, error);
}

static gchar *
functions_of(const DkvmPassthroughSlot *s)
{
	g_autoptr(GString) out = g_string_new(NULL);
	for (guint i = 0; i < s->functions->len; i++)
		g_string_append_printf(out, "%s%s", i > 0 ? " " : "",
		                       (const gchar *)g_ptr_array_index(s->functions, i));
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
assert_slot(const DkvmPassthroughPlan *plan, guint i, const gchar *host_slot,
            const gchar *functions, guint guest_bus, gboolean gpu)
{
	const DkvmPassthroughSlot *s = g_ptr_array_index(plan->slots, i);
	g_autofree gchar *fns = functions_of(s);

	g_assert_cmpstr(s->host_slot, ==, host_slot);
	g_assert_cmpstr(fns, ==, functions);
	g_assert_cmpuint(s->guest_bus, ==, guest_bus);
	g_assert_cmpuint(s->guest_slot, ==, 0);
	g_assert_cmpint(s->multifunction, ==, s->functions->len > 1);
	g_assert_cmpint(s->is_gpu, ==, gpu);
}

/* The GPU's audio function comes along; its group holds nothing else. */
static void
test_gpu_with_audio(void)
{
	const gchar *sel[] = { "0000:0b:00.0", NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = plan_of("amd-16c-2ccd", sel, &error);

	g_assert_no_error(error);
	g_assert_cmpuint(plan->slots->len, ==, 1);
	assert_slot(plan, 0, "0000:0b:00", "0000:0b:00.0 0000:0b:00.1", 0x10, TRUE);
	g_assert_cmpstr(((DkvmPassthroughSlot *)g_ptr_array_index(plan->slots, 0))->name, ==,
	                "GA102 [GeForce RTX 3080]");
	g_assert_cmpint(plan->gpu_numa_node, ==, -1);
	g_assert_cmpuint(plan->warnings->len, ==, 0);
	g_assert_cmpstr(g_ptr_array_index(plan->rationale, 0), ==,
	                "IOMMU group 30 holds only selected devices, so vfio can isolate it");
	g_assert_cmpstr(g_ptr_array_index(plan->rationale, 1), ==,
	                "host 0000:0b:00 (GA102 [GeForce RTX 3080]): functions 0,1 at guest "
	                "0000:10:00 on its own pcie-root-port, one multifunction device, "
	                "function numbers kept");
}

/* Selecting the USB function (short address form) of a four-function GPU
 * selects all four; the bridge in its group stays; it is the boot GPU. */
static void
test_four_functions_bridge_boot_vga(void)
{
	const gchar *sel[] = { "0c:00.2", NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = plan_of("amd-16c-2ccd", sel, &error);

	g_assert_no_error(error);
	g_assert_cmpuint(plan->slots->len, ==, 1);
	assert_slot(plan, 0, "0000:0c:00", "0000:0c:00.0 0000:0c:00.1 0000:0c:00.2 0000:0c:00.3",
	            0x10, TRUE);
	g_assert_cmpstr(g_ptr_array_index(plan->rationale, 0), ==,
	                "IOMMU group 29: only the selected devices and PCI bridges (0000:00:03.1, "
	                "which stay with the host), so vfio can isolate it");
	g_assert_cmpuint(plan->warnings->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(plan->warnings, 0), ==,
	                "0000:0c:00.0 (TU106 [GeForce RTX 2070]) is the host's boot GPU: the host "
	                "console goes dark while the VM runs, and the card may need its ROM "
	                "dumped and given as a ROM file");
}

/* With a ROM file the boot-GPU warning keeps only the console part. */
static void
test_rom_file(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 << 20);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = NULL;

	plan_test_add_pci(spec, "0000:0c:00.0", "/data/roms/tu106.rom");
	plan = dkvm_plan_passthrough(host, spec, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(((DkvmPassthroughSlot *)g_ptr_array_index(plan->slots, 0))->rom_file, ==,
	                "/data/roms/tu106.rom");
	g_assert_cmpstr(g_ptr_array_index(plan->warnings, 0), ==,
	                "0000:0c:00.0 (TU106 [GeForce RTX 2070]) is the host's boot GPU: the host "
	                "console goes dark while the VM runs");
}

static void
test_group_shared(void)
{
	const gchar *sel[] = { "0000:05:00.0", NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = plan_of("amd-16c-2ccd", sel, &error);

	g_assert_null(plan);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(error->message, ==,
	                "cannot pass through the selected devices: IOMMU group 15 also holds "
	                "0000:04:00.0 (Matisse USB 3.0 Host Controller), not selected\n"
	                "hint: select those too (the whole group goes to the VM), or put the card "
	                "in a slot with its own IOMMU group");
}

/* Slot layout: GPU slots first, then the others by host address, whatever the
 * selection order; each on its own guest bus; the NVMe has no reset. */
static void
test_layout(void)
{
	const gchar *sel[] = { "0000:05:00.0", "0000:0e:00.0", "0000:0b:00.1", "0000:04:00.0",
		               NULL };
	const gchar *rev[] = { "0000:04:00.0", "0000:0b:00.0", "0000:0e:00.0", "0000:05:00.0",
		               NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = plan_of("amd-16c-2ccd", sel, &error);
	g_autoptr(DkvmPassthroughPlan) again = plan_of("amd-16c-2ccd", rev, &error);

	g_assert_no_error(error);
	g_assert_cmpuint(plan->slots->len, ==, 4);
	assert_slot(plan, 0, "0000:0b:00", "0000:0b:00.0 0000:0b:00.1", 0x10, TRUE);
	assert_slot(plan, 1, "0000:04:00", "0000:04:00.0", 0x11, FALSE);
	assert_slot(plan, 2, "0000:05:00", "0000:05:00.0", 0x12, FALSE);
	assert_slot(plan, 3, "0000:0e:00", "0000:0e:00.0", 0x13, FALSE);
	g_assert_cmpstr(g_ptr_array_index(plan->warnings, 0), ==,
	                "host 0000:0e:00 (SSD 970 EVO Plus): 0000:0e:00.0 offers no reset "
	                "(reset_method is empty): the second start of this VM may need a host "
	                "reboot; what helps: shutting the guest down rather than forcing it off");
	for (guint i = 0; i < plan->slots->len; i++) {
		g_autofree gchar *a = functions_of(g_ptr_array_index(plan->slots, i));
		g_autofree gchar *b = functions_of(g_ptr_array_index(again->slots, i));
		g_assert_cmpstr(a, ==, b);
	}
}

static void
test_host_needed(void)
{
	const gchar *sel[] = { "0000:02:00.0", NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = plan_of("amd-16c-2ccd", sel, &error);

	g_assert_null(plan);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(error->message, ==,
	                "cannot pass through 0000:02:00.0 (FCH SATA Controller [AHCI mode]): the "
	                "host needs it: the DKVM boot stick is attached to it");
}

static DkvmPassthroughPlan *
plan_usb(const DkvmHostFacts *host, guint16 vendor, guint16 product, GError **error)
{
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 << 20);
	DkvmUsbSelection *usb = g_new0(DkvmUsbSelection, 1);

	usb->vendor_id = vendor;
	usb->product_id = product;
	g_ptr_array_add(spec->usb, usb);
	return dkvm_plan_passthrough(host, spec, error);
}

/* The boot stick of the ryzen-5950x fixture (its reviewed host JSON, from the
 * umockdev tree) is refused by vendor:product; the receiver on the same
 * controller, and a device the host does not have, are not. */
static void
test_usb_host_needed(void)
{
	g_autofree gchar *path = plan_test_data("hosts-json", "ryzen-5950x.json", NULL);
	g_autoptr(DkvmHostFacts) host = plan_test_host_from_file(path);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) stick = plan_usb(host, 0x0781, 0x5567, &error);
	g_autoptr(DkvmPassthroughPlan) receiver = NULL;
	g_autoptr(DkvmPassthroughPlan) absent = NULL;
	g_autofree gchar *why = NULL;

	g_assert_null(stick);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(error->message, ==,
	                "cannot pass through USB device 0781:5567 (SanDisk Cruzer Blade, port "
	                "1-2): the host needs it: DKVM boot medium (/dev/sdb1)");
	g_clear_error(&error);
	receiver = plan_usb(host, 0x046d, 0xc52b, &error);
	g_assert_no_error(error);
	g_assert_nonnull(receiver);
	absent = plan_usb(host, 0x1234, 0x5678, &error);
	g_assert_no_error(error);
	g_assert_nonnull(absent);
	/* the menu's list gives the same reason, and none where the plan passes */
	why = dkvm_passthrough_usb_why_not(host, 0x0781, 0x5567);
	g_assert_cmpstr(why, ==, "the host needs it: DKVM boot medium (/dev/sdb1)");
	g_assert_null(dkvm_passthrough_usb_why_not(host, 0x046d, 0xc52b));
	g_assert_null(dkvm_passthrough_usb_why_not(host, 0x1234, 0x5678));
}

/* A hub on the boot stick's path goes with the stick: refused. The fixture's
 * stick is plugged into the GenesysLogic hub (port 3-3) for this case. */
static void
test_usb_hub_of_the_stick(void)
{
	g_autofree gchar *path = plan_test_data("hosts-json", "ryzen-5950x.json", NULL);
	g_autoptr(DkvmHostFacts) host = plan_test_host_from_file(path);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) hub = NULL;
	g_autoptr(DkvmPassthroughPlan) before = plan_usb(host, 0x05e3, 0x0610, &error);
	g_autofree gchar *why = NULL;

	g_assert_no_error(error);
	g_assert_nonnull(before);
	for (guint i = 0; i < host->usb->len; i++) {
		DkvmUsbDevice *d = g_ptr_array_index(host->usb, i);
		if (d->host_needed) {
			g_free(d->port_path);
			d->port_path = g_strdup("3-3.4");
			d->busnum = 3;
		}
	}
	hub = plan_usb(host, 0x05e3, 0x0610, &error);
	g_assert_null(hub);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(error->message, ==,
	                "cannot pass through USB device 05e3:0610 (GenesysLogic USB2.1 Hub, port "
	                "3-3): the host needs it: it holds SanDisk Cruzer Blade (port 3-3.4), "
	                "DKVM boot medium (/dev/sdb1)");
	why = dkvm_passthrough_usb_why_not(host, 0x05e3, 0x0610);
	g_assert_cmpstr(why, ==,
	                "the host needs it: it holds SanDisk Cruzer Blade (port 3-3.4), DKVM boot "
	                "medium (/dev/sdb1)");
}

static void
test_unknown_and_invalid(void)
{
	const gchar *unknown[] = { "0000:09:00.0", NULL };
	const gchar *bad[] = { "zz", NULL };
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(DkvmPassthroughPlan) p1 = plan_of("amd-16c-2ccd", unknown, &e1);
	g_autoptr(DkvmPassthroughPlan) p2 = plan_of("amd-16c-2ccd", bad, &e2);

	g_assert_null(p1);
	g_assert_error(e1, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_cmpstr(e1->message, ==,
	                "cannot pass through 0000:09:00.0: this host has no such PCI device\n"
	                "hint: `dkvm host` lists the host's PCI devices");
	g_assert_null(p2);
	g_assert_error(e2, DKVM_ERROR, DKVM_ERROR_INVALID);
}

static void
test_no_iommu(void)
{
	const gchar *sel[] = { "01:00.0", NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = plan_of("intel-6c-nosmt", sel, &error);

	g_assert_null(plan);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(
	        error->message, ==,
	        "cannot pass through 0000:01:00.0 (GP104 [GeForce GTX 1080]): the IOMMU is "
	        "off on this host\n"
	        "hint: turn on VT-d / AMD-Vi in the firmware and add intel_iommu=on (Intel) "
	        "or amd_iommu=on (AMD) to the kernel command line");
}

/* Nothing selected: an empty plan, even without an IOMMU. */
static void
test_nothing(void)
{
	const gchar *sel[] = { NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = plan_of("intel-6c-nosmt", sel, &error);

	g_assert_no_error(error);
	g_assert_cmpuint(plan->slots->len, ==, 0);
	g_assert_cmpint(plan->gpu_numa_node, ==, -1);
}

static void
test_gpu_node(void)
{
	const gchar *sel[] = { "0000:81:00.0", NULL };
	const gchar *console[] = { "0000:03:00.0", NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = plan_of("xeon-2node", sel, &error);
	g_autoptr(DkvmPassthroughPlan) refused = plan_of("xeon-2node", console, &e2);

	g_assert_no_error(error);
	g_assert_cmpint(plan->gpu_numa_node, ==, 1);
	g_assert_null(refused);
	g_assert_cmpstr(e2->message, ==,
	                "cannot pass through 0000:03:00.0 (ASPEED Graphics Family): the host needs "
	                "it: it drives the host's console");
}

/* The candidates name what the planner would refuse, and pass what it would
 * take: each device chosen alone gives a plan exactly when it is choosable. */
static gchar *
candidate_line(const DkvmPassthroughCandidate *c)
{
	g_autoptr(GString) line = g_string_new(c->device->address);

	g_string_append_printf(line, " %d", c->device->iommu_group);
	for (guint i = 0; i < c->pulls_in->len; i++)
		g_string_append_printf(line, " +%s",
		                       (const gchar *)g_ptr_array_index(c->pulls_in, i));
	g_string_append_printf(line, ": %s", c->why_not != NULL ? c->why_not : "choosable");
	return g_string_free(g_steal_pointer(&line), FALSE);
}

static void
test_candidates(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(GPtrArray) candidates = dkvm_passthrough_candidates(host);
	g_autoptr(GString) all = g_string_new(NULL);

	for (guint i = 0; i < candidates->len; i++) {
		const DkvmPassthroughCandidate *c = g_ptr_array_index(candidates, i);
		const gchar *sel[] = { c->device->address, NULL };
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmPassthroughPlan) plan = plan_of("amd-16c-2ccd", sel, &error);
		g_autofree gchar *line = candidate_line(c);

		g_string_append_printf(all, "%s\n", line);
		g_assert_cmpint(c->verdict == DKVM_PASSTHROUGH_CHOOSABLE, ==, c->why_not == NULL);
		g_assert_cmpint(plan != NULL, ==, c->verdict == DKVM_PASSTHROUGH_CHOOSABLE);
	}
	g_assert_cmpstr(
	        all->str, ==,
	        "0000:02:00.0 14: the host needs it: the DKVM boot stick is attached to it\n"
	        "0000:04:00.0 15: IOMMU group 15 is not isolated: it also holds "
	        "0000:05:00.0 (I211 Gigabit Network Connection)\n"
	        "0000:05:00.0 15: IOMMU group 15 is not isolated: it also holds "
	        "0000:04:00.0 (Matisse USB 3.0 Host Controller)\n"
	        "0000:00:01.1 28: a bridge: it stays with the host\n"
	        "0000:00:03.1 29: a bridge: it stays with the host\n"
	        "0000:0c:00.0 29 +0000:0c:00.1 +0000:0c:00.2 +0000:0c:00.3: choosable\n"
	        "0000:0c:00.1 29 +0000:0c:00.0 +0000:0c:00.2 +0000:0c:00.3: choosable\n"
	        "0000:0c:00.2 29 +0000:0c:00.0 +0000:0c:00.1 +0000:0c:00.3: choosable\n"
	        "0000:0c:00.3 29 +0000:0c:00.0 +0000:0c:00.1 +0000:0c:00.2: choosable\n"
	        "0000:0b:00.0 30 +0000:0b:00.1: choosable\n"
	        "0000:0b:00.1 30 +0000:0b:00.0: choosable\n"
	        "0000:0e:00.0 31: choosable\n");
}

/* A host-needed function refuses its whole slot, naming it; without an
 * IOMMU nothing but bridges has another reason. */
static void
test_candidates_slot_and_no_iommu(void)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(GPtrArray) slot = NULL;
	g_autoptr(GPtrArray) off = NULL;
	DkvmPciDevice *audio = (DkvmPciDevice *)dkvm_host_facts_get_pci(host, "0000:0b:00.1");

	audio->host_needed = TRUE;
	audio->host_needed_reason = g_strdup("the host's only sound card");
	slot = dkvm_passthrough_candidates(host);
	for (guint i = 0; i < slot->len; i++) {
		const DkvmPassthroughCandidate *c = g_ptr_array_index(slot, i);
		if (g_str_equal(c->device->address, "0000:0b:00.0")) {
			g_assert_cmpint(c->verdict, ==, DKVM_PASSTHROUGH_HOST_NEEDED);
			g_assert_cmpstr(
			        c->why_not, ==,
			        "the host needs 0b:00.1 in its slot: the host's only sound card");
		}
	}
	host->iommu_enabled = FALSE;
	off = dkvm_passthrough_candidates(host);
	for (guint i = 0; i < off->len; i++) {
		const DkvmPassthroughCandidate *c = g_ptr_array_index(off, i);
		g_assert_cmpint(c->verdict, ==,
		                c->device->is_bridge ? DKVM_PASSTHROUGH_BRIDGE
		                                     : DKVM_PASSTHROUGH_NO_IOMMU);
		if (!c->device->is_bridge)
			g_assert_cmpstr(c->why_not, ==, "the IOMMU is off on this host");
	}
}

/* The demo host (the menu's): the chipset's SMBus controller shares its slot
 * with the LPC bridge, so it is refused as a bridge by both the candidates
 * and the planner; the boot stick's xHCI and the NVMe under the data
 * partition are the host's; the RTX 3070 takes its audio. Only the devices a person may tick are
 * choosable. */
static void
test_candidates_demo(void)
{
	g_autofree gchar *path = plan_test_data("hosts-json", "demo.json", NULL);
	g_autoptr(DkvmHostFacts) host = plan_test_host_from_file(path);
	g_autoptr(GPtrArray) candidates = dkvm_passthrough_candidates(host);
	g_autoptr(GString) choosable = g_string_new(NULL);
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 << 20);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPassthroughPlan) plan = NULL;

	for (guint i = 0; i < candidates->len; i++) {
		const DkvmPassthroughCandidate *c = g_ptr_array_index(candidates, i);
		g_autofree gchar *line = candidate_line(c);

		if (c->verdict == DKVM_PASSTHROUGH_CHOOSABLE)
			g_string_append_printf(choosable, "%s\n", line);
		if (g_str_equal(c->device->address, "0000:00:14.0"))
			g_assert_cmpstr(c->why_not, ==,
			                "its slot holds the bridge 00:14.3 (FCH LPC Bridge), which "
			                "stays with the host");
		if (g_str_equal(c->device->address, "0000:0b:00.3"))
			g_assert_cmpint(c->verdict, ==, DKVM_PASSTHROUGH_HOST_NEEDED);
		/* the NVMe holds the mounted data partition */
		if (g_str_equal(c->device->address, "0000:02:00.0"))
			g_assert_cmpstr(
			        c->why_not, ==,
			        "the host needs it: controller of /dev/nvme0n1p1, mounted at "
			        "/media/dkvmdata");
	}
	g_assert_cmpstr(choosable->str, ==,
	                "0000:01:00.0 15 +0000:01:00.1: choosable\n"
	                "0000:01:00.1 15 +0000:01:00.0: choosable\n"
	                "0000:05:00.0 21: choosable\n"
	                "0000:06:00.0 22 +0000:06:00.1 +0000:06:00.3: choosable\n"
	                "0000:06:00.1 22 +0000:06:00.0 +0000:06:00.3: choosable\n"
	                "0000:06:00.3 22 +0000:06:00.0 +0000:06:00.1: choosable\n"
	                "0000:07:00.0 23: choosable\n"
	                "0000:09:00.0 24 +0000:09:00.1: choosable\n"
	                "0000:09:00.1 24 +0000:09:00.0: choosable\n"
	                "0000:0a:00.0 25: choosable\n");
	plan_test_add_pci(spec, "00:14.0", NULL);
	plan = dkvm_plan_passthrough(host, spec, &error);
	g_assert_null(plan);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(error->message, ==,
	                "cannot pass through 0000:00:14.3 (FCH LPC Bridge), in the slot of the "
	                "selected 0000:00:14.0: it is a bridge, which stays with the host");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/plan-passthrough/gpu-with-audio", test_gpu_with_audio);
	g_test_add_func("/plan-passthrough/four-functions-bridge-boot-vga",
	                test_four_functions_bridge_boot_vga);
	g_test_add_func("/plan-passthrough/rom-file", test_rom_file);
	g_test_add_func("/plan-passthrough/group-shared", test_group_shared);
	g_test_add_func("/plan-passthrough/layout", test_layout);
	g_test_add_func("/plan-passthrough/host-needed", test_host_needed);
	g_test_add_func("/plan-passthrough/usb-host-needed", test_usb_host_needed);
	g_test_add_func("/plan-passthrough/usb-hub-of-the-stick", test_usb_hub_of_the_stick);
	g_test_add_func("/plan-passthrough/unknown-and-invalid", test_unknown_and_invalid);
	g_test_add_func("/plan-passthrough/no-iommu", test_no_iommu);
	g_test_add_func("/plan-passthrough/nothing", test_nothing);
	g_test_add_func("/plan-passthrough/gpu-node", test_gpu_node);
	g_test_add_func("/plan-passthrough/candidates", test_candidates);
	g_test_add_func("/plan-passthrough/candidates-demo", test_candidates_demo);
	g_test_add_func("/plan-passthrough/candidates-slot-and-no-iommu",
	                test_candidates_slot_and_no_iommu);
	return g_test_run();
}
