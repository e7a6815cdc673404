/*
 * USB hot-plug, bolt-style: a UMockdevTestbed (libumockdev, run under
 * umockdev-wrapper) gains and loses a USB device while DkvmUsbMonitor
 * listens; the callback must see "add" then "remove" with the port path,
 * and USB discovery must list the device while it is there (with its
 * controller, when the fixture's record brings the PCI parent) and not after.
 * Interfaces of the device must not reach the callback.
 */
#include <poll.h>
#include <umockdev.h>

#include "host-facts.h"
#include "host-monitor.h"
#include "host-usb.h"

typedef struct {
	GPtrArray *events; /* "add 1-4" */
	GMainLoop *loop;
	guint want;
} Seen;

static void
on_usb(const gchar *action, const gchar *port_path, gpointer user_data)
{
	Seen *seen = user_data;
	g_ptr_array_add(seen->events, g_strdup_printf("%s %s", action, port_path));
	if (seen->events->len >= seen->want)
		g_main_loop_quit(seen->loop);
}

static gboolean
on_give_up(gpointer user_data)
{
	/* a safety net so a lost event fails the test instead of hanging it */
	g_main_loop_quit(user_data);
	return G_SOURCE_REMOVE;
}

static void
wait_for(Seen *seen, guint count)
{
	guint id;
	seen->want = count;
	if (seen->events->len >= count)
		return;
	id = g_timeout_add_seconds(20, on_give_up, seen->loop);
	g_main_loop_run(seen->loop);
	g_source_remove_by_user_data(seen->loop);
	(void)id;
}

static gboolean
usb_listed(const gchar *port_path, gchar **controller)
{
	g_autoptr(DkvmHostFacts) facts = dkvm_host_facts_new();
	dkvm_host_read_usb(facts);
	for (guint i = 0; i < facts->usb->len; i++) {
		const DkvmUsbDevice *u = g_ptr_array_index(facts->usb, i);
		if (g_strcmp0(u->port_path, port_path) == 0) {
			if (controller != NULL)
				*controller = g_strdup(u->controller);
			return TRUE;
		}
	}
	return FALSE;
}

static void
test_add_remove(void)
{
	g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func(g_free);
	Seen seen = { .events = events, .loop = loop };
	g_autoptr(DkvmUsbMonitor) mon = dkvm_usb_monitor_new(on_usb, &seen, &error);
	g_autofree gchar *dev = NULL;
	g_autofree gchar *iface = NULL;

	g_assert_no_error(error);
	g_assert_nonnull(mon);
	g_assert_false(usb_listed("1-4", NULL));

	dev = umockdev_testbed_add_device(
	        tb, "usb", "1-4", NULL, "idVendor", "0781", "idProduct", "5583", "busnum", "1",
	        "devnum", "5", "speed", "480", "bDeviceClass", "00", "manufacturer", "SanDisk",
	        "product", "Ultra Fit", NULL, "DEVTYPE", "usb_device", NULL);
	iface = umockdev_testbed_add_device(tb, "usb", "1-4:1.0", dev, "bInterfaceClass", "08",
	                                    NULL, "DEVTYPE", "usb_interface", NULL);
	/* umockdev_testbed_add_device() sends the "add" uevents itself */
	wait_for(&seen, 1);
	g_assert_cmpuint(events->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(events, 0), ==, "add 1-4");
	g_assert_true(usb_listed("1-4", NULL));

	umockdev_testbed_uevent(tb, iface, "remove");
	umockdev_testbed_uevent(tb, dev, "remove");
	wait_for(&seen, 2);
	umockdev_testbed_remove_device(tb, iface);
	umockdev_testbed_remove_device(tb, dev);
	for (guint i = 0; i < events->len; i++)
		g_test_message("event %u: %s", i, (const gchar *)g_ptr_array_index(events, i));
	g_assert_cmpuint(events->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(events, 1), ==, "remove 1-4");
	g_assert_false(usb_listed("1-4", NULL));
}

/* The fixture's own record (NAME.umockdev: devices with their parents up to
 * the PCI controller) replayed into an empty testbed, as a real plug-in. */
