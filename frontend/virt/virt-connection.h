/*
 * The libvirt connection, and libvirt's errors turned into GErrors that carry
 * libvirt's own message (virGetLastErrorMessage), never a bare "failed".
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virConnect, virConnectClose)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, virDomainFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStoragePool, virStoragePoolFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStorageVol, virStorageVolFree)

/*
 * Opens @uri read-write. DKVM_ERROR_NO_CONNECTION when libvirtd cannot be
 * reached, with a hint how to start it.
 */
virConnectPtr dkvm_virt_connect(const gchar *uri, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virError, virFreeError)

/*
 * A copy of libvirt's last error (virSaveLastError). Call it right after the
 * failing libvirt call, before any other libvirt call (virDomainGetName and
 * virDomainIsActive included): each of them resets the last error.
 */
virErrorPtr dkvm_virt_save_error(void);

/* @err's message on one line; "libvirt gave no reason" when it has none. */
gchar *dkvm_virt_error_reason(const virError *err);

/* Sets @error from a saved error: "<what>: <libvirt's reason>". */
void dkvm_virt_set_saved_error(GError **error, gint code, const virError *err, const gchar *what);

/*
 * Sets @error from libvirt's last error: "<what>: <libvirt's reason>". Only
 * when no libvirt call ran since the failure, building @what included; else
 * save the error first (dkvm_virt_save_error) and use dkvm_virt_set_saved_error.
 */
void dkvm_virt_set_error(GError **error, gint code, const gchar *what);

G_END_DECLS
