/*
 * Scratch-tree helpers of the C test programs (test-tree.h).
 */
#include "test-tree.h"

#include <glib/gstdio.h>

gboolean
dkvm_test_remove_tree(const gchar *path)
{
	g_autoptr(GDir) dir = NULL;
	const gchar *entry;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK))
		return g_unlink(path) == 0;
	dir = g_dir_open(path, 0, NULL);
	while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *child = g_build_filename(path, entry, NULL);
		dkvm_test_remove_tree(child);
	}
	return g_rmdir(path) == 0;
}