static void
test_fixture_record(gconstpointer data)
{
	const gchar *record = data;
	g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func(g_free);
	Seen seen = { .events = events, .loop = loop };
	g_autoptr(DkvmUsbMonitor) mon = NULL;
	g_autoptr(DkvmHostFacts) facts = dkvm_host_facts_new();
	g_autofree gchar *first = NULL;
	g_autofree gchar *controller = NULL;
	g_autofree gchar *syspath = NULL;

	/* listen only after the record is loaded: loading sends an "add" per device */
	g_assert_true(umockdev_testbed_add_from_file(tb, record, &error));
	g_assert_no_error(error);
	mon = dkvm_usb_monitor_new(on_usb, &seen, &error);
	g_assert_no_error(error);
	dkvm_host_read_usb(facts);
	g_assert_cmpuint(facts->usb->len, >, 0);
	first = g_strdup(((DkvmUsbDevice *)g_ptr_array_index(facts->usb, 0))->port_path);
	g_assert_true(usb_listed(first, &controller));
	g_assert_nonnull(controller); /* the record brings the PCI parent */

	/* find its sysfs path through the testbed's tree and replug it */
	syspath = g_strdup_printf("/sys/bus/usb/devices/%s", first);
	g_autofree gchar *target = g_file_read_link(syspath, &error);
	g_assert_no_error(error);
	g_autofree gchar *dir = g_path_get_dirname(syspath);
	g_autofree gchar *resolved = g_canonicalize_filename(target, dir);
	umockdev_testbed_uevent(tb, resolved, "remove");
	umockdev_testbed_uevent(tb, resolved, "add");
	wait_for(&seen, 2);
	g_assert_cmpuint(events->len, ==, 2);
	g_autofree gchar *want_remove = g_strdup_printf("remove %s", first);
	g_autofree gchar *want_add = g_strdup_printf("add %s", first);
	g_assert_cmpstr(g_ptr_array_index(events, 0), ==, want_remove);
	g_assert_cmpstr(g_ptr_array_index(events, 1), ==, want_add);
}

static void
count_event(const gchar *action, const gchar *port_path, gpointer user_data)
{
	g_ptr_array_add(user_data, g_strdup_printf("%s %s", action, port_path));
}

/* TRUE when @fd becomes readable within 20 s (a lost event fails, never hangs) */
static gboolean
readable(gint fd)
{
	struct pollfd ready = { .fd = fd, .events = POLLIN };
	return poll(&ready, 1, 20000) == 1 && (ready.revents & POLLIN) != 0;
}

/* Without a main loop (the menu's way): the fd turns readable on a plug-in,
 * dispatch reports the device and leaves nothing waiting, and an event for
 * an interface alone makes the fd readable but calls nothing. */
static void
test_without_main_loop(void)
{
	g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new();
	g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmUsbMonitor) mon = dkvm_usb_monitor_open(count_event, events, &error);
	g_autofree gchar *dev = NULL;
	g_autofree gchar *iface = NULL;
	struct pollfd idle;

	g_assert_no_error(error);
	g_assert_nonnull(mon);
	g_assert_cmpint(dkvm_usb_monitor_get_fd(mon), >=, 0);
	g_assert_cmpuint(dkvm_usb_monitor_dispatch(mon, NULL), ==, 0);

	dev = umockdev_testbed_add_device(tb, "usb", "2-1", NULL, "idVendor", "1532", "idProduct",
	                                  "0084", NULL, "DEVTYPE", "usb_device", NULL);
	g_assert_true(readable(dkvm_usb_monitor_get_fd(mon)));
	g_assert_cmpuint(dkvm_usb_monitor_dispatch(mon, NULL), ==, 1);
	g_assert_cmpuint(events->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(events, 0), ==, "add 2-1");
	idle = (struct pollfd){ .fd = dkvm_usb_monitor_get_fd(mon), .events = POLLIN };
	g_assert_cmpint(poll(&idle, 1, 0), ==, 0);

	iface = umockdev_testbed_add_device(tb, "usb", "2-1:1.0", dev, "bInterfaceClass", "03",
	                                    NULL, "DEVTYPE", "usb_interface", NULL);
	g_assert_true(readable(dkvm_usb_monitor_get_fd(mon)));
	g_assert_cmpuint(dkvm_usb_monitor_dispatch(mon, NULL), ==, 0);
	g_assert_cmpuint(events->len, ==, 1);

	umockdev_testbed_uevent(tb, dev, "remove");
	g_assert_true(readable(dkvm_usb_monitor_get_fd(mon)));
	g_assert_cmpuint(dkvm_usb_monitor_dispatch(mon, NULL), ==, 1);
	g_assert_cmpstr(g_ptr_array_index(events, 1), ==, "remove 2-1");
}

int
main(int argc, char **argv)
{
	const gchar *record;

	g_test_init(&argc, &argv, NULL);
	/* the testbed redirects only with the preload (umockdev-wrapper) in place */
	if (g_strrstr(g_getenv("LD_PRELOAD") != NULL ? g_getenv("LD_PRELOAD") : "",
	              "umockdev-preload") == NULL) {
		g_printerr("hotplug: not under umockdev-wrapper: install umockdev and run it "
		           "through meson test\n");
		return 1;
	}
	g_test_add_func("/host/monitor/add-remove", test_add_remove);
	g_test_add_func("/host/monitor/without-main-loop", test_without_main_loop);
	record = g_getenv("DKVM_USB_RECORD");
	if (record != NULL && *record != '\0')
		g_test_add_data_func("/host/monitor/fixture-record", record, test_fixture_record);
	return g_test_run();
}
