/*
 * dkvm.conf: defaults when the default file is missing, a missing named file
 * refused, every key read, every bad value and unknown key or group refused
 * with its name, and saving that keeps a person's comments and leaves a
 * backup of the old file.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "config.h"
#include "dkvm-error.h"

typedef struct {
	gchar *dir;
	gchar *path;
} Fixture;

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	fx->dir = g_dir_make_tmp("dkvm-config-XXXXXX", &error);
	g_assert_no_error(error);
	fx->path = g_build_filename(fx->dir, "dkvm.conf", NULL);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
	g_autoptr(GDir) dir = g_dir_open(fx->dir, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree gchar *path = g_build_filename(fx->dir, name, NULL);
		g_assert_cmpint(g_remove(path), ==, 0);
	}
	g_assert_cmpint(g_rmdir(fx->dir), ==, 0);
	g_free(fx->dir);
	g_free(fx->path);
}

static void
write_conf(Fixture *fx, const gchar *text)
{
	g_autoptr(GError) error = NULL;
	g_file_set_contents(fx->path, text, -1, &error);
	g_assert_no_error(error);
}

/* The default file missing: the defaults. */
static void
test_missing_file(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = dkvm_config_load_default(fx->path, &error);

	g_assert_no_error(error);
	g_assert_nonnull(config);
	g_assert_null(config->host_reserve);
	g_assert_cmpuint(config->hugepage_size_kib, ==, 0);
	g_assert_cmpuint(config->headroom_kib, ==, 0);
	g_assert_null(config->default_vm);
	g_assert_cmpuint(config->countdown, ==, 10);
	g_assert_cmpuint(config->shutdown_timeout, ==, 120);
	g_assert_null(config->persist_command);
	g_assert_cmpstr(config->data_label, ==, "DKVMDATA");
	g_assert_cmpint(config->accelerator, ==, DKVM_ACCELERATOR_AUTO);
}

/* A file named with --config that is not there is refused (exit 3), never
 * taken for the defaults. */
static void
test_missing_named_file(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = dkvm_config_load(fx->path, &error);

	g_assert_null(config);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(error->message, fx->path));
	g_assert_cmpint(dkvm_error_exit_code(error), ==, 3);
}

/* An unknown key or group is refused with its name (a typo is never
 * silently ignored), on one line. */
static void
test_unknown_key_or_group(Fixture *fx, gconstpointer data)
{
	struct {
		const gchar *text;
		const gchar *named;
	} bad[] = {
		{ "[host]\nreserv=0\n", "unknown key 'reserv' in [host]" },
		{ "[host]\ncountdown=3\nacclerator=tcg\n", "unknown key 'acclerator'" },
		{ "[hots]\ncountdown=3\n", "unknown group [hots]" },
		{ "[host]\ncountdown=3\n[vm]\nname=x\n", "unknown group [vm]" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmConfig) config = NULL;

		write_conf(fx, bad[i].text);
		config = dkvm_config_load(fx->path, &error);
		g_assert_null(config);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		g_assert_nonnull(strstr(error->message, fx->path));
		g_assert_nonnull(strstr(error->message, bad[i].named));
		g_assert_null(strchr(error->message, '\n'));
	}
}

/* accelerator: auto, kvm, tcg into the host settings; anything else refused. */
static void
test_accelerator(Fixture *fx, gconstpointer data)
{
	const struct {
		const gchar *value;
		DkvmAccelerator expected;
	} good[] = {
		{ "auto", DKVM_ACCELERATOR_AUTO },
		{ "kvm", DKVM_ACCELERATOR_KVM },
		{ " tcg ", DKVM_ACCELERATOR_TCG },
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) bad = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
		g_autoptr(DkvmConfig) config = NULL;
		g_autoptr(DkvmConfig) again = NULL;
		g_autoptr(DkvmHostSettings) settings = NULL;
		g_autofree gchar *text = g_strdup_printf("[host]\naccelerator=%s\n", good[i].value);

		write_conf(fx, text);
		config = dkvm_config_load(fx->path, &error);
		g_assert_no_error(error);
		g_assert_cmpint(config->accelerator, ==, good[i].expected);
		settings = dkvm_config_get_host_settings(config);
		g_assert_cmpint(settings->accelerator, ==, good[i].expected);
		/* saved and read back the same */
		g_assert_true(dkvm_config_save(config, fx->path, &error));
		again = dkvm_config_load(fx->path, &error);
		g_assert_no_error(error);
		g_assert_cmpint(again->accelerator, ==, good[i].expected);
	}
	write_conf(fx, "[host]\naccelerator=hvf\n");
	bad = dkvm_config_load(fx->path, &error);
	g_assert_null(bad);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "accelerator: unknown accelerator 'hvf'"));
}

