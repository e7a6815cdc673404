/* What real cards do wrong, in the plan: the reset-trouble table and its
 * warnings (a Navi 10 that is stuck already), large BARs and the MMIO window
 * that fits them (a 16 GiB resizable BAR), Looking Glass sizes, and Secure
 * Boot without a firmware that has Microsoft's keys. The hosts are the
 * reviewed discovery goldens of the navi10-5700xt and rebar-6800xt fixtures;
 * the plans are goldens in test/data/plans/ (DKVM_TEST_REGENERATE=1). */
#include <string.h>

#include "looking-glass.h"
#include "reset-quirks.h"
#include "test-plan-common.h"

#define GIB (G_GUINT64_CONSTANT(1024) * 1024)

static DkvmHostFacts *
discovered_host(const gchar *name)
{
	g_autofree gchar *file = g_strdup_printf("%s.json", name);
	g_autofree gchar *path = plan_test_data("hosts-json", file, NULL);
	return plan_test_host_from_file(path);
}

static DkvmPlan *
plan_gpu(const DkvmHostFacts *host, DkvmSpec *spec, const DkvmHypervisor *hv)
{
	g_autoptr(GError) error = NULL;
	DkvmPlan *plan;

	plan_test_add_pci(spec, "0000:01:00.0", NULL);
	plan = dkvm_plan_new(host, hv, spec, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(plan);
	return plan;
}

static gboolean
has_line(const GPtrArray *lines, const gchar *part)
{
	for (guint i = 0; i < lines->len; i++) {
		if (strstr(g_ptr_array_index(lines, i), part) != NULL)
			return TRUE;
	}
	return FALSE;
}

static void
test_reset_table(void)
{
	const DkvmResetQuirk *navi10 = dkvm_reset_quirk_lookup(0x1002, 0x731f);
	const DkvmResetQuirk *polaris = dkvm_reset_quirk_lookup(0x1002, 0x67df);
	const DkvmResetQuirk *rdna4 = dkvm_reset_quirk_lookup(0x1002, 0x7550);

	g_assert_nonnull(navi10);
	g_assert_cmpstr(navi10->family, ==, "Navi 10");
	g_assert_true(navi10->vendor_reset);
	g_assert_nonnull(polaris);
	g_assert_cmpstr(polaris->family, ==, "Polaris 10");
	g_assert_nonnull(rdna4);
	g_assert_false(rdna4->vendor_reset);
	/* Navi 21 resets with a bus reset; NVIDIA cards are not in the table */
	g_assert_null(dkvm_reset_quirk_lookup(0x1002, 0x73bf));
	g_assert_null(dkvm_reset_quirk_lookup(0x10de, 0x2484));
}

/* A Navi 10 whose config space reads all ones: both warnings, the reset
 * one with vendor-reset as what helps; no MMIO change for a 256 MiB BAR. */
static void
test_navi10(void)
{
	g_autoptr(DkvmHostFacts) host = discovered_host("navi10-5700xt");
	g_autoptr(DkvmSpec) spec = plan_test_spec(8, 16 * GIB);
	g_autoptr(DkvmPlan) plan = plan_gpu(host, spec, NULL);
	g_autofree gchar *text = dkvm_plan_to_text(plan);
	g_autofree gchar *json = dkvm_plan_to_json(plan);

	g_assert_cmpuint(plan->warnings->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(plan->warnings, 0), ==,
	                "0000:01:00.0 (Navi 10 [Radeon RX 5600 OEM/5600 XT / 5700/5700 XT]) does "
	                "not answer (its config space reads all ones): the card is stuck since "
	                "its last reset; reboot the host before starting this VM");
	g_assert_true(has_line(plan->warnings, "the second start of this VM may need a host "
	                                       "reboot; what helps: the vendor-reset kernel "
	                                       "module (it resets Navi 10 cards)"));
	g_assert_cmpuint(plan->passthrough->mmio64_mb, ==, 0);
	g_assert_true(has_line(plan->passthrough->rationale,
	                       "BAR: 0000:01:00.0 BAR 0 is 256 MiB (64-bit, prefetchable)"));
	plan_test_golden("navi10-reset.txt", text);
	plan_test_golden("navi10-reset.json", json);
}

/* The 16 GiB resizable BAR: the window goes to 64 GiB through fw_cfg, the
 * plan names the BAR and says what was done. */
static void
test_rebar_16g(void)
{
	g_autoptr(DkvmHostFacts) host = discovered_host("rebar-6800xt");
	g_autoptr(DkvmSpec) spec = plan_test_spec(8, 16 * GIB);
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *json = NULL;

	spec->looking_glass_width = 2560;
	spec->looking_glass_height = 1440;
	plan = plan_gpu(host, spec, NULL);
	text = dkvm_plan_to_text(plan);
	json = dkvm_plan_to_json(plan);
	g_assert_cmpuint(plan->passthrough->mmio64_mb, ==, 65536);
	g_assert_true(has_line(plan->passthrough->rationale,
	                       "BAR: 0000:01:00.0 BAR 0 is 16 GiB (64-bit, prefetchable, resizable "
	                       "up to 16 GiB)"));
	g_assert_true(
	        has_line(plan->passthrough->rationale, "fw_cfg opt/ovmf/X-PciMmio64Mb=65536"));
	g_assert_true(has_line(plan->warnings, "0000:01:00.0 has a 16 GiB BAR (resizable BAR): "
	                                       "guests hang at boot"));
	g_assert_true(
	        has_line(plan->passthrough->rationale, "Looking Glass: 2560x1440 needs 64 MiB"));
	plan_test_golden("rebar-16g.txt", text);
	plan_test_golden("rebar-16g.json", json);
}

/* Legacy BIOS cannot map the BAR at all: a warning, no fw_cfg. */
static void
test_rebar_bios(void)
{
	g_autoptr(DkvmHostFacts) host = discovered_host("rebar-6800xt");
	g_autoptr(DkvmSpec) spec = plan_test_spec(8, 16 * GIB);
	g_autoptr(DkvmPlan) plan = NULL;

	spec->uefi = FALSE;
	spec->secure_boot = FALSE;
	plan = plan_gpu(host, spec, NULL);
	g_assert_cmpuint(plan->passthrough->mmio64_mb, ==, 0);
	g_assert_true(has_line(plan->warnings, "BIOS firmware (SeaBIOS) cannot map it"));
}

static void
test_window_rule(void)
{
	/* nothing 64-bit, or what fits the default 32 GiB window with room */
	g_assert_cmpuint(dkvm_plan_mmio64_window_mb(0), ==, 0);
	g_assert_cmpuint(dkvm_plan_mmio64_window_mb(G_GUINT64_CONSTANT(256) << 20), ==, 0);
	g_assert_cmpuint(dkvm_plan_mmio64_window_mb(8 * GIB * 1024), ==, 0);
	/* 16 GiB and a little: 32 GiB rounded, twice that */
	g_assert_cmpuint(dkvm_plan_mmio64_window_mb(16 * GIB * 1024), ==, 0);
	g_assert_cmpuint(dkvm_plan_mmio64_window_mb(16 * GIB * 1024 + (1 << 20)), ==, 65536);
	g_assert_cmpuint(dkvm_plan_mmio64_window_mb(32 * GIB * 1024), ==, 65536);
	g_assert_cmpuint(dkvm_plan_mmio64_window_mb(48 * GIB * 1024), ==, 131072);
}

/* Looking Glass's own table: 32, 64 and 128 MiB. */
static void
test_looking_glass_sizes(void)
{
	guint w = 0, h = 0;
	g_autoptr(GError) error = NULL;

	g_assert_cmpuint(dkvm_looking_glass_size_mib(1920, 1080), ==, 32);
	g_assert_cmpuint(dkvm_looking_glass_size_mib(2560, 1440), ==, 64);
	g_assert_cmpuint(dkvm_looking_glass_size_mib(3840, 2160), ==, 128);
	g_assert_cmpuint(dkvm_looking_glass_size_mib(0, 1080), ==, 0);
	g_assert_true(dkvm_looking_glass_parse("3840x2160", &w, &h, &error));
	g_assert_cmpuint(w, ==, 3840);
	g_assert_cmpuint(h, ==, 2160);
	for (const gchar *const *bad =
	             (const gchar *const[]){ "1920", "1920x", "x1080", "0x1080", "1920x1080x2",
	                                     "-1x5", "16385x100", "19 20x1080", NULL };
	     *bad != NULL; bad++) {
		g_assert_false(dkvm_looking_glass_parse(*bad, &w, &h, &error));
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		g_clear_error(&error);
	}
}

static const gchar *enrolled_descriptor =
        "{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"flash\", "
        "\"executable\": {\"filename\": \"/usr/share/OVMF/OVMF_CODE_4M.ms.fd\"}}, "
        "\"targets\": [{\"architecture\": \"x86_64\", \"machines\": [\"pc-q35-*\"]}], "
        "\"features\": [\"enrolled-keys\", \"requires-smm\", \"secure-boot\"]}";
static const gchar *plain_secure_descriptor =
        "{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"flash\", "
        "\"executable\": {\"filename\": \"/usr/share/OVMF/OVMF_CODE_4M.secboot.fd\"}}, "
        "\"targets\": [{\"architecture\": \"x86_64\", \"machines\": [\"pc-q35-*\"]}], "
        "\"features\": [\"requires-smm\", \"secure-boot\"]}";

static DkvmHypervisor *
hypervisor_with(const gchar *const *descriptors)
{
	g_autofree gchar *path = plan_test_data("hypervisor", "kvm-q35.xml", NULL);
	g_autofree gchar *xml = NULL;
	g_autoptr(GError) error = NULL;
	DkvmHypervisor *hv;

	g_assert_true(g_file_get_contents(path, &xml, NULL, &error));
	hv = dkvm_hypervisor_from_xml(xml, &error);
	g_assert_no_error(error);
	for (guint i = 0; descriptors[i] != NULL; i++) {
		g_assert_true(dkvm_hypervisor_add_firmware(hv, descriptors[i], &error));
		g_assert_no_error(error);
	}
	return hv;
}

/* Secure Boot stays with a firmware that has the keys, goes off (with a
 * warning, and no SMM or enrolled-keys in the domain) without one. */
static void
test_secure_boot_keys(void)
{
	g_autoptr(DkvmHostFacts) host = discovered_host("rebar-6800xt");
	g_autoptr(DkvmHypervisor) keyed = hypervisor_with(
	        (const gchar *const[]){ plain_secure_descriptor, enrolled_descriptor, NULL });
	g_autoptr(DkvmHypervisor) keyless =
	        hypervisor_with((const gchar *const[]){ plain_secure_descriptor, NULL });
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 8 * GIB);
	g_autoptr(DkvmSpec) spec2 = plan_test_spec(4, 8 * GIB);
	g_autoptr(DkvmPlan) with_keys = NULL;
	g_autoptr(DkvmPlan) without = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(keyed->secure_boot_keys, ==, DKVM_CAPABILITY_YES);
	g_assert_cmpstr(keyed->secure_boot_keys_firmware, ==, "/usr/share/OVMF/OVMF_CODE_4M.ms.fd");
	g_assert_cmpint(keyless->secure_boot_keys, ==, DKVM_CAPABILITY_NO);
	g_assert_false(dkvm_hypervisor_add_firmware(keyless, "[1, 2]", &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);

	with_keys = dkvm_plan_new(host, keyed, spec, NULL, NULL);
	g_assert_nonnull(with_keys);
	g_assert_true(with_keys->secure_boot);
	g_assert_true(has_line(with_keys->rationale, "Secure Boot keys: "
	                                             "/usr/share/OVMF/OVMF_CODE_4M.ms.fd has "
	                                             "Microsoft's keys enrolled"));
	without = dkvm_plan_new(host, keyless, spec2, NULL, NULL);
	g_assert_nonnull(without);
	g_assert_false(without->secure_boot);
	g_assert_true(has_line(without->warnings, "Secure Boot is off: none of the 1 QEMU "
	                                          "firmware descriptors offers Secure Boot with "
	                                          "Microsoft's keys enrolled"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/plan-quirks/reset-table", test_reset_table);
	g_test_add_func("/plan-quirks/navi10", test_navi10);
	g_test_add_func("/plan-quirks/rebar-16g", test_rebar_16g);
	g_test_add_func("/plan-quirks/rebar-bios", test_rebar_bios);
	g_test_add_func("/plan-quirks/window-rule", test_window_rule);
	g_test_add_func("/plan-quirks/looking-glass-sizes", test_looking_glass_sizes);
	g_test_add_func("/plan-quirks/secure-boot-keys", test_secure_boot_keys);
	return g_test_run();
}
