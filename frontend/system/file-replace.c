/*
 * See file-replace.h. The temporary file is PATH.XXXXXX in the same
 * directory (a rename is atomic only within one file system), created with
 * mode 0666 less the umask, as g_file_set_contents() does.
 */
#include "file-replace.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "dkvm-error.h"

static gboolean
fail(const gchar *path, gint saved_errno, GError **error)
{
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s: %s", path,
	            g_strerror(saved_errno));
	return FALSE;
}

static gboolean
write_all(gint fd, const gchar *data, gsize length)
{
	gsize done = 0;

	while (done < length) {
		gssize n = write(fd, data + done, length - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return FALSE;
		done += (gsize)n;
	}
	return TRUE;
}

/* Writes @data to a new temporary file beside @path, synced; its name in
 * *@out_tmp. Nothing is left behind on failure. */
static gboolean
write_temporary(const gchar *path, const gchar *data, gsize len, gchar **out_tmp, GError **error)
{
	g_autofree gchar *tmp = g_strconcat(path, ".XXXXXX", NULL);
	gint saved;
	gint fd;

	fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		return fail(path, errno, error);
	if (!write_all(fd, data, len) || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		g_unlink(tmp);
		return fail(path, saved, error);
	}
	if (close(fd) != 0) {
		saved = errno;
		g_unlink(tmp);
		return fail(path, saved, error);
	}
	*out_tmp = g_steal_pointer(&tmp);
	return TRUE;
}

gboolean
dkvm_file_replace(const gchar *path, const gchar *data, gssize length, GError **error)
{
	g_autofree gchar *tmp = NULL;
	gsize len = length < 0 ? strlen(data) : (gsize)length;
	gint saved;

	if (!write_temporary(path, data, len, &tmp, error))
		return FALSE;
	if (g_rename(tmp, path) != 0) {
		saved = errno;
		g_unlink(tmp);
		return fail(path, saved, error);
	}
	return TRUE;
}

/* The renames reach the disk with their directory (a FAT boot partition
 * included); a directory that cannot be synced is no reason to fail. */
static void
sync_directory(const gchar *path)
{
	g_autofree gchar *dir = g_path_get_dirname(path);
	gint fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	(void)fsync(fd);
	close(fd);
}

gboolean
dkvm_file_replace_all(const DkvmFileUpdate *updates, guint count, GError **error)
{
	g_autoptr(GPtrArray) previous = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) tmps = g_ptr_array_new_with_free_func(g_free);
	gboolean ok = TRUE;
	guint renamed = 0;

	for (guint i = 0; i < count; i++) {
		gchar *old = NULL;
		if (g_file_get_contents(updates[i].path, &old, NULL, NULL)) {
			g_autofree gchar *bak = g_strconcat(updates[i].path, ".bak", NULL);
			if (!dkvm_file_replace(bak, old, -1, error)) {
				g_free(old);
				return FALSE;
			}
		}
		g_ptr_array_add(previous, old);
	}
	for (guint i = 0; i < count && ok; i++) {
		gchar *tmp = NULL;
		ok = write_temporary(updates[i].path, updates[i].text, strlen(updates[i].text),
		                     &tmp, error);
		if (ok)
			g_ptr_array_add(tmps, tmp);
	}
	while (ok && renamed < count) {
		if (g_rename(g_ptr_array_index(tmps, renamed), updates[renamed].path) != 0)
			ok = fail(updates[renamed].path, errno, error);
		else
			renamed++;
	}
	if (!ok) {
		for (guint i = renamed; i < tmps->len; i++)
			g_unlink(g_ptr_array_index(tmps, i));
		/* the ones already in place go back: no half-changed set */
		for (guint i = 0; i < renamed; i++) {
			const gchar *old = g_ptr_array_index(previous, i);
			if (old != NULL)
				(void)dkvm_file_replace(updates[i].path, old, -1, NULL);
			else
				g_unlink(updates[i].path);
		}
		return FALSE;
	}
	for (guint i = 0; i < count; i++)
		sync_directory(updates[i].path);
	return TRUE;
}
