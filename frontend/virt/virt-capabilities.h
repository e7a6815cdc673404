/*
 * What the connection's hypervisor can do for a q35 x86_64 guest, from
 * libvirt's domain capabilities, as a DkvmHypervisor for the planner.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "hypervisor.h"
#include "plan.h"

G_BEGIN_DECLS

/*
 * Asks libvirt for the domain capabilities of virttype kvm, and of qemu
 * when kvm is refused (no /dev/kvm); only qemu for accelerator=tcg. Sets
 * *out to NULL when the driver reports no domain capabilities at all (the
 * test driver): the planner then keeps its defaults. DKVM_ERROR_LIBVIRT
 * (libvirt's message) for any other failure.
 */
gboolean dkvm_virt_get_hypervisor(virConnectPtr conn, DkvmAccelerator accelerator,
                                  DkvmHypervisor **out, GError **error);

G_END_DECLS
