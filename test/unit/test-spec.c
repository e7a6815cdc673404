/* The shared parsers and spec rules: every accepted form and the exact
 * message of every refusal, since users and scripts read them. */
#include "dkvm-error.h"
#include "spec.h"

static void
test_size(void)
{
	struct {
		const gchar *in;
		guint64 kib;
	} ok[] = {
		{ "16G", 16ULL << 20 }, { "512M", 512ULL << 10 },  { "1048576K", 1048576 },
		{ "2T", 2ULL << 30 },   { "1024", 1024ULL << 10 }, { "8GiB", 8ULL << 20 },
		{ "4g", 4ULL << 20 },
	};
	const gchar *bad[] = { "", "G", "-1G", "16X", "16GG", "0", "1.5G" };

	for (guint i = 0; i < G_N_ELEMENTS(ok); i++) {
		g_autoptr(GError) error = NULL;
		guint64 kib = 0;
		g_assert_true(dkvm_parse_size_kib(ok[i].in, &kib, &error));
		g_assert_no_error(error);
		g_assert_cmpuint(kib, ==, ok[i].kib);
	}
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		guint64 kib = 42;
		g_assert_false(dkvm_parse_size_kib(bad[i], &kib, &error));
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		g_assert_cmpuint(kib, ==, 42);
	}
}

static void
test_cpu_list(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) cpus = dkvm_parse_cpu_list("8-11,0-3,2", &error);
	g_autofree gchar *back = NULL;

	g_assert_no_error(error);
	g_assert_cmpuint(cpus->len, ==, 8);
	g_assert_cmpuint(g_array_index(cpus, guint, 0), ==, 0);
	g_assert_cmpuint(g_array_index(cpus, guint, 7), ==, 11);
	back = dkvm_format_cpu_list(cpus);
	g_assert_cmpstr(back, ==, "0-3,8-11");

	const gchar *bad[] = { "", "a", "3-1", "1,", "1-", "0-3,,4" };
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) e = NULL;
		g_autoptr(GArray) none = dkvm_parse_cpu_list(bad[i], &e);
		g_assert_null(none);
		g_assert_error(e, DKVM_ERROR, DKVM_ERROR_INVALID);
	}
}

static void
test_pci_usb(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *a = dkvm_parse_pci_address("01:00.1", &error);
	g_autofree gchar *b = dkvm_parse_pci_address("0000:0A:1f.7", &error);
	g_autofree gchar *bad = NULL;
	guint16 v = 0, p = 0;

	g_assert_no_error(error);
	g_assert_cmpstr(a, ==, "0000:01:00.1");
	g_assert_cmpstr(b, ==, "0000:0a:1f.7");
	bad = dkvm_parse_pci_address("01:00.8", &error);
	g_assert_null(bad);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==,
	                "invalid PCI address '01:00.8': expected DDDD:BB:SS.F or BB:SS.F, e.g. "
	                "0000:01:00.0");
	g_clear_error(&error);

	g_assert_true(dkvm_parse_usb_id("046d:C52B", &v, &p, &error));
	g_assert_cmpuint(v, ==, 0x046d);
	g_assert_cmpuint(p, ==, 0xc52b);
	g_assert_false(dkvm_parse_usb_id("46d:c52b", &v, &p, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
}

static void
test_validate(void)
{
	const gchar *bad_names[] = { "", "-x", "a b", "win/11", "ü" };
	g_autoptr(DkvmSpec) spec = dkvm_spec_new("win11", DKVM_PRESET_WINDOWS11);
	g_autoptr(GError) error = NULL;

	g_assert_true(spec->tpm);
	g_assert_true(spec->secure_boot);
	g_assert_true(spec->pinning);
	g_assert_true(spec->hugepages);
	g_assert_true(dkvm_spec_validate(spec, &error));
	for (guint i = 0; i < G_N_ELEMENTS(bad_names); i++) {
		g_autoptr(GError) e = NULL;
		g_free(spec->name);
		spec->name = g_strdup(bad_names[i]);
		g_assert_false(dkvm_spec_validate(spec, &e));
		g_assert_error(e, DKVM_ERROR, DKVM_ERROR_INVALID);
	}
	g_free(spec->name);
	spec->name = g_strdup("win11");
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new("0000:01:00.0"));
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new("0000:01:00.0"));
	g_assert_false(dkvm_spec_validate(spec, &error));
	g_assert_cmpstr(error->message, ==, "PCI device 0000:01:00.0 is selected twice");
}

static void
test_copy(void)
{
	g_autoptr(DkvmSpec) spec = dkvm_spec_new("vm", DKVM_PRESET_LINUX);
	g_autoptr(DkvmSpec) copy = NULL;

	g_ptr_array_add(spec->disks, dkvm_disk_new("/dev/disk/by-id/nvme-x"));
	g_ptr_array_add(spec->cdroms, g_strdup("/data/iso/debian.iso"));
	copy = dkvm_spec_copy(spec);
	g_assert_cmpuint(copy->disks->len, ==, 1);
	g_assert_true(((DkvmDisk *)g_ptr_array_index(copy->disks, 0))->is_block);
	g_assert_cmpstr(g_ptr_array_index(copy->cdroms, 0), ==, "/data/iso/debian.iso");
	g_assert_false(copy->tpm);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/spec/size", test_size);
	g_test_add_func("/spec/cpu-list", test_cpu_list);
	g_test_add_func("/spec/pci-usb", test_pci_usb);
	g_test_add_func("/spec/validate", test_validate);
	g_test_add_func("/spec/copy", test_copy);
	return g_test_run();
}
