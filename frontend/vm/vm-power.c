/*
 * Start, stop, kill (see vm-power.h) over frontend/virt/virt-power.c, which
 * takes the VM's hugepages before a start and gives them back after a stop.
 */
#include "vm-power.h"

#include "dkvm-error.h"
#include "virt-power.h"

typedef struct {
	DkvmVmProgress progress;
	gpointer user_data;
	const gchar *name;
} Listener;

static void
on_notice(const gchar *text, gpointer user_data)
{
	Listener *l = user_data;

	if (l->progress != NULL)
		l->progress(text, 0, 0, l->user_data);
}

static void
on_wait(guint elapsed_ms, guint timeout_ms, gpointer user_data)
{
	Listener *l = user_data;
	g_autofree gchar *what = NULL;

	if (l->progress == NULL || elapsed_ms % 1000 != 0)
		return;
	what = g_strdup_printf("waiting for VM '%s' to shut down", l->name);
	l->progress(what, elapsed_ms / 1000, MAX(timeout_ms / 1000, 1), l->user_data);
}

/* A start's steps: devices, host, then the start itself (checks of files,
 * networks and pools, pages taken, QEMU started). */
#define START_STEPS 3

static void
step(Listener *l, const gchar *what, guint done)
{
	if (l->progress != NULL)
		l->progress(what, done, START_STEPS, l->user_data);
}

static void
set_name(gchar **out_name, virDomainPtr dom)
{
	if (out_name != NULL)
		*out_name = g_strdup(virDomainGetName(dom));
}

gboolean
dkvm_vm_start(DkvmApp *app, const gchar *name, DkvmVmProgress progress, gpointer user_data,
              gchar **out_name, GError **error)
{
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, error);
	g_autoptr(DkvmDomainXml) parsed = NULL;
	Listener listener = { progress, user_data, name };
	const DkvmHostFacts *host = NULL;

	if (dom == NULL)
		return FALSE;
	listener.name = virDomainGetName(dom);
	/* read and parsed once for every check and the start */
	parsed = dkvm_virt_domain_read(dom, error);
	if (parsed == NULL)
		return FALSE;
	if (parsed->pci_hostdevs->len > 0) {
		step(&listener, "checking the VM's PCI devices", 1);
		/* a missing device is the clearer error; host discovery (it reads
		 * all of sysfs) only when it matters */
		g_autoptr(GError) host_error = NULL;
		if (!dkvm_virt_check_domain_hostdevs(dom, parsed, NULL, NULL, error))
			return FALSE;
		step(&listener, "reading the host's devices", 2);
		host = dkvm_app_get_host(app, &host_error);
		if (host == NULL) {
			g_autofree gchar *warning = g_strdup_printf(
			        "warning: cannot check whether the host needs the VM's devices: %s",
			        host_error->message);
			on_notice(warning, &listener);
		}
	}
	{
		g_autofree gchar *what = g_strdup_printf("starting VM '%s'", listener.name);
		step(&listener, what, START_STEPS);
	}
	if (!dkvm_virt_start_parsed_vm(dom, parsed, host, on_notice, &listener, error))
		return FALSE;
	set_name(out_name, dom);
	return TRUE;
}

gboolean
dkvm_vm_stop(DkvmApp *app, const gchar *name, guint timeout_s, gboolean force,
             DkvmVmProgress progress, gpointer user_data, DkvmVmStopOutcome *out, gchar **out_name,
             GError **error)
{
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, error);
	g_autoptr(GError) local_error = NULL;
	Listener listener = { progress, user_data, name };
	gint state = VIR_DOMAIN_NOSTATE;
	gboolean timed_out = FALSE;

	if (dom == NULL)
		return FALSE;
	listener.name = virDomainGetName(dom);
	if (!dkvm_virt_domain_get_state(dom, &state, error))
		return FALSE;
	if (state == VIR_DOMAIN_SHUTOFF) {
		/* the goal is met; pages left from a guest that powered itself off
		 * are still given back */
		if (!dkvm_virt_kill_vm(dom, error))
			return FALSE;
		*out = DKVM_VM_STOP_WAS_OFF;
		set_name(out_name, dom);
		return TRUE;
	}
	if (dkvm_virt_stop_vm(dom, timeout_s, force, on_wait, &listener, &timed_out,
	                      &local_error)) {
		*out = timed_out ? DKVM_VM_STOP_POWERED_OFF : DKVM_VM_STOP_SHUT_DOWN;
		set_name(out_name, dom);
		return TRUE;
	}
	if (!timed_out) {
		g_propagate_error(error, g_steal_pointer(&local_error));
		return FALSE;
	}
	*out = DKVM_VM_STOP_TIMED_OUT;
	set_name(out_name, dom);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED, "VM '%s' did not shut down within %u s",
	            virDomainGetName(dom), timeout_s);
	return FALSE;
}

gboolean
dkvm_vm_kill(DkvmApp *app, const gchar *name, gboolean *out_was_running, gchar **out_name,
             GError **error)
{
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, error);
	gint state = VIR_DOMAIN_NOSTATE;

	if (dom == NULL)
		return FALSE;
	if (!dkvm_virt_domain_get_state(dom, &state, error))
		return FALSE;
	if (!dkvm_virt_kill_vm(dom, error))
		return FALSE;
	if (out_was_running != NULL)
		*out_was_running = state != VIR_DOMAIN_SHUTOFF;
	set_name(out_name, dom);
	return TRUE;
}
