/*
 * The host's shutdown sequence, the same for `dkvm power` and the menu's
 * Power screen: every running VM is asked to shut down (ACPI power button,
 * all at once), one timeout covers them all, and what is still running
 * then is named, for the frontend to force off (dkvm_vm_force_off_all) or
 * wait again. A VM that is off gets its hugepages back, as after
 * `dkvm vm stop`.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

/* Each second of the wait, once per VM asked: @off says whether it is off
 * by now; @waited_s of @timeout_s seconds. */
typedef void (*DkvmVmShutdownProgress)(const gchar *name, gboolean off, guint waited_s,
                                       guint timeout_s, gpointer user_data);

typedef struct {
	GPtrArray *asked;   /* gchar*: the VMs that were running, each asked to shut down */
	GPtrArray *running; /* gchar*: those still running after the timeout */
	/* gchar*: what went wrong on the way without stopping the sequence
	 * (a VM libvirt could not ask, pages not given back), one line each */
	GPtrArray *notes;
} DkvmVmShutdownAll;

void dkvm_vm_shutdown_all_free(DkvmVmShutdownAll *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmShutdownAll, dkvm_vm_shutdown_all_free)

/*
 * Asks every running VM to shut down and waits up to @timeout_s seconds
 * (0: asks and returns at once, the way the power button does). NULL with
 * @error only when the VMs cannot be listed or their states read.
 */
DkvmVmShutdownAll *dkvm_vm_shutdown_all(DkvmApp *app, guint timeout_s,
                                        DkvmVmShutdownProgress progress, gpointer user_data,
                                        GError **error);

/*
 * Powers off at once every VM named in @names (gchar*), each with its pages
 * given back (dkvm_vm_kill). All are tried; FALSE with one error naming
 * every VM that could not be powered off.
 */
gboolean dkvm_vm_force_off_all(DkvmApp *app, GPtrArray *names, GError **error);

G_END_DECLS
