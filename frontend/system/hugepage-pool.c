/*
 * Growing and shrinking the kernel's hugepage pools for a VM.
 *
 * The kernel is the only authority on how many pages a pool holds: writing
 * nr_hugepages is a request, and the count read back afterwards is what the
 * kernel managed to allocate (it gives fewer when memory is fragmented or
 * short). So every change is "write, read back, compare", with one memory
 * compaction and one retry before giving up, and a shortfall puts the old
 * count back so a failed start leaves the host as it was.
 *
 * All host paths (/sys, /proc, /run) are built by dkvm_host_path(), which reads
 * DKVM_SYSFS_ROOT (default "/") in this one place, so the unit tests run the
 * same code against a directory tree laid out like the kernel's.
 */
#include "hugepage-pool.h"
#include "host-path.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "dkvm-error.h"
#include "file-replace.h"
#include "format-size.h"
#include "page-size.h"
#include "size-math.h"
#include "sysfs-write.h"
#include "vm-record.h"

#define RECORD_DIR "run/dkvm/hugepages"

/* The pool's sysfs directory: global or one NUMA node's. */
static gchar *
pool_dir(guint64 size_kib, gint node)
{
	g_autofree gchar *rel = dkvm_host_hugepage_pool_relpath(size_kib, node);

	return dkvm_host_path(rel);
}

static gboolean
read_count(const gchar *dir, const gchar *name, guint64 *out, GError **error)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	g_autofree gchar *text = NULL;
	g_autoptr(GError) local_error = NULL;

	if (!g_file_get_contents(path, &text, NULL, &local_error)) {
		g_set_error(error, DKVM_ERROR,
		            g_error_matches(local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
		                    ? DKVM_ERROR_NOT_FOUND
		                    : DKVM_ERROR_IO,
		            "cannot read %s: %s", path, local_error->message);
		return FALSE;
	}
	if (!g_ascii_string_to_unsigned(g_strstrip(text), 10, 0, G_MAXUINT64, out, &local_error)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read %s: %s", path,
		            local_error->message);
		return FALSE;
	}
	return TRUE;
}

/* Asks for @count pages; *out_count is what the pool holds afterwards. */
static gboolean
set_nr_hugepages(const gchar *dir, guint64 count, guint64 *out_count, GError **error)
{
	g_autofree gchar *path = g_build_filename(dir, "nr_hugepages", NULL);
	g_autofree gchar *value = g_strdup_printf("%" G_GUINT64_FORMAT "\n", count);

	if (!dkvm_sysfs_write(path, value, error))
		return FALSE;
	return read_count(dir, "nr_hugepages", out_count, error);
}

/* Asks the kernel to defragment memory so whole huge pages can be found. */
static gboolean
compact_memory(GError **error)
{
	g_autofree gchar *path = dkvm_host_path("proc/sys/vm/compact_memory");
	return dkvm_sysfs_write(path, "1\n", error);
}

/* Counts the pages of a pool nobody can take: free and not reserved. */
static gboolean
read_pool(const gchar *dir, guint64 *nr, guint64 *free_pages, guint64 *resv, GError **error)
{
	g_autoptr(GError) local_error = NULL;

	if (!read_count(dir, "nr_hugepages", nr, error) ||
	    !read_count(dir, "free_hugepages", free_pages, error))
		return FALSE;
	/* only the global pools have resv_hugepages; per node it is folded into free */
	*resv = 0;
	if (!read_count(dir, "resv_hugepages", resv, &local_error) &&
	    !g_error_matches(local_error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND)) {
		g_propagate_error(error, g_steal_pointer(&local_error));
		return FALSE;
	}
	return TRUE;
}

static gboolean
check_pool_exists(const gchar *dir, guint64 size_kib, gint node, GError **error)
{
	g_autofree gchar *size = NULL;

	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return TRUE;
	size = dkvm_format_kib(size_kib);
	if (node < 0)
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
		            "hugepage pool of %s pages: the kernel has none (%s missing)", size,
		            dir);
	else
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
		            "hugepage pool of %s pages on NUMA node %d: the kernel has none (%s "
		            "missing)",
		            size, node, dir);
	return FALSE;
}

/*
 * Puts the pool back to @nr pages after a failed grow. The pages just added
 * are free, so the kernel takes them back; if it cannot, what happened is
 * added to @notes.
 */
