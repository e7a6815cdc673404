/*
 * Autostart and the default VM: the two ways a VM starts when the host
 * boots. libvirt's autostart flag makes libvirtd start it; dkvm.conf's
 * default_vm is the VM the menu's boot countdown starts, which a key cancels.
 * A VM has one of them or neither, never both (libvirtd would start the
 * default VM before the countdown could be cancelled). The two settings live
 * in two places: if dkvm.conf cannot be written, the autostart flag is put
 * back, so a VM never ends up half-configured.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

typedef struct {
	gchar *name;              /* the VM's own name */
	gboolean default_changed; /* dkvm.conf's default_vm was changed */
	gboolean autostart;       /* libvirt's autostart flag as now set */
	GError *not_saved;        /* changed, but persisting failed */
} DkvmVmAutostartResult;

void dkvm_vm_autostart_result_free(DkvmVmAutostartResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmAutostartResult, dkvm_vm_autostart_result_free)

/*
 * @enable alone: libvirt's autostart on for VM @name (and it stops being the
 * default VM if it was). @enable with @make_default: it becomes the default
 * VM and libvirt's autostart is turned off for it. @enable FALSE: both off.
 * dkvm.conf (the app's config_path) is read again and written whole.
 */
DkvmVmAutostartResult *dkvm_vm_set_autostart(DkvmApp *app, const gchar *name, gboolean enable,
                                             gboolean make_default, GError **error);

G_END_DECLS
