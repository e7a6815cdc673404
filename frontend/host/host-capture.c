/*
 * Host capture for bug reports and new fixtures. It records exactly what the
 * host-*.c readers look at, read through the same paths (so capturing under
 * umockdev records the fixture, which is how the round trip is tested):
 * /proc files, the CPU, node and hugepage trees, the hybrid PMU cpus lists,
 * IOMMU groups, PCI, USB and block devices with their attributes and the
 * `subsystem`, `driver` and `iommu_group` links, every ancestor directory's
 * uevent (libudev walks parents through them), and the kvm misc device with
 * /dev/kvm as an empty file (their existence is the fact). Symlinks are stored as symlinks with
 * their relative targets, as sysfs has them. libarchive writes a gzip'd pax
 * tarball to a temporary file that is renamed over FILE at the end.
 * Paths below are the kernel's ("/sys/..."): they are the archive's names;
 * /sys and /proc are read under DKVM_SYSFS_ROOT like every other host read.
 */
#include "host-capture.h"

#include <gmodule.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dkvm-error.h"
#include "host-path.h"
#include "host-sysfs.h"

typedef struct archive DkvmArchive;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmArchive, archive_write_free)
typedef struct archive_entry DkvmArchiveEntry;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmArchiveEntry, archive_entry_free)

typedef struct {
	struct archive *ar;
	GHashTable *done; /* paths already archived */
	GError *error;    /* first write error */
	guint entries;
} Capture;

static const gchar *const pci_files[] = { "vendor", "device", "class", "subsystem_vendor",
	                                  "subsystem_device", "revision", "config", "boot_vga",
	                                  "numa_node", "reset_method", "irq", "resource", "uevent",
	                                  "modalias", "d3cold_allowed",
	                                  /* resizable BARs (host-pci-state.c): 0-5 */
	                                  "resource0_resize", "resource1_resize",
	                                  "resource2_resize", "resource3_resize",
	                                  "resource4_resize", "resource5_resize", NULL };
static const gchar *const pci_links[] = { "driver", "iommu_group", "subsystem", NULL };
static const gchar *const usb_files[] = {
	"idVendor", "idProduct",    "manufacturer",    "product",
	"serial",   "speed",        "busnum",          "devnum",
	"devpath",  "bDeviceClass", "bInterfaceClass", "bNumInterfaces",
	"version",  "removable",    "uevent",          NULL
};
static const gchar *const block_files[] = { "dev", "size",   "removable", "partition",
	                                    "ro",  "uevent", NULL };

static const gchar *const subsystem_only[] = { "subsystem", NULL };

/* Where the kernel path @path is read: /sys and /proc under the root of
 * host paths (host-path.h); /dev as it is. */
static gchar *
real_path(const gchar *path)
{
	if (g_str_has_prefix(path, "/sys/") || g_str_has_prefix(path, "/proc/"))
		return dkvm_host_path(path + 1);
	return g_strdup(path);
}

/* dkvm_sysfs_list_dir on a kernel path. */
static GPtrArray *
list_dir(const gchar *dir, const gchar *prefix)
{
	g_autofree gchar *real = real_path(dir);

	return dkvm_sysfs_list_dir(real, prefix);
}

static void
write_entry(Capture *c, const gchar *path, mode_t type, const gchar *data, gsize len,
            const gchar *link_target)
{
	g_autoptr(DkvmArchiveEntry) e = archive_entry_new();

	if (c->error != NULL || g_hash_table_contains(c->done, path))
		return;
	g_hash_table_add(c->done, g_strdup(path));
	archive_entry_set_pathname(e, path + 1); /* "sys/...": relative to the fixture root */
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFLNK ? 0777 : 0644);
	archive_entry_set_mtime(e, 0, 0);
	if (type == AE_IFLNK)
		archive_entry_set_symlink(e, link_target);
	archive_entry_set_size(e, type == AE_IFREG ? (la_int64_t)len : 0);
	if (archive_write_header(c->ar, e) != ARCHIVE_OK ||
	    (len > 0 && archive_write_data(c->ar, data, len) != (la_ssize_t)len)) {
		g_set_error(&c->error, DKVM_ERROR, DKVM_ERROR_IO, "writing %s: %s", path,
		            archive_error_string(c->ar));
		return;
	}
	c->entries++;
}

/* Archives @path if it is a readable file or a symlink; absent paths are skipped. */
static void
add_path(Capture *c, const gchar *path)
{
	g_autofree gchar *real = real_path(path);
	g_autofree gchar *target = NULL;
	g_autofree gchar *data = NULL;
	gsize len = 0;

	target = g_file_read_link(real, NULL);
	if (target != NULL) {
		write_entry(c, path, AE_IFLNK, NULL, 0, target);
		return;
	}
	if (g_file_test(real, G_FILE_TEST_IS_DIR))
		return;
	if (!g_file_get_contents(real, &data, &len, NULL))
		return;
	write_entry(c, path, AE_IFREG, data, len, NULL);
}

