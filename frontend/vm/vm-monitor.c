/*
 * The VM watcher (see vm-monitor.h) over frontend/virt/virt-monitor.c.
 */
#include "vm-monitor.h"

#include "vm-common.h"
#include "virt-connection.h"
#include "virt-monitor.h"

struct _DkvmVmWatcher {
	virConnectPtr conn; /* the app's */
	virDomainPtr dom;
};

DkvmVmWatcher *
dkvm_vm_watcher_new(DkvmApp *app, const gchar *name, GError **error)
{
	virDomainPtr dom = dkvm_vm_lookup(app, name, error);
	DkvmVmWatcher *self;

	if (dom == NULL)
		return NULL;
	self = g_new0(DkvmVmWatcher, 1);
	self->conn = dkvm_app_get_connection(app, NULL);
	self->dom = dom;
	return self;
}

void
dkvm_vm_watcher_free(DkvmVmWatcher *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->dom, virDomainFree);
	g_free(self);
}

gchar *
dkvm_vm_watcher_read(DkvmVmWatcher *self, DkvmVmMonitorFormat format, GError **error)
{
	g_autoptr(DkvmVmMonitor) mon = dkvm_virt_monitor_read(self->conn, self->dom, error);

	if (mon == NULL)
		return NULL;
	switch (format) {
	case DKVM_VM_MONITOR_JSON:
		return dkvm_virt_monitor_to_json(mon, FALSE);
	case DKVM_VM_MONITOR_JSON_PRETTY:
		return dkvm_virt_monitor_to_json(mon, TRUE);
	case DKVM_VM_MONITOR_TEXT:
	default:
		return dkvm_virt_monitor_to_text(mon);
	}
}
