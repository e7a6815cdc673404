/*
 * Finding the hugetlbfs mount for a page size in /proc/mounts, on trees laid
 * out like the kernel's (DKVM_SYSFS_ROOT): the lines are the ones a Debian
 * host shows after `mount -t hugetlbfs` with and without pagesize=.
 */
#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "hugetlbfs-mounts.h"

static gchar *root;

static void
put(const gchar *rel, const gchar *value)
{
	g_autofree gchar *path = g_build_filename(root, rel, NULL);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_file_set_contents(path, value, -1, &error);
	g_assert_no_error(error);
}

static gchar *
find(guint64 page_kib)
{
	g_autoptr(GError) error = NULL;
	gchar *mount_point = NULL;

	g_assert_true(dkvm_hugetlbfs_find_mount(page_kib, &mount_point, &error));
	g_assert_no_error(error);
	return mount_point;
}

#define MEMINFO_2M "MemTotal:        8000000 kB\nHugepagesize:       2048 kB\nHugetlb: 0 kB\n"
#define ROOTFS     "/dev/vda1 / ext4 rw,relatime 0 0\nproc /proc proc rw,nosuid 0 0\n"

/* the mount systemd makes (and start-libvirtd): no pagesize=, the default size */
static void
test_default_size(void)
{
	g_autofree gchar *two = NULL;
	g_autofree gchar *gig = NULL;

	put("proc/meminfo", MEMINFO_2M);
	put("proc/mounts",
	    ROOTFS "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n");
	two = find(2048);
	g_assert_cmpstr(two, ==, "/dev/hugepages");
	g_free(two);
	put("proc/mounts", ROOTFS "hugetlbfs /dev/hugepages hugetlbfs rw,relatime 0 0\n");
	two = find(2048);
	g_assert_cmpstr(two, ==, "/dev/hugepages");
	/* the measured case of issue 12: a 2 MiB mount, a 1 GiB VM */
	gig = find(1048576);
	g_assert_null(gig);
}

/* a second mount for 1 GiB pages, as the kernel writes it (pagesize=1024M) */
static void
test_one_gig(void)
{
	g_autofree gchar *gig = NULL;
	g_autofree gchar *two = NULL;

	put("proc/meminfo", MEMINFO_2M);
	put("proc/mounts",
	    ROOTFS "hugetlbfs /dev/hugepages hugetlbfs rw,relatime 0 0\n"
	           "none /dev/hugepages\\0401G hugetlbfs rw,relatime,pagesize=1024M 0 0\n");
	gig = find(1048576);
	g_assert_cmpstr(gig, ==, "/dev/hugepages 1G");
	two = find(2048);
	g_assert_cmpstr(two, ==, "/dev/hugepages");
}

/* a kernel booted with default_hugepagesz=1G: a plain mount has 1 GiB pages */
static void
test_default_one_gig(void)
{
	g_autofree gchar *gig = NULL;
	g_autofree gchar *two = NULL;

	put("proc/meminfo", "Hugepagesize:    1048576 kB\n");
	put("proc/mounts", ROOTFS "hugetlbfs /dev/hugepages hugetlbfs rw,relatime 0 0\n");
	gig = find(1048576);
	g_assert_cmpstr(gig, ==, "/dev/hugepages");
	two = find(2048);
	g_assert_null(two);
}

static void
test_no_mount(void)
{
	g_autofree gchar *none = NULL;

	put("proc/meminfo", MEMINFO_2M);
	put("proc/mounts", ROOTFS "tmpfs /run tmpfs rw,pagesize=2M 0 0\n");
	none = find(2048);
	g_assert_null(none);
}

static void
test_unreadable(void)
{
	g_autofree gchar *path = g_build_filename(root, "proc", "mounts", NULL);
	g_autoptr(GError) error = NULL;
	gchar *mount_point = NULL;

	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_false(dkvm_hugetlbfs_find_mount(2048, &mount_point, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
	g_assert_true(g_str_has_prefix(error->message, "cannot read the mounts: "));
	g_assert_null(mount_point);
}

static void
test_hint(void)
{
	g_autofree gchar *gig = dkvm_hugetlbfs_mount_hint(1048576);
	g_autofree gchar *two = dkvm_hugetlbfs_mount_hint(2048);

	g_assert_cmpstr(gig, ==,
	                "mkdir -p /dev/hugepages1G && mount -t hugetlbfs -o pagesize=1G "
	                "hugetlbfs /dev/hugepages1G");
	g_assert_cmpstr(two, ==,
	                "mkdir -p /dev/hugepages && mount -t hugetlbfs -o pagesize=2M hugetlbfs "
	                "/dev/hugepages");
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	int status;

	g_test_init(&argc, &argv, NULL);
	root = g_dir_make_tmp("dkvm-hugetlbfs-XXXXXX", &error);
	g_assert_no_error(error);
	g_setenv("DKVM_SYSFS_ROOT", root, TRUE);
	g_test_add_func("/hugetlbfs/default-size", test_default_size);
	g_test_add_func("/hugetlbfs/one-gig", test_one_gig);
	g_test_add_func("/hugetlbfs/default-one-gig", test_default_one_gig);
	g_test_add_func("/hugetlbfs/no-mount", test_no_mount);
	g_test_add_func("/hugetlbfs/unreadable", test_unreadable);
	g_test_add_func("/hugetlbfs/hint", test_hint);
	status = g_test_run();
	{
		g_autofree gchar *meminfo = g_build_filename(root, "proc", "meminfo", NULL);
		g_autofree gchar *proc = g_build_filename(root, "proc", NULL);
		g_unlink(meminfo);
		g_rmdir(proc);
		g_rmdir(root);
	}
	g_free(root);
	return status;
}