static void
restore_pool(const gchar *dir, guint64 nr, GPtrArray *notes)
{
	g_autoptr(GError) restore_error = NULL;
	guint64 restored = 0;

	if (!set_nr_hugepages(dir, nr, &restored, &restore_error)) {
		g_ptr_array_add(notes, g_strdup_printf("the pool could not be put back to "
		                                       "%" G_GUINT64_FORMAT " pages: %s",
		                                       nr, restore_error->message));
		return;
	}
	if (restored != nr)
		g_ptr_array_add(notes, g_strdup_printf("the pool could not be put back to "
		                                       "%" G_GUINT64_FORMAT " pages: the kernel "
		                                       "kept %" G_GUINT64_FORMAT,
		                                       nr, restored));
}

/* A write to nr_hugepages failed: put the pool back, say so if that fails too. */
static gboolean
grow_failed(const gchar *dir, guint64 nr, GError **error)
{
	g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);

	restore_pool(dir, nr, notes);
	if (notes->len > 0)
		g_prefix_error(error, "%s, after: ", (const gchar *)g_ptr_array_index(notes, 0));
	return FALSE;
}

static void
set_shortfall_error(GError **error, guint64 size_kib, gint node, guint64 pages, guint64 available,
                    guint64 gained, guint64 target, const gchar *const *notes)
{
	g_autofree gchar *extra = NULL;
	g_autofree gchar *size = dkvm_format_kib(size_kib);
	g_autofree gchar *where =
	        node < 0 ? g_strdup("") : g_strdup_printf(" on NUMA node %d", node);
	g_autofree gchar *boot = NULL;
	guint64 missing = pages - available - gained;

	if (notes[0] != NULL) {
		g_autofree gchar *joined = g_strjoinv("; ", (gchar **)notes);
		extra = g_strconcat("; ", joined, NULL);
	} else {
		extra = g_strdup("");
	}
	if (size_kib == DKVM_PAGE_2M_KIB)
		boot = g_strdup_printf("hugepages=%" G_GUINT64_FORMAT, target);
	else if (size_kib == DKVM_PAGE_1G_KIB)
		boot = g_strdup_printf("hugepagesz=1G hugepages=%" G_GUINT64_FORMAT, target);
	else
		boot = g_strdup_printf("hugepagesz=%" G_GUINT64_FORMAT
		                       "K hugepages=%" G_GUINT64_FORMAT,
		                       size_kib, target);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
	            "not enough hugepages: need %" G_GUINT64_FORMAT " free pages of %s%s "
	            "(%" G_GUINT64_FORMAT " MiB), %" G_GUINT64_FORMAT " were free and the kernel "
	            "could add only %" G_GUINT64_FORMAT "; %" G_GUINT64_FORMAT
	            " pages (%" G_GUINT64_FORMAT " MiB) are missing%s\n"
	            "hint: free memory (stop other VMs) or reserve the pages at boot: add `%s` "
	            "to the kernel command line",
	            pages, size, where, dkvm_size_mul(pages, size_kib) / 1024, available, gained,
	            missing, dkvm_size_mul(missing, size_kib) / 1024, extra, boot);
}

gboolean
dkvm_hugepage_pool_ensure(guint64 size_kib, gint node, guint64 pages, guint64 *out_added,
                          GError **error)
{
	g_autofree gchar *dir = pool_dir(size_kib, node);
	g_autoptr(GError) compact_error = NULL;
	g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
	guint64 nr = 0, free_pages = 0, resv = 0, available, target, got = 0;

	g_return_val_if_fail(out_added != NULL, FALSE);
	*out_added = 0;
	if (pages == 0)
		return TRUE;
	if (!check_pool_exists(dir, size_kib, node, error))
		return FALSE;
	if (!read_pool(dir, &nr, &free_pages, &resv, error))
		return FALSE;
	available = free_pages > resv ? free_pages - resv : 0;
	if (available >= pages)
		return TRUE;

	target = nr + (pages - available);
	if (!set_nr_hugepages(dir, target, &got, error))
		return grow_failed(dir, nr, error);
	if (got < target) {
		/* fragmented memory: compact once and ask again */
		if (!compact_memory(&compact_error))
			g_ptr_array_add(notes, g_strdup_printf("compacting memory failed: %s",
			                                       compact_error->message));
		if (!set_nr_hugepages(dir, target, &got, error))
			return grow_failed(dir, nr, error);
	}
	if (got < target) {
		guint64 gained = got > nr ? got - nr : 0;
		restore_pool(dir, nr, notes);
		g_ptr_array_add(notes, NULL);
		set_shortfall_error(error, size_kib, node, pages, available, gained, target,
		                    (const gchar *const *)notes->pdata);
		return FALSE;
	}
	*out_added = got - nr;
	return TRUE;
}

