/*
 * dkvm host boot-hugepages [--xml-dir DIR]: what the DKVM host's dkvm-boot
 * service runs. With boot_hugepages=on in dkvm.conf, the hugepages every
 * defined VM needs are made free now, early in the boot, where the boot
 * loader's options did not reserve them (or the kernel gave fewer): one line
 * per pool. With it off, it says so and changes nothing.
 */
#include <stdio.h>

#include "cmd.h"
#include "dkvm-error.h"
#include "vm-boot-hugepages.h"

static gboolean cmd_host_boot_hugepages_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_host_boot_hugepages = {
	.name = "host boot-hugepages",
	.args = "[--xml-dir DIR]",
	.summary = "With boot_hugepages=on, reserve the hugepages all VMs need now (at boot)",
	.run = cmd_host_boot_hugepages_run,
};

static gboolean
cmd_host_boot_hugepages_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *xml_dir = NULL;
	const GOptionEntry entries[] = {
		{ "xml-dir", 0, 0, G_OPTION_ARG_FILENAME, &xml_dir,
		  "Read the VMs from DIR (default " DKVM_LIBVIRT_QEMU_DIR ", libvirt's own files)",
		  "DIR" },
		{ NULL },
	};
	g_autoptr(GPtrArray) report = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func(g_free);
	const DkvmConfig *config;
	gboolean ok;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_host_boot_hugepages, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_host_boot_hugepages, argc, 0, error))
		return FALSE;
	config = dkvm_app_get_config(app, error);
	if (config == NULL)
		return FALSE;
	if (!config->boot_hugepages) {
		g_print("boot_hugepages is off in dkvm.conf: no hugepages reserved at boot\n");
		return TRUE;
	}
	ok = dkvm_vm_boot_hugepages(xml_dir != NULL ? xml_dir : DKVM_LIBVIRT_QEMU_DIR, report,
	                            skipped, error);
	for (guint i = 0; i < skipped->len; i++)
		fprintf(stderr, "dkvm: skipped %s\n", (const gchar *)g_ptr_array_index(skipped, i));
	for (guint i = 0; i < report->len; i++)
		g_print("%s\n", (const gchar *)g_ptr_array_index(report, i));
	if (ok && report->len == 0)
		g_print("no VM uses hugepages: none reserved\n");
	if (!ok) {
		g_prefix_error(error, "boot-time hugepages: ");
		return FALSE;
	}
	if (skipped->len > 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "boot-time hugepages: %u domain files could not be read (their VMs' "
		            "pages are not counted)",
		            skipped->len);
		return FALSE;
	}
	return TRUE;
}
