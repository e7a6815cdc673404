/* dkvm_file_replace: the file gets the new contents whole, and a failure
 * names the file asked for (never the temporary one) and leaves nothing
 * behind. */
#include <errno.h>
#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "file-replace.h"

static gint
by_name(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* The names in @dir, sorted, joined with spaces. */
static gchar *
listing(const gchar *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, by_name);
	g_ptr_array_add(names, NULL);
	return g_strjoinv(" ", (gchar **)names->pdata);
}

static void
test_replace(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("dkvm-file-replace-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "dkvm.conf", NULL);
	g_autofree gchar *text = NULL;
	g_autofree gchar *names = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_true(dkvm_file_replace(path, "[host]\n", -1, &error));
	g_assert_no_error(error);
	g_assert_true(dkvm_file_replace(path, "new\0bytes", 9, &error));
	g_assert_no_error(error);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_assert_cmpmem(text, 9, "new\0bytes", 9);
	names = listing(dir);
	g_assert_cmpstr(names, ==, "dkvm.conf");
	g_unlink(path);
	g_rmdir(dir);
}

static void
test_errors_name_the_file(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("dkvm-file-replace-XXXXXX", NULL);
	g_autofree gchar *missing = g_build_filename(dir, "no-such-dir", "dkvm.conf", NULL);
	g_autofree gchar *subdir = g_build_filename(dir, "a-directory", NULL);
	g_autofree gchar *expected = NULL;
	g_autofree gchar *names = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_false(dkvm_file_replace(missing, "x", -1, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
	expected = g_strdup_printf("cannot write %s: %s", missing, g_strerror(ENOENT));
	g_assert_cmpstr(error->message, ==, expected);
	g_clear_error(&error);
	g_clear_pointer(&expected, g_free);

	/* the temporary file is made, the rename over a directory fails: it goes */
	g_assert_cmpint(g_mkdir(subdir, 0755), ==, 0);
	g_assert_false(dkvm_file_replace(subdir, "x", -1, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
	expected = g_strdup_printf("cannot write %s: %s", subdir, g_strerror(EISDIR));
	g_assert_cmpstr(error->message, ==, expected);
	names = listing(dir);
	g_assert_cmpstr(names, ==, "a-directory");
	g_rmdir(subdir);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/file-replace/replace", test_replace);
	g_test_add_func("/file-replace/errors-name-the-file", test_errors_name_the_file);
	return g_test_run();
}
