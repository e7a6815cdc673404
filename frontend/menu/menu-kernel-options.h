/*
 * Kernel options: the Host screen's entry for the boot stick's kernel
 * options (what `dkvm host cmdline` changes), a check list of the options
 * DKVM manages, the new line shown for confirmation, then written to
 * syslinux.cfg and grub.cfg together.
 */
#pragma once

#include "menu.h"

G_BEGIN_DECLS

void dkvm_menu_kernel_options(DkvmMenu *menu);

G_END_DECLS
