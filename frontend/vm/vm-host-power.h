/*
 * The host's reboot and power off for the faces (the CLI's `dkvm power`,
 * the menu's Power screen), which reach frontend/system only through
 * frontend/vm. Run it after the VMs are down (vm-shutdown-all.h). Not a
 * libvirt call: it lives in the binary, not the libvirt module.
 */
#pragma once

#include <glib.h>

#include "host-power.h"

G_BEGIN_DECLS

/* dkvm_host_power: the system's `reboot` or `poweroff`, from PATH. */
gboolean dkvm_vm_power_host(DkvmHostPowerAction action, GError **error);

G_END_DECLS
