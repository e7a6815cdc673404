/*
 * d3cold_allowed held off while a VM runs and turned back on after, through
 * the record under /run/dkvm/d3cold (as a stop in another process finds it),
 * on a tree laid out like sysfs (DKVM_SYSFS_ROOT); and the config-space
 * check `vm start` refuses a stuck card with, on the navi10-5700xt fixture.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "dkvm-error.h"
#include "pci-config.h"
#include "pci-d3cold.h"
#include "test-tree.h"

static gchar *root;

static gchar *
device_file(const gchar *address, const gchar *name)
{
	return g_build_filename(root, "sys/bus/pci/devices", address, name, NULL);
}

static void
put(const gchar *address, const gchar *name, const gchar *value)
{
	g_autofree gchar *path = device_file(address, name);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_file_set_contents(path, value, -1, &error);
	g_assert_no_error(error);
}

static gchar *
get(const gchar *address)
{
	g_autofree gchar *path = device_file(address, "d3cold_allowed");
	gchar *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return g_strstrip(text);
}

static gchar *
record_text(const gchar *vm)
{
	g_autofree gchar *path = g_build_filename(root, "run/dkvm/d3cold", vm, NULL);
	gchar *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return text;
}

static void
test_hold_restore(void)
{
	g_autoptr(GPtrArray) passed = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *record = NULL;
	g_autofree gchar *gpu = NULL, *audio = NULL, *gpu_after = NULL, *audio_after = NULL;

	put("0000:01:00.0", "d3cold_allowed", "1\n");
	put("0000:01:00.1", "d3cold_allowed", "0\n"); /* off already: not DKVM's to turn on */
	put("0000:02:00.0", "config", "x");           /* no attribute at all */
	g_ptr_array_add(passed, "0000:01:00.0");
	g_ptr_array_add(passed, "0000:01:00.1");
	g_ptr_array_add(passed, "0000:02:00.0");

	g_assert_true(dkvm_pci_d3cold_hold("win11", passed, &error));
	g_assert_no_error(error);
	gpu = get("0000:01:00.0");
	audio = get("0000:01:00.1");
	g_assert_cmpstr(gpu, ==, "0");
	g_assert_cmpstr(audio, ==, "0");
	record = record_text("win11");
	g_assert_nonnull(record);
	g_assert_nonnull(strstr(record, "off=0000:01:00.0;"));
	g_assert_null(strstr(record, "0000:01:00.1"));

	/* the stop, in another process: only the record says what to undo */
	g_assert_true(dkvm_pci_d3cold_restore("win11", &error));
	g_assert_no_error(error);
	gpu_after = get("0000:01:00.0");
	audio_after = get("0000:01:00.1");
	g_assert_cmpstr(gpu_after, ==, "1");
	g_assert_cmpstr(audio_after, ==, "0");
	g_assert_null(record_text("win11"));
	/* nothing recorded: nothing to do */
	g_assert_true(dkvm_pci_d3cold_restore("win11", &error));
	g_assert_no_error(error);
	g_assert_false(dkvm_pci_d3cold_restore("../escape", &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
}

/* A record left by a run the guest ended itself is kept by the next start
 * and undone by its stop. */
static void
test_left_record(void)
{
	g_autoptr(GPtrArray) passed = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autofree gchar *after = NULL;

	put("0000:03:00.0", "d3cold_allowed", "1");
	g_ptr_array_add(passed, "0000:03:00.0");
	g_assert_true(dkvm_pci_d3cold_hold("linux", passed, &error));
	g_assert_true(dkvm_pci_d3cold_hold("linux", passed, &error));
	g_assert_no_error(error);
	g_assert_true(dkvm_pci_d3cold_restore("linux", &error));
	g_assert_no_error(error);
	after = get("0000:03:00.0");
	g_assert_cmpstr(after, ==, "1");
}

static void
test_config_stuck(void)
{
	g_autofree gchar *ones = g_strnfill(256, '\xff');
	g_autofree gchar *stuck_dir =
	        g_build_filename(root, "sys/bus/pci/devices", "0000:05:00.0", NULL);
	g_autofree gchar *fine_dir =
	        g_build_filename(root, "sys/bus/pci/devices", "0000:06:00.0", NULL);
	g_autofree gchar *none_dir =
	        g_build_filename(root, "sys/bus/pci/devices", "0000:07:00.0", NULL);
	const gchar *data = g_getenv("DKVM_TEST_DATA");
	g_autofree gchar *navi = NULL, *navi_audio = NULL;

	put("0000:05:00.0", "config", ones);
	put("0000:06:00.0", "config", "\x02\x10\x1f\x73");
	g_assert_true(dkvm_pci_config_stuck(stuck_dir));
	g_assert_false(dkvm_pci_config_stuck(fine_dir));
	g_assert_false(dkvm_pci_config_stuck(none_dir));

	g_assert_nonnull(data);
	navi = g_build_filename(data, "hosts/navi10-5700xt/sys/bus/pci/devices/0000:01:00.0", NULL);
	navi_audio = g_build_filename(data, "hosts/navi10-5700xt/sys/bus/pci/devices/0000:01:00.1",
	                              NULL);
	g_assert_true(dkvm_pci_config_stuck(navi));
	g_assert_false(dkvm_pci_config_stuck(navi_audio));
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	int status;

	g_test_init(&argc, &argv, NULL);
	root = g_dir_make_tmp("dkvm-d3cold-XXXXXX", &error);
	g_assert_no_error(error);
	g_setenv("DKVM_SYSFS_ROOT", root, TRUE);
	g_test_add_func("/pci-d3cold/hold-restore", test_hold_restore);
	g_test_add_func("/pci-d3cold/left-record", test_left_record);
	g_test_add_func("/pci-d3cold/config-stuck", test_config_stuck);
	status = g_test_run();
	dkvm_test_remove_tree(root);
	g_free(root);
	return status;
}
