/*
 * Power: Reboot, Power off, Shell. Reboot and Power off ask first, then
 * shut the running VMs down the way `dkvm power off` does (ACPI, one
 * timeout for all: dkvm.conf's shutdown_timeout, 120 s), with a gauge that
 * lists each VM's state. A VM still running after the timeout is never
 * forced off silently: the person chooses between forcing it off, waiting
 * again, and going back with the host left on. Shell suspends the menu for
 * a login shell on this terminal; leaving the shell comes back here.
 */
#include <curses.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "menu-terminal.h"
#include "menu-widgets.h"
#include "menu.h"
#include "vm-host-power.h"
#include "vm-shutdown-all.h"

typedef struct {
	DkvmMenuGauge *gauge;
	GPtrArray *lines; /* gchar*: "name  state", one per VM, in the order reported */
	GPtrArray *names; /* gchar*: the VMs of lines, same order */
	guint waited_s;
} ShutdownView;

static void
draw(ShutdownView *view, guint timeout_s)
{
	g_autoptr(GString) text = g_string_new(NULL);

	g_string_append_printf(text, "Waiting for the VMs to shut down: %u of %u s\n",
	                       view->waited_s, timeout_s);
	for (guint i = 0; i < view->lines->len; i++)
		g_string_append_printf(text, "\n%s",
		                       (const gchar *)g_ptr_array_index(view->lines, i));
	dkvm_menu_gauge_set(view->gauge,
	                    timeout_s > 0 ? MIN(view->waited_s * 100 / timeout_s, 100) : 100,
	                    text->str);
}

static void
on_progress(const gchar *name, gboolean off, guint waited_s, guint timeout_s, gpointer user_data)
{
	ShutdownView *view = user_data;
	g_autofree gchar *line = g_strdup_printf("  %-24s %s", name, off ? "off" : "shutting down");
	guint index;
	gboolean changed;

	if (!g_ptr_array_find_with_equal_func(view->names, name, g_str_equal, &index)) {
		g_ptr_array_add(view->names, g_strdup(name));
		g_ptr_array_add(view->lines, g_strdup(""));
		index = view->names->len - 1;
	}
	changed = g_strcmp0(g_ptr_array_index(view->lines, index), line) != 0 ||
	          view->waited_s != waited_s;
	g_free(g_ptr_array_index(view->lines, index));
	g_ptr_array_index(view->lines, index) = g_steal_pointer(&line);
	view->waited_s = waited_s;
	/* a new box only when its text changes (once a second, or a VM went off) */
	if (changed)
		draw(view, timeout_s);
}

static gchar *
name_lines(GPtrArray *names)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(out, "  %s\n", (const gchar *)g_ptr_array_index(names, i));
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* After the timeout: force the VMs still running off, wait again, or back */
typedef enum { AFTER_FORCE, AFTER_WAIT, AFTER_BACK } AfterTimeout;

static AfterTimeout
ask_after_timeout(const gchar *title, GPtrArray *running, guint timeout_s)
{
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	g_autofree gchar *names = name_lines(running);
	g_autofree gchar *prompt = g_strdup_printf(
	        "Still running after %u s (the guest may ignore the power button):\n\n%s",
	        timeout_s, names);
	gint cursor = 0;

	/* Wait first, where the cursor starts: forcing loses the guests'
	 * unsaved work, so it takes a deliberate move */
	dkvm_menu_items_add(items, "wait", FALSE, "Wait        another %u s", timeout_s);
	dkvm_menu_items_add(items, "force", FALSE,
	                    "Force off   power them off now (unsaved work is lost)");
	if (dkvm_menu_choose(title, prompt, items, &cursor, NULL) != DKVM_ANSWER_OK)
		return AFTER_BACK;
	return cursor == 1 ? AFTER_FORCE : AFTER_WAIT;
}

/* Shuts every running VM down; TRUE when none runs any more (shut down or
 * forced off), or when they cannot be asked and the person chose to go on
 * ("@title anyway?": "Reboot", "Power off"); FALSE when the person went
 * back. */
