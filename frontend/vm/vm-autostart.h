/*
 * Autostart and the default VM. libvirt's autostart flag starts a VM when the
 * host boots; dkvm.conf's default_vm is the VM the boot countdown starts.
 * The two settings live in two places: if dkvm.conf cannot be written, the
 * autostart flag is put back, so a VM never ends up half-configured.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

typedef struct {
	gchar *name;              /* the VM's own name */
	gboolean default_changed; /* dkvm.conf's default_vm was changed */
	GError *not_saved;        /* changed, but persisting failed */
} DkvmVmAutostartResult;

void dkvm_vm_autostart_result_free(DkvmVmAutostartResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmAutostartResult, dkvm_vm_autostart_result_free)

/*
 * Turns VM @name's autostart on, and with @make_default also makes it the
 * default VM; @enable FALSE turns autostart off and, when it is the default
 * VM, that too. dkvm.conf (the app's config_path) is read again and written
 * whole.
 */
DkvmVmAutostartResult *dkvm_vm_set_autostart(DkvmApp *app, const gchar *name, gboolean enable,
                                             gboolean make_default, GError **error);

G_END_DECLS
