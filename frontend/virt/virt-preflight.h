/*
 * Checks before a VM is defined or started, with DKVM's own errors and
 * changing nothing (the one exception: libvirt's `default` network, which is
 * started when it is defined but inactive, as virt-install does):
 * - the files the domain names exist (disk and CD-ROM sources, <rom file>,
 *   evdev inputs), on a local connection only: a remote host has its own
 *   files, and libvirt's test driver none;
 * - a hugetlbfs is mounted for the domain's page size (local only: it is
 *   QEMU on this host that maps the memory);
 * - the domain's libvirt networks exist and are active.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

#include "domain-xml-read.h"

G_BEGIN_DECLS

typedef enum {
	DKVM_VIRT_NOT_LOCAL,    /* a remote host, or a driver that is not QEMU's */
	DKVM_VIRT_LOCAL_SYSTEM, /* qemu:///system */
	DKVM_VIRT_LOCAL_SESSION /* qemu:///session */
} DkvmVirtLocal;

/* Whether @conn is QEMU on this host, and which of its daemons. */
DkvmVirtLocal dkvm_virt_connection_local_qemu(virConnectPtr conn);

/* Called with a sentence about something a check did (started a network). */
typedef void (*DkvmVirtNoticeFunc)(const gchar *text, gpointer user_data);

/*
 * The files domain @xml names exist. DKVM_ERROR_NOT_FOUND naming the first
 * missing file and what it is for; DKVM_ERROR_INVALID when @xml is not a
 * domain. Sources with startupPolicy='optional' may be missing.
 */
gboolean dkvm_virt_preflight_files(const gchar *xml, GError **error);

/* As dkvm_virt_preflight_files, on a local QEMU connection only. */
gboolean dkvm_virt_preflight_local_files(virConnectPtr conn, const gchar *xml, GError **error);

/* The same two checks on a domain already read (a start reads it once). */
gboolean dkvm_virt_preflight_domain_files(const DkvmDomainXml *domain, GError **error);
gboolean dkvm_virt_preflight_local_domain_files(virConnectPtr conn, const DkvmDomainXml *domain,
                                                GError **error);

/*
 * A hugetlbfs of @page_kib is mounted (on a local QEMU connection; else
 * TRUE). DKVM_ERROR_INSUFFICIENT with the mount command as hint. A page size
 * the kernel has no pool for passes: the pool code says that better.
 */
gboolean dkvm_virt_preflight_hugetlbfs(virConnectPtr conn, guint64 page_kib, GError **error);

/*
 * The libvirt networks of domain @xml (<interface type='network'>) exist and
 * are active; an inactive `default` is started and @notice told so.
 * DKVM_ERROR_INSUFFICIENT for a missing or inactive network (hint: virsh
 * net-start), DKVM_ERROR_LIBVIRT with libvirt's reason when `default` cannot
 * start.
 */
gboolean dkvm_virt_preflight_networks(virConnectPtr conn, const gchar *xml,
                                      DkvmVirtNoticeFunc notice, gpointer user_data,
                                      GError **error);

/* The same on a domain already read. */
gboolean dkvm_virt_preflight_domain_networks(virConnectPtr conn, const DkvmDomainXml *domain,
                                             DkvmVirtNoticeFunc notice, gpointer user_data,
                                             GError **error);

G_END_DECLS
