/*
 * Start, Shut down and Force off, for the VM chosen on the main screen.
 * Shutting down asks the guest (ACPI) and shows the wait; when the guest
 * does not stop within dkvm.conf's shutdown_timeout, the person chooses between forcing it
 * off and waiting again. Force off asks first: the guest loses what it did
 * not write.
 */
#include "menu-vm-start.h"
#include "menu-widgets.h"
#include "menu.h"
#include "vm-power.h"

static DkvmScreenResult
start_run(DkvmMenu *menu)
{
	dkvm_menu_vm_start(menu, menu->vm_name);
	return DKVM_SCREEN_BACK;
}

typedef struct {
	DkvmMenuGauge *gauge;
	const gchar *name;
} StopView;

static void
on_stop_progress(const gchar *what, guint done, guint total, gpointer user_data)
{
	StopView *view = user_data;
	g_autofree gchar *text = NULL;

	if (total == 0)
		return;
	text = g_strdup_printf("Waiting for %s to shut down: %u of %u s", view->name, done, total);
	dkvm_menu_gauge_set(view->gauge, done * 100 / total, text);
}

static DkvmScreenResult
shutdown_run(DkvmMenu *menu)
{
	const gchar *name = menu->vm_name;
	const guint timeout_s = dkvm_menu_shutdown_timeout(menu);

	for (;;) {
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmMenuGauge) gauge = NULL;
		g_autofree gchar *text = g_strdup_printf("Asking %s to shut down...", name);
		StopView view = { .name = name };
		DkvmVmStopOutcome outcome;
		gboolean ok;

		gauge = dkvm_menu_gauge_new("Shut down", text);
		view.gauge = gauge;
		ok = dkvm_vm_stop(menu->app, name, timeout_s, FALSE, on_stop_progress, &view,
		                  &outcome, NULL, &error);
		g_clear_pointer(&gauge, dkvm_menu_gauge_free);
		menu->changed = TRUE;
		if (ok) {
			dkvm_menu_message("Shut down", outcome == DKVM_VM_STOP_WAS_OFF
			                                       ? "The VM was not running."
			                                       : "The VM has shut down.");
			return DKVM_SCREEN_BACK;
		}
		if (outcome != DKVM_VM_STOP_TIMED_OUT) {
			dkvm_menu_error("Shut down", error);
			return DKVM_SCREEN_BACK;
		}
		g_free(text);
		text = g_strdup_printf("%s did not shut down within %u s.\n\n"
		                       "Force it off now? (No: wait again)",
		                       name, timeout_s);
		if (dkvm_menu_confirm("Shut down", text, TRUE)) {
			g_clear_error(&error);
			if (!dkvm_vm_kill(menu->app, name, NULL, NULL, &error))
				dkvm_menu_error("Force off", error);
			return DKVM_SCREEN_BACK;
		}
	}
}

static DkvmScreenResult
force_off_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *question = g_strdup_printf(
	        "Force %s off now?\n\nLike pulling the plug: what the guest did not save is lost.",
	        menu->vm_name);
	gboolean was_running = FALSE;

	if (!dkvm_menu_confirm("Force off", question, TRUE))
		return DKVM_SCREEN_BACK;
	menu->changed = TRUE;
	if (!dkvm_vm_kill(menu->app, menu->vm_name, &was_running, NULL, &error))
		dkvm_menu_error("Force off", error);
	else
		dkvm_menu_message("Force off",
		                  was_running ? "The VM is off." : "The VM was not running.");
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_start = {
	.name = "start",
	.label = "Start",
	.help = "Start the VM (checks, hugepages, devices)",
	.scope = DKVM_SCREEN_FOR_VM,
	.run = start_run,
};

const DkvmScreen dkvm_screen_shutdown = {
	.name = "shutdown",
	.label = "Shut down",
	.help = "Ask the guest to shut down (ACPI)",
	.scope = DKVM_SCREEN_FOR_VM,
	.run = shutdown_run,
};

const DkvmScreen dkvm_screen_force_off = {
	.name = "force-off",
	.label = "Force off",
	.help = "Power the VM off at once",
	.scope = DKVM_SCREEN_FOR_VM,
	.run = force_off_run,
};
