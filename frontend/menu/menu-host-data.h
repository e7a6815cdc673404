/*
 * What the host screens (CPU, Hugepages) read and change besides the host
 * facts: every VM's parsed domain (pins, hugepage needs), and dkvm.conf,
 * written through frontend/vm and persisted the way `dkvm` does.
 */
#pragma once

#include <glib.h>

#include "menu.h"

G_BEGIN_DECLS

/* Every VM's DkvmVmDetails (summary and parsed domain), sorted by name. A
 * VM deleted between the list and its details is left out. */
GPtrArray *dkvm_menu_read_vm_details(DkvmApp *app, GError **error);

/*
 * Applies @change to dkvm.conf (dkvm_app_change_config: the file as it is,
 * its other keys and comments kept), then persists (dkvm_vm_persist). FALSE
 * with @error when the file cannot be read or written: nothing changed. A
 * failed persist is not a failure (the change is active): its message goes
 * to @notes.
 */
gboolean dkvm_menu_change_config(DkvmMenu *menu, DkvmAppConfigChange change, gpointer user_data,
                                 GPtrArray *notes, GError **error);

G_END_DECLS
