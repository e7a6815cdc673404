/*
 * Opening the libvirt connection. libvirt prints every error to stderr by
 * default; DKVM reports errors itself (once, with context), so the default
 * handler is replaced by one that ignores them and the error is saved
 * (virSaveLastError) right after the failing call: almost every libvirt call,
 * even virDomainGetName, resets the thread's last error, so reading it later
 * (after a cleanup call, or while building the message) yields "no error". A failed connect
 * gets a hint only where the user can act on it: a daemon that is not
 * running, or a URI no driver knows.
 */
#include "virt-connection.h"

#include <libxml/xmlerror.h>

#include "dkvm-error.h"

static void
ignore_libvirt_error(void *data, virErrorPtr err)
{
	/* reported through GError by the caller */
}

virErrorPtr
dkvm_virt_save_error(void)
{
	return virSaveLastError();
}

gchar *
dkvm_virt_error_reason(const virError *err)
{
	/* libvirt's schema errors span lines; DKVM errors are one line */
	g_autofree gchar *reason = NULL;
	g_auto(GStrv) lines = NULL;

	if (err == NULL || err->code == VIR_ERR_OK || err->message == NULL)
		/* never "no error": that hides that the reason was lost */
		return g_strdup("libvirt gave no reason");
	reason = g_strstrip(g_strdup(err->message));
	lines = g_strsplit(reason, "\n", -1);
	return g_strjoinv("; ", lines);
}

void
dkvm_virt_set_saved_error(GError **error, gint code, const virError *err, const gchar *what)
{
	g_autofree gchar *reason = dkvm_virt_error_reason(err);

	g_set_error(error, DKVM_ERROR, code, "%s: %s", what, reason);
}

void
dkvm_virt_set_error(GError **error, gint code, const gchar *what)
{
	g_autoptr(virError) err = dkvm_virt_save_error();

	dkvm_virt_set_saved_error(error, code, err, what);
}

static void
ignore_libxml_error(void *ctx, const char *msg, ...)
{
	/* libvirt's test driver parses its node file with libxml2, whose
	 * default handler prints to stderr; libvirt's error says it once */
}

static gpointer
install_process_handlers_once(gpointer unused)
{
	virSetErrorFunc(NULL, ignore_libvirt_error);
	xmlSetGenericErrorFunc(NULL, ignore_libxml_error);
	/* libvirt's own event loop, registered before the first connection:
	 * a remote connection only delivers events (the stop wait listens for
	 * them) when a loop existed when it was opened. Nothing runs the loop
	 * but a wait that needs it; the connection works as before meanwhile.
	 * A failure here leaves the waits to poll (virt-domain.c falls back when
	 * it cannot register for events), so it is no error. */
	(void)virEventRegisterDefaultImpl();
	return NULL;
}

/* Process-wide, so set once: a long-running frontend (the menu) connects
 * and reconnects many times, and a handler replaced at every connect would
 * also undo one a caller installed on purpose in between; libvirt allows
 * its event loop to be registered only once. (libxml2 keeps its
 * generic handler per thread: the thread that connects first is the one
 * that parses libvirt's test-driver files.) */
static void
install_process_handlers(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, install_process_handlers_once, NULL);
}

virConnectPtr
dkvm_virt_connect(const gchar *uri, GError **error)
{
	virConnectPtr conn;
	g_autoptr(virError) err = NULL;
	const gchar *hint = NULL;
	g_autoptr(GError) local_error = NULL;
	g_autofree gchar *what = NULL;

	install_process_handlers();
	conn = virConnectOpen(uri);
	if (conn != NULL)
		return conn;
	err = dkvm_virt_save_error();
	if (err != NULL && err->code == VIR_ERR_SYSTEM_ERROR && err->domain == VIR_FROM_RPC)
		/* the daemon's socket is not there or does not answer */
		hint = "hint: is libvirtd running? (Alpine: rc-service libvirtd start)";
	else if (err != NULL && err->code == VIR_ERR_NO_CONNECT)
		hint = "hint: check the URI given with --connect or in LIBVIRT_DEFAULT_URI";
	what = g_strdup_printf("cannot connect to libvirt at %s", uri);
	dkvm_virt_set_saved_error(&local_error, DKVM_ERROR_NO_CONNECTION, err, what);
	if (hint != NULL)
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NO_CONNECTION, "%s\n%s",
		            local_error->message, hint);
	else
		g_propagate_error(error, g_steal_pointer(&local_error));
	return NULL;
}
