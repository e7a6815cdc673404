/*
 * domains/boot-cmdline.c: the boot stick's kernel options, on files laid
 * out as Alpine's boot media are (test/data/boot/README.md says where they
 * come from). Goldens for a whole change; the rules one by one: other
 * options kept as written and in order, idempotence, the IOMMU option by
 * vendor, the kernel's spellings, bad values refused with their reason.
 */
#include <string.h>

#include "boot-cmdline.h"
#include "dkvm-error.h"

static gchar *
data_path(const gchar *name)
{
	return g_build_filename(g_getenv("DKVM_TEST_DATA"), "boot", name, NULL);
}

static gchar *
read_data(const gchar *name)
{
	g_autofree gchar *path = data_path(name);
	gchar *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return text;
}

static void
check_golden(const gchar *name, const gchar *text)
{
	g_autofree gchar *path = data_path(name);
	g_autofree gchar *expected = NULL;

	if (g_strcmp0(g_getenv("DKVM_TEST_REGENERATE"), "1") == 0)
		g_assert_true(g_file_set_contents(path, text, -1, NULL));
	g_assert_true(g_file_get_contents(path, &expected, NULL, NULL));
	g_assert_cmpstr(text, ==, expected);
}

static DkvmBootChange *
parse(const gchar *vendor, const gchar *const *sets, const gchar *const *unsets)
{
	DkvmBootChange *change = dkvm_boot_change_new(vendor);

	for (guint i = 0; sets != NULL && sets[i] != NULL; i++) {
		g_autoptr(GError) error = NULL;
		g_assert_true(dkvm_boot_change_parse(change, sets[i], TRUE, &error));
		g_assert_no_error(error);
	}
	for (guint i = 0; unsets != NULL && unsets[i] != NULL; i++) {
		g_autoptr(GError) error = NULL;
		g_assert_true(dkvm_boot_change_parse(change, unsets[i], FALSE, &error));
		g_assert_no_error(error);
	}
	return change;
}

static const gchar *const golden_sets[] = {
	"iommu", "iommu-pt", "hugepages=1G:4", "isolate=2-7", "efifb-off", NULL,
};

/* Both Alpine files: the change lands on the kernel entry only, the same
 * options in both; a second application gives the same text back. */
static void
test_golden(void)
{
	static const struct {
		DkvmBootLoader loader;
		const gchar *input, *golden;
	} files[] = {
		{ DKVM_BOOT_LOADER_SYSLINUX, "alpine-syslinux.cfg", "alpine-syslinux.changed.cfg" },
		{ DKVM_BOOT_LOADER_GRUB, "alpine-grub.cfg", "alpine-grub.changed.cfg" },
	};
	g_autoptr(DkvmBootChange) change = parse("AuthenticAMD", golden_sets, NULL);
	gchar *options[2] = { NULL, NULL };

	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree gchar *text = read_data(files[i].input);
		g_autoptr(GError) error = NULL;
		g_autofree gchar *changed =
		        dkvm_boot_config_apply(files[i].loader, text, change, &error);
		g_autofree gchar *again = NULL;

		g_assert_no_error(error);
		check_golden(files[i].golden, changed);
		again = dkvm_boot_config_apply(files[i].loader, changed, change, &error);
		g_assert_no_error(error);
		g_assert_cmpstr(again, ==, changed);
		options[i] = dkvm_boot_config_get_options(files[i].loader, changed, &error);
		g_assert_no_error(error);
	}
	g_assert_cmpstr(options[0], ==, options[1]);
	g_assert_cmpstr(options[0], ==,
	                "modules=loop,squashfs,sd-mod,usb-storage quiet console=tty0 "
	                "console=ttyS0,115200 video=HDMI-A-1:1920x1080@60 intel_iommu=off "
	                "dyndbg=\"file drivers/vfio/* +p\" amd_iommu=on iommu=pt hugepagesz=1G "
	                "hugepages=4 isolcpus=2-7 nohz_full=2-7 rcu_nocbs=2-7 video=efifb:off");
	g_free(options[0]);
	g_free(options[1]);
}

static gchar *
apply(const gchar *options, const gchar *vendor, const gchar *const *sets,
      const gchar *const *unsets)
{
	g_autoptr(DkvmBootChange) change = parse(vendor, sets, unsets);

	return dkvm_boot_options_apply(options, change);
}

/* Options DKVM does not manage keep their text and order; a managed one
 * already right stays in its place; the init's part after "--" stays last. */
static void
test_others_kept(void)
{
	const gchar *options = "root=/dev/sda1 iommu=pt foo=\"a  b\" video=DP-1:d -- single x=1";
	const gchar *sets[] = { "iommu-pt", "efifb-off", NULL };
	g_autofree gchar *out = apply(options, NULL, sets, NULL);
	const gchar *unsets[] = { "iommu-pt", NULL };
	g_autofree gchar *removed = apply(out, NULL, NULL, unsets);

	g_assert_cmpstr(out, ==,
	                "root=/dev/sda1 iommu=pt foo=\"a  b\" video=DP-1:d video=efifb:off -- "
	                "single x=1");
	g_assert_cmpstr(removed, ==,
	                "root=/dev/sda1 foo=\"a  b\" video=DP-1:d video=efifb:off -- single x=1");
}

