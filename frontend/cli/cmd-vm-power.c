/*
 * dkvm vm start NAME, vm stop NAME [--timeout S] [--force], vm kill NAME.
 * Start and stop go through frontend/virt/virt-power.c, which takes the
 * VM's hugepages before a start and gives them back after a stop, so the
 * menu and the CLI cannot differ. Stop is the polite one (ACPI power
 * button, then wait); kill is the power cord, on purpose a separate command
 * so it is never reached by a typo in an option.
 */
#include <stdio.h>
#include <unistd.h>

#include "cmd-vm-common.h"
#include "cmd.h"
#include "dkvm-error.h"
#include "virt-power.h"

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

/* What a start did on the way (e.g. started libvirt's default network). */
static void
start_notice(const gchar *text, gpointer user_data)
{
	fprintf(stderr, "dkvm: %s\n", text);
}

static gboolean
cmd_vm_start_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(virDomain) dom = NULL;
	const DkvmHostFacts *host = NULL;
	gboolean has_pci = FALSE;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_start, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_start, argc, 1, error))
		return FALSE;
	dom = dkvm_cmd_vm_lookup(app, argv[1], error);
	if (dom == NULL)
		return FALSE;
	if (!dkvm_virt_domain_has_pci_hostdevs(dom, &has_pci, error))
		return FALSE;
	if (has_pci) {
		/* a missing device is the clearer error; host discovery (it reads
		 * all of sysfs) only when it matters */
		g_autoptr(GError) host_error = NULL;
		if (!dkvm_virt_check_hostdevs(dom, NULL, NULL, error))
			return FALSE;
		host = dkvm_app_get_host(app, &host_error);
		if (host == NULL)
			fprintf(stderr,
			        "dkvm: warning: cannot check whether the host needs the VM's "
			        "devices: %s\n",
			        host_error->message);
	}
	if (!dkvm_virt_start_vm_with_notices(dom, host, start_notice, NULL, error))
		return FALSE;
	g_print("VM '%s' started\n", virDomainGetName(dom));
	return TRUE;
}

/* A progress line on a terminal; nothing when stderr goes to a file. */
static void
stop_progress(guint elapsed_ms, guint timeout_ms, gpointer user_data)
{
	const gchar *name = user_data;

	if (isatty(STDERR_FILENO) != 1 || elapsed_ms % 1000 != 0)
		return;
	fprintf(stderr, "\rwaiting for VM '%s' to shut down: %u s of %u s ", name,
	        elapsed_ms / 1000, timeout_ms / 1000);
	fflush(stderr);
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
	g_autoptr(virDomain) dom = NULL;
	g_autoptr(GError) local_error = NULL;
	gint state = VIR_DOMAIN_NOSTATE;
	gboolean timed_out = FALSE;
	gboolean asked = FALSE;
	const gchar *name;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_stop, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_stop, argc, 1, error))
		return FALSE;
	if (timeout < 0 || timeout > 86400) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "vm stop: --timeout %d: use 0 to 86400 seconds", timeout);
		return FALSE;
	}
	dom = dkvm_cmd_vm_lookup(app, argv[1], error);
	if (dom == NULL)
		return FALSE;
	name = virDomainGetName(dom);
	if (!dkvm_virt_domain_get_state(dom, &state, error))
		return FALSE;
	if (state == VIR_DOMAIN_SHUTOFF) {
		/* the goal is met; pages left from a guest that powered itself off
		 * are still given back */
		if (!dkvm_virt_kill_vm(dom, error))
			return FALSE;
		g_print("VM '%s' is already shut off\n", name);
		return TRUE;
	}
	if (dkvm_virt_stop_vm(dom, (guint)timeout, force, stop_progress, (gpointer)name, &timed_out,
	                      &local_error)) {
		if (isatty(STDERR_FILENO) == 1)
			fprintf(stderr, "\n");
		if (timed_out)
			g_print("VM '%s' did not shut down within %d s: powered off\n", name,
			        timeout);
		else
			g_print("VM '%s' is shut down\n", name);
		return TRUE;
	}
	if (isatty(STDERR_FILENO) == 1)
		fprintf(stderr, "\n");
	if (!timed_out) {
		g_propagate_error(error, g_steal_pointer(&local_error));
		return FALSE;
	}
	{
		g_autofree gchar *question = g_strdup_printf(
		        "VM '%s' did not shut down within %d s. Power it off now?", name, timeout);
		if (dkvm_cmd_vm_confirm(question, &asked)) {
			if (!dkvm_virt_kill_vm(dom, error))
				return FALSE;
			g_print("VM '%s' powered off\n", name);
			return TRUE;
		}
	}
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED,
	            "VM '%s' did not shut down within %d s%s\n"
	            "hint: the guest may ignore the power button; `dkvm vm stop %s --force` "
	            "powers it off after the timeout",
	            name, timeout, asked ? "; left running" : "", name);
	return FALSE;
}

static gboolean
cmd_vm_kill_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autoptr(virDomain) dom = NULL;
	gint state = VIR_DOMAIN_NOSTATE;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_kill, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_kill, argc, 1, error))
		return FALSE;
	dom = dkvm_cmd_vm_lookup(app, argv[1], error);
	if (dom == NULL)
		return FALSE;
	if (!dkvm_virt_domain_get_state(dom, &state, error))
		return FALSE;
	if (!dkvm_virt_kill_vm(dom, error))
		return FALSE;
	if (state == VIR_DOMAIN_SHUTOFF)
		g_print("VM '%s' is already shut off\n", virDomainGetName(dom));
	else
		g_print("VM '%s' powered off\n", virDomainGetName(dom));
	return TRUE;
}
