/*
 * A USB hot-plug monitor: a udev_monitor on the "usb" subsystem, calling
 * back on every device added or removed so a device list can be refreshed.
 * Two ways to run it: attached to the GLib main loop (dkvm_usb_monitor_new:
 * `dkvm usb follow`), or without a main loop (dkvm_usb_monitor_open: a
 * program that waits in its own poll, like the menu inside dialog, watches
 * dkvm_usb_monitor_get_fd and calls dkvm_usb_monitor_dispatch).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DkvmUsbMonitor DkvmUsbMonitor;

/* @action is "add" or "remove"; @port_path the kernel's name ("1-4.2"). */
typedef void (*DkvmUsbMonitorFunc)(const gchar *action, const gchar *port_path, gpointer user_data);

/*
 * Starts listening on the default main context. Interfaces and root hubs are
 * filtered out: @func sees whole devices. DKVM_ERROR_FAILED when udev cannot
 * be reached.
 */
DkvmUsbMonitor *dkvm_usb_monitor_new(DkvmUsbMonitorFunc func, gpointer user_data, GError **error);

/* Starts listening without a main loop: events wait in the monitor's socket
 * until dkvm_usb_monitor_dispatch. Errors as dkvm_usb_monitor_new. */
DkvmUsbMonitor *dkvm_usb_monitor_open(DkvmUsbMonitorFunc func, gpointer user_data, GError **error);

/* The descriptor that becomes readable when an event waits. */
gint dkvm_usb_monitor_get_fd(DkvmUsbMonitor *self);

/*
 * Reads every event that waits, calling @func for the whole devices among
 * them, without blocking; the number of calls made. Events the kernel
 * dropped (a full socket) are not seen: read the devices again after a
 * dispatch whatever it returns. -1 and DKVM_ERROR_FAILED when udev's socket
 * is closed: the monitor sees no more events.
 */
gint dkvm_usb_monitor_dispatch(DkvmUsbMonitor *self, GError **error);

void dkvm_usb_monitor_free(DkvmUsbMonitor *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmUsbMonitor, dkvm_usb_monitor_free)

G_END_DECLS
