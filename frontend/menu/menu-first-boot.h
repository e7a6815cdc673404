/*
 * First boot: when `dkvm menu --boot` starts on a stick that has not been
 * set up (vm-first-boot.h's marker is missing), it offers once, before the
 * countdown: the root password (passwd on this terminal), an SSH public key
 * for root, and the default VM. Each step is skipped with Esc; the marker
 * is written at the end whatever was skipped, and saved like the settings.
 */
#pragma once

#include "menu.h"

G_BEGIN_DECLS

/* Runs the first-boot steps when they are pending; nothing otherwise. */
void dkvm_menu_first_boot(DkvmMenu *menu);

G_END_DECLS