static gboolean
shut_down_vms(DkvmMenu *menu, const gchar *title)
{
	const guint timeout_s = dkvm_menu_shutdown_timeout(menu);

	for (;;) {
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmVmShutdownAll) result = NULL;
		g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
		ShutdownView view = { .lines = lines, .names = names };

		view.gauge = dkvm_menu_gauge_new(title, "Asking the running VMs to shut down...");
		result = dkvm_vm_shutdown_all(menu->app, timeout_s, on_progress, &view, &error);
		g_clear_pointer(&view.gauge, dkvm_menu_gauge_free);
		menu->changed = TRUE;
		if (result == NULL) {
			/* libvirtd away: the person may still need the host down
			 * (Shell is the other way), but only deliberately */
			g_autofree gchar *question = g_strdup_printf(
			        "Cannot shut the VMs down: %s\n\n%s anyway? Running VMs lose "
			        "what they did not save.",
			        error->message, title);
			return dkvm_menu_confirm(title, question, TRUE);
		}
		for (guint i = 0; i < result->notes->len; i++)
			g_printerr("dkvm: warning: %s\n",
			           (const gchar *)g_ptr_array_index(result->notes, i));
		if (result->running->len == 0)
			return TRUE;
		switch (ask_after_timeout(title, result->running, timeout_s)) {
		case AFTER_BACK:
			return FALSE;
		case AFTER_WAIT:
			continue;
		case AFTER_FORCE:
			dkvm_menu_infobox(title, "Forcing the VMs off...");
			if (!dkvm_vm_force_off_all(menu->app, result->running, &error)) {
				dkvm_menu_error(title, error);
				return FALSE;
			}
			return TRUE;
		}
	}
}

static void
host_power(DkvmMenu *menu, DkvmHostPowerAction action)
{
	const gchar *title = action == DKVM_HOST_REBOOT ? "Reboot" : "Power off";
	const gchar *question =
	        action == DKVM_HOST_REBOOT
	                ? "Reboot the host?\n\nRunning VMs are asked to shut down first."
	                : "Power the host off?\n\nRunning VMs are asked to shut down first.";
	g_autoptr(GError) error = NULL;

	if (!dkvm_menu_confirm(title, question, TRUE))
		return;
	if (!shut_down_vms(menu, title))
		return;
	const gchar *going =
	        action == DKVM_HOST_REBOOT ? "Rebooting the host..." : "Powering the host off...";

	dkvm_menu_infobox(title, going);
	if (!dkvm_vm_power_host(action, &error)) {
		dkvm_menu_error(title, error);
		return;
	}
	/* init is taking the host down and ends the menu; should it not, a key
	 * (or half a minute) brings the menu back rather than a frozen screen */
	for (gint64 until = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
	     g_get_monotonic_time() < until;) {
		gint64 ms = (until - g_get_monotonic_time()) / 1000;
		if (dkvm_menu_wait_key((guint)MAX(ms, 1)))
			return;
		/* a resize (or a signal) ends the wait early: draw again */
		dkvm_menu_infobox(title, going);
	}
}

static void
shell(void)
{
	const struct passwd *pw = getpwuid(getuid());
	const gchar *path = pw != NULL && pw->pw_shell != NULL && *pw->pw_shell != '\0'
	                            ? pw->pw_shell
	                            : "/bin/sh";
	const gchar *argv[] = { path, "-l", NULL };
	g_autofree gchar *banner =
	        g_strdup_printf("DKVM: a login shell (%s). Type exit to return to the menu.", path);
	g_autoptr(GError) error = NULL;

	if (!dkvm_menu_run_on_terminal(argv, banner, NULL, &error))
		dkvm_menu_error("Shell", error);
}

static DkvmScreenResult
power_run(DkvmMenu *menu)
{
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	gint cursor = 0;

	dkvm_menu_items_add(items, "reboot", FALSE,
	                    "Reboot      shut the VMs down, restart the host");
	dkvm_menu_items_add(items, "poweroff", FALSE,
	                    "Power off   shut the VMs down, turn the host off");
	dkvm_menu_items_add(items, "shell", FALSE,
	                    "Shell       a login shell; exit comes back here");
	if (dkvm_menu_choose("Power", "The host:", items, &cursor, NULL) != DKVM_ANSWER_OK)
		return DKVM_SCREEN_BACK;
	switch (cursor) {
	case 0:
		host_power(menu, DKVM_HOST_REBOOT);
		break;
	case 1:
		host_power(menu, DKVM_HOST_POWER_OFF);
		break;
	default:
		shell();
		break;
	}
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_power = {
	.name = "power",
	.label = "Power",
	.help = "Reboot or power off the host, or a shell",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = power_run,
};
