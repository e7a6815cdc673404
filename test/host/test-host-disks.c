/*
 * Disk and data partition discovery on the demo host under umockdev: the
 * disks the by-id links name (partitions, the boot stick and duplicate names
 * left out, the disk holding a mounted partition marked), and the data
 * partition found by its label and mount. Run by umockdev-wrapper with
 * UMOCKDEV_DIR set to the demo host (meson).
 */
#include <glib.h>

#include "data-partition.h"
#include "dkvm-error.h"
#include "host-disks.h"

static gchar *
demo_cmdline(void)
{
	g_autofree gchar *cmdline = NULL;

	/* the fixture's own /proc/cmdline, through the preload */
	g_assert_true(g_file_get_contents("/proc/cmdline", &cmdline, NULL, NULL));
	return g_strdup(g_strstrip(cmdline));
}

static void
test_disks(void)
{
	g_autofree gchar *cmdline = demo_cmdline();
	g_autoptr(GPtrArray) disks = dkvm_host_read_disks(cmdline);
	const DkvmHostDisk *sata, *nvme;

	/* sdb (the boot stick), nvme0n1p1 (a partition), wwn-/nvme-eui. (second
	 * names of the same disks) are not listed */
	g_assert_cmpuint(disks->len, ==, 2);
	sata = g_ptr_array_index(disks, 0);
	nvme = g_ptr_array_index(disks, 1);
	g_assert_cmpstr(sata->path, ==,
	                "/dev/disk/by-id/ata-Samsung_SSD_870_EVO_2TB_S6PNNX0T123456B");
	g_assert_cmpstr(sata->kernel_name, ==, "sda");
	/* SCSI pads the model to 16 characters; the reader strips it */
	g_assert_cmpstr(sata->model, ==, "Samsung SSD 870");
	g_assert_cmpuint(sata->size_bytes, ==, G_GUINT64_CONSTANT(3907029168) * 512);
	g_assert_null(sata->in_use);
	g_assert_cmpstr(nvme->path, ==,
	                "/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456A");
	g_assert_cmpstr(nvme->kernel_name, ==, "nvme0n1");
	g_assert_cmpstr(nvme->model, ==, "Samsung SSD 970 EVO Plus 1TB");
	g_assert_cmpuint(nvme->size_bytes, ==, G_GUINT64_CONSTANT(1953525168) * 512);
	g_assert_cmpstr(nvme->in_use, ==, "/dev/nvme0n1p1 is mounted at /media/dkvmdata");
}

static void
test_id_rank(void)
{
	g_assert_cmpuint(dkvm_host_disk_id_rank("ata-Samsung_SSD_870_EVO_2TB_X"), ==, 0);
	g_assert_cmpuint(dkvm_host_disk_id_rank("usb-SanDisk_Cruzer_X-0:0"), ==, 0);
	g_assert_cmpuint(dkvm_host_disk_id_rank("wwn-0x5002538f3210abcd"), >, 0);
	g_assert_cmpuint(dkvm_host_disk_id_rank("nvme-eui.0025385b71b2c0a1"), >, 0);
	g_assert_cmpuint(dkvm_host_disk_id_rank("nvme-nvme.144d-533445"), >, 0);
}

static void
test_data_partition(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDataPartition) data = dkvm_data_partition_find("DKVMDATA", &error);
	g_autoptr(DkvmDataPartition) stick = dkvm_data_partition_find("DKVM", &error);
	g_autoptr(DkvmDataPartition) missing = NULL;

	g_assert_no_error(error);
	g_assert_cmpstr(data->device, ==, "/dev/nvme0n1p1");
	g_assert_cmpstr(data->mount_point, ==, "/media/dkvmdata");
	g_assert_cmpstr(data->dir, ==, "/media/dkvmdata");
	/* any label works: the boot stick's partition, where Alpine mounts it */
	g_assert_cmpstr(stick->device, ==, "/dev/sdb1");
	g_assert_cmpstr(stick->mount_point, ==, "/media/sdb1");
	missing = dkvm_data_partition_find("VMDATA", &error);
	g_assert_null(missing);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==,
	                "no data partition: no partition is labelled VMDATA\n"
	                "hint: label a partition VMDATA (or set data_label in dkvm.conf)");
}

/* The mount point is a path of the host's tree: under DKVM_SYSFS_ROOT (the
 * demo tree) its files are the fixture's. */
static void
test_data_partition_files(void)
{
	const gchar *const isos[] = { ".iso", NULL };
	const gchar *const images[] = { ".qcow2", ".img", ".raw", NULL };
	const gchar *root = g_getenv("UMOCKDEV_DIR");
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDataPartition) data = NULL;
	g_autoptr(GPtrArray) found = NULL;
	g_autoptr(GPtrArray) found_images = NULL;
	g_autofree gchar *dir = NULL;
	g_autofree gchar *iso0 = NULL;
	g_autofree gchar *iso1 = NULL;
	g_autofree gchar *image = NULL;

	g_assert_nonnull(root);
	g_setenv("DKVM_SYSFS_ROOT", root, TRUE);
	data = dkvm_data_partition_find("DKVMDATA", &error);
	g_assert_no_error(error);
	dir = g_build_filename(root, "media", "dkvmdata", NULL);
	g_assert_cmpstr(data->dir, ==, dir);
	found = dkvm_data_partition_list(data, isos, &error);
	g_assert_no_error(error);
	iso0 = g_build_filename(dir, "isos", "Win11_23H2_English_x64.iso", NULL);
	iso1 = g_build_filename(dir, "isos", "debian-12.5.0-amd64-netinst.iso", NULL);
	g_assert_cmpuint(found->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(found, 0), ==, iso0);
	g_assert_cmpstr(g_ptr_array_index(found, 1), ==, iso1);
	found_images = dkvm_data_partition_list(data, images, &error);
	g_assert_no_error(error);
	image = g_build_filename(dir, "images", "games.qcow2", NULL);
	g_assert_cmpuint(found_images->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(found_images, 0), ==, image);
	g_unsetenv("DKVM_SYSFS_ROOT");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/host-disks/disks", test_disks);
	g_test_add_func("/host-disks/id-rank", test_id_rank);
	g_test_add_func("/host-disks/data-partition", test_data_partition);
	g_test_add_func("/host-disks/data-partition-files", test_data_partition_files);
	return g_test_run();
}
