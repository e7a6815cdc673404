/*
 * dkvm menu [--boot] [--log FILE] [--boot-dir DIR]: the console menu (frontend/menu). The
 * command only parses its options; everything else is the menu's.
 */
#include <unistd.h>

#include "cmd.h"
#include "menu.h"

static gboolean cmd_menu_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_menu = {
	.name = "menu",
	.args = "[--boot] [--log FILE] [--boot-dir DIR]",
	.summary = "The console menu (arrows and Enter; Esc goes back; Exit on the main screen "
	           "leaves)",
	.run = cmd_menu_run,
};

/* root (tty1 on a DKVM host) logs with the system; anyone else in their cache */
static gchar *
default_log_path(void)
{
	if (geteuid() == 0)
		return g_strdup("/var/log/dkvm-menu.log");
	return g_build_filename(g_get_user_cache_dir(), "dkvm-menu.log", NULL);
}

static gboolean
cmd_menu_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean boot = FALSE;
	g_autofree gchar *log_path = NULL;
	g_autofree gchar *boot_dir = NULL;
	const GOptionEntry entries[] = {
		{ "boot", 0, 0, G_OPTION_ARG_NONE, &boot,
		  "Started at boot: count down, then start the default VM (any key cancels)",
		  NULL },
		{ "log", 0, 0, G_OPTION_ARG_FILENAME, &log_path,
		  "Where warnings go while the menu owns the screen (default: "
		  "/var/log/dkvm-menu.log for root, else ~/.cache/dkvm-menu.log)",
		  "FILE" },
		{ "boot-dir", 0, 0, G_OPTION_ARG_FILENAME, &boot_dir,
		  "The boot partition whose kernel options the Host screen changes (default "
		  "/media/usb)",
		  "DIR" },
		{ NULL },
	};
	DkvmMenuOptions options = { 0 };

	if (!dkvm_cmd_parse_options(&dkvm_cmd_menu, entries, &argc, &argv, error))
		return FALSE;
	if (!dkvm_cmd_expect_args(&dkvm_cmd_menu, argc, 0, error))
		return FALSE;
	if (log_path == NULL) {
		log_path = default_log_path();
		g_autofree gchar *dir = g_path_get_dirname(log_path);
		g_mkdir_with_parents(dir, 0700);
	}
	options.boot = boot;
	options.log_path = log_path;
	options.boot_dir = boot_dir;
	return dkvm_menu_run(app, &options, error);
}
