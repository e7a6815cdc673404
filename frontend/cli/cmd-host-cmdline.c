/*
 * dkvm host cmdline [--boot-dir DIR] [--init] [--set OPT[=VALUE]]...
 *                   [--unset OPT]... [--isolate VM] [--hugepages | --no-hugepages]
 *
 * The boot stick's kernel options, in syslinux.cfg (BIOS) and grub.cfg
 * (UEFI) together: alone it shows them, with what DKVM manages; --set and
 * --unset change the managed options (domains/boot-cmdline.h), --isolate
 * and --hugepages derive them from the VMs; --init writes both files of a
 * new image (the image builder calls it). The files are written by
 * frontend/system (both or neither, a .bak of each, the boot partition
 * read-write only for the write), through frontend/vm.
 */
#include <stdio.h>

#include "cmd.h"
#include "cmd-vm-common.h"
#include "dkvm-error.h"
#include "vm-boot-cmdline.h"

static gboolean cmd_host_cmdline_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_host_cmdline = {
	.name = "host cmdline",
	.args = "[--boot-dir DIR] [--init] [--set OPT[=VALUE]] [--unset OPT] [--isolate VM] "
	        "[--hugepages | --no-hugepages]",
	.summary = "Show or change the boot stick's kernel options (syslinux.cfg and grub.cfg)",
	.run = cmd_host_cmdline_run,
};

static void
print_options(const DkvmBootConfig *config)
{
	g_print("Kernel options in %s (boot/syslinux/syslinux.cfg, boot/grub/grub.cfg):\n",
	        config->boot_dir);
	if (g_str_equal(config->options[0], config->options[1])) {
		g_print("  %s\n", config->options[0]);
	} else {
		g_print("  syslinux.cfg: %s\n  grub.cfg:     %s\n", config->options[0],
		        config->options[1]);
		g_printerr("dkvm: warning: the two files' options differ; a change applies to "
		           "both, the other options stay as they are\n");
	}
	g_print("\nManaged by DKVM:\n");
	for (guint i = 0; i < DKVM_BOOT_OPT_COUNT; i++) {
		g_autofree gchar *owned = dkvm_boot_options_owned(config->options[0], i);
		g_print("  %-13s %s\n", dkvm_boot_opt_name(i), *owned != '\0' ? owned : "-");
	}
}

static gboolean
parse_changes(DkvmBootChange *change, gchar **sets, gchar **unsets, GError **error)
{
	for (guint i = 0; sets != NULL && sets[i] != NULL; i++) {
		if (!dkvm_boot_change_parse(change, sets[i], TRUE, error))
			return FALSE;
	}
	for (guint i = 0; unsets != NULL && unsets[i] != NULL; i++) {
		if (!dkvm_boot_change_parse(change, unsets[i], FALSE, error))
			return FALSE;
	}
	return TRUE;
}

/* The parts derived from the VMs (libvirt): --isolate VM, --hugepages. */
static gboolean
derive_from_vms(DkvmApp *app, DkvmBootChange *change, const gchar *isolate, gboolean hugepages,
                gboolean no_hugepages, GError **error)
{
	if (isolate != NULL) {
		g_autofree gchar *cpus = NULL;
		if (change->action[DKVM_BOOT_OPT_ISOLATE] != DKVM_BOOT_KEEP) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "--isolate and --set/--unset isolate exclude each other");
			return FALSE;
		}
		if (!dkvm_vm_boot_isolate_cpus(app, isolate, &cpus, error))
			return FALSE;
		dkvm_boot_change_set(change, DKVM_BOOT_OPT_ISOLATE, cpus);
	}
	if (hugepages || no_hugepages) {
		g_autofree gchar *options = NULL;
		if (change->action[DKVM_BOOT_OPT_HUGEPAGES] != DKVM_BOOT_KEEP) {
			g_set_error(
			        error, DKVM_ERROR, DKVM_ERROR_INVALID,
			        "--hugepages/--no-hugepages and --set/--unset hugepages exclude "
			        "each other");
			return FALSE;
		}
		if (hugepages && !dkvm_vm_boot_hugepage_options(app, &options, error))
			return FALSE;
		if (options != NULL)
			dkvm_boot_change_set(change, DKVM_BOOT_OPT_HUGEPAGES, options);
		else
			change->action[DKVM_BOOT_OPT_HUGEPAGES] = DKVM_BOOT_REMOVE;
	}
	return TRUE;
}

static void
print_notes(GPtrArray *notes)
{
	for (guint i = 0; i < notes->len; i++)
		g_printerr("dkvm: warning: %s\n", (const gchar *)g_ptr_array_index(notes, i));
}

