/*
 * The data partition (data-partition.h). The label's link in
 * /dev/disk/by-label names the block device ("../../nvme0n1p1"); /proc/mounts
 * says where it is mounted, under any name of the device (/dev/nvme0n1p1 or
 * a /dev/disk/by-* link). /proc/mounts is read through dkvm_host_path, as
 * the boot medium's finder reads it: host fixtures hold proc/mounts (umockdev
 * would take /proc/self/mounts from the machine running the test). The mount
 * point is a path of the host's tree, so it is read under the same root.
 */
#include "data-partition.h"

#include <string.h>

#include "dkvm-error.h"
#include "host-path.h"
#include "string-order.h"

void
dkvm_data_partition_free(DkvmDataPartition *self)
{
	if (self == NULL)
		return;
	g_free(self->label);
	g_free(self->device);
	g_free(self->mount_point);
	g_free(self->dir);
	g_free(self);
}

/* "nvme0n1p1" for /dev/nvme0n1p1 or any /dev/disk/by-* link to it */
static gchar *
block_name(const gchar *dev_path)
{
	g_autofree gchar *target = g_file_read_link(dev_path, NULL);
	return g_path_get_basename(target != NULL ? target : dev_path);
}

static gchar *
find_mount(const gchar *block, const gchar *mounts)
{
	g_auto(GStrv) lines = g_strsplit(mounts != NULL ? mounts : "", "\n", -1);
	gchar *found = NULL;

	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit_set(lines[i], " \t", 3);
		g_autofree gchar *source = NULL;
		g_autofree gchar *name = NULL;

		if (g_strv_length(f) < 2 || !g_str_has_prefix(f[0], "/dev/"))
			continue;
		source = g_strcompress(f[0]);
		name = block_name(source);
		if (g_str_equal(name, block)) {
			/* the last mount of it is the one on top */
			g_free(found);
			found = g_strcompress(f[1]);
		}
	}
	return found;
}

DkvmDataPartition *
dkvm_data_partition_find(const gchar *label, GError **error)
{
	g_autoptr(DkvmDataPartition) self = g_new0(DkvmDataPartition, 1);
	g_autofree gchar *link = g_build_filename("/dev/disk/by-label", label, NULL);
	g_autofree gchar *target = g_file_read_link(link, NULL);
	g_autofree gchar *mounts_path = dkvm_host_path("proc/mounts");
	g_autofree gchar *mounts = NULL;
	g_autofree gchar *block = NULL;

	if (target == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
		            "no data partition: no partition is labelled %s\n"
		            "hint: label a partition %s (or set data_label in dkvm.conf)",
		            label, label);
		return NULL;
	}
	block = g_path_get_basename(target);
	g_file_get_contents(mounts_path, &mounts, NULL, NULL);
	self->label = g_strdup(label);
	self->device = g_strconcat("/dev/", block, NULL);
	self->mount_point = find_mount(block, mounts);
	if (self->mount_point == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
		            "the data partition %s (%s) is not mounted\n"
		            "hint: mount it (DKVM's boot mounts it before libvirtd starts)",
		            label, self->device);
		return NULL;
	}
	self->dir = dkvm_host_path(self->mount_point + 1);
	return g_steal_pointer(&self);
}

static gboolean
has_suffix(const gchar *name, const gchar *const *suffixes)
{
	g_autofree gchar *lower = g_ascii_strdown(name, -1);

	for (guint i = 0; suffixes[i] != NULL; i++) {
		if (g_str_has_suffix(lower, suffixes[i]))
			return TRUE;
	}
	return FALSE;
}

static void
collect(const gchar *dir, const gchar *const *suffixes, guint depth, GPtrArray *out)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const gchar *name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree gchar *path = NULL;

		if (name[0] == '.' || g_str_equal(name, "lost+found"))
			continue;
		path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
			if (depth > 0)
				collect(path, suffixes, depth - 1, out);
		} else if (has_suffix(name, suffixes)) {
			g_ptr_array_add(out, g_steal_pointer(&path));
		}
	}
}

GPtrArray *
dkvm_data_partition_list(const DkvmDataPartition *self, const gchar *const *suffixes,
                         GError **error)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) local = NULL;
	g_autoptr(GDir) top = g_dir_open(self->dir, 0, &local);

	if (top == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO,
		            "cannot read the data partition %s at %s: %s", self->label,
		            self->mount_point, local->message);
		return NULL;
	}
	collect(self->dir, suffixes, 1, files);
	g_ptr_array_sort(files, dkvm_compare_strings);
	return g_steal_pointer(&files);
}
