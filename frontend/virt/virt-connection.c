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
	g_autoptr(GError) local_error = NULL;
	g_autofree gchar *what = NULL;

	virSetErrorFunc(NULL, ignore_libvirt_error);
	conn = virConnectOpen(uri);
	if (conn != NULL)
		return conn;
	what = g_strdup_printf("cannot connect to libvirt at %s", uri);
	dkvm_virt_set_error(&local_error, DKVM_ERROR_NO_CONNECTION, what);
	/* the test driver runs in-process: there is no daemon to start */
	if (g_str_has_prefix(uri, "test:"))
		g_propagate_error(error, g_steal_pointer(&local_error));
	else
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NO_CONNECTION,
		            "%s\nhint: is libvirtd running? (Alpine: rc-service libvirtd start)",
		            local_error->message);
	return NULL;
}
