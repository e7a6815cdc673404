/*
 * Starting and stopping a VM, the same for every frontend. A start checks the
 * VM's PCI devices first (a missing card is the clearest error), then, only
 * when it passes devices through, discovers the host (whether the host needs
 * a device); frontend/virt then checks files, networks and pools, takes the
 * VM's hugepages and starts it, reporting honestly why QEMU failed. A stop
 * gives the pages back, also when the VM is already off (a guest that
 * powered itself off leaves them taken).
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "vm-common.h"

G_BEGIN_DECLS

/* Starts VM @name; @progress hears its steps (of 3: the VM's PCI devices,
 * the host's devices, the start; the first two only for a VM that passes
 * devices through) and notices on the way. *out_name (optional) gets the
 * VM's own name. */
gboolean dkvm_vm_start(DkvmApp *app, const gchar *name, DkvmVmProgress progress, gpointer user_data,
                       gchar **out_name, GError **error);

typedef enum {
	DKVM_VM_STOP_WAS_OFF,     /* already shut off (its pages given back) */
	DKVM_VM_STOP_SHUT_DOWN,   /* the guest shut down within the timeout */
	DKVM_VM_STOP_POWERED_OFF, /* it did not: powered off (force) */
	DKVM_VM_STOP_TIMED_OUT,   /* it did not and is still running (error set) */
} DkvmVmStopOutcome;

/*
 * Shuts VM @name down (ACPI power button) and waits up to @timeout_s seconds,
 * @progress hearing each second waited; with @force powers it off then.
 * DKVM_ERROR_FAILED with *out DKVM_VM_STOP_TIMED_OUT when it is still
 * running after the timeout without @force.
 */
gboolean dkvm_vm_stop(DkvmApp *app, const gchar *name, guint timeout_s, gboolean force,
                      DkvmVmProgress progress, gpointer user_data, DkvmVmStopOutcome *out,
                      gchar **out_name, GError **error);

/* Powers VM @name off at once and gives its pages back; *out_was_running
 * (optional) says whether it ran. */
gboolean dkvm_vm_kill(DkvmApp *app, const gchar *name, gboolean *out_was_running, gchar **out_name,
                      GError **error);

G_END_DECLS
