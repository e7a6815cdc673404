/*
 * USB hot-plug through udev_monitor (netlink "udev" events, the ones sent
 * after udev has processed a device; umockdev's testbed emits the same). The
 * monitor's fd goes into the main loop with g_unix_fd_add() (dkvm_usb_monitor_new),
 * or is watched by the caller, who then dispatches (dkvm_usb_monitor_open):
 * either way no thread and no polling.
 */
#include "host-monitor.h"

#include <glib-unix.h>
#include <libudev.h>
#include <poll.h>
#include <string.h>

#include "dkvm-error.h"

struct _DkvmUsbMonitor {
	struct udev *udev;
	struct udev_monitor *monitor;
	guint source_id;
	DkvmUsbMonitorFunc func;
	gpointer user_data;
};

/* One event from the socket: TRUE when it was a whole device added or
 * removed (and @func was called). */
static gboolean
receive_one(DkvmUsbMonitor *self)
{
	struct udev_device *dev = udev_monitor_receive_device(self->monitor);
	const gchar *action, *sysname, *devtype;
	gboolean wanted;

	if (dev == NULL)
		return FALSE;
	action = udev_device_get_action(dev);
	sysname = udev_device_get_sysname(dev);
	devtype = udev_device_get_devtype(dev);
	/* whole devices only: not interfaces ("1-4:1.0"), not root hubs ("usb1") */
	wanted = action != NULL && sysname != NULL && strchr(sysname, ':') == NULL &&
	         !g_str_has_prefix(sysname, "usb") &&
	         (devtype == NULL || g_str_equal(devtype, "usb_device")) &&
	         (g_str_equal(action, "add") || g_str_equal(action, "remove"));
	if (wanted)
		self->func(action, sysname, self->user_data);
	udev_device_unref(dev);
	return wanted;
}

static gboolean
on_event(gint fd, GIOCondition condition, gpointer user_data)
{
	(void)receive_one(user_data);
	return G_SOURCE_CONTINUE;
}

DkvmUsbMonitor *
dkvm_usb_monitor_open(DkvmUsbMonitorFunc func, gpointer user_data, GError **error)
{
	g_autoptr(DkvmUsbMonitor) self = g_new0(DkvmUsbMonitor, 1);

	self->func = func;
	self->user_data = user_data;
	self->udev = udev_new();
	if (self->udev == NULL) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_FAILED,
		                    "watching USB devices: libudev is unavailable");
		return NULL;
	}
	self->monitor = udev_monitor_new_from_netlink(self->udev, "udev");
	if (self->monitor == NULL ||
	    udev_monitor_filter_add_match_subsystem_devtype(self->monitor, "usb", NULL) < 0 ||
	    udev_monitor_enable_receiving(self->monitor) < 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_FAILED,
		                    "watching USB devices: cannot listen to udev events");
		return NULL;
	}
	return g_steal_pointer(&self);
}

DkvmUsbMonitor *
dkvm_usb_monitor_new(DkvmUsbMonitorFunc func, gpointer user_data, GError **error)
{
	DkvmUsbMonitor *self = dkvm_usb_monitor_open(func, user_data, error);

	if (self != NULL)
		self->source_id =
		        g_unix_fd_add(udev_monitor_get_fd(self->monitor), G_IO_IN, on_event, self);
	return self;
}

gint
dkvm_usb_monitor_get_fd(DkvmUsbMonitor *self)
{
	return udev_monitor_get_fd(self->monitor);
}

/* reads in one dispatch at most: a socket whose error a read does not
 * clear must not keep the caller here */
#define MAX_READS 4096

gint
dkvm_usb_monitor_dispatch(DkvmUsbMonitor *self, GError **error)
{
	gint calls = 0;

	for (guint reads = 0; reads < MAX_READS; reads++) {
		struct pollfd ready = { .fd = udev_monitor_get_fd(self->monitor),
			                .events = POLLIN };

		/* asked before each read: the socket may be a blocking one
		 * (umockdev's stand-in for the netlink socket), and a read must
		 * never wait */
		if (poll(&ready, 1, 0) <= 0)
			break;
		if ((ready.revents & (POLLHUP | POLLNVAL)) != 0) {
			g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_FAILED,
			                    "watching USB devices: udev's socket is closed");
			return -1;
		}
		/* POLLERR (events dropped, ENOBUFS): the read takes the error */
		calls += receive_one(self);
	}
	return calls;
}

void
dkvm_usb_monitor_free(DkvmUsbMonitor *self)
{
	if (self == NULL)
		return;
	if (self->source_id != 0)
		g_source_remove(self->source_id);
	if (self->monitor != NULL)
		udev_monitor_unref(self->monitor);
	if (self->udev != NULL)
		udev_unref(self->udev);
	g_free(self);
}
