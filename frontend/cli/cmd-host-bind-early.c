/*
 * dkvm host bind-early [--dry-run] [--xml-dir DIR]: what the DKVM host's
 * dkvm-vfio service runs at boot. The PCI devices of the VMs marked with
 * --early-bind go to vfio-pci by address (driver_override), before their host
 * drivers load, so a GPU meant for a VM is never taken by the host and an
 * identical second card stays with its driver. The VMs are read from
 * libvirt's files (libvirtd is not running yet). One line per device; a
 * device that fails is reported and the others are still bound.
 */
#include <stdio.h>

#include "cmd.h"
#include "dkvm-error.h"
#include "vm-early-bind.h"

static gboolean cmd_host_bind_early_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_host_bind_early = {
	.name = "host bind-early",
	.args = "[--dry-run] [--xml-dir DIR]",
	.summary = "Bind the devices of VMs marked --early-bind to vfio-pci, by address (at boot)",
	.run = cmd_host_bind_early_run,
};

static void
print_result(const DkvmEarlyBindResult *r, gboolean dry_run)
{
	if (r->error != NULL) {
		fprintf(stderr, "dkvm: cannot bind %s (%s) to vfio-pci: %s\n", r->address, r->vms,
		        r->error->message);
	} else if (!r->changed) {
		g_print("%s (%s) is on vfio-pci already\n", r->address, r->vms);
	} else if (dry_run) {
		g_print("would bind %s (%s) to vfio-pci (%s%s)\n", r->address, r->vms,
		        r->previous != NULL ? "now " : "no driver now",
		        r->previous != NULL ? r->previous : "");
	} else {
		g_print("bound %s (%s) to vfio-pci (%s%s)\n", r->address, r->vms,
		        r->previous != NULL ? "was " : "had no driver",
		        r->previous != NULL ? r->previous : "");
	}
}

static gboolean
cmd_host_bind_early_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean dry_run = FALSE;
	g_autofree gchar *xml_dir = NULL;
	const GOptionEntry entries[] = {
		{ "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
		  "Say what would be bound and change nothing", NULL },
		{ "xml-dir", 0, 0, G_OPTION_ARG_FILENAME, &xml_dir,
		  "Read the VMs from DIR (default " DKVM_LIBVIRT_QEMU_DIR ", libvirt's own files)",
		  "DIR" },
		{ NULL },
	};
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(GPtrArray) skipped = NULL;
	const DkvmEarlyBindResult *first_failed = NULL;
	guint failed = 0;

	(void)app;
	if (!dkvm_cmd_parse_options(&dkvm_cmd_host_bind_early, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_host_bind_early, argc, 0, error))
		return FALSE;
	if (!dkvm_vm_early_bind(xml_dir != NULL ? xml_dir : DKVM_LIBVIRT_QEMU_DIR, dry_run,
	                        &results, &skipped, error))
		return FALSE;
	for (guint i = 0; i < skipped->len; i++)
		fprintf(stderr, "dkvm: skipped %s\n", (const gchar *)g_ptr_array_index(skipped, i));
	if (results->len == 0)
		g_print("no VM is marked for early binding (dkvm vm edit NAME --early-bind)\n");
	for (guint i = 0; i < results->len; i++) {
		const DkvmEarlyBindResult *r = g_ptr_array_index(results, i);
		print_result(r, dry_run);
		if (r->error != NULL) {
			failed++;
			if (first_failed == NULL)
				first_failed = r;
		}
	}
	if (first_failed != NULL) {
		g_set_error(error, DKVM_ERROR, first_failed->error->code,
		            "early binding: %u of %u devices not bound to vfio-pci", failed,
		            results->len);
		return FALSE;
	}
	if (skipped->len > 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "early binding: %u domain files could not be read (their VMs' devices "
		            "stay with their drivers)",
		            skipped->len);
		return FALSE;
	}
	return TRUE;
}
