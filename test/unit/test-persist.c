/*
 * The persist command, run for real: `true`, `false`, a command that does not
 * exist, a script that leaves a marker, and the default (`lbu commit` when an
 * `lbu` is on PATH, nothing otherwise). The messages are checked word for
 * word because they are what the user reads after every change.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "dkvm-error.h"
#include "persist.h"

typedef struct {
	gchar *dir;
	gchar *old_path;
} Fixture;

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	fx->dir = g_dir_make_tmp("dkvm-persist-XXXXXX", &error);
	g_assert_no_error(error);
	fx->old_path = g_strdup(g_getenv("PATH"));
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
	g_autoptr(GDir) dir = g_dir_open(fx->dir, 0, NULL);
	const gchar *name;

	g_setenv("PATH", fx->old_path, TRUE);
	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_build_filename(fx->dir, name, NULL);
		g_assert_cmpint(g_remove(path), ==, 0);
	}
	g_assert_cmpint(g_rmdir(fx->dir), ==, 0);
	g_free(fx->dir);
	g_free(fx->old_path);
}

/* Writes an executable script @name into the fixture directory. */
static gchar *
write_script(Fixture *fx, const gchar *name, const gchar *body)
{
	g_autoptr(GError) error = NULL;
	gchar *path = g_build_filename(fx->dir, name, NULL);
	g_autofree gchar *text = g_strconcat("#!/bin/sh\n", body, NULL);

	g_file_set_contents(path, text, -1, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(path, 0755), ==, 0);
	return path;
}

static DkvmConfig *
config_with(const gchar *command)
{
	DkvmConfig *config = dkvm_config_new();
	config->persist_command = g_strdup(command);
	return config;
}

static void
test_true(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = config_with("true");

	g_assert_true(dkvm_persist(config, &error));
	g_assert_no_error(error);
}

static void
test_false(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = config_with("false");

	g_assert_false(dkvm_persist(config, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED);
	/* no output at all: the exit status is the reason */
	g_assert_true(g_str_has_prefix(error->message,
	                               "the change is active but not saved: `false` failed: "));
	g_assert_nonnull(strstr(error->message, "exit"));
	/* the library names no command: the frontend adds how to retry */
	g_assert_null(strstr(error->message, "hint:"));
}

static void
test_missing_command(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = config_with("dkvm-no-such-command --all");

	g_assert_false(dkvm_persist(config, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED);
	g_assert_true(g_str_has_prefix(
	        error->message,
	        "the change is active but not saved: `dkvm-no-such-command --all` failed: "));
	g_assert_nonnull(strstr(error->message, "dkvm-no-such-command"));
	/* the library names no command: the frontend adds how to retry */
	g_assert_null(strstr(error->message, "hint:"));
}

static void
test_unparsable(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = config_with("lbu commit 'unterminated");

	g_assert_false(dkvm_persist(config, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED);
	g_assert_true(g_str_has_prefix(error->message,
	                               "the change is active but not saved: persist_command "
	                               "`lbu commit 'unterminated` in dkvm.conf cannot be parsed"));
}

static void
test_script_marker(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *marker = g_build_filename(fx->dir, "marker", NULL);
	g_autofree gchar *script = write_script(fx, "save.sh",
	                                        "printf '%s|' \"$@\" > \"${0%/*}/marker\"\n"
	                                        "echo 'saved to the stick'\n");
	g_autofree gchar *quoted = g_shell_quote(script);
	g_autofree gchar *command = g_strdup_printf("%s commit 'two words'", quoted);
	g_autoptr(DkvmConfig) config = config_with(command);
	g_autofree gchar *contents = NULL;

	g_assert_true(dkvm_persist(config, &error));
	g_assert_no_error(error);
	/* arguments split like a shell would, but no shell ran */
	g_file_get_contents(marker, &contents, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(contents, ==, "commit|two words|");
}

static void
test_script_stderr(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *script = write_script(
	        fx, "fail.sh",
	        "echo 'some progress'\n"
	        "echo >&2\n"
	        "echo 'lbu: /media/usb is read-only' >&2\necho 'second line' >&2\nexit 3\n");
	g_autoptr(DkvmConfig) config = config_with(script);
	g_autofree gchar *expected = g_strdup_printf(
	        "the change is active but not saved: `%s` failed: lbu: /media/usb is read-only",
	        script);

	g_assert_false(dkvm_persist(config, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED);
	g_assert_cmpstr(error->message, ==, expected);
}

static void
test_empty_means_none(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = config_with("  ");

	g_assert_true(dkvm_persist(config, &error));
	g_assert_no_error(error);
}

static void
test_default_lbu(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = dkvm_config_new();
	g_autofree gchar *marker = g_build_filename(fx->dir, "marker", NULL);
	g_autofree gchar *lbu = NULL;
	g_autofree gchar *contents = NULL;

	/* no lbu on PATH (not an Alpine host): nothing to do, success */
	g_setenv("PATH", fx->dir, TRUE);
	g_assert_null(config->persist_command);
	g_assert_true(dkvm_persist(config, &error));
	g_assert_no_error(error);
	g_assert_false(g_file_test(marker, G_FILE_TEST_EXISTS));

	/* an lbu on PATH: `lbu commit` runs */
	lbu = write_script(fx, "lbu", "echo \"lbu $*\" > \"${0%/*}/marker\"\n");
	g_assert_true(dkvm_persist(config, &error));
	g_assert_no_error(error);
	g_file_get_contents(marker, &contents, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(contents, ==, "lbu commit\n");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD("/persist/true", test_true);
	ADD("/persist/false", test_false);
	ADD("/persist/missing-command", test_missing_command);
	ADD("/persist/unparsable", test_unparsable);
	ADD("/persist/script-marker", test_script_marker);
	ADD("/persist/script-stderr", test_script_stderr);
	ADD("/persist/empty-means-none", test_empty_means_none);
	ADD("/persist/default-lbu", test_default_lbu);
#undef ADD
	return g_test_run();
}
