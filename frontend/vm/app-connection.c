/*
 * The libvirt connection of a dkvm run (declared in app.h). It lives in the
 * libvirt module (see vm-api.h) so that commands which never talk to
 * libvirt do not load it.
 */
#include "app.h"

#include "virt-connection.h"

static void
close_connection(gpointer conn)
{
	virConnectClose(conn);
}

virConnectPtr
dkvm_app_get_connection(DkvmApp *self, GError **error)
{
	/* a connection libvirtd closed (restarted, stopped) is opened again: the
	 * menu lives longer than any one libvirtd */
	if (self->conn != NULL && virConnectIsAlive(self->conn) == 0) {
		self->conn_close(self->conn);
		self->conn = NULL;
	}
	if (self->conn == NULL) {
		self->conn = dkvm_virt_connect(dkvm_app_get_connect_uri(self), error);
		self->conn_close = close_connection;
	}
	return self->conn;
}