gboolean
dkvm_hugepage_pool_release(guint64 size_kib, gint node, guint64 pages, guint64 *out_released,
                           GError **error)
{
	g_autofree gchar *dir = pool_dir(size_kib, node);
	guint64 nr = 0, free_pages = 0, resv = 0, in_use, floor, target, got = 0;

	if (out_released != NULL)
		*out_released = 0;
	if (pages == 0)
		return TRUE;
	if (!check_pool_exists(dir, size_kib, node, error))
		return FALSE;
	if (!read_pool(dir, &nr, &free_pages, &resv, error))
		return FALSE;
	/* pages mapped by a process, and pages promised to a mapping, stay */
	in_use = nr > free_pages ? nr - free_pages : 0;
	floor = MIN(nr, in_use + resv);
	target = nr > pages ? nr - pages : 0;
	target = MAX(target, floor);
	if (target == nr)
		return TRUE;
	if (!set_nr_hugepages(dir, target, &got, error)) {
		g_prefix_error(error, "cannot give hugepages back: ");
		return FALSE;
	}
	if (out_released != NULL)
		*out_released = nr > got ? MIN(nr - got, pages) : 0;
	return TRUE;
}

static gchar *
record_group(guint64 size_kib, gint node)
{
	if (node < 0)
		return g_strdup_printf("hugepages-%" G_GUINT64_FORMAT "kB", size_kib);
	return g_strdup_printf("node%d/hugepages-%" G_GUINT64_FORMAT "kB", node, size_kib);
}

gboolean
dkvm_hugepage_pool_record(const gchar *vm_name, guint64 size_kib, gint node, guint64 pages,
                          GError **error)
{
	g_autofree gchar *path = dkvm_vm_record_path(RECORD_DIR, vm_name, "hugepage record", error);
	g_autofree gchar *group = record_group(size_kib, node);
	g_autoptr(GKeyFile) kf = NULL;
	guint64 before = 0;

	if (path == NULL)
		return FALSE;
	if (pages == 0)
		return TRUE;
	kf = dkvm_vm_record_load(path, error);
	if (kf == NULL)
		return FALSE;
	/* a VM that crashed without a stop still owns its earlier pages: add up */
	if (g_key_file_has_group(kf, group))
		before = g_key_file_get_uint64(kf, group, "pages", NULL);
	g_key_file_set_uint64(kf, group, "size_kib", size_kib);
	g_key_file_set_integer(kf, group, "node", node);
	g_key_file_set_uint64(kf, group, "pages", before + pages);
	return dkvm_vm_record_save(kf, path, error);
}

/* Reads one record group, checking every value. */
static gboolean
record_read_group(GKeyFile *kf, const gchar *path, const gchar *group, guint64 *size_kib,
                  gint *node, guint64 *pages, GError **error)
{
	g_autoptr(GError) local_error = NULL;

	*size_kib = g_key_file_get_uint64(kf, group, "size_kib", &local_error);
	if (local_error == NULL)
		*node = g_key_file_get_integer(kf, group, "node", &local_error);
	if (local_error == NULL)
		*pages = g_key_file_get_uint64(kf, group, "pages", &local_error);
	if (local_error == NULL && *size_kib == 0)
		g_set_error_literal(&local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		                    "size_kib is 0");
	if (local_error != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "%s: [%s]: %s", path, group,
		            local_error->message);
		return FALSE;
	}
	return TRUE;
}

gboolean
dkvm_hugepage_pool_release_recorded(const gchar *vm_name, GError **error)
{
	g_autofree gchar *path = dkvm_vm_record_path(RECORD_DIR, vm_name, "hugepage record", error);
	g_autoptr(GKeyFile) kf = NULL;
	g_auto(GStrv) groups = NULL;

	if (path == NULL)
		return FALSE;
	kf = dkvm_vm_record_load(path, error);
	if (kf == NULL)
		return FALSE;
	groups = g_key_file_get_groups(kf, NULL);
	for (guint i = 0; groups[i] != NULL; i++) {
		guint64 size_kib = 0, pages = 0;
		gint node = -1;

		guint64 released = 0;

		if (!record_read_group(kf, path, groups[i], &size_kib, &node, &pages, error))
			return FALSE;
		if (!dkvm_hugepage_pool_release(size_kib, node, pages, &released, error)) {
			/* keep what is still owed, so a retry releases only that */
			g_autoptr(GError) save_error = NULL;
			if (!dkvm_vm_record_save(kf, path, &save_error))
				g_prefix_error(error, "(%s) ", save_error->message);
			return FALSE;
		}
		/* pages still mapped (a QEMU that a dying libvirtd left behind,
		 * say) cannot be taken now: they stay owed to the VM, for its
		 * next stop or start, instead of being lost to the host */
		if (released < pages)
			g_key_file_set_uint64(kf, groups[i], "pages", pages - released);
		else
			g_key_file_remove_group(kf, groups[i], NULL);
	}
	return dkvm_vm_record_save(kf, path, error);
}