static void
test_all_keys(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = NULL;
	g_autoptr(DkvmHostSettings) settings = NULL;

	write_conf(fx, "# my host\n[host]\nreserve=0,8\nhugepage_size=1G\nheadroom=2G\n"
	               "default_vm=win11\ncountdown=5\npersist_command=lbu commit -d\n"
	               "data_label=VMDATA\naccelerator=kvm\nshutdown_timeout=30\n");
	config = dkvm_config_load(fx->path, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(config->host_reserve->len, ==, 2);
	g_assert_cmpuint(g_array_index(config->host_reserve, guint, 1), ==, 8);
	g_assert_cmpuint(config->hugepage_size_kib, ==, 1048576);
	g_assert_cmpuint(config->headroom_kib, ==, 2097152);
	g_assert_cmpstr(config->default_vm, ==, "win11");
	g_assert_cmpuint(config->countdown, ==, 5);
	g_assert_cmpuint(config->shutdown_timeout, ==, 30);
	g_assert_cmpstr(config->persist_command, ==, "lbu commit -d");
	g_assert_cmpstr(config->data_label, ==, "VMDATA");

	settings = dkvm_config_get_host_settings(config);
	g_assert_cmpuint(settings->host_reserve->len, ==, 2);
	g_assert_cmpuint(settings->hugepage_size_kib, ==, 1048576);
	g_assert_cmpuint(settings->headroom_kib, ==, 2097152);
	g_assert_cmpint(settings->accelerator, ==, DKVM_ACCELERATOR_KVM);
}

static void
test_persist_command_forms(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) none = NULL;
	g_autoptr(DkvmConfig) disabled = NULL;

	/* absent: NULL (the default rule); empty: "" (no persisting) */
	write_conf(fx, "[host]\ncountdown=3\n");
	none = dkvm_config_load(fx->path, &error);
	g_assert_no_error(error);
	g_assert_null(none->persist_command);
	write_conf(fx, "[host]\npersist_command=\n");
	disabled = dkvm_config_load(fx->path, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(disabled->persist_command, ==, "");
}

/* reserve=none is an empty reserve (not the default rule), and saves back as none */
static void
test_reserve_none(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = NULL;
	g_autoptr(DkvmConfig) again = NULL;
	g_autoptr(DkvmHostSettings) settings = NULL;

	write_conf(fx, "[host]\nreserve=none\n");
	config = dkvm_config_load(fx->path, &error);
	g_assert_no_error(error);
	g_assert_nonnull(config->host_reserve);
	g_assert_cmpuint(config->host_reserve->len, ==, 0);
	settings = dkvm_config_get_host_settings(config);
	g_assert_nonnull(settings->host_reserve);
	g_assert_cmpuint(settings->host_reserve->len, ==, 0);
	g_assert_true(dkvm_config_save(config, fx->path, &error));
	again = dkvm_config_load(fx->path, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(again->host_reserve->len, ==, 0);
}

static void
test_bad_values(Fixture *fx, gconstpointer data)
{
	struct {
		const gchar *text;
		const gchar *key;
	} bad[] = {
		{ "[host]\nreserve=0-\n", "reserve: " },
		{ "[host]\nhugepage_size=4M\n", "hugepage_size: must be auto, 2M or 1G" },
		{ "[host]\nhugepage_size=lots\n", "hugepage_size: " },
		{ "[host]\nheadroom=-1G\n", "headroom: " },
		{ "[host]\ncountdown=soon\n", "countdown: " },
		{ "[host]\ncountdown=99999\n", "countdown: " },
		{ "[host]\nboot_hugepages=maybe\n",
		  "boot_hugepages: must be on or off, not 'maybe'" },
		{ "[host]\nshutdown_timeout=2m\n", "shutdown_timeout: " },
		{ "[host]\nshutdown_timeout=-1\n", "shutdown_timeout: " },
		{ "this is not a key file\n", "dkvm.conf: " },
	};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmConfig) config = NULL;
		g_autofree gchar *prefix = g_strdup_printf("%s: ", fx->path);

		write_conf(fx, bad[i].text);
		config = dkvm_config_load(fx->path, &error);
		g_assert_null(config);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		/* every message names the file, and the key where there is one */
		g_assert_true(g_str_has_prefix(error->message, prefix) ||
		              strstr(error->message, fx->path) != NULL);
		g_assert_nonnull(strstr(error->message, bad[i].key));
	}
}