static gboolean
cmd_host_cmdline_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *boot_dir = NULL;
	g_autofree gchar *isolate = NULL;
	g_auto(GStrv) sets = NULL;
	g_auto(GStrv) unsets = NULL;
	gboolean init = FALSE, hugepages = FALSE, no_hugepages = FALSE, changed = FALSE;
	const GOptionEntry entries[] = {
		{ "boot-dir", 0, 0, G_OPTION_ARG_FILENAME, &boot_dir,
		  "The boot partition's mount point (default " DKVM_BOOT_DIR_DEFAULT ")", "DIR" },
		{ "init", 0, 0, G_OPTION_ARG_NONE, &init,
		  "Write both files of a new image with DKVM's default options", NULL },
		{ "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
		  "Set a managed option: iommu, iommu-pt, efifb-off, acs-override[=V], "
		  "isolate=CPUS, hugepages=SIZE:COUNT[,...] (repeatable)",
		  "OPT[=VALUE]" },
		{ "unset", 0, 0, G_OPTION_ARG_STRING_ARRAY, &unsets,
		  "Remove a managed option (repeatable)", "OPT" },
		{ "isolate", 0, 0, G_OPTION_ARG_STRING, &isolate,
		  "isolcpus, nohz_full and rcu_nocbs for the CPUs VM's vCPUs are pinned to", "VM" },
		{ "hugepages", 0, 0, G_OPTION_ARG_NONE, &hugepages,
		  "Reserve every defined VM's hugepages at boot (sets dkvm.conf boot_hugepages=on)",
		  NULL },
		{ "no-hugepages", 0, 0, G_OPTION_ARG_NONE, &no_hugepages,
		  "No hugepages reserved at boot (sets dkvm.conf boot_hugepages=off)", NULL },
		{ NULL },
	};
	g_autoptr(DkvmBootChange) change = NULL;
	g_autoptr(DkvmBootConfig) config = NULL;
	g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
	const gchar *dir;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_host_cmdline, entries, &argc, &argv, error))
		return FALSE;
	if (!dkvm_cmd_expect_args(&dkvm_cmd_host_cmdline, argc, 0, error))
		return FALSE;
	if (hugepages && no_hugepages) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "--hugepages and --no-hugepages exclude each other");
		return FALSE;
	}
	dir = boot_dir != NULL ? boot_dir : DKVM_BOOT_DIR_DEFAULT;
	/* a new image is for any machine: both vendors' IOMMU options */
	change = init ? dkvm_boot_change_new(NULL) : dkvm_vm_boot_change_new(app);
	if (!parse_changes(change, sets, unsets, error))
		return FALSE;
	if (init && (isolate != NULL || hugepages || no_hugepages)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "--init takes --set and --unset only: a new image has no VMs yet");
		return FALSE;
	}
	if (!init) {
		/* the files are read first: a missing stick fails before libvirt */
		config = dkvm_boot_config_read(dir, error);
		if (config == NULL)
			return FALSE;
	}
	if (!derive_from_vms(app, change, isolate, hugepages, no_hugepages, error))
		return FALSE;
	if (change->action[DKVM_BOOT_OPT_ACS_OVERRIDE] == DKVM_BOOT_SET)
		g_printerr("dkvm: warning: pcie_acs_override makes the kernel split IOMMU groups "
		           "the hardware does not isolate: a passed-through device may still reach "
		           "the memory of devices in its real group\n");
	if (init) {
		if (!dkvm_boot_config_init(dir, change, &changed, notes, error))
			return FALSE;
		print_notes(notes);
		g_printerr(
		        changed ? "dkvm: wrote both boot loader files under %s\n"
		                : "dkvm: both boot loader files under %s already say so: nothing "
		                  "written\n",
		        dir);
		config = dkvm_boot_config_read(dir, error);
		if (config == NULL)
			return FALSE;
		print_options(config);
		return TRUE;
	}
	if (dkvm_boot_change_is_empty(change)) {
		print_options(config);
		return TRUE;
	}
	if (!dkvm_boot_config_change(config, change, &changed, notes, error))
		return FALSE;
	print_notes(notes);
	if (changed)
		g_printerr("dkvm: kernel options changed in both files (the previous ones are kept "
		           "as .bak); they take effect at the next boot\n");
	else
		g_printerr("dkvm: the kernel options already say so: nothing written\n");
	print_options(config);
	if (hugepages || no_hugepages) {
		g_autoptr(GError) key_error = NULL;
		if (!dkvm_vm_boot_set_hugepages_key(app, hugepages, &key_error)) {
			if (g_error_matches(key_error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED))
				return dkvm_cmd_vm_not_saved(key_error, error);
			g_propagate_error(error, g_steal_pointer(&key_error));
			return FALSE;
		}
	}
	return TRUE;
}
