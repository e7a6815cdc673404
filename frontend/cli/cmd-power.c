/*
 * dkvm power button | off | reboot: the host's power, with its VMs shut
 * down first (frontend/vm/vm-shutdown-all.h, the sequence the menu's Power
 * screen runs too).
 *
 * `power button` is what the overlay's ACPI handler runs when the host's
 * power button is pressed: it asks every running VM to shut down and
 * returns at once (the original DKVM sent QEMU's system_powerdown); with no
 * VM running it powers the host off, so a second press after the guests
 * are down turns the machine off. `power off` and `power reboot` wait for
 * the guests; a guest still running after the timeout stops the command
 * unless --force powers it off: losing a guest's unsaved work is never the
 * default.
 */
#include <stdio.h>
#include <unistd.h>

#include "cmd-vm-common.h"
#include "cmd.h"
#include "dkvm-error.h"
#include "vm-host-power.h"
#include "vm-shutdown-all.h"

static gboolean cmd_power_button_run(DkvmApp *app, gint argc, gchar **argv, GError **error);
static gboolean cmd_power_off_run(DkvmApp *app, gint argc, gchar **argv, GError **error);
static gboolean cmd_power_reboot_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_power_button = {
	.name = "power button",
	.args = "",
	.summary = "Ask the VMs to shut down (ACPI); none running: power off",
	.run = cmd_power_button_run,
};

const DkvmCmd dkvm_cmd_power_off = {
	.name = "power off",
	.args = "[--timeout S] [--force]",
	.summary = "Shut the VMs down, then power the host off",
	.run = cmd_power_off_run,
};

const DkvmCmd dkvm_cmd_power_reboot = {
	.name = "power reboot",
	.args = "[--timeout S] [--force]",
	.summary = "Shut the VMs down, then reboot the host",
	.run = cmd_power_reboot_run,
};

static void
print_notes(const DkvmVmShutdownAll *result)
{
	for (guint i = 0; i < result->notes->len; i++)
		fprintf(stderr, "dkvm: warning: %s\n",
		        (const gchar *)g_ptr_array_index(result->notes, i));
}

/* "'a', 'b'" */
static gchar *
quoted_names(GPtrArray *names)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(out, "%s'%s'", i > 0 ? ", " : "",
		                       (const gchar *)g_ptr_array_index(names, i));
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static gboolean
power_host(DkvmHostPowerAction action, GError **error)
{
	g_print(action == DKVM_HOST_REBOOT ? "rebooting the host\n" : "powering the host off\n");
	/* the message first: the command may end this process's world */
	fflush(stdout);
	return dkvm_vm_power_host(action, error);
}

static gboolean
cmd_power_button_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(DkvmVmShutdownAll) result = NULL;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_power_button, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_power_button, argc, 0, error))
		return FALSE;
	result = dkvm_vm_shutdown_all(app, 0, NULL, NULL, error);
	if (result == NULL)
		return FALSE;
	print_notes(result);
	if (result->asked->len == 0) {
		g_print("no VM is running\n");
		return power_host(DKVM_HOST_POWER_OFF, error);
	}
	for (guint i = 0; i < result->asked->len; i++)
		g_print("asked VM '%s' to shut down\n",
		        (const gchar *)g_ptr_array_index(result->asked, i));
	return TRUE;
}

typedef struct {
	guint last_s; /* the second last drawn */
} Report;

/* The seconds waited and the VMs still running, on a terminal (nothing when
 * stderr goes to a file). */
static void
report_wait(const gchar *name, gboolean off, guint waited_s, guint timeout_s, gpointer user_data)
{
	Report *report = user_data;

	if (isatty(STDERR_FILENO) != 1 || report->last_s == waited_s)
		return;
	report->last_s = waited_s;
	fprintf(stderr, "\rwaiting for the VMs to shut down: %u s of %u s ", waited_s, timeout_s);
	fflush(stderr);
}

static gboolean
power_sequence(const DkvmCmd *cmd, DkvmHostPowerAction action, DkvmApp *app, gint argc,
               gchar **argv, GError **error)
{
	gint timeout = -1;
	gboolean force = FALSE;
	const GOptionEntry entries[] = {
		{ "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
		  "Seconds to wait for the VMs to shut down (default: dkvm.conf's "
		  "shutdown_timeout, 120)",
		  "S" },
		{ "force", 'f', 0, G_OPTION_ARG_NONE, &force,
		  "Power off the VMs that have not shut down in time", NULL },
		{ NULL },
	};
	const gchar *what = action == DKVM_HOST_REBOOT ? "reboot" : "power off";
	g_autoptr(DkvmVmShutdownAll) result = NULL;
	Report report = { G_MAXUINT };

	if (!dkvm_cmd_parse_options(cmd, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(cmd, argc, 0, error))
		return FALSE;
	if (timeout == -1) {
		const DkvmConfig *config = dkvm_app_get_config(app, error);
		if (config == NULL)
			return FALSE;
		timeout = (gint)config->shutdown_timeout;
	} else if (timeout < 0 || timeout > 86400) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "%s: --timeout %d: use 0 to 86400 seconds", cmd->name, timeout);
		return FALSE;
	}
	result = dkvm_vm_shutdown_all(app, (guint)timeout, report_wait, &report, error);
	if (report.last_s != G_MAXUINT)
		fprintf(stderr, "\n");
	if (result == NULL)
		return FALSE;
	print_notes(result);
	for (guint i = 0; i < result->asked->len; i++) {
		const gchar *name = g_ptr_array_index(result->asked, i);
		if (!g_ptr_array_find_with_equal_func(result->running, name, g_str_equal, NULL))
			g_print("VM '%s' is shut down\n", name);
	}
	if (result->running->len > 0) {
		g_autofree gchar *names = quoted_names(result->running);
		if (!force) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
			            "cannot %s the host: %s %s %s still running after %d s\n"
			            "hint: shut %s down, or run `dkvm %s --force` to power %s off "
			            "after the timeout",
			            what, result->running->len == 1 ? "VM" : "VMs", names,
			            result->running->len == 1 ? "is" : "are", timeout,
			            result->running->len == 1 ? "it" : "them", cmd->name,
			            result->running->len == 1 ? "it" : "them");
			return FALSE;
		}
		if (!dkvm_vm_force_off_all(app, result->running, error)) {
			g_prefix_error(error, "cannot %s the host: ", what);
			return FALSE;
		}
		for (guint i = 0; i < result->running->len; i++)
			g_print("VM '%s' did not shut down within %d s: powered off\n",
			        (const gchar *)g_ptr_array_index(result->running, i), timeout);
	}
	return power_host(action, error);
}

static gboolean
cmd_power_off_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	return power_sequence(&dkvm_cmd_power_off, DKVM_HOST_POWER_OFF, app, argc, argv, error);
}

static gboolean
cmd_power_reboot_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	return power_sequence(&dkvm_cmd_power_reboot, DKVM_HOST_REBOOT, app, argc, argv, error);
}
