/*
 * What the `dkvm vm ...` commands share on top of frontend/vm: finding the VM
 * named on the command line, asking before something cannot be undone, and
 * reporting an unsaved change with the CLI's hint (`dkvm save`).
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "app.h"
#include "vm-common.h"

G_BEGIN_DECLS

/*
 * Runs the persist command after a change. DKVM_ERROR_NOT_SAVED (exit 6)
 * when it fails: the change is active, `dkvm save` retries (the hint says so).
 */
gboolean dkvm_cmd_vm_persist(DkvmApp *app, GError **error);

/* Passes @not_saved (a workflow's unsaved change; may be NULL: TRUE) on to
 * @error with the CLI's hint. */
gboolean dkvm_cmd_vm_not_saved(const GError *not_saved, GError **error);

/* Appends "hint: ..." (a command the user can run) to @error's message. */
void dkvm_cmd_vm_add_hint(GError **error, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

/* Asks @question on the terminal; FALSE when the answer is not yes or
 * stdin is not a terminal (*out_asked then FALSE). */
gboolean dkvm_cmd_vm_confirm(const gchar *question, gboolean *out_asked);

/* The default VM of dkvm.conf; NULL when none or unreadable (then a warning). */
const gchar *dkvm_cmd_vm_default_name(DkvmApp *app);

G_END_DECLS
