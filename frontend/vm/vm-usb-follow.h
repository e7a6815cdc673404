/*
 * Following replugged USB devices: libvirt attaches a VM's USB device (by
 * vendor:product) when the VM starts; a device unplugged and plugged in
 * again while the VM runs is not attached again until the VM restarts. The
 * follower listens to udev (the USB hot-plug monitor) and, when a device
 * comes, attaches it live to the running VM that passes that vendor:product
 * through. A device two running VMs ask for goes to neither: the follower
 * never chooses between guests. Each action is told to @log, one line.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

typedef struct _DkvmVmUsbFollower DkvmVmUsbFollower;

typedef void (*DkvmVmUsbFollowLog)(const gchar *line, gpointer user_data);

/* Starts following on the default main context (run a GMainLoop). */
DkvmVmUsbFollower *dkvm_vm_usb_follower_new(DkvmApp *app, DkvmVmUsbFollowLog log,
                                            gpointer user_data, GError **error);
void dkvm_vm_usb_follower_free(DkvmVmUsbFollower *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmUsbFollower, dkvm_vm_usb_follower_free)

G_END_DECLS
