/* The boot countdown: the default VM starts unless a key is pressed. */
#pragma once

#include "menu.h"

G_BEGIN_DECLS

/* Counts down dkvm.conf's `countdown` seconds when a default VM is set and
 * shut off, then starts it (a failure is shown); any key cancels. */
void dkvm_menu_countdown(DkvmMenu *menu);

G_END_DECLS
