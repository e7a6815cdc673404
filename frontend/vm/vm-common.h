/*
 * What the VM workflows share: finding a VM, persisting a change the same
 * way everywhere, asking libvirt for the hypervisor, and the progress
 * callback a frontend draws (a line on a terminal, a dialog gauge).
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "app.h"

G_BEGIN_DECLS

/*
 * What a workflow is doing. @total 0: a notice (something done or found on
 * the way, e.g. "started libvirt's default network", or a warning that does
 * not stop the workflow); else step @done of @total (seconds waited of the
 * timeout, for a stop).
 */
typedef void (*DkvmVmProgress)(const gchar *what, guint done, guint total, gpointer user_data);

/* Connects (first use) and looks up @name (name or UUID). */
virDomainPtr dkvm_vm_lookup(DkvmApp *app, const gchar *name, GError **error);

/* The VM's own name for @name (a name or UUID): DKVM_ERROR_NOT_FOUND if none. */
gchar *dkvm_vm_get_name(DkvmApp *app, const gchar *name, GError **error);

/*
 * Runs dkvm.conf's persist command after a change. DKVM_ERROR_NOT_SAVED when
 * it fails or dkvm.conf cannot be read: the change is active, persisting
 * again saves it.
 */
gboolean dkvm_vm_persist(DkvmApp *app, GError **error);

/*
 * Saves the host's configuration now (the persist command above, also for
 * changes made with virsh). *out_command (optional) gets the command run;
 * NULL when there is none: nothing was saved, and that is no error.
 */
gboolean dkvm_vm_save(DkvmApp *app, gchar **out_command, GError **error);

/* The default VM of dkvm.conf, NULL when none; FALSE when dkvm.conf cannot be read. */
gboolean dkvm_vm_get_default_name(DkvmApp *app, const gchar **out, GError **error);

/* DkvmAppHypervisorFunc on the app's connection (libvirt's domain capabilities). */
gboolean dkvm_vm_get_hypervisor(DkvmApp *app, DkvmAccelerator accelerator, DkvmHypervisor **out,
                                GError **error);

G_END_DECLS
