/*
 * What the `dkvm vm ...` commands share: finding the VM named on the command
 * line, asking before something cannot be undone, and persisting a change
 * (dkvm_persist) the same way everywhere.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "app.h"
#include "virt-connection.h"

G_BEGIN_DECLS

/* Connects (first use) and looks up @name (name or UUID). */
virDomainPtr dkvm_cmd_vm_lookup(DkvmApp *app, const gchar *name, GError **error);

/*
 * Runs the persist command after a change. DKVM_ERROR_NOT_SAVED (exit 6)
 * when it fails: the change is active, `dkvm save` retries.
 */
gboolean dkvm_cmd_vm_persist(DkvmApp *app, GError **error);

/* Asks @question on the terminal; FALSE when the answer is not yes or
 * stdin is not a terminal (*out_asked then FALSE). */
gboolean dkvm_cmd_vm_confirm(const gchar *question, gboolean *out_asked);

/* The default VM of dkvm.conf; NULL when none or unreadable (then a warning). */
const gchar *dkvm_cmd_vm_default_name(DkvmApp *app);

G_END_DECLS
