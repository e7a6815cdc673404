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

/*
 * Opens @uri read-write. DKVM_ERROR_NO_CONNECTION when libvirtd cannot be
 * reached, with a hint how to start it.
 */
virConnectPtr dkvm_virt_connect(const gchar *uri, GError **error);

/* Sets @error from libvirt's last error: "<what>: <libvirt's reason>". */
void dkvm_virt_set_error(GError **error, gint code, const gchar *what);

G_END_DECLS
