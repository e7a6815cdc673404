/*
 * Byte-for-byte copies of state files (see file-copy.h).
 */
#include "file-copy.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "dkvm-error.h"

static gboolean
refuse_existing(const gchar *dst, GError **error)
{
	if (!g_file_test(dst, G_FILE_TEST_EXISTS) && !g_file_test(dst, G_FILE_TEST_IS_SYMLINK))
		return TRUE;
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "%s exists already: not overwritten",
	            dst);
	return FALSE;
}

static gboolean
make_parent(const gchar *path, gint mode, GError **error)
{
	g_autofree gchar *parent = g_path_get_dirname(path);

	if (g_mkdir_with_parents(parent, mode) == 0)
		return TRUE;
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s", parent,
	            g_strerror(errno));
	return FALSE;
}

static gboolean
copy_contents(const gchar *src, const gchar *dst, GError **error)
{
	g_autofree gchar *data = NULL;
	gsize len = 0;
	g_autoptr(GError) local_error = NULL;

	if (!g_file_get_contents(src, &data, &len, &local_error)) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_IO, local_error->message);
		return FALSE;
	}
	/* no temporary file and rename: @dst is new, and a failure removes it */
	if (!g_file_set_contents_full(dst, data, (gssize)len, G_FILE_SET_CONTENTS_NONE, 0600,
	                              &local_error)) {
		g_unlink(dst);
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_IO, local_error->message);
		return FALSE;
	}
	return TRUE;
}

gboolean
dkvm_file_copy(const gchar *src, const gchar *dst, GError **error)
{
	return refuse_existing(dst, error) && make_parent(dst, 0755, error) &&
	       copy_contents(src, dst, error);
}

void
dkvm_dir_remove(const gchar *path)
{
	g_autoptr(GDir) dir = NULL;
	const gchar *entry;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		g_unlink(path);
		return;
	}
	dir = g_dir_open(path, 0, NULL);
	while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, entry, NULL);
		dkvm_dir_remove(child);
	}
	g_rmdir(path);
}

static gboolean
copy_tree(const gchar *src_dir, const gchar *dst_dir, GError **error)
{
	g_autoptr(GError) local_error = NULL;
	g_autoptr(GDir) dir = g_dir_open(src_dir, 0, &local_error);
	const gchar *entry;

	if (dir == NULL) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_IO, local_error->message);
		return FALSE;
	}
	if (g_mkdir(dst_dir, 0700) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s", dst_dir,
		            g_strerror(errno));
		return FALSE;
	}
	while ((entry = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *from = g_build_filename(src_dir, entry, NULL);
		g_autofree gchar *to = g_build_filename(dst_dir, entry, NULL);
		/* swtpm's state is plain files; a socket or log beside them is not state */
		if (g_file_test(from, G_FILE_TEST_IS_SYMLINK))
			continue;
		if (g_file_test(from, G_FILE_TEST_IS_DIR)) {
			if (!copy_tree(from, to, error))
				return FALSE;
		} else if (g_file_test(from, G_FILE_TEST_IS_REGULAR)) {
			if (!copy_contents(from, to, error))
				return FALSE;
		}
	}
	return TRUE;
}

gboolean
dkvm_dir_copy(const gchar *src_dir, const gchar *dst_dir, GError **error)
{
	if (!refuse_existing(dst_dir, error) || !make_parent(dst_dir, 0711, error))
		return FALSE;
	if (!copy_tree(src_dir, dst_dir, error)) {
		dkvm_dir_remove(dst_dir);
		return FALSE;
	}
	return TRUE;
}
