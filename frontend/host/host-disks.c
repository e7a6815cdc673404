/*
 * Whole disks by their /dev/disk/by-id names (see host-disks.h). Each link's
 * target ("../../sda") names the kernel's block device; its size and model
 * come from /sys/class/block/<dev>. Reads go through plain file calls, so
 * under umockdev the /dev links and /sys files are the fixture's; /proc/mounts
 * is read through dkvm_host_path like the boot medium's finder reads it (the
 * fixtures hold proc/mounts, not proc/self/mounts, which umockdev would take
 * from the machine running the test).
 */
#include "host-disks.h"

#include <string.h>

#include "host-bootdev.h"
#include "host-path.h"
#include "host-sysfs.h"

#define BY_ID_DIR "/dev/disk/by-id"

void
dkvm_host_disk_free(DkvmHostDisk *self)
{
	if (self == NULL)
		return;
	g_free(self->path);
	g_free(self->kernel_name);
	g_free(self->model);
	g_free(self->in_use);
	g_free(self);
}

guint
dkvm_host_disk_id_rank(const gchar *id)
{
	/* numbers for machines (WWN, EUI, NVMe's own duplicate) say nothing to
	 * a person; bus-model-serial ids name the drive */
	static const gchar *const opaque[] = { "wwn-", "nvme-eui.", "nvme-nvme.", "scsi-", NULL };

	for (guint i = 0; opaque[i] != NULL; i++) {
		if (g_str_has_prefix(id, opaque[i]))
			return i + 1;
	}
	return 0;
}

/* The partition @name's whole disk ("sdb1" -> "sdb"), from sysfs's nesting;
 * @name itself when it is no partition. */
static gchar *
whole_disk_of(const gchar *name)
{
	g_autofree gchar *partition = dkvm_host_pathf("sys/class/block/%s/partition", name);
	g_autofree gchar *link = dkvm_host_pathf("sys/class/block/%s", name);
	g_autofree gchar *target = NULL;
	g_autofree gchar *parent = NULL;

	if (!g_file_test(partition, G_FILE_TEST_EXISTS))
		return g_strdup(name);
	target = g_file_read_link(link, NULL);
	if (target == NULL)
		return g_strdup(name);
	parent = g_path_get_dirname(target);
	return g_path_get_basename(parent);
}

/* "/media/dkvmdata" for the first mount of a partition of @disk, NULL if none. */
static gchar *
mounted_partition(const gchar *disk, const gchar *mounts)
{
	g_auto(GStrv) lines = g_strsplit(mounts != NULL ? mounts : "", "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit_set(lines[i], " \t", 3);
		g_autofree gchar *source = NULL;
		g_autofree gchar *point = NULL;
		g_autofree gchar *target = NULL;
		g_autofree gchar *name = NULL;
		g_autofree gchar *whole = NULL;

		if (g_strv_length(f) < 2 || !g_str_has_prefix(f[0], "/dev/"))
			continue;
		source = g_strcompress(f[0]);
		point = g_strcompress(f[1]);
		/* /dev/disk/by-label/X and the like name the device through a link */
		target = g_file_read_link(source, NULL);
		name = g_path_get_basename(target != NULL ? target : source);
		whole = whole_disk_of(name);
		if (g_str_equal(whole, disk))
			return g_strdup_printf("/dev/%s is mounted at %s", name, point);
	}
	return NULL;
}

static gint
disk_cmp(gconstpointer a, gconstpointer b)
{
	const DkvmHostDisk *x = *(DkvmHostDisk *const *)a, *y = *(DkvmHostDisk *const *)b;
	return g_strcmp0(x->path, y->path);
}

