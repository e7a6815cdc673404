/*
 * Opening the libvirt connection. libvirt prints every error to stderr by
 * default; DKVM reports errors itself (once, with context), so the default
 * handler is replaced by one that ignores them and the message is taken from
 * virGetLastErrorMessage() where the failure is reported.
 */
#include "virt-connection.h"

#include "dkvm-error.h"

static void
ignore_libvirt_error(void *data, virErrorPtr err)
{
	/* reported through GError by the caller */
}

void
dkvm_virt_set_error(GError **error, gint code, const gchar *what)
{
	/* libvirt's schema errors span lines; DKVM errors are one line */
	g_autofree gchar *reason = g_strstrip(g_strdup(virGetLastErrorMessage()));
	g_auto(GStrv) lines = g_strsplit(reason, "\n", -1);
	g_autofree gchar *joined = g_strjoinv("; ", lines);

	g_set_error(error, DKVM_ERROR, code, "%s: %s", what, joined);
}

virConnectPtr
dkvm_virt_connect(const gchar *uri, GError **error)
{
	virConnectPtr conn;

	virSetErrorFunc(NULL, ignore_libvirt_error);
	conn = virConnectOpen(uri);
	if (conn == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NO_CONNECTION,
		            "cannot connect to libvirt at %s: %s\n"
		            "hint: is libvirtd running? (Alpine: rc-service libvirtd start)",
		            uri, virGetLastErrorMessage());
		return NULL;
	}
	return conn;
}