/* Nothing to do gives the options back byte for byte, blanks included. */
static void
test_idempotent(void)
{
	const gchar *options = "quiet  intel_iommu=on\tiommu=pt";
	const gchar *sets[] = { "iommu", "iommu-pt", NULL };
	g_autofree gchar *out = apply(options, "GenuineIntel", sets, NULL);
	g_autofree gchar *empty = apply(options, NULL, NULL, NULL);

	g_assert_cmpstr(out, ==, options);
	g_assert_cmpstr(empty, ==, options);
}

/* iommu by vendor: the vendor's option (the other vendor's kept, harmless),
 * both for an unknown vendor; --unset removes both. A changed value moves
 * the option to the end with its new value. */
static void
test_iommu_vendor(void)
{
	const gchar *sets[] = { "iommu", NULL };
	const gchar *unsets[] = { "iommu", NULL };
	const gchar *isolate[] = { "isolate=8-15", NULL };
	g_autofree gchar *intel = apply("quiet amd_iommu=on", "GenuineIntel", sets, NULL);
	g_autofree gchar *amd = apply("quiet intel_iommu=off", "AuthenticAMD", sets, NULL);
	g_autofree gchar *any = apply("quiet", NULL, sets, NULL);
	g_autofree gchar *none = apply("intel_iommu=on quiet amd_iommu=on", NULL, NULL, unsets);
	g_autofree gchar *moved = apply("isolcpus=2-7 quiet nohz_full=2-7", NULL, isolate, NULL);

	g_assert_cmpstr(intel, ==, "quiet amd_iommu=on intel_iommu=on");
	g_assert_cmpstr(amd, ==, "quiet intel_iommu=off amd_iommu=on");
	g_assert_cmpstr(any, ==, "quiet intel_iommu=on amd_iommu=on");
	g_assert_cmpstr(none, ==, "quiet");
	g_assert_cmpstr(moved, ==, "quiet isolcpus=8-15 nohz_full=8-15 rcu_nocbs=8-15");
}

/* The kernel's spellings name the same managed options. */
static void
test_kernel_spellings(void)
{
	const gchar *kernel[] = { "intel_iommu=on",  "iommu=pt",
		                  "video=efifb:off", "pcie_acs_override=id:10de:1b80",
		                  "isolcpus=3,2,4",  NULL };
	const gchar *dkvm[] = { "iommu",       "iommu-pt", "efifb-off", "acs-override=id:10de:1b80",
		                "isolate=2-4", NULL };
	g_autofree gchar *a = apply("quiet", "GenuineIntel", kernel, NULL);
	g_autofree gchar *b = apply("quiet", "GenuineIntel", dkvm, NULL);

	g_assert_cmpstr(a, ==, b);
	g_assert_cmpstr(a, ==,
	                "quiet intel_iommu=on iommu=pt isolcpus=2-4 nohz_full=2-4 rcu_nocbs=2-4 "
	                "video=efifb:off pcie_acs_override=id:10de:1b80");
}

