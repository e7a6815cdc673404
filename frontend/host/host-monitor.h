/*
 * A USB hot-plug monitor for the menu: a udev_monitor on the "usb" subsystem
 * attached to the GLib main loop, calling back on every device added or
 * removed so the device list can be refreshed.
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
void dkvm_usb_monitor_free(DkvmUsbMonitor *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmUsbMonitor, dkvm_usb_monitor_free)

G_END_DECLS
