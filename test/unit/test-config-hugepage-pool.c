/*
 * The hugepage pool code against a directory tree laid out like the kernel's
 * (/sys/kernel/mm/hugepages, /sys/devices/system/node, /proc/sys/vm,
 * /run/dkvm), selected with DKVM_SYSFS_ROOT.
 *
 * A plain file gives back what was written, which is what the kernel does
 * when it has the memory. To test the kernel giving *fewer* pages than asked,
 * a thread of this test plays the kernel's part: fanotify's permission events
 * stop every open() of nr_hugepages until the thread has cut the value down
 * to the pages "available", and an open() of compact_memory makes more pages
 * available, as compaction does. That needs CAP_SYS_ADMIN (root): without
 * it those two cases fail, saying so, rather than pass untested.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include "dkvm-error.h"
#include "hugepage-pool.h"
#include "test-tree.h"

#define POOL  "sys/kernel/mm/hugepages/hugepages-2048kB"
#define NODE0 "sys/devices/system/node/node0/hugepages/hugepages-2048kB"
#define NODE1 "sys/devices/system/node/node1/hugepages/hugepages-2048kB"

typedef struct {
	gchar *root;
} Fixture;

static void
put(const gchar *root, const gchar *rel, const gchar *value)
{
	g_autofree gchar *path = g_build_filename(root, rel, NULL);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_file_set_contents(path, value, -1, &error);
	g_assert_no_error(error);
}

static guint64
get(const gchar *root, const gchar *rel)
{
	g_autofree gchar *path = g_build_filename(root, rel, NULL);
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error = NULL;

	g_file_get_contents(path, &text, NULL, &error);
	g_assert_no_error(error);
	return g_ascii_strtoull(text, NULL, 10);
}

static void
pool_set(const gchar *root, const gchar *dir, guint nr, guint free_pages, gint resv)
{
	g_autofree gchar *p_nr = g_build_filename(dir, "nr_hugepages", NULL);
	g_autofree gchar *p_free = g_build_filename(dir, "free_hugepages", NULL);
	g_autofree gchar *p_resv = g_build_filename(dir, "resv_hugepages", NULL);
	g_autofree gchar *v_nr = g_strdup_printf("%u\n", nr);
	g_autofree gchar *v_free = g_strdup_printf("%u\n", free_pages);
	g_autofree gchar *v_resv = g_strdup_printf("%d\n", resv);

	put(root, p_nr, v_nr);
	put(root, p_free, v_free);
	if (resv >= 0)
		put(root, p_resv, v_resv);
}

/* A host with a global 2 MiB pool of 100 pages, 30 in use, 10 of the free
 * ones reserved (60 usable), and node 1's pool of 8 pages, all free. */
static void
fixture_setup(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	fx->root = g_dir_make_tmp("dkvm-pool-XXXXXX", &error);
	g_assert_no_error(error);
	pool_set(fx->root, POOL, 100, 70, 10);
	pool_set(fx->root, NODE1, 8, 8, -1);
	put(fx->root, "proc/sys/vm/compact_memory", "");
	g_setenv("DKVM_SYSFS_ROOT", fx->root, TRUE);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
	g_unsetenv("DKVM_SYSFS_ROOT");
	g_assert_true(dkvm_test_remove_tree(fx->root));
	g_free(fx->root);
}

