/*
 * dkvm_menu_run (menu.h): sets the terminal up for dialog, runs the boot
 * countdown and the main screen until Exit, and puts the terminal back.
 *
 * On tty1 the menu is the machine's face: nothing may end it but Exit.
 * Ctrl-C, Ctrl-\ and Ctrl-Z are ignored (init respawns it anyway), so is
 * SIGPIPE from a libvirtd that went away, and
 * stderr goes to a log file while dialog owns the screen, so that a warning
 * from a library never draws over a dialog.
 */
#include "menu.h"

#include <dialog.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "dkvm-error.h"
#include "menu-backtitle.h"
#include "menu-countdown.h"
#include "menu-first-boot.h"
#include "menu-widgets.h"

const DkvmScreen *
dkvm_screen_find(const gchar *name)
{
	for (guint i = 0; dkvm_screens[i] != NULL; i++) {
		if (g_strcmp0(dkvm_screens[i]->name, name) == 0)
			return dkvm_screens[i];
	}
	return NULL;
}

/* the timeout when dkvm.conf cannot be read: the host must still power off */
#define DEFAULT_SHUTDOWN_TIMEOUT_S 120

guint
dkvm_menu_shutdown_timeout(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	const DkvmConfig *config = dkvm_app_get_config(menu->app, &error);

	if (config == NULL) {
		g_printerr("dkvm: warning: %s; waiting %u s for the VMs\n", error->message,
		           DEFAULT_SHUTDOWN_TIMEOUT_S);
		return DEFAULT_SHUTDOWN_TIMEOUT_S;
	}
	return config->shutdown_timeout;
}

/* stderr to @log_path for the menu's life; the old stderr comes back after */
static gint
redirect_stderr(const gchar *log_path, GError **error)
{
	gint saved = dup(STDERR_FILENO);
	gint fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0) {
		gint saved_errno = errno;
		close(saved);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "menu: cannot open the log %s: %s",
		            log_path, g_strerror(saved_errno));
		return -1;
	}
	dup2(fd, STDERR_FILENO);
	close(fd);
	return saved;
}

static void
restore_stderr(gint saved)
{
	if (saved < 0)
		return;
	dup2(saved, STDERR_FILENO);
	close(saved);
}

static void
setup_dialog(void)
{
	init_dialog(stdin, stdout);
	/* tables keep their columns, newlines are newlines, "\n" in a file name
	 * stays two characters */
	dialog_vars.nocollapse = TRUE;
	dialog_vars.cr_wrap = TRUE;
	dialog_vars.no_nl_expand = TRUE;
	dialog_vars.no_tags = TRUE;
	dialog_vars.default_button = -1;
	/* Esc alone answers at once; a longer wait only matters on a serial line */
	set_escdelay(100);
}

gboolean
dkvm_menu_run(DkvmApp *app, const DkvmMenuOptions *options, GError **error)
{
	DkvmMenu menu = { .app = app, .options = options };
	const DkvmScreen *main_screen = dkvm_screen_find("main");
	gint saved_stderr;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "menu: needs a terminal (stdin and stdout are not one)");
		return FALSE;
	}
	saved_stderr = redirect_stderr(options->log_path, error);
	if (saved_stderr < 0)
		return FALSE;
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	/* a libvirtd that goes away closes its socket under libvirt's client;
	 * the write that finds it closed must fail, not kill the menu (virsh
	 * ignores SIGPIPE for the same reason) */
	signal(SIGPIPE, SIG_IGN);

	menu.backtitle = dkvm_menu_backtitle_new();
	setup_dialog();
	dkvm_menu_set_backtitle(menu.backtitle);
	if (options->boot) {
		dkvm_menu_first_boot(&menu);
		dkvm_menu_countdown(&menu);
	}
	while (main_screen->run(&menu) != DKVM_SCREEN_QUIT)
		;
	end_dialog();
	g_free(menu.backtitle);
	restore_stderr(saved_stderr);
	return TRUE;
}
