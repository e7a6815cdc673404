/*
 * QEMU's log of one domain, as libvirt writes it on this host: where it is
 * for a local connection, and the line in it that says why QEMU stopped. An
 * honest start quotes that line (libvirt itself reports only "paused").
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/*
 * The log file of domain @name on @conn: qemu:///system keeps it in
 * /var/log/libvirt/qemu/NAME.log (under dkvm_host_path), qemu:///session in
 * the user's cache directory. NULL when @conn is not a local QEMU connection.
 */
gchar *dkvm_qemu_log_path(virConnectPtr conn, const gchar *name);

/*
 * The last error QEMU wrote in its log @text since the last start ("KVM
 * internal error. Suberror: 1, emulation failure", "qemu-system-x86_64: ...:
 * reason" without the time stamp); NULL when there is none. Lines of the
 * shutdown that follows (signal 15 from libvirtd) do not count.
 */
gchar *dkvm_qemu_log_last_error(const gchar *text);

G_END_DECLS