static void
test_enough_free(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	guint64 added = 99;

	/* 60 usable pages: asking for 60 changes nothing */
	g_assert_true(dkvm_hugepage_pool_ensure(2048, -1, 60, &added, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(added, ==, 0);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 100);
}

static void
test_grow(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	guint64 added = 0;

	/* 64 pages for a 128 MiB VM: 60 usable, so the pool grows by 4 */
	g_assert_true(dkvm_hugepage_pool_ensure(2048, -1, 64, &added, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(added, ==, 4);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 104);

	/* a node's pool has no resv_hugepages: all free pages count */
	g_assert_true(dkvm_hugepage_pool_ensure(2048, 1, 20, &added, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(added, ==, 12);
	g_assert_cmpuint(get(fx->root, NODE1 "/nr_hugepages"), ==, 20);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 104);
}

static void
test_no_such_pool(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	guint64 added = 0;

	g_assert_false(dkvm_hugepage_pool_ensure(1048576, -1, 4, &added, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_nonnull(
	        strstr(error->message, "hugepage pool of 1 GiB pages: the kernel has none"));
	g_clear_error(&error);
	g_assert_false(dkvm_hugepage_pool_ensure(2048, 3, 4, &added, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(error->message, "on NUMA node 3"));
}

static void
test_release(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(dkvm_hugepage_pool_release(2048, -1, 20, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 80);

	/* never below what is in use (30) plus what is reserved (10) */
	pool_set(fx->root, POOL, 100, 70, 10);
	g_assert_true(dkvm_hugepage_pool_release(2048, -1, 500, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 40);

	/* nothing free: nothing to give back, the file is not touched */
	pool_set(fx->root, POOL, 40, 0, 0);
	g_assert_true(dkvm_hugepage_pool_release(2048, -1, 10, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 40);
}

static void
test_record_round_trip(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *record = g_build_filename(fx->root, "run/dkvm/hugepages/win11", NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	guint64 added = 0;

	/* start: grow by 4 and remember it; a second start after a crash adds up */
	g_assert_true(dkvm_hugepage_pool_ensure(2048, -1, 64, &added, &error));
	g_assert_no_error(error);
	g_assert_true(dkvm_hugepage_pool_record("win11", 2048, -1, added, &error));
	g_assert_true(dkvm_hugepage_pool_record("win11", 2048, -1, 2, &error));
	g_assert_true(dkvm_hugepage_pool_record("win11", 2048, 1, 5, &error));
	g_assert_no_error(error);
	g_assert_true(g_key_file_load_from_file(kf, record, G_KEY_FILE_NONE, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(g_key_file_get_uint64(kf, "hugepages-2048kB", "pages", NULL), ==, 6);
	g_assert_cmpuint(g_key_file_get_uint64(kf, "node1/hugepages-2048kB", "pages", NULL), ==, 5);

	/* stop (another process in real life): the VM's pages are free again */
	pool_set(fx->root, POOL, 104, 74, 10);
	g_assert_true(dkvm_hugepage_pool_release_recorded("win11", &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 98);
	g_assert_cmpuint(get(fx->root, NODE1 "/nr_hugepages"), ==, 3);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));

	/* nothing recorded: nothing to do */
	g_assert_true(dkvm_hugepage_pool_release_recorded("win11", &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 98);
}

/* A start that failed while its QEMU still maps the pages (libvirtd died
 * under it): what cannot be given back now stays owed in the record, and
 * the next release (the VM's stop or start) gives back the rest. */
static void
test_record_keeps_pages_in_use(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *record = g_build_filename(fx->root, "run/dkvm/hugepages/stuck", NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	guint64 released = 0;

	pool_set(fx->root, POOL, 100, 100, 0);
	g_assert_true(dkvm_hugepage_pool_release(2048, -1, 30, &released, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(released, ==, 30);

	/* 64 pages, 20 free, 44 in use: of 32 owed, 20 can go now */
	pool_set(fx->root, POOL, 64, 20, 0);
	g_assert_true(dkvm_hugepage_pool_record("stuck", 2048, -1, 32, &error));
	g_assert_true(dkvm_hugepage_pool_release_recorded("stuck", &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 44);
	g_assert_true(g_key_file_load_from_file(kf, record, G_KEY_FILE_NONE, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(g_key_file_get_uint64(kf, "hugepages-2048kB", "pages", NULL), ==, 12);

	/* the QEMU is gone: the rest goes, and the record with it */
	pool_set(fx->root, POOL, 44, 44, 0);
	g_assert_true(dkvm_hugepage_pool_release_recorded("stuck", &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 32);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));
}

/* A VM whose guest NUMA cells sit on nodes 0 and 1 (what `vm start` does
 * for each cell's node): each node's pool grows by what that node lacks and
 * the global pool is left alone; the record holds one group per node and the
 * stop gives each node back exactly its own. A node that cannot give its part
 * after another node grew: releasing the record puts the first node back. */
static void
test_per_node(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *record = g_build_filename(fx->root, "run/dkvm/hugepages/wide", NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	guint64 added0 = 0, added1 = 0, added = 0;

	pool_set(fx->root, NODE0, 2, 2, -1);
	/* cell 0 on node 0: 10 pages, 2 free there -> 8 added */
	g_assert_true(dkvm_hugepage_pool_ensure(2048, 0, 10, &added0, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(added0, ==, 8);
	g_assert_true(dkvm_hugepage_pool_record("wide", 2048, 0, added0, &error));
	/* cell 1 on node 1: 12 pages, 8 free there -> 4 added */
	g_assert_true(dkvm_hugepage_pool_ensure(2048, 1, 12, &added1, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(added1, ==, 4);
	g_assert_true(dkvm_hugepage_pool_record("wide", 2048, 1, added1, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, NODE0 "/nr_hugepages"), ==, 10);
	g_assert_cmpuint(get(fx->root, NODE1 "/nr_hugepages"), ==, 12);
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 100);
	g_assert_true(g_key_file_load_from_file(kf, record, G_KEY_FILE_NONE, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(g_key_file_get_uint64(kf, "node0/hugepages-2048kB", "pages", NULL), ==, 8);
	g_assert_cmpint(g_key_file_get_integer(kf, "node0/hugepages-2048kB", "node", NULL), ==, 0);
	g_assert_cmpuint(g_key_file_get_uint64(kf, "node1/hugepages-2048kB", "pages", NULL), ==, 4);
	g_assert_false(g_key_file_has_group(kf, "hugepages-2048kB"));

	/* stop: QEMU's pages are free again on both nodes */
	pool_set(fx->root, NODE0, 10, 10, -1);
	pool_set(fx->root, NODE1, 12, 12, -1);
	g_assert_true(dkvm_hugepage_pool_release_recorded("wide", &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, NODE0 "/nr_hugepages"), ==, 2);
	g_assert_cmpuint(get(fx->root, NODE1 "/nr_hugepages"), ==, 8);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));

	/* node 0 grows, then node 3 has no pool: the start gives node 0 back */
	pool_set(fx->root, NODE0, 2, 2, -1);
	g_assert_true(dkvm_hugepage_pool_ensure(2048, 0, 10, &added, &error));
	g_assert_true(dkvm_hugepage_pool_record("wide", 2048, 0, added, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, NODE0 "/nr_hugepages"), ==, 10);
	g_assert_false(dkvm_hugepage_pool_ensure(2048, 3, 4, &added, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_clear_error(&error);
	pool_set(fx->root, NODE0, 10, 10, -1); /* the kernel: the new pages are free */
	g_assert_true(dkvm_hugepage_pool_release_recorded("wide", &error));
	g_assert_no_error(error);
	g_assert_cmpuint(get(fx->root, NODE0 "/nr_hugepages"), ==, 2);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));
}

static void
test_record_bad(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *record = g_build_filename(fx->root, "run/dkvm/hugepages/vm1", NULL);

	g_assert_false(dkvm_hugepage_pool_record("../etc", 2048, -1, 4, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_clear_error(&error);

	/* a damaged record is reported with its path, and the pool is left alone */
	put(fx->root, "run/dkvm/hugepages/vm1", "[hugepages-2048kB]\nsize_kib=2048\npages=many\n");
	g_assert_false(dkvm_hugepage_pool_release_recorded("vm1", &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
	g_assert_nonnull(strstr(error->message, record));
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 100);
	g_assert_true(g_file_test(record, G_FILE_TEST_EXISTS));
}

/* --- the kernel's part, for the shortfall cases --------------------------- */

typedef struct {
	gint fan;
	gint stop[2];
	guint64 available; /* pages the kernel can add to the pool */
	guint64 after_compaction;
	guint64 base; /* pool size when the test started */
	guint compactions;
	GThread *thread;
} Kernel;

static gchar *
fd_path(gint fd)
{
	g_autofree gchar *link = g_strdup_printf("/proc/self/fd/%d", fd);
	return g_file_read_link(link, NULL);
}

/* Cuts nr_hugepages down to what the "kernel" has, through the event's fd
 * (opened by fanotify without raising events itself). */
static void
kernel_clamp(Kernel *k, gint fd)
{
	gchar buf[64] = { 0 };
	gssize n = pread(fd, buf, sizeof(buf) - 1, 0);
	guint64 asked = n > 0 ? g_ascii_strtoull(buf, NULL, 10) : 0;
	guint64 limit = k->base + k->available;

	if (n > 0 && asked > limit) {
		g_autofree gchar *value = g_strdup_printf("%" G_GUINT64_FORMAT "\n", limit);
		g_assert_cmpint(ftruncate(fd, 0), ==, 0);
		g_assert_cmpint(pwrite(fd, value, strlen(value), 0), ==, (gssize)strlen(value));
	}
}

static gpointer
kernel_thread(gpointer data)
{
	Kernel *k = data;
	struct pollfd fds[2] = { { k->fan, POLLIN, 0 }, { k->stop[0], POLLIN, 0 } };

	while (poll(fds, 2, -1) >= 0 && !(fds[1].revents & POLLIN)) {
		gchar buf[4096]
		        __attribute__((aligned(__alignof__(struct fanotify_event_metadata))));
		gssize len = read(k->fan, buf, sizeof(buf));
		struct fanotify_event_metadata *m = (struct fanotify_event_metadata *)buf;

		for (; len > 0 && FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
			struct fanotify_response resp = { .fd = m->fd, .response = FAN_ALLOW };
			g_autofree gchar *path = fd_path(m->fd);

			if (g_str_has_suffix(path, "/compact_memory")) {
				k->compactions++;
				k->available = k->after_compaction;
			} else {
				kernel_clamp(k, m->fd);
			}
			g_assert_cmpint(write(k->fan, &resp, sizeof(resp)), ==, sizeof(resp));
			close(m->fd);
		}
	}
	return NULL;
}

static gboolean
kernel_start(Kernel *k, const gchar *root, guint64 available, guint64 after_compaction)
{
	g_autofree gchar *nr = g_build_filename(root, POOL "/nr_hugepages", NULL);
	g_autofree gchar *compact = g_build_filename(root, "proc/sys/vm/compact_memory", NULL);

	k->base = get(root, POOL "/nr_hugepages");
	k->available = available;
	k->after_compaction = after_compaction;
	k->fan = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDWR | O_CLOEXEC);
	if (k->fan < 0) {
		g_test_message("the kernel's part in this test needs fanotify permission "
		               "events: run the unit suite as root (fanotify_init: %s)",
		               g_strerror(errno));
		g_test_fail();
		return FALSE;
	}
	g_assert_cmpint(fanotify_mark(k->fan, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, nr), ==, 0);
	g_assert_cmpint(fanotify_mark(k->fan, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, compact), ==,
	                0);
	g_assert_cmpint(pipe(k->stop), ==, 0);
	k->thread = g_thread_new("kernel", kernel_thread, k);
	return TRUE;
}

static void
kernel_stop(Kernel *k)
{
	g_assert_cmpint(write(k->stop[1], "x", 1), ==, 1);
	g_thread_join(k->thread);
	close(k->stop[0]);
	close(k->stop[1]);
	close(k->fan);
}

static void
test_partial_grow_restores(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	Kernel k = { 0 };
	guint64 added = 42;

	/* 60 usable, 100 asked: the pool must grow by 40, the kernel gives 10 */
	if (!kernel_start(&k, fx->root, 10, 10))
		return;
	g_assert_false(dkvm_hugepage_pool_ensure(2048, -1, 100, &added, &error));
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 100);
	kernel_stop(&k);

	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_assert_cmpuint(added, ==, 0);
	g_assert_cmpuint(k.compactions, ==, 1);
	g_assert_cmpstr(error->message, ==,
	                "not enough hugepages: need 100 free pages of 2 MiB (200 MiB), 60 were "
	                "free and the kernel could add only 10; 30 pages (60 MiB) are missing\n"
	                "hint: free memory (stop other VMs) or reserve the pages at boot: add "
	                "`hugepages=140` to the kernel command line");
}

static void
test_shortfall_compaction_fails(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *compact = g_build_filename(fx->root, "proc/sys/vm/compact_memory", NULL);
	g_autofree gchar *expected = NULL;
	Kernel k = { 0 };
	guint64 added = 0;

	/* no compact_memory (a kernel without CONFIG_COMPACTION): said, not hidden */
	if (!kernel_start(&k, fx->root, 10, 50))
		return;
	g_assert_cmpint(g_remove(compact), ==, 0);
	g_assert_false(dkvm_hugepage_pool_ensure(2048, -1, 100, &added, &error));
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 100);
	kernel_stop(&k);

	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_assert_cmpuint(k.compactions, ==, 0);
	expected =
	        g_strdup_printf("30 pages (60 MiB) are missing; compacting memory failed: cannot "
	                        "open %s: No such file or directory\nhint: ",
	                        compact);
	g_assert_nonnull(strstr(error->message, expected));
}

static void
test_grow_after_compaction(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	Kernel k = { 0 };
	guint64 added = 0;

	/* fragmented: 10 pages at first, 50 once memory is compacted */
	if (!kernel_start(&k, fx->root, 10, 50))
		return;
	g_assert_true(dkvm_hugepage_pool_ensure(2048, -1, 100, &added, &error));
	g_assert_cmpuint(get(fx->root, POOL "/nr_hugepages"), ==, 140);
	kernel_stop(&k);

	g_assert_no_error(error);
	g_assert_cmpuint(added, ==, 40);
	g_assert_cmpuint(k.compactions, ==, 1);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD("/hugepage-pool/enough-free", test_enough_free);
	ADD("/hugepage-pool/grow", test_grow);
	ADD("/hugepage-pool/no-such-pool", test_no_such_pool);
	ADD("/hugepage-pool/release", test_release);
	ADD("/hugepage-pool/record-round-trip", test_record_round_trip);
	ADD("/hugepage-pool/record-keeps-pages-in-use", test_record_keeps_pages_in_use);
	ADD("/hugepage-pool/record-bad", test_record_bad);
	ADD("/hugepage-pool/per-node", test_per_node);
	ADD("/hugepage-pool/partial-grow-restores", test_partial_grow_restores);
	ADD("/hugepage-pool/grow-after-compaction", test_grow_after_compaction);
	ADD("/hugepage-pool/shortfall-compaction-fails", test_shortfall_compaction_fails);
#undef ADD
	return g_test_run();
}
