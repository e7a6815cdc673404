/*
 * dkvm vm start NAME, vm stop NAME [--timeout S] [--force], vm kill NAME.
 * Start and stop go through frontend/virt/virt-power.c, which takes the
 * VM's hugepages before a start and gives them back after a stop, so the
 * menu and the CLI cannot differ. Stop is the polite one (ACPI power
 * button, then wait); kill is the power cord, on purpose a separate command
 * so it is never reached by a typo in an option.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd-vm-common.h"
#include "cmd.h"
#include "dkvm-error.h"
#include "vm-power.h"

static gboolean cmd_vm_start_run(DkvmApp *app, gint argc, gchar **argv, GError **error);
static gboolean cmd_vm_stop_run(DkvmApp *app, gint argc, gchar **argv, GError **error);
static gboolean cmd_vm_kill_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_start = {
	.name = "vm start",
	.args = "NAME",
	.summary = "Start a VM (reserves its hugepages, checks its devices)",
	.run = cmd_vm_start_run,
};

const DkvmCmd dkvm_cmd_vm_stop = {
	.name = "vm stop",
	.args = "NAME [--timeout S] [--force]",
	.summary = "Shut a VM down (ACPI), power it off after the timeout with --force",
	.run = cmd_vm_stop_run,
};

const DkvmCmd dkvm_cmd_vm_kill = {
	.name = "vm kill",
	.args = "NAME",
	.summary = "Power a VM off at once, like pulling its power cord",
	.run = cmd_vm_kill_run,
};

#define DEFAULT_STOP_TIMEOUT 120

/* What a start did on the way (e.g. started libvirt's default network);
 * its steps are quick and not shown. */
static void
report_start(const gchar *what, guint done, guint total, gpointer user_data)
{
	if (total == 0)
		fprintf(stderr, "dkvm: %s\n", what);
}

/* While stopping, the seconds waited on a terminal (nothing when stderr goes
 * to a file). */
static void
report_stop(const gchar *what, guint done, guint total, gpointer user_data)
{
	if (total == 0) {
		fprintf(stderr, "dkvm: %s\n", what);
		return;
	}
	if (isatty(STDERR_FILENO) != 1)
		return;
	fprintf(stderr, "\r%s: %u s of %u s ", what, done, total);
	fflush(stderr);
}

static gboolean
cmd_vm_start_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *name = NULL;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_start, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_start, argc, 1, error))
		return FALSE;
	if (!dkvm_vm_start(app, argv[1], report_start, NULL, &name, error)) {
		/* frontend/virt states the missing card (virt-power.h); the way out
		 * is a command, so the CLI names it */
		if (g_error_matches(*error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND) &&
		    g_str_has_suffix((*error)->message, " is not in this host") &&
		    strstr((*error)->message, ": PCI device ") != NULL)
			dkvm_cmd_vm_add_hint(error, "remove it from the VM (dkvm vm edit) or check "
			                            "the card is seated");
		return FALSE;
	}
	g_print("VM '%s' started\n", name);
	return TRUE;
}

static gboolean
cmd_vm_stop_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gint timeout = DEFAULT_STOP_TIMEOUT;
	gboolean force = FALSE;
	const GOptionEntry entries[] = {
		{ "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
		  "Seconds to wait for the guest to power off (default 120)", "S" },
		{ "force", 'f', 0, G_OPTION_ARG_NONE, &force,
		  "Power the VM off if it has not shut down in time", NULL },
		{ NULL },
	};
	g_autoptr(GError) local_error = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *question = NULL;
	DkvmVmStopOutcome outcome = DKVM_VM_STOP_WAS_OFF;
	gboolean asked = FALSE;
	gboolean ok;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_stop, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_stop, argc, 1, error))
		return FALSE;
	if (timeout < 0 || timeout > 86400) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "vm stop: --timeout %d: use 0 to 86400 seconds", timeout);
		return FALSE;
	}
	ok = dkvm_vm_stop(app, argv[1], (guint)timeout, force, report_stop, NULL, &outcome, &name,
	                  &local_error);
	if (outcome != DKVM_VM_STOP_WAS_OFF && name != NULL && isatty(STDERR_FILENO) == 1)
		fprintf(stderr, "\n");
	if (ok) {
		if (outcome == DKVM_VM_STOP_WAS_OFF)
			g_print("VM '%s' is already shut off\n", name);
		else if (outcome == DKVM_VM_STOP_POWERED_OFF)
			g_print("VM '%s' did not shut down within %d s: powered off\n", name,
			        timeout);
		else
			g_print("VM '%s' is shut down\n", name);
		return TRUE;
	}
	if (outcome != DKVM_VM_STOP_TIMED_OUT) {
		g_propagate_error(error, g_steal_pointer(&local_error));
		return FALSE;
	}
	question = g_strdup_printf("VM '%s' did not shut down within %d s. Power it off now?", name,
	                           timeout);
	if (dkvm_cmd_vm_confirm(question, &asked)) {
		if (!dkvm_vm_kill(app, name, NULL, NULL, error))
			return FALSE;
		g_print("VM '%s' powered off\n", name);
		return TRUE;
	}
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED,
	            "%s%s\n"
	            "hint: the guest may ignore the power button; `dkvm vm stop %s --force` "
	            "powers it off after the timeout",
	            local_error->message, asked ? "; left running" : "", name);
	return FALSE;
}

static gboolean
cmd_vm_kill_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *name = NULL;
	gboolean was_running = FALSE;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_kill, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_kill, argc, 1, error))
		return FALSE;
	if (!dkvm_vm_kill(app, argv[1], &was_running, &name, error))
		return FALSE;
	if (was_running)
		g_print("VM '%s' powered off\n", name);
	else
		g_print("VM '%s' is already shut off\n", name);
	return TRUE;
}
