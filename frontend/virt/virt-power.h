/*
 * Starting and stopping a VM with what it takes from the host: before start,
 * the hugepages its memory needs (the pool is grown and what was grown is
 * recorded) and a check that each passed-through PCI device exists and is
 * not one the host needs; after stop (or a failed start), the recorded pages
 * go back. The CLI and the menu both call these, never the bare libvirt calls.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "host-facts.h"
#include "virt-domain.h"
#include "virt-preflight.h"

G_BEGIN_DECLS

/*
 * Checks @dom's <hostdev type='pci'> devices against @sysfs_pci (NULL:
 * /sys/bus/pci/devices under $DKVM_SYSFS_ROOT) and, when @host is given, the devices the host
 * needs. DKVM_ERROR_NOT_FOUND for a missing device ("cannot start VM 'x': PCI device A is
 * not in this host", the fact only: a frontend adds how to change the VM),
 * DKVM_ERROR_REFUSED for a needed one.
 */
gboolean dkvm_virt_check_hostdevs(virDomainPtr dom, const DkvmHostFacts *host,
                                  const gchar *sysfs_pci, GError **error);

/* @dom's XML as libvirt has it, read once: pass it to the *_parsed/_domain_
 * variants below so that a start reads and parses the domain one time. */
DkvmDomainXml *dkvm_virt_domain_read(virDomainPtr dom, GError **error);

/* dkvm_virt_check_hostdevs on a domain already read. */
gboolean dkvm_virt_check_domain_hostdevs(virDomainPtr dom, const DkvmDomainXml *parsed,
                                         const DkvmHostFacts *host, const gchar *sysfs_pci,
                                         GError **error);

/*
 * Starts @dom: the checks that change nothing first (PCI devices, a
 * hugetlbfs mount for its page size, the files it names, its networks: see
 * virt-preflight.h), then its hugepages (dkvm_hugepage_pool_ensure, recorded
 * with dkvm_hugepage_pool_record), then virDomainCreate, then a short watch
 * that QEMU really runs it: a guest QEMU pauses with an error or that dies
 * at once is powered off and the start fails (DKVM_ERROR_LIBVIRT quoting
 * QEMU's log). @host may be NULL when host discovery is not available (no
 * host-needs check then). On any failure what was grown is given back; the
 * domain stays defined.
 */
gboolean dkvm_virt_start_vm(virDomainPtr dom, const DkvmHostFacts *host, GError **error);

/* As dkvm_virt_start_vm; @notice hears what a check did on the way
 * (libvirt's inactive default network started). */
gboolean dkvm_virt_start_vm_with_notices(virDomainPtr dom, const DkvmHostFacts *host,
                                         DkvmVirtNoticeFunc notice, gpointer user_data,
                                         GError **error);

/* dkvm_virt_start_vm_with_notices on a domain already read (@parsed is
 * @dom's XML from dkvm_virt_domain_read, not re-read here). */
gboolean dkvm_virt_start_parsed_vm(virDomainPtr dom, const DkvmDomainXml *parsed,
                                   const DkvmHostFacts *host, DkvmVirtNoticeFunc notice,
                                   gpointer user_data, GError **error);

/*
 * Stops @dom: ACPI shutdown with @timeout_s and @progress; with @force, a
 * guest that does not power off in time is destroyed. Then the pages recorded
 * for it are given back. *out_timed_out: the guest did not power off in
 * time (with @force it was then destroyed, and the call succeeds).
 */
gboolean dkvm_virt_stop_vm(virDomainPtr dom, guint timeout_s, gboolean force,
                           DkvmVirtProgressFunc progress, gpointer user_data,
                           gboolean *out_timed_out, GError **error);

/* Powers @dom off at once and gives its recorded pages back. */
gboolean dkvm_virt_kill_vm(virDomainPtr dom, GError **error);

G_END_DECLS
