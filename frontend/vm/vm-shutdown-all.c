/*
 * The shutdown sequence (vm-shutdown-all.h) over frontend/virt: the running
 * domains from libvirt, the buttons and the one wait in
 * virt-shutdown-all.c, and after it the same pieces `dkvm vm stop` and
 * `dkvm vm kill` use (virt-power.c) to give the pages back.
 */
#include "vm-shutdown-all.h"

#include <stdlib.h>

#include "dkvm-error.h"
#include "virt-connection.h"
#include "virt-power.h"
#include "virt-shutdown-all.h"
#include "vm-power.h"

void
dkvm_vm_shutdown_all_free(DkvmVmShutdownAll *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->asked, g_ptr_array_unref);
	g_clear_pointer(&self->running, g_ptr_array_unref);
	g_clear_pointer(&self->notes, g_ptr_array_unref);
	g_free(self);
}

typedef struct {
	DkvmVmShutdownProgress progress;
	gpointer user_data;
	DkvmVmShutdownAll *result;
} Listener;

static void
on_progress(virDomainPtr dom, gboolean off, guint elapsed_s, guint timeout_s, gpointer user_data)
{
	Listener *l = user_data;

	if (l->progress != NULL)
		l->progress(virDomainGetName(dom), off, elapsed_s, timeout_s, l->user_data);
}

static void
on_notice(virDomainPtr dom, const GError *error, gpointer user_data)
{
	Listener *l = user_data;

	g_ptr_array_add(l->result->notes, g_strdup(error->message));
}

/* The running domains (paused ones too: they hold their memory and
 * devices), sorted by name so that every face lists them alike. */
static gint
by_name(gconstpointer a, gconstpointer b)
{
	virDomainPtr x = *(virDomainPtr *)a;
	virDomainPtr y = *(virDomainPtr *)b;

	return g_strcmp0(virDomainGetName(x), virDomainGetName(y));
}

static void
domain_free(gpointer dom)
{
	virDomainFree(dom);
}

static GPtrArray *
list_running(virConnectPtr conn, GError **error)
{
	virDomainPtr *list = NULL;
	gint n = virConnectListAllDomains(conn, &list, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	GPtrArray *doms;

	if (n < 0) {
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, "cannot list the running VMs");
		return NULL;
	}
	doms = g_ptr_array_new_with_free_func(domain_free);
	for (gint i = 0; i < n; i++)
		g_ptr_array_add(doms, list[i]);
	free(list);
	g_ptr_array_sort(doms, by_name);
	return doms;
}

DkvmVmShutdownAll *
dkvm_vm_shutdown_all(DkvmApp *app, guint timeout_s, DkvmVmShutdownProgress progress,
                     gpointer user_data, GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);
	g_autoptr(GPtrArray) doms = NULL;
	g_autoptr(DkvmVmShutdownAll) result = NULL;
	g_autofree gboolean *off = NULL;
	Listener listener = { progress, user_data, NULL };

	if (conn == NULL)
		return NULL;
	doms = list_running(conn, error);
	if (doms == NULL)
		return NULL;
	result = g_new0(DkvmVmShutdownAll, 1);
	result->asked = g_ptr_array_new_with_free_func(g_free);
	result->running = g_ptr_array_new_with_free_func(g_free);
	result->notes = g_ptr_array_new_with_free_func(g_free);
	listener.result = result;
	off = g_new0(gboolean, MAX(doms->len, 1));
	if (!dkvm_virt_shutdown_domains(doms, timeout_s, on_progress, on_notice, &listener, off,
	                                error))
		return NULL;
	for (guint i = 0; i < doms->len; i++) {
		virDomainPtr dom = g_ptr_array_index(doms, i);
		g_autoptr(GError) release_error = NULL;

		g_ptr_array_add(result->asked, g_strdup(virDomainGetName(dom)));
		if (!off[i]) {
			g_ptr_array_add(result->running, g_strdup(virDomainGetName(dom)));
			continue;
		}
		/* off: its pages go back, as after `dkvm vm stop` (the destroy in
		 * it does nothing to a domain already off) */
		if (!dkvm_virt_kill_vm(dom, &release_error))
			g_ptr_array_add(result->notes, g_strdup(release_error->message));
	}
	return g_steal_pointer(&result);
}

gboolean
dkvm_vm_force_off_all(DkvmApp *app, GPtrArray *names, GError **error)
{
	g_autoptr(GString) failures = g_string_new(NULL);
	gint code = DKVM_ERROR_FAILED;

	for (guint i = 0; i < names->len; i++) {
		g_autoptr(GError) kill_error = NULL;

		if (dkvm_vm_kill(app, g_ptr_array_index(names, i), NULL, NULL, &kill_error))
			continue;
		/* the first failure's code: one VM is the usual case */
		if (failures->len == 0 && kill_error->domain == DKVM_ERROR)
			code = kill_error->code;
		g_string_append_printf(failures, "%s%s", failures->len > 0 ? "; " : "",
		                       kill_error->message);
	}
	if (failures->len == 0)
		return TRUE;
	g_set_error_literal(error, DKVM_ERROR, code, failures->str);
	return FALSE;
}
