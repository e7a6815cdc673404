/*
 * What the host screens (CPU, Hugepages) read and change besides the host
 * facts: every VM's parsed domain (pins, hugepage needs), and dkvm.conf,
 * written and persisted the way `dkvm` writes it.
 */
#pragma once

#include <glib.h>

#include "config.h"
#include "menu.h"

G_BEGIN_DECLS

/* Every VM's DkvmVmDetails (summary and parsed domain), sorted by name. A
 * VM deleted between the list and its details is left out. */
GPtrArray *dkvm_menu_read_vm_details(DkvmApp *app, GError **error);

typedef void (*DkvmMenuConfigChange)(DkvmConfig *config, gpointer user_data);

/*
 * Applies @change to the app's dkvm.conf as it is on disk (its other keys
 * and comments kept; a missing default file is the defaults), writes it,
 * makes it the app's settings, then persists (dkvm_vm_persist). FALSE with
 * @error when the file cannot be read or written: nothing changed. A failed
 * persist is not a failure (the change is active): its message goes to
 * @notes.
 */
gboolean dkvm_menu_change_config(DkvmMenu *menu, DkvmMenuConfigChange change, gpointer user_data,
                                 GPtrArray *notes, GError **error);

G_END_DECLS