/* Every bad value is refused with its reason; nothing is half-set. */
static void
test_refused(void)
{
	static const struct {
		const gchar *arg;
		gboolean set;
		const gchar *message;
	} cases[] = {
		{ "vfio-pci.ids=10de:1b80", TRUE,
		  "'vfio-pci.ids=10de:1b80' is not an option DKVM manages (iommu, iommu-pt, "
		  "hugepages, isolate, efifb-off, acs-override); edit others in the boot "
		  "loader's files" },
		{ "isolate", TRUE,
		  "isolate needs a CPU list (isolate=2-7,10-15), or use --isolate VM" },
		{ "isolate=7-2", TRUE, NULL },
		{ "hugepages=4G:1", TRUE, "hugepages: page size '4G' is not 2M or 1G" },
		{ "hugepages=1G:0", TRUE,
		  "hugepages: '1G:0' is not SIZE:COUNT (e.g. 1G:8 or 2M:1024)" },
		{ "hugepages=1G:2,1G:4", TRUE, "hugepages: page size 1G given twice" },
		{ "hugepages", TRUE,
		  "hugepages needs SIZE:COUNT (hugepages=1G:8), or use --hugepages for the defined "
		  "VMs' pages" },
		{ "acs-override=everything", TRUE,
		  "acs-override: 'everything' is not downstream, multifunction or id:vvvv:dddd" },
		{ "acs-override=id:10de", TRUE,
		  "acs-override: 'id:10de' is not downstream, multifunction or id:vvvv:dddd" },
		{ "iommu=off", TRUE,
		  "iommu takes no value ('off'): --set iommu adds it, --unset iommu removes it" },
		{ "efifb-off=1", TRUE,
		  "efifb-off takes no value ('1'): --set efifb-off adds it, --unset efifb-off "
		  "removes it" },
		{ "isolate=2-3", FALSE, "--unset isolate takes no value: it removes the option" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(DkvmBootChange) change = dkvm_boot_change_new(NULL);
		g_autoptr(GError) error = NULL;

		g_assert_false(dkvm_boot_change_parse(change, cases[i].arg, cases[i].set, &error));
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		if (cases[i].message != NULL)
			g_assert_cmpstr(error->message, ==, cases[i].message);
		g_assert_true(dkvm_boot_change_is_empty(change));
	}
}

/* A file without a kernel entry is refused, not given an empty line. */
static void
test_no_entry(void)
{
	g_autoptr(DkvmBootChange) change = parse(NULL, golden_sets, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *out =
	        dkvm_boot_config_apply(DKVM_BOOT_LOADER_GRUB, "set timeout=1\n", change, &error);

	g_assert_null(out);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==, "no kernel entry (an 'linux' line) found");
}

/* A syslinux file with CRLF line ends keeps them; keywords in any case. */
static void
test_crlf(void)
{
	const gchar *sets[] = { "iommu-pt", NULL };
	g_autoptr(DkvmBootChange) change = parse(NULL, sets, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *out = dkvm_boot_config_apply(
	        DKVM_BOOT_LOADER_SYSLINUX, "LABEL a\r\n  append quiet\r\n", change, &error);

	g_assert_no_error(error);
	g_assert_cmpstr(out, ==, "LABEL a\r\n  append quiet iommu=pt\r\n");
}

/* A new image: Alpine's boot options, DKVM's defaults, the change; the
 * same options read back from both generated files. */
static void
test_initial(void)
{
	const gchar *sets[] = { "efifb-off", NULL };
	const gchar *unsets[] = { "iommu-pt", NULL };
	g_autoptr(DkvmBootChange) change = parse(NULL, sets, unsets);
	g_autofree gchar *options = dkvm_boot_options_initial(change);
	g_autofree gchar *syslinux = dkvm_boot_config_generate(DKVM_BOOT_LOADER_SYSLINUX, options);
	g_autofree gchar *grub = dkvm_boot_config_generate(DKVM_BOOT_LOADER_GRUB, options);
	g_autofree gchar *back1 = NULL, *back2 = NULL;

	g_assert_cmpstr(options, ==,
	                "modules=loop,squashfs,sd-mod,usb-storage modloop=/boot/modloop-lts quiet "
	                "intel_iommu=on amd_iommu=on video=efifb:off");
	back1 = dkvm_boot_config_get_options(DKVM_BOOT_LOADER_SYSLINUX, syslinux, NULL);
	back2 = dkvm_boot_config_get_options(DKVM_BOOT_LOADER_GRUB, grub, NULL);
	g_assert_cmpstr(back1, ==, options);
	g_assert_cmpstr(back2, ==, options);
	g_assert_nonnull(
	        strstr(syslinux, "\tKERNEL /boot/vmlinuz-lts\n\tINITRD /boot/initramfs-lts\n"));
	g_assert_nonnull(strstr(grub, "\tinitrd\t/boot/initramfs-lts\n"));
}

/* What `dkvm host cmdline` shows per managed option. */
static void
test_owned(void)
{
	const gchar *options = "quiet amd_iommu=on intel_iommu=on hugepagesz=2M hugepages=64 "
	                       "video=efifb:off video=DP-1:d";
	g_autofree gchar *iommu = dkvm_boot_options_owned(options, DKVM_BOOT_OPT_IOMMU);
	g_autofree gchar *pages = dkvm_boot_options_owned(options, DKVM_BOOT_OPT_HUGEPAGES);
	g_autofree gchar *efifb = dkvm_boot_options_owned(options, DKVM_BOOT_OPT_EFIFB_OFF);
	g_autofree gchar *acs = dkvm_boot_options_owned(options, DKVM_BOOT_OPT_ACS_OVERRIDE);

	g_assert_cmpstr(iommu, ==, "amd_iommu=on intel_iommu=on");
	g_assert_cmpstr(pages, ==, "hugepagesz=2M hugepages=64");
	g_assert_cmpstr(efifb, ==, "video=efifb:off");
	g_assert_cmpstr(acs, ==, "");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/boot-cmdline/golden", test_golden);
	g_test_add_func("/boot-cmdline/others-kept", test_others_kept);
	g_test_add_func("/boot-cmdline/idempotent", test_idempotent);
	g_test_add_func("/boot-cmdline/iommu-vendor", test_iommu_vendor);
	g_test_add_func("/boot-cmdline/kernel-spellings", test_kernel_spellings);
	g_test_add_func("/boot-cmdline/refused", test_refused);
	g_test_add_func("/boot-cmdline/no-entry", test_no_entry);
	g_test_add_func("/boot-cmdline/crlf", test_crlf);
	g_test_add_func("/boot-cmdline/initial", test_initial);
	g_test_add_func("/boot-cmdline/owned", test_owned);
	return g_test_run();
}
