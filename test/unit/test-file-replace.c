/* dkvm_file_replace: the file gets the new contents whole, and a failure
 * names the file asked for (never the temporary one) and leaves nothing
 * behind. */
#include <errno.h>
#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "file-replace.h"
#include "string-order.h"

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
	g_ptr_array_sort(names, dkvm_compare_strings);
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

static gchar *
contents(const gchar *path)
{
	gchar *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return text;
}

/* dkvm_file_replace_all: both files new, each previous one kept as .bak;
 * a file whose new version cannot be put in place (a directory stands
 * there: its rename fails after the first file's) gets the first back. */
static void
test_replace_all(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("dkvm-file-replace-XXXXXX", NULL);
	g_autofree gchar *a = g_build_filename(dir, "a.cfg", NULL);
	g_autofree gchar *b = g_build_filename(dir, "b.cfg", NULL);
	g_autofree gchar *a_bak = g_strconcat(a, ".bak", NULL);
	g_autofree gchar *b_bak = g_strconcat(b, ".bak", NULL);
	g_autofree gchar *names = NULL, *text = NULL, *expected = NULL;
	g_autoptr(GError) error = NULL;
	DkvmFileUpdate updates[] = { { a, "a2\n" }, { b, "b2\n" } };

	g_assert_true(g_file_set_contents(a, "a1\n", -1, NULL));
	g_assert_true(g_file_set_contents(b, "b1\n", -1, NULL));
	g_assert_true(dkvm_file_replace_all(updates, 2, &error));
	g_assert_no_error(error);
	text = contents(a);
	g_assert_cmpstr(text, ==, "a2\n");
	g_free(text);
	text = contents(b);
	g_assert_cmpstr(text, ==, "b2\n");
	g_free(text);
	text = contents(a_bak);
	g_assert_cmpstr(text, ==, "a1\n");
	g_free(text);
	text = contents(b_bak);
	g_assert_cmpstr(text, ==, "b1\n");
	g_clear_pointer(&text, g_free);
	names = listing(dir);
	g_assert_cmpstr(names, ==, "a.cfg a.cfg.bak b.cfg b.cfg.bak");
	g_clear_pointer(&names, g_free);

	/* b is a directory now: the renames stop at it, a is put back */
	g_unlink(b);
	g_unlink(b_bak);
	g_assert_cmpint(g_mkdir(b, 0755), ==, 0);
	updates[0].text = "a3\n";
	updates[1].text = "b3\n";
	g_assert_false(dkvm_file_replace_all(updates, 2, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
	expected = g_strdup_printf("cannot write %s: %s", b, g_strerror(EISDIR));
	g_assert_cmpstr(error->message, ==, expected);
	text = contents(a);
	g_assert_cmpstr(text, ==, "a2\n");
	names = listing(dir);
	g_assert_cmpstr(names, ==, "a.cfg a.cfg.bak b.cfg");
	g_unlink(a);
	g_unlink(a_bak);
	g_rmdir(b);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/file-replace/replace", test_replace);
	g_test_add_func("/file-replace/errors-name-the-file", test_errors_name_the_file);
	g_test_add_func("/file-replace/replace-all", test_replace_all);
	return g_test_run();
}