static void
add_names(Capture *c, const gchar *dir, const gchar *const *names)
{
	for (guint i = 0; names[i] != NULL; i++) {
		g_autofree gchar *path = g_build_filename(dir, names[i], NULL);
		add_path(c, path);
	}
}

/* Every regular file and link directly in @dir. */
static void
add_dir_files(Capture *c, const gchar *dir)
{
	g_autoptr(GPtrArray) names = list_dir(dir, "");
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
		add_path(c, path);
	}
}

/* The directory a sysfs link points to, as an absolute kernel path (sysfs
 * links are relative, so this stays inside the tree). */
static gchar *
resolve_link(const gchar *link)
{
	g_autofree gchar *real = real_path(link);
	g_autofree gchar *target = g_file_read_link(real, NULL);
	g_autofree gchar *parent = NULL;

	if (target == NULL)
		return NULL;
	parent = g_path_get_dirname(link);
	return g_canonicalize_filename(target, parent);
}

/* uevent and subsystem of each ancestor of @dir up to /sys/devices. */
static void
add_ancestors(Capture *c, const gchar *dir)
{
	g_autofree gchar *cur = g_path_get_dirname(dir);

	while (g_str_has_prefix(cur, "/sys/devices/")) {
		g_autofree gchar *uevent = g_build_filename(cur, "uevent", NULL);
		g_autofree gchar *subsystem = g_build_filename(cur, "subsystem", NULL);
		gchar *up;
		add_path(c, uevent);
		add_path(c, subsystem);
		up = g_path_get_dirname(cur);
		g_free(cur);
		cur = up;
	}
}

/* Each link in @bus_dir (/sys/bus/pci/devices...), its device's @files and @links. */
static void
add_bus(Capture *c, const gchar *bus_dir, const gchar *const *files, const gchar *const *links)
{
	g_autoptr(GPtrArray) names = list_dir(bus_dir, "");

	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *link =
		        g_build_filename(bus_dir, g_ptr_array_index(names, i), NULL);
		g_autofree gchar *dev = resolve_link(link);
		add_path(c, link);
		if (dev == NULL)
			continue;
		add_names(c, dev, files);
		add_names(c, dev, links != NULL ? links : subsystem_only);
		add_ancestors(c, dev);
	}
}

static void
add_cpus(Capture *c)
{
	const gchar *const cpu_top[] = { "online",   "possible",   "present", "offline",
		                         "isolated", "kernel_max", NULL };
	const gchar *const cache_files[] = {
		"level", "type", "size", "shared_cpu_list", "id", NULL
	};
	g_autoptr(GPtrArray) cpus = list_dir("/sys/devices/system/cpu", "cpu");

	add_names(c, "/sys/devices/system/cpu", cpu_top);
	for (guint i = 0; i < cpus->len; i++) {
		guint n;
		if (!dkvm_sysfs_name_number(g_ptr_array_index(cpus, i), "cpu", &n))
			continue;
		g_autofree gchar *dir = g_strdup_printf("/sys/devices/system/cpu/cpu%u", n);
		g_autofree gchar *online = g_build_filename(dir, "online", NULL);
		g_autofree gchar *topo = g_build_filename(dir, "topology", NULL);
		g_autofree gchar *cache = g_build_filename(dir, "cache", NULL);
		g_autoptr(GPtrArray) idx = list_dir(cache, "index");
		add_path(c, online);
		add_dir_files(c, topo);
		for (guint k = 0; k < idx->len; k++) {
			g_autofree gchar *d =
			        g_build_filename(cache, g_ptr_array_index(idx, k), NULL);
			add_names(c, d, cache_files);
		}
	}
	add_path(c, "/sys/devices/cpu_core/cpus");
	add_path(c, "/sys/devices/cpu_atom/cpus");
}

static void
add_pools(Capture *c, const gchar *dir)
{
	g_autoptr(GPtrArray) pools = list_dir(dir, "hugepages-");
	for (guint i = 0; i < pools->len; i++) {
		g_autofree gchar *d = g_build_filename(dir, g_ptr_array_index(pools, i), NULL);
		add_dir_files(c, d);
	}
}

static void
add_memory(Capture *c)
{
	const gchar *const node_files[] = { "cpulist", "meminfo", NULL };
	g_autoptr(GPtrArray) nodes = list_dir("/sys/devices/system/node", "node");

	add_path(c, "/sys/devices/system/node/online");
	add_path(c, "/sys/devices/system/node/possible");
	for (guint i = 0; i < nodes->len; i++) {
		g_autofree gchar *dir = g_build_filename("/sys/devices/system/node",
		                                         g_ptr_array_index(nodes, i), NULL);
		g_autofree gchar *hp = g_build_filename(dir, "hugepages", NULL);
		add_names(c, dir, node_files);
		add_pools(c, hp);
	}
	add_pools(c, "/sys/kernel/mm/hugepages");
}

