/*
 * The kernel command line parser against the kernel's own rules: blanks
 * separate options, double quotes group, '-' and '_' are the same in names,
 * the last occurrence wins, hugepagesz/hugepages pairs accumulate, "--" ends
 * the kernel's part; plus the boot-medium finder on Alpine's mount tables.
 */
#include "host-bootdev.h"
#include "host-cmdline.h"

static void
test_parse(void)
{
	DkvmKernelCmdline c = { 0 };

	dkvm_kernel_cmdline_parse(
	        "BOOT_IMAGE=/boot/vmlinuz-lts modules=loop,squashfs,sd-mod,usb-storage "
	        "quiet intel_iommu=on,igfx_off iommu=pt pcie_acs_override=downstream,multifunction "
	        "isolcpus=\"2-7,10-15\" nohz_full=2-7 rcu_nocbs=2-7 default_hugepagesz=1G "
	        "hugepagesz=1G hugepages=16 hugepagesz=2M hugepages=512 vfio-pci.ids=10de:2204,"
	        "10de:1aef amd_iommu=off amd_iommu=on -- init_arg vfio_pci.ids=dead:beef\n",
	        &c);
	g_assert_cmpstr(c.intel_iommu, ==, "on,igfx_off");
	g_assert_cmpstr(c.iommu, ==, "pt");
	g_assert_cmpstr(c.pcie_acs_override, ==, "downstream,multifunction");
	g_assert_cmpstr(c.isolcpus, ==, "2-7,10-15");
	g_assert_cmpstr(c.nohz_full, ==, "2-7");
	g_assert_cmpstr(c.rcu_nocbs, ==, "2-7");
	g_assert_cmpstr(c.default_hugepagesz, ==, "1G");
	g_assert_cmpstr(c.hugepagesz, ==, "1G,2M");
	g_assert_cmpstr(c.hugepages, ==, "16,512");
	/* '-' and '_' alike; what follows "--" belongs to init */
	g_assert_cmpstr(c.vfio_pci_ids, ==, "10de:2204,10de:1aef");
	g_assert_cmpstr(c.amd_iommu, ==, "on");
	g_assert_true(g_str_has_suffix(c.raw, "vfio_pci.ids=dead:beef"));

	/* parsing again clears what was there */
	dkvm_kernel_cmdline_parse("quiet \"pcie_acs_override=id:1022:43c6\" iommu", &c);
	g_assert_null(c.intel_iommu);
	g_assert_null(c.hugepages);
	g_assert_cmpstr(c.pcie_acs_override, ==, "id:1022:43c6");
	g_assert_cmpstr(c.iommu, ==, "");

	dkvm_kernel_cmdline_parse("", &c);
	g_assert_null(c.iommu);
	g_assert_cmpstr(c.raw, ==, "");
	dkvm_kernel_cmdline_parse("unterminated=\"a b", &c);
	g_assert_null(c.iommu);
	dkvm_kernel_cmdline_parse("x", &c); /* frees the previous values */
	g_free(c.raw);
}

static void
test_get(void)
{
	g_autofree gchar *dev = dkvm_kernel_cmdline_get(
	        "modloop=/boot/modloop-lts alpine_dev=UUID=1A2B-3C4D:vfat quiet", "alpine_dev");
	g_autofree gchar *none = dkvm_kernel_cmdline_get("quiet", "alpine_dev");
	g_assert_cmpstr(dev, ==, "UUID=1A2B-3C4D:vfat");
	g_assert_null(none);
}

static void
test_boot_block(void)
{
	const gchar *alpine_mounts = "rootfs / rootfs rw 0 0\n"
	                             "/dev/sdb1 /media/sdb1 vfat ro,relatime 0 0\n"
	                             "/dev/loop0 /.modloop squashfs ro 0 0\n";
	g_autofree gchar *by_name = dkvm_host_find_boot_block("alpine_dev=sdc1:vfat", "");
	g_autofree gchar *by_media = dkvm_host_find_boot_block("quiet", alpine_mounts);
	g_autofree gchar *by_root =
	        dkvm_host_find_boot_block("root=/dev/nvme0n1p2", "/dev/nvme0n1p2 / ext4 rw 0 0\n");
	g_autofree gchar *none = dkvm_host_find_boot_block("quiet", "rootfs / rootfs rw 0 0\n");
	g_autofree gchar *wildcard =
	        dkvm_host_find_boot_block("alpine_dev=usbdisk:vfat", alpine_mounts);

	g_assert_cmpstr(by_name, ==, "sdc1");
	g_assert_cmpstr(by_media, ==, "sdb1");
	g_assert_cmpstr(by_root, ==, "nvme0n1p2");
	g_assert_null(none);
	g_assert_cmpstr(wildcard, ==, "sdb1");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/host/cmdline/parse", test_parse);
	g_test_add_func("/host/cmdline/get", test_get);
	g_test_add_func("/host/bootdev/find", test_boot_block);
	return g_test_run();
}
