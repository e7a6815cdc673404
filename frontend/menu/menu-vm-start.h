/* Starting a VM with its progress on the screen: the Start action and the
 * boot countdown share it. */
#pragma once

#include "menu.h"

G_BEGIN_DECLS

/* Starts @name through frontend/vm, showing each step; a failure is shown
 * with QEMU's own words. TRUE when the VM runs. */
gboolean dkvm_menu_vm_start(DkvmMenu *menu, const gchar *name);

G_END_DECLS