static void
add_iommu(Capture *c)
{
	g_autoptr(GPtrArray) groups = list_dir("/sys/kernel/iommu_groups", "");
	for (guint i = 0; i < groups->len; i++) {
		g_autofree gchar *dir = g_build_filename("/sys/kernel/iommu_groups",
		                                         g_ptr_array_index(groups, i), NULL);
		g_autofree gchar *devices = g_build_filename(dir, "devices", NULL);
		g_autofree gchar *type = g_build_filename(dir, "type", NULL);
		add_path(c, type);
		add_dir_files(c, devices);
	}
}

static void
add_boot_media(Capture *c)
{
	g_autoptr(GPtrArray) loops = list_dir("/sys/block", "loop");

	add_bus(c, "/sys/class/block", block_files, NULL);
	for (guint i = 0; i < loops->len; i++) {
		g_autofree gchar *path =
		        g_strdup_printf("/sys/block/%s/loop/backing_file",
		                        (const gchar *)g_ptr_array_index(loops, i));
		add_path(c, path);
	}
	add_dir_files(c, "/dev/disk/by-uuid");
	add_dir_files(c, "/dev/disk/by-label");
}

/* The disks a VM can be given (host-disks.c): their /dev/disk/by-id names,
 * each block device's node and its model, behind its "device" link. */
static void
add_disks(Capture *c)
{
	g_autoptr(GPtrArray) names = list_dir("/sys/class/block", "");

	add_dir_files(c, "/dev/disk/by-id");
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *link =
		        g_build_filename("/sys/class/block", g_ptr_array_index(names, i), NULL);
		g_autofree gchar *dev = resolve_link(link);
		g_autofree gchar *device_link = NULL;
		g_autofree gchar *device = NULL;
		g_autofree gchar *model = NULL;

		g_autofree gchar *node =
		        g_build_filename("/dev", g_ptr_array_index(names, i), NULL);

		/* the node, so the /dev/disk links point at something in the tree
		 * (umockdev takes a broken link's path from the machine); existence
		 * is the fact, never open a device node */
		if (g_file_test(node, G_FILE_TEST_EXISTS))
			write_entry(c, node, AE_IFREG, NULL, 0, NULL);
		if (dev == NULL)
			continue;
		device_link = g_build_filename(dev, "device", NULL);
		device = resolve_link(device_link);
		if (device == NULL)
			continue;
		add_path(c, device_link);
		model = g_build_filename(device, "model", NULL);
		add_path(c, model);
	}
}

/* The kvm misc device in sysfs and its node (host-discover.c reads both). */
static void
add_kvm(Capture *c)
{
	add_path(c, "/sys/class/misc/kvm");
	add_path(c, "/sys/devices/virtual/misc/kvm/dev");
	/* existence is the fact; never open a device node */
	if (g_file_test("/dev/kvm", G_FILE_TEST_EXISTS)) /* /dev: not under the root */
		write_entry(c, "/dev/kvm", AE_IFREG, NULL, 0, NULL);
}

/* "writing FILE: why", naming the file asked for: libarchive's own message
 * names the temporary FILE.tmp, which the user never asked for. */
static void
set_write_error(GError **error, const gchar *path, struct archive *ar)
{
	gint saved = archive_errno(ar);

	g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "writing %s: %s", path,
	            saved > 0 ? g_strerror(saved) : archive_error_string(ar));
}

G_MODULE_EXPORT gboolean
dkvm_host_capture(const gchar *path, guint *out_entries, GError **error)
{
	g_autoptr(DkvmArchive) ar = archive_write_new();
	g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autofree gchar *tmp = g_strconcat(path, ".tmp", NULL);
	const gchar *const proc[] = { "/proc/cpuinfo", "/proc/meminfo", "/proc/cmdline",
		                      "/proc/mounts", NULL };
	Capture c = { .ar = ar, .done = done };

	if (archive_write_add_filter_gzip(ar) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(ar) != ARCHIVE_OK ||
	    archive_write_open_filename(ar, tmp) != ARCHIVE_OK) {
		set_write_error(error, path, ar);
		return FALSE;
	}
	for (guint i = 0; proc[i] != NULL; i++)
		add_path(&c, proc[i]);
	add_cpus(&c);
	add_memory(&c);
	add_iommu(&c);
	add_bus(&c, "/sys/bus/pci/devices", pci_files, pci_links);
	add_bus(&c, "/sys/bus/usb/devices", usb_files, NULL);
	add_boot_media(&c);
	add_disks(&c);
	add_kvm(&c);
	if (c.error == NULL && archive_write_close(ar) != ARCHIVE_OK)
		set_write_error(&c.error, path, ar);
	if (c.error != NULL) {
		g_unlink(tmp);
		g_propagate_error(error, c.error);
		return FALSE;
	}
	if (g_rename(tmp, path) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "writing %s: %s", path,
		            g_strerror(errno));
		g_unlink(tmp);
		return FALSE;
	}
	if (out_entries != NULL)
		*out_entries = c.entries;
	return TRUE;
}
