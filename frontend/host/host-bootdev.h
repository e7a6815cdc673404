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

/*
 * Marks the USB device and the PCI controller that carry block device @block
 * ("nvme0n1p1") as host_needed, the USB device with @usb_reason and the
 * controller with @pci_reason (plus the USB device it goes through); a device
 * already marked keeps its first reason. FALSE when @block is not in
 * /sys/class/block or hangs off no PCI device the facts know.
 */
gboolean dkvm_host_mark_block_carriers(DkvmHostFacts *facts, const gchar *block,
                                       const gchar *usb_reason, const gchar *pci_reason);

/* The boot medium's block device name ("sdb1"), NULL when none is found. */
gchar *dkvm_host_find_boot_block(const gchar *cmdline, const gchar *mounts);

G_END_DECLS
