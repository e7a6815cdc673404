/*
 * Which block device is the DKVM boot medium, and which USB device and PCI
 * controller carry it: those must stay with the host.
 */
#pragma once

#include "host-facts.h"

G_BEGIN_DECLS

/*
 * Finds the boot medium (Alpine's alpine_dev= option, else the medium the
 * modloop is loaded from, else the device mounted at /) and marks the USB
 * device and the PCI controller it hangs off as host_needed, with a reason.
 * Call after dkvm_host_read_pci() and dkvm_host_read_usb().
 */
void dkvm_host_mark_boot_device(DkvmHostFacts *facts);

/* The boot medium's block device name ("sdb1"), NULL when none is found. */
gchar *dkvm_host_find_boot_block(const gchar *cmdline, const gchar *mounts);

G_END_DECLS
