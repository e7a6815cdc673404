/*
 * dkvm vm list [--json], vm show NAME [--json], vm xml NAME: reading VMs,
 * changing nothing. One family in one file because they share the output
 * helpers; list asks libvirt only cheap questions so it keeps pace with
 * `virsh list --all` (make bench measures that).
 */
#include <stdio.h>
#include <string.h>

#include "cmd-vm-common.h"
#include "cmd.h"
#include "format-size.h"
#include "vm-list.h"

static gboolean cmd_vm_list_run(DkvmApp *app, gint argc, gchar **argv, GError **error);
static gboolean cmd_vm_show_run(DkvmApp *app, gint argc, gchar **argv, GError **error);
static gboolean cmd_vm_xml_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_vm_list = {
	.name = "vm list",
	.args = "[--json]",
	.summary = "List the VMs with their state, vCPUs, memory and autostart",
	.run = cmd_vm_list_run,
};

const DkvmCmd dkvm_cmd_vm_show = {
	.name = "vm show",
	.args = "NAME [--json]",
	.summary = "Show one VM: state, memory, hugepages, devices, disks",
	.run = cmd_vm_show_run,
};

const DkvmCmd dkvm_cmd_vm_xml = {
	.name = "vm xml",
	.args = "NAME",
	.summary = "Print the VM's libvirt domain XML (its persistent definition)",
	.run = cmd_vm_xml_run,
};

static gboolean
cmd_vm_list_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
		{ NULL },
	};
	g_autoptr(GPtrArray) vms = NULL;
	const gchar *default_vm;
	gint width = 4;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_list, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_list, argc, 0, error))
		return FALSE;
	vms = dkvm_vm_list(app, error);
	if (vms == NULL)
		return FALSE;
	default_vm = dkvm_cmd_vm_default_name(app);
	if (json) {
		g_autofree gchar *out = dkvm_vm_list_to_json(vms, default_vm);
		g_print("%s\n", out);
		return TRUE;
	}
	if (vms->len == 0) {
		g_print("No VMs defined. Create one with `dkvm vm create`.\n");
		return TRUE;
	}
	for (guint i = 0; i < vms->len; i++) {
		const DkvmVmSummary *vm = g_ptr_array_index(vms, i);
		width = MAX(width, (gint)strlen(vm->name));
	}
	g_print("%-*s  %-11s  %5s  %10s  %s\n", width, "NAME", "STATE", "VCPUS", "MEMORY",
	        "AUTOSTART");
	for (guint i = 0; i < vms->len; i++) {
		const DkvmVmSummary *vm = g_ptr_array_index(vms, i);
		g_autofree gchar *memory = dkvm_format_kib_column(vm->memory_kib);
		gboolean is_default = g_strcmp0(vm->name, default_vm) == 0;
		g_print("%-*s  %-11s  %5u  %10s  %s%s\n", width, vm->name,
		        dkvm_vm_state_name(vm->state), vm->vcpus, memory,
		        vm->autostart ? "yes" : "no", is_default ? " (default VM)" : "");
	}
	return TRUE;
}

/* "a, b, c", or "none" */
static gchar *
join(GPtrArray *values)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < values->len; i++)
		g_string_append_printf(out, "%s%s", i > 0 ? ", " : "",
		                       (const gchar *)g_ptr_array_index(values, i));
	if (values->len == 0)
		g_string_append(out, "none");
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
print_show_text(const DkvmVmSummary *vm, const DkvmDomainXml *xml, const gchar *default_vm)
{
	g_autofree gchar *memory = dkvm_format_kib_column(vm->memory_kib);
	g_autofree gchar *pci = join(xml->pci_hostdevs);
	g_autofree gchar *usb = join(xml->usb_hostdevs);

	g_print("name:        %s\n", vm->name);
	g_print("uuid:        %s\n", vm->uuid);
	if (vm->id >= 0)
		g_print("state:       %s (id %d)\n", dkvm_vm_state_name(vm->state), vm->id);
	else
		g_print("state:       %s\n", dkvm_vm_state_name(vm->state));
	g_print("vCPUs:       %u\n", vm->vcpus);
	g_print("memory:      %s\n", memory);
	if (xml->hugepages) {
		g_autofree gchar *page = dkvm_format_kib_column(xml->hugepage_size_kib);
		guint64 pages = dkvm_domain_xml_hugepages_needed(xml);
		g_print("hugepages:   %" G_GUINT64_FORMAT " page%s of %s%s\n", pages,
		        pages == 1 ? "" : "s", page,
		        xml->hugepage_node >= 0 ? " (one NUMA node)" : "");
	} else {
		g_print("hugepages:   no\n");
	}
	g_print("autostart:   %s%s\n", vm->autostart ? "yes" : "no",
	        g_strcmp0(vm->name, default_vm) == 0 ? " (default VM of the boot countdown)" : "");
	g_print("persistent:  %s\n", vm->persistent ? "yes" : "no");
	g_print("PCI devices: %s\n", pci);
	g_print("USB devices: %s\n", usb);
	for (guint i = 0; i < xml->disks->len; i++) {
		const DkvmDomainDisk *disk = g_ptr_array_index(xml->disks, i);
		g_print("%-12s %s %s %s\n", i == 0 ? "disks:" : "",
		        disk->target != NULL ? disk->target : "-", disk->device,
		        disk->source != NULL ? disk->source : "(no source)");
	}
	if (xml->disks->len == 0)
		g_print("disks:       none\n");
	g_print("NVRAM:       %s\n", xml->nvram != NULL ? xml->nvram : "none");
	g_print("TPM:         %s\n", xml->tpm ? "yes" : "no");
}

static gboolean
cmd_vm_show_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
		{ NULL },
	};
	g_autoptr(DkvmVmDetails) details = NULL;
	const gchar *default_vm;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_show, entries, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_show, argc, 1, error))
		return FALSE;
	details = dkvm_vm_show(app, argv[1], error);
	if (details == NULL)
		return FALSE;
	default_vm = dkvm_cmd_vm_default_name(app);
	if (json) {
		g_autofree gchar *out = dkvm_vm_details_to_json(details, default_vm);
		g_print("%s\n", out);
		return TRUE;
	}
	print_show_text(details->summary, details->domain, default_vm);
	return TRUE;
}

static gboolean
cmd_vm_xml_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *xml = NULL;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_vm_xml, NULL, &argc, &argv, error) ||
	    !dkvm_cmd_expect_args(&dkvm_cmd_vm_xml, argc, 1, error))
		return FALSE;
	xml = dkvm_vm_get_xml(app, argv[1], error);
	if (xml == NULL)
		return FALSE;
	g_print("%s", xml);
	return TRUE;
}
