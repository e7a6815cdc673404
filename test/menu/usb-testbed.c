/*
 * A umockdev testbed that the menu's USB hot-plug test (test-menu-devices.py)
 * drives from Python: the test machines' Python may lack GObject
 * introspection, so the testbed lives in this small process instead. The
 * menu runs under umockdev-wrapper with UMOCKDEV_DIR set to the testbed's
 * directory; the uevents sent here reach its udev monitor through umockdev's
 * preload, as a real plug-in reaches udev's.
 *
 * Prints the testbed's directory, then reads one command a line (fields
 * separated by tabs) and answers each with one line:
 *   add PARENT PORT VENDOR PRODUCT MANUFACTURER NAME
 *       a USB device under the sysfs device PARENT; umockdev sends its "add"
 *       uevent; answers the device's sysfs path
 *   remove SYSPATH
 *       the "remove" uevent, then the device goes from sysfs; answers "removed"
 * At end of input the testbed and its directory go.
 */
#include <stdio.h>
#include <string.h>
#include <umockdev.h>

static gboolean
run(UMockdevTestbed *tb, gchar **fields)
{
	guint n = g_strv_length(fields);

	if (n == 7 && g_str_equal(fields[0], "add")) {
		g_autofree gchar *syspath = umockdev_testbed_add_device(
		        tb, "usb", fields[2], fields[1], "idVendor", fields[3], "idProduct",
		        fields[4], "manufacturer", fields[5], "product", fields[6], "busnum", "1",
		        "devnum", "9", "speed", "12", "bDeviceClass", "00", NULL, "DEVTYPE",
		        "usb_device", NULL);
		if (syspath == NULL)
			return FALSE;
		printf("%s\n", syspath);
		return TRUE;
	}
	if (n == 2 && g_str_equal(fields[0], "remove")) {
		umockdev_testbed_uevent(tb, fields[1], "remove");
		umockdev_testbed_remove_device(tb, fields[1]);
		printf("removed\n");
		return TRUE;
	}
	return FALSE;
}

int
main(void)
{
	g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new();
	gchar line[4096];

	printf("%s\n", umockdev_testbed_get_root_dir(tb));
	fflush(stdout);
	while (fgets(line, sizeof line, stdin) != NULL) {
		g_auto(GStrv) fields = NULL;

		line[strcspn(line, "\n")] = '\0';
		fields = g_strsplit(line, "\t", -1);
		if (!run(tb, fields)) {
			fprintf(stderr, "usb-testbed: cannot do: %s\n", line);
			return 1;
		}
		fflush(stdout);
	}
	return 0;
}
