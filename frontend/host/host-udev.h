/*
 * g_autoptr support for the libudev types used by host discovery (libudev
 * has no typedefs of its own, so each struct gets one here).
 */
#pragma once

#include <glib.h>
#include <libudev.h>

typedef struct udev DkvmUdev;
typedef struct udev_enumerate DkvmUdevEnumerate;
typedef struct udev_device DkvmUdevDevice;
typedef struct udev_hwdb DkvmUdevHwdb;

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmUdev, udev_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmUdevEnumerate, udev_enumerate_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmUdevDevice, udev_device_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmUdevHwdb, udev_hwdb_unref)
