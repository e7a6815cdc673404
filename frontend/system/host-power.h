/*
 * Rebooting and powering off the host: the system's own `reboot` and
 * `poweroff` (busybox's on Alpine, which signal init so that it stops the
 * services, libvirtd among them, and unmounts), found in PATH. Nothing
 * here looks at VMs: the callers shut them down first (vm-shutdown-all.h).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	DKVM_HOST_POWER_OFF,
	DKVM_HOST_REBOOT,
} DkvmHostPowerAction;

/* "poweroff" or "reboot": the command run for @action. */
const gchar *dkvm_host_power_command(DkvmHostPowerAction action);

/*
 * Runs the command of @action and waits for it (init does the rest after
 * it returns). DKVM_ERROR_FAILED when it is not in PATH or fails, with its
 * own first line of output as the reason.
 */
gboolean dkvm_host_power(DkvmHostPowerAction action, GError **error);

G_END_DECLS
