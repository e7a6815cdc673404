/*
 * The USB follower (frontend/vm/vm-usb-follow.c) on udev events from a
 * UMockdevTestbed (run under umockdev-wrapper) and libvirt's test driver
 * (test/data/libvirt/usb-follow-node.xml):
 * - a device no running VM passes through: no action, no line;
 * - a device two running VMs pass through: attached to neither, said so;
 * - a device one running VM passes through: the follower finds that VM and
 *   attaches the device live to it. The test driver cannot attach devices
 *   (virDomainAttachDeviceFlags is not in it), so the line is the refusal
 *   naming that VM: the decision and the call are what this test sees; the
 *   attach itself needs a real USB device on a real libvirtd.
 * A shut-off VM that passes the device through is never a candidate.
 */
#include <umockdev.h>

#include "vm-usb-follow.h"

typedef struct {
	GPtrArray *lines;
	GMainLoop *loop;
} Heard;

static void
on_line(const gchar *line, gpointer user_data)
{
	Heard *heard = user_data;

	g_ptr_array_add(heard->lines, g_strdup(line));
	g_main_loop_quit(heard->loop);
}

static gboolean
on_give_up(gpointer user_data)
{
	/* a safety net so a lost event fails the test instead of hanging it */
	g_main_loop_quit(user_data);
	return G_SOURCE_REMOVE;
}

/* Waits until @heard has @count lines (or 20 s). */
static void
wait_lines(Heard *heard, guint count)
{
	guint id = g_timeout_add_seconds(20, on_give_up, heard->loop);

	while (heard->lines->len < count) {
		guint before = heard->lines->len;
		g_main_loop_run(heard->loop);
		if (heard->lines->len == before)
			break; /* the safety net fired */
	}
	g_source_remove(id);
}

static gchar *
plug(UMockdevTestbed *tb, const gchar *port, const gchar *vendor, const gchar *product,
     const gchar *name)
{
	/* umockdev_testbed_add_device() sends the "add" uevent itself */
	return umockdev_testbed_add_device(tb, "usb", port, NULL, "idVendor", vendor, "idProduct",
	                                   product, "busnum", "1", "devnum", "7", "speed", "12",
	                                   "bDeviceClass", "00", "product", name, NULL, "DEVTYPE",
	                                   "usb_device", NULL);
}

static void
test_follow(void)
{
	g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	Heard heard = { .lines = lines, .loop = loop };
	g_autoptr(DkvmApp) app = dkvm_app_new();
	g_autoptr(DkvmVmUsbFollower) follower = NULL;
	g_autofree gchar *stick = NULL;
	g_autofree gchar *yubikey = NULL;
	g_autofree gchar *receiver = NULL;

	app->connect_uri = g_strdup_printf("test://%s/libvirt/usb-follow-node.xml",
	                                   g_getenv("DKVM_TEST_DATA"));
	follower = dkvm_vm_usb_follower_new(app, on_line, &heard, &error);
	g_assert_no_error(error);
	g_assert_nonnull(follower);

	/* no VM wants the stick; then two running VMs want the YubiKey: the
	 * one line heard is about the YubiKey, so the stick gave none */
	stick = plug(tb, "1-3", "0781", "5583", "Ultra Fit");
	yubikey = plug(tb, "1-5", "1050", "0407", "YubiKey OTP+FIDO+CCID");
	wait_lines(&heard, 1);
	for (guint i = 0; i < lines->len; i++)
		g_test_message("line %u: %s", i, (const gchar *)g_ptr_array_index(lines, i));
	g_assert_cmpuint(lines->len, ==, 1);
	g_assert_cmpstr(
	        g_ptr_array_index(lines, 0), ==,
	        "USB device 1050:0407 YubiKey OTP+FIDO+CCID at port 1-5 plugged in: running "
	        "VMs 'vm-a' and 'vm-b' both pass it through; attached to neither (a device "
	        "goes to one VM)");

	/* the receiver: keyboard-vm runs and wants it (parked is shut off) */
	receiver = plug(tb, "1-4", "046d", "c52b", "USB Receiver");
	wait_lines(&heard, 2);
	g_assert_cmpuint(lines->len, ==, 2);
	g_assert_true(g_str_has_prefix(g_ptr_array_index(lines, 1),
	                               "USB device 046d:c52b USB Receiver at port 1-4 plugged in: "
	                               "cannot attach it to VM 'keyboard-vm': "));
	g_assert_nonnull(strstr(g_ptr_array_index(lines, 1), "virDomainAttachDeviceFlags"));

	/* unplugging says nothing */
	umockdev_testbed_uevent(tb, receiver, "remove");
	umockdev_testbed_remove_device(tb, receiver);
	umockdev_testbed_remove_device(tb, yubikey);
	umockdev_testbed_remove_device(tb, stick);
	{
		guint id = g_timeout_add(500, on_give_up, loop);
		g_main_loop_run(loop);
		g_source_remove_by_user_data(loop);
		(void)id;
	}
	g_assert_cmpuint(lines->len, ==, 2);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/usb-follow/plugged-devices", test_follow);
	return g_test_run();
}