static void
test_save_round_trip(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = NULL;
	g_autoptr(DkvmConfig) again = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *backup_path = g_strconcat(fx->path, ".bak", NULL);
	g_autofree gchar *backup = NULL;
	const gchar *original = "# kept by hand\n[host]\ncountdown=7\n# my note\n";

	write_conf(fx, original);
	config = dkvm_config_load(fx->path, &error);
	g_assert_no_error(error);
	g_free(config->default_vm);
	config->default_vm = g_strdup("gaming");
	config->persist_command = g_strdup("");
	config->hugepage_size_kib = 2048;
	g_assert_true(dkvm_config_save(config, fx->path, &error));
	g_assert_no_error(error);

	g_file_get_contents(fx->path, &text, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(text, "# kept by hand"));
	g_assert_nonnull(strstr(text, "# my note"));
	g_file_get_contents(backup_path, &backup, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(backup, ==, original);

	again = dkvm_config_load(fx->path, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(again->default_vm, ==, "gaming");
	g_assert_cmpuint(again->countdown, ==, 7);
	g_assert_cmpstr(again->persist_command, ==, "");
	g_assert_cmpuint(again->hugepage_size_kib, ==, 2048);
	g_assert_cmpstr(again->data_label, ==, "DKVMDATA");
}

/* boot_hugepages: off unless set; on/off and the usual spellings; saved as on/off */
static void
test_boot_hugepages(Fixture *fx, gconstpointer data)
{
	static const struct {
		const gchar *value;
		gboolean expected;
	} good[] = { { "on", TRUE },   { "YES", TRUE }, { "true", TRUE },   { "1", TRUE },
		     { "off", FALSE }, { "no", FALSE }, { "False", FALSE }, { "0", FALSE } };
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) defaults = NULL;

	write_conf(fx, "[host]\ncountdown=3\n");
	defaults = dkvm_config_load(fx->path, &error);
	g_assert_no_error(error);
	g_assert_false(defaults->boot_hugepages);
	for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
		g_autofree gchar *text =
		        g_strdup_printf("[host]\nboot_hugepages=%s\n", good[i].value);
		g_autoptr(DkvmConfig) config = NULL;
		g_autoptr(DkvmConfig) again = NULL;
		g_autofree gchar *saved = NULL;

		write_conf(fx, text);
		config = dkvm_config_load(fx->path, &error);
		g_assert_no_error(error);
		g_assert_cmpint(config->boot_hugepages, ==, good[i].expected);
		g_assert_true(dkvm_config_save(config, fx->path, &error));
		g_assert_true(g_file_get_contents(fx->path, &saved, NULL, NULL));
		g_assert_nonnull(strstr(saved, good[i].expected ? "boot_hugepages=on\n"
		                                                : "boot_hugepages=off\n"));
		again = dkvm_config_load(fx->path, &error);
		g_assert_no_error(error);
		g_assert_cmpint(again->boot_hugepages, ==, good[i].expected);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD("/config/missing-file", test_missing_file);
	ADD("/config/missing-named-file", test_missing_named_file);
	ADD("/config/unknown-key-or-group", test_unknown_key_or_group);
	ADD("/config/accelerator", test_accelerator);
	ADD("/config/boot-hugepages", test_boot_hugepages);
	ADD("/config/all-keys", test_all_keys);
	ADD("/config/persist-command-forms", test_persist_command_forms);
	ADD("/config/reserve-none", test_reserve_none);
	ADD("/config/bad-values", test_bad_values);
	ADD("/config/save-round-trip", test_save_round_trip);
#undef ADD
	return g_test_run();
}