static DkvmHostDisk *
read_disk(const gchar *id, const gchar *kernel_name, const gchar *mounts)
{
	DkvmHostDisk *disk = g_new0(DkvmHostDisk, 1);
	g_autofree gchar *size_path = dkvm_host_pathf("sys/class/block/%s/size", kernel_name);
	g_autofree gchar *model_path =
	        dkvm_host_pathf("sys/class/block/%s/device/model", kernel_name);
	gint64 sectors = 0;

	disk->path = g_build_filename(BY_ID_DIR, id, NULL);
	disk->kernel_name = g_strdup(kernel_name);
	disk->model = dkvm_sysfs_read(model_path);
	if (disk->model != NULL && *disk->model == '\0')
		g_clear_pointer(&disk->model, g_free);
	/* the kernel counts 512-byte sectors whatever the drive's own sector size */
	if (dkvm_sysfs_read_int(size_path, &sectors) && sectors > 0)
		disk->size_bytes = (guint64)sectors * 512;
	disk->in_use = mounted_partition(kernel_name, mounts);
	return disk;
}

GPtrArray *
dkvm_host_read_disks(const gchar *cmdline)
{
	GPtrArray *disks = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_host_disk_free);
	g_autoptr(GHashTable) best = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autofree gchar *mounts_path = dkvm_host_path("proc/mounts");
	g_autofree gchar *mounts = NULL;
	g_autofree gchar *boot = NULL;
	g_autofree gchar *boot_disk = NULL;
	g_autoptr(GDir) dir = g_dir_open(BY_ID_DIR, 0, NULL);
	GHashTableIter iter;
	gpointer key, value;
	const gchar *id;

	if (dir == NULL)
		return disks;
	g_file_get_contents(mounts_path, &mounts, NULL, NULL);
	boot = dkvm_host_find_boot_block(cmdline, mounts);
	boot_disk = boot != NULL ? whole_disk_of(boot) : NULL;
	while ((id = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *link = g_build_filename(BY_ID_DIR, id, NULL);
		g_autofree gchar *target = g_file_read_link(link, NULL);
		g_autofree gchar *name = NULL;
		g_autofree gchar *partition = NULL;
		const gchar *known;

		if (target == NULL)
			continue;
		name = g_path_get_basename(target);
		partition = dkvm_host_pathf("sys/class/block/%s/partition", name);
		if (g_file_test(partition, G_FILE_TEST_EXISTS) || g_strcmp0(name, boot_disk) == 0)
			continue;
		/* the best id per device: lowest rank, then the shortest, then by name */
		known = g_hash_table_lookup(best, name);
		if (known != NULL) {
			guint r_new = dkvm_host_disk_id_rank(id),
			      r_old = dkvm_host_disk_id_rank(known);
			if (r_new > r_old || (r_new == r_old && (strlen(id) > strlen(known) ||
			                                         (strlen(id) == strlen(known) &&
			                                          strcmp(id, known) > 0))))
				continue;
		}
		g_hash_table_replace(best, g_strdup(name), g_strdup(id));
	}
	g_hash_table_iter_init(&iter, best);
	while (g_hash_table_iter_next(&iter, &key, &value))
		g_ptr_array_add(disks, read_disk(value, key, mounts));
	g_ptr_array_sort(disks, disk_cmp);
	return disks;
}

void
dkvm_host_mark_mounted_disks(DkvmHostFacts *facts)
{
	g_autofree gchar *mounts_path = dkvm_host_path("proc/mounts");
	g_autofree gchar *mounts = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(mounts_path, &mounts, NULL, NULL))
		return;
	lines = g_strsplit(mounts, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit_set(lines[i], " \t", 3);
		g_autofree gchar *source = NULL;
		g_autofree gchar *point = NULL;
		g_autofree gchar *target = NULL;
		g_autofree gchar *name = NULL;
		g_autofree gchar *reason = NULL;
		g_autofree gchar *usb_reason = NULL;

		/* loop devices (the modloop) sit on a file of another mount */
		if (g_strv_length(f) < 2 || !g_str_has_prefix(f[0], "/dev/") ||
		    g_str_has_prefix(f[0], "/dev/loop"))
			continue;
		source = g_strcompress(f[0]);
		point = g_strcompress(f[1]);
		target = g_file_read_link(source, NULL);
		name = g_path_get_basename(target != NULL ? target : source);
		usb_reason = g_strdup_printf("holds /dev/%s, mounted at %s", name, point);
		reason = g_strdup_printf("controller of /dev/%s, mounted at %s", name, point);
		dkvm_host_mark_block_carriers(facts, name, usb_reason, reason);
	}
}
