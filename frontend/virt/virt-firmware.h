/*
 * QEMU's firmware descriptors on this machine (the files libvirt's firmware
 * autoselection reads), into the hypervisor's facts: whether a Secure Boot
 * firmware with Microsoft's keys enrolled is installed.
 */
#pragma once

#include <glib.h>

#include "hypervisor.h"

G_BEGIN_DECLS

/*
 * Reads every *.json of /etc/qemu/firmware and /usr/share/qemu/firmware
 * (a file in /etc hides the one of the same name in /usr/share, as in
 * QEMU's and libvirt's search) into @hv with dkvm_hypervisor_add_firmware.
 * A file that cannot be read or parsed is skipped (libvirt skips it too).
 * Without any descriptor, @hv->secure_boot_keys stays UNKNOWN.
 */
void dkvm_virt_read_firmware_descriptors(DkvmHypervisor *hv);

G_END_DECLS
