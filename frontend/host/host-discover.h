/*
 * Host discovery: builds DkvmHostFacts from the real kernel interfaces
 * (/sys, /proc, libpci's sysfs access, libudev). Tests point these at fixture
 * trees with umockdev; nothing here knows about fixtures.
 */
#pragma once

#include <glib.h>

#include "host-facts.h"

G_BEGIN_DECLS

/*
 * Reads everything DkvmHostFacts holds. Missing or unreadable parts (offline
 * CPUs, no cache info, no IOMMU) give a partial report with a note in
 * facts->notes, never an error; only a host with no CPU information at all
 * fails (DKVM_ERROR_IO).
 */
DkvmHostFacts *dkvm_host_discover(GError **error);

/*
 * The USB part alone, read again now (the menu's USB list after a device was
 * plugged in or out): facts with only the usb list (and the kernel command
 * line @cmdline, which the boot medium's finder reads), the boot stick marked
 * as dkvm_host_discover marks it.
 */
DkvmHostFacts *dkvm_host_discover_usb(const gchar *cmdline);

G_END_DECLS
