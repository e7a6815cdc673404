/*
 * dkvm.conf (frontend/system/config.c): the input is the file. A refusal is
 * one line naming what is wrong; a file that loads saves, and what it saves
 * loads again and saves to the same text.
 */
/* reaches code the harden-input branch fixes (fuzz-common.h) */
#define FUZZ_HARDEN_INPUT_PENDING 1

#include <glib/gstdio.h>

#include "config.h"
#include "fuzz-common.h"

static gchar *scratch_dir;

static void
remove_scratch(void)
{
	g_autofree gchar *conf = g_build_filename(scratch_dir, "dkvm.conf", NULL);
	g_autofree gchar *saved = g_build_filename(scratch_dir, "saved.conf", NULL);
	g_autofree gchar *saved_bak = g_build_filename(scratch_dir, "saved.conf.bak", NULL);
	g_autofree gchar *again = g_build_filename(scratch_dir, "again.conf", NULL);
	g_autofree gchar *again_bak = g_build_filename(scratch_dir, "again.conf.bak", NULL);

	g_unlink(conf);
	g_unlink(saved);
	g_unlink(saved_bak);
	g_unlink(again);
	g_unlink(again_bak);
	g_rmdir(scratch_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	g_autoptr(GError) error = NULL;

	fuzz_init_logging();
	scratch_dir = g_dir_make_tmp("dkvm-fuzz-config-XXXXXX", &error);
	if (scratch_dir == NULL)
		g_error("fuzz-config: %s", error->message);
	atexit(remove_scratch);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree gchar *conf = g_build_filename(scratch_dir, "dkvm.conf", NULL);
	g_autofree gchar *saved = g_build_filename(scratch_dir, "saved.conf", NULL);
	g_autofree gchar *again = g_build_filename(scratch_dir, "again.conf", NULL);
	g_autofree gchar *saved_text = NULL;
	g_autofree gchar *again_text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmConfig) config = NULL;
	g_autoptr(DkvmConfig) reloaded = NULL;
	g_autoptr(DkvmHostSettings) settings = NULL;

	/* a dkvm.conf is a few lines: long inputs only slow the search down */
	if (size > 8192)
		return 0;
	if (!g_file_set_contents(conf, (const gchar *)data, (gssize)size, &error))
		g_error("fuzz-config: %s", error->message);
	config = dkvm_config_load(conf, &error);
	if (config == NULL) {
		fuzz_check_refusal(error, "dkvm.conf");
		return 0;
	}
	settings = dkvm_config_get_host_settings(config);
	FUZZ_ASSERT(settings != NULL, "no host settings");
	FUZZ_ASSERT(dkvm_config_save(config, saved, &error), "save failed: %s", error->message);
	reloaded = dkvm_config_load(saved, &error);
	FUZZ_ASSERT(reloaded != NULL, "saved file refused: %s", error->message);
	FUZZ_ASSERT(dkvm_config_save(reloaded, again, &error), "save failed: %s", error->message);
	FUZZ_ASSERT(g_file_get_contents(saved, &saved_text, NULL, NULL) &&
	                    g_file_get_contents(again, &again_text, NULL, NULL),
	            "saved files unreadable");
	FUZZ_ASSERT(g_strcmp0(saved_text, again_text) == 0, "save, load, save differs:\n%s\n%s",
	            saved_text, again_text);
	return 0;
}
