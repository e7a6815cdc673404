/*
 * The shared VM options (see spec-options.h). Parsing of sizes, PCI
 * addresses and USB ids is the domains/ parsers', so the CLI and the menu
 * accept exactly the same input with the same messages. Options are
 * applied onto a copy of the spec and only a fully valid result is copied
 * back: a bad option never leaves a spec half-changed.
 */
#include "spec-options.h"

#include <string.h>

#include "dkvm-error.h"
#include "host-json-file.h"
#include "looking-glass.h"
#include "quote.h"

DkvmSpecOptions *
dkvm_spec_options_new(void)
{
	return g_new0(DkvmSpecOptions, 1);
}

void
dkvm_spec_options_free(DkvmSpecOptions *self)
{
	if (self == NULL)
		return;
	g_free(self->preset);
	g_free(self->vcpus);
	g_free(self->memory);
	g_strfreev(self->pci);
	g_strfreev(self->rom);
	g_strfreev(self->usb);
	g_strfreev(self->usb_optional);
	g_strfreev(self->disk);
	g_strfreev(self->cdrom);
	g_strfreev(self->network);
	g_free(self->hyperv_vendor_id);
	g_strfreev(self->evdev);
	g_free(self->looking_glass);
	g_free(self->host_json);
	g_clear_pointer(&self->loaded_host, dkvm_host_facts_free);
	g_free(self);
}

GOptionEntry *
dkvm_spec_options_entries(DkvmSpecOptions *self, const GOptionEntry *extra)
{
	const GOptionEntry shared[] = {
		{ "preset", 0, 0, G_OPTION_ARG_STRING, &self->preset,
		  "windows11 (default), windows10 or linux", "NAME" },
		/* a string, so that a given 0 is told from "not given" and refused */
		{ "vcpus", 0, 0, G_OPTION_ARG_STRING, &self->vcpus, "Number of vCPUs", "N" },
		{ "memory", 0, 0, G_OPTION_ARG_STRING, &self->memory, "Memory, e.g. 16G", "SIZE" },
		{ "pci", 0, 0, G_OPTION_ARG_STRING_ARRAY, &self->pci,
		  "Pass a PCI device through (its slot's functions come along; repeat)", "ADDR" },
		{ "rom", 0, 0, G_OPTION_ARG_STRING_ARRAY, &self->rom,
		  "ROM file for a selected PCI device", "ADDR=FILE" },
		{ "usb", 0, 0, G_OPTION_ARG_STRING_ARRAY, &self->usb,
		  "Pass a USB device through (repeat)", "VID:PID" },
		{ "usb-optional", 0, 0, G_OPTION_ARG_STRING_ARRAY, &self->usb_optional,
		  "Pass a USB device through; the VM starts without it", "VID:PID" },
		{ "disk", 0, 0, G_OPTION_ARG_STRING_ARRAY, &self->disk,
		  "Disk image or /dev/disk/by-id/ device (repeat)", "PATH" },
		{ "cdrom", 0, 0, G_OPTION_ARG_STRING_ARRAY, &self->cdrom, "ISO image (repeat)",
		  "ISO" },
		{ "network", 0, 0, G_OPTION_ARG_STRING_ARRAY, &self->network,
		  "nat[:NAME], bridge:BR or none (repeat for more NICs)", "NET" },
		{ "tpm", 0, 0, G_OPTION_ARG_NONE, &self->tpm, "Emulated TPM 2.0", NULL },
		{ "no-tpm", 0, 0, G_OPTION_ARG_NONE, &self->no_tpm, "No TPM", NULL },
		{ "hugepages", 0, 0, G_OPTION_ARG_NONE, &self->hugepages,
		  "Back memory by hugepages", NULL },
		{ "lock-memory", 0, 0, G_OPTION_ARG_NONE, &self->lock_memory,
		  "Lock pinned hugepage memory in RAM (libvirtd needs CAP_SYS_RESOURCE)", NULL },
		{ "no-lock-memory", 0, 0, G_OPTION_ARG_NONE, &self->no_lock_memory,
		  "Do not lock guest memory (default)", NULL },
		{ "no-hugepages", 0, 0, G_OPTION_ARG_NONE, &self->no_hugepages, "Ordinary pages",
		  NULL },
		{ "pinning", 0, 0, G_OPTION_ARG_NONE, &self->pinning,
		  "Pin vCPUs, emulator and I/O threads", NULL },
		{ "no-pinning", 0, 0, G_OPTION_ARG_NONE, &self->no_pinning, "No CPU pinning",
		  NULL },
		{ "secure-boot", 0, 0, G_OPTION_ARG_NONE, &self->secure_boot,
		  "OVMF with Secure Boot", NULL },
		{ "no-secure-boot", 0, 0, G_OPTION_ARG_NONE, &self->no_secure_boot,
		  "OVMF without Secure Boot", NULL },
		{ "uefi", 0, 0, G_OPTION_ARG_NONE, &self->uefi, "UEFI firmware (OVMF)", NULL },
		{ "bios", 0, 0, G_OPTION_ARG_NONE, &self->bios, "Legacy BIOS (SeaBIOS)", NULL },
		{ "realtime", 0, 0, G_OPTION_ARG_NONE, &self->realtime,
		  "Real-time (FIFO) vCPU threads; can starve the host", NULL },
		{ "no-realtime", 0, 0, G_OPTION_ARG_NONE, &self->no_realtime,
		  "Ordinary vCPU thread scheduling", NULL },
		{ "kvm-hidden", 0, 0, G_OPTION_ARG_NONE, &self->kvm_hidden,
		  "Hide KVM from the guest", NULL },
		{ "no-kvm-hidden", 0, 0, G_OPTION_ARG_NONE, &self->no_kvm_hidden,
		  "Let the guest see KVM", NULL },
		{ "early-bind", 0, 0, G_OPTION_ARG_NONE, &self->early_bind,
		  "On a DKVM host, bind its PCI devices to vfio-pci at boot, by address", NULL },
		{ "no-early-bind", 0, 0, G_OPTION_ARG_NONE, &self->no_early_bind,
		  "Leave its PCI devices to their host drivers until it starts (default)", NULL },
		{ "hyperv-vendor-id", 0, 0, G_OPTION_ARG_STRING, &self->hyperv_vendor_id,
		  "Hyper-V vendor id (up to 12 characters)", "ID" },
		{ "evdev", 0, 0, G_OPTION_ARG_STRING_ARRAY, &self->evdev,
		  "Pass an input device through with evdev (repeat)", "PATH" },
		{ "looking-glass", 0, 0, G_OPTION_ARG_STRING, &self->looking_glass,
		  "Looking Glass shared memory for this resolution (keeps VNC for setup)",
		  "WIDTHxHEIGHT" },
		{ "no-looking-glass", 0, 0, G_OPTION_ARG_NONE, &self->no_looking_glass,
		  "No Looking Glass shared memory", NULL },
		{ "host-json", 0, 0, G_OPTION_ARG_FILENAME, &self->host_json,
		  "Plan against a saved `dkvm host --json` instead of this machine", "FILE" },
	};
	guint n_extra = 0;
	GOptionEntry *all;

	while (extra != NULL && extra[n_extra].long_name != NULL)
		n_extra++;
	all = g_new0(GOptionEntry, G_N_ELEMENTS(shared) + n_extra + 1);
	memcpy(all, shared, sizeof(shared));
	if (n_extra > 0)
		memcpy(all + G_N_ELEMENTS(shared), extra, n_extra * sizeof(GOptionEntry));
	return all;
}

GOptionEntry *
dkvm_spec_options_edit_entries(DkvmSpecOptions *self, const GOptionEntry *extra)
{
	GOptionEntry *all = dkvm_spec_options_entries(self, extra);

	for (guint i = 0; all[i].long_name != NULL; i++)
		if (g_strcmp0(all[i].long_name, "preset") == 0)
			all[i].flags |= G_OPTION_FLAG_HIDDEN;
	return all;
}

gboolean
dkvm_spec_options_get_preset(const DkvmSpecOptions *self, DkvmPreset *out, GError **error)
{
	if (self->preset == NULL) {
		*out = DKVM_PRESET_WINDOWS11;
		return TRUE;
	}
	if (!dkvm_preset_from_string(self->preset, out, error)) {
		g_prefix_error(error, "--preset: ");
		return FALSE;
	}
	return TRUE;
}

static gboolean
pair(gboolean on, gboolean off, const gchar *name, gboolean *field, GError **error)
{
	if (on && off) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "--%s and --no-%s contradict each other", name, name);
		return FALSE;
	}
	if (on)
		*field = TRUE;
	if (off)
		*field = FALSE;
	return TRUE;
}

/* A hint line under the error: what to type. */
static void
add_hint(GError **error, const gchar *what, const gchar *value)
{
	g_autofree gchar *message = NULL;

	if (error == NULL || *error == NULL)
		return;
	message = (*error)->message;
	(*error)->message = g_strdup_printf("%s\nhint: %s %s", message, what, value);
}

static gboolean
apply_pci(const DkvmSpecOptions *self, DkvmSpec *spec, GError **error)
{
	if (self->pci != NULL) {
		g_ptr_array_set_size(spec->pci, 0);
		for (guint i = 0; self->pci[i] != NULL; i++) {
			g_autofree gchar *address = dkvm_parse_pci_address(self->pci[i], error);
			if (address == NULL) {
				g_prefix_error(error, "--pci: ");
				return FALSE;
			}
			g_ptr_array_add(spec->pci, dkvm_pci_selection_new(address));
		}
	}
	for (guint i = 0; self->rom != NULL && self->rom[i] != NULL; i++) {
		g_auto(GStrv) parts = g_strsplit(self->rom[i], "=", 2);
		g_autofree gchar *address = NULL;

		if (g_strv_length(parts) != 2 || *parts[1] == '\0') {
			g_autofree gchar *shown = dkvm_quote(self->rom[i]);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "--rom '%s': expected ADDR=FILE with an absolute file path",
			            shown);
			return FALSE;
		}
		address = dkvm_parse_pci_address(parts[0], error);
		if (address == NULL) {
			g_prefix_error(error, "--rom: ");
			return FALSE;
		}
		/* the rules are the spec's (domains/spec.c); the hint is ours */
		if (!dkvm_spec_set_rom(spec, address, parts[1], error)) {
			g_prefix_error(error, "--rom %s: ", address);
			if (dkvm_spec_get_pci(spec, address) == NULL)
				add_hint(error, "add --pci", address);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
add_usb(gchar **ids, gboolean optional, DkvmSpec *spec, GError **error)
{
	for (guint i = 0; ids != NULL && ids[i] != NULL; i++) {
		DkvmUsbSelection *usb = g_new0(DkvmUsbSelection, 1);
		if (!dkvm_parse_usb_id(ids[i], &usb->vendor_id, &usb->product_id, error)) {
			g_free(usb);
			g_prefix_error(error, optional ? "--usb-optional: " : "--usb: ");
			return FALSE;
		}
		usb->optional = optional;
		g_ptr_array_add(spec->usb, usb);
	}
	return TRUE;
}

static gboolean
apply_network(gchar **nets, DkvmSpec *spec, GError **error)
{
	if (nets == NULL)
		return TRUE;
	g_ptr_array_set_size(spec->nics, 0);
	for (guint i = 0; nets[i] != NULL; i++) {
		const gchar *n = nets[i];
		if (g_strcmp0(n, "none") == 0) {
			if (g_strv_length(nets) > 1) {
				g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				                    "--network none cannot be combined with other "
				                    "networks");
				return FALSE;
			}
		} else if (g_strcmp0(n, "nat") == 0) {
			g_ptr_array_add(spec->nics, dkvm_nic_new(DKVM_NET_NAT, NULL));
		} else if (g_str_has_prefix(n, "nat:") && n[4] != '\0') {
			g_ptr_array_add(spec->nics, dkvm_nic_new(DKVM_NET_NAT, n + 4));
		} else if (g_str_has_prefix(n, "bridge:") && n[7] != '\0') {
			g_ptr_array_add(spec->nics, dkvm_nic_new(DKVM_NET_BRIDGE, n + 7));
		} else {
			g_autofree gchar *shown = dkvm_quote(n);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "--network '%s': expected nat, nat:NAME, bridge:BR or none",
			            shown);
			return FALSE;
		}
	}
	return TRUE;
}

/* An empty path would become an empty <source> that libvirt takes and QEMU
 * fails on at start: refused here, with the option's name. */
static gboolean
check_paths(gchar **values, const gchar *option, GError **error)
{
	for (guint i = 0; values != NULL && values[i] != NULL; i++) {
		if (*values[i] == '\0') {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "--%s: the path is empty", option);
			return FALSE;
		}
	}
	return TRUE;
}

static void
replace_strings(GPtrArray *array, gchar **values)
{
	if (values == NULL)
		return;
	g_ptr_array_set_size(array, 0);
	for (guint i = 0; values[i] != NULL; i++)
		g_ptr_array_add(array, g_strdup(values[i]));
}

/* --looking-glass WIDTHxHEIGHT turns it on at that resolution, --no-looking-glass off. */
static gboolean
apply_looking_glass(const DkvmSpecOptions *self, DkvmSpec *spec, GError **error)
{
	if (self->looking_glass != NULL && self->no_looking_glass) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "--looking-glass and --no-looking-glass contradict each other");
		return FALSE;
	}
	if (self->no_looking_glass) {
		spec->looking_glass_width = 0;
		spec->looking_glass_height = 0;
	}
	if (self->looking_glass != NULL &&
	    !dkvm_looking_glass_parse(self->looking_glass, &spec->looking_glass_width,
	                              &spec->looking_glass_height, error)) {
		g_prefix_error(error, "--looking-glass '%s': ", self->looking_glass);
		return FALSE;
	}
	return TRUE;
}

static gboolean
apply_onto(const DkvmSpecOptions *self, DkvmSpec *spec, GError **error)
{
	if (self->vcpus != NULL) {
		guint64 vcpus = 0;
		/* libvirt's own limit on a domain's vCPUs is far below G_MAXUINT; the
		 * planner refuses more than the host has */
		/* decimal only: g_ascii_string_to_unsigned takes no sign, space or
		 * "0x", and reads "010" as ten (strtoul's base 0 read it as eight) */
		if (!g_ascii_string_to_unsigned(self->vcpus, 10, 1, 4096, &vcpus, NULL)) {
			g_autofree gchar *shown = dkvm_quote(self->vcpus);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "--vcpus '%s': expected a whole number from 1 to 4096", shown);
			return FALSE;
		}
		spec->vcpus = (guint)vcpus;
	}
	if (self->memory != NULL && !dkvm_parse_size_kib(self->memory, &spec->memory_kib, error)) {
		g_prefix_error(error, "--memory: ");
		return FALSE;
	}
	if (!apply_pci(self, spec, error))
		return FALSE;
	if (self->usb != NULL || self->usb_optional != NULL) {
		g_ptr_array_set_size(spec->usb, 0);
		if (!add_usb(self->usb, FALSE, spec, error) ||
		    !add_usb(self->usb_optional, TRUE, spec, error))
			return FALSE;
	}
	if (!check_paths(self->disk, "disk", error) || !check_paths(self->cdrom, "cdrom", error) ||
	    !check_paths(self->evdev, "evdev", error))
		return FALSE;
	if (self->disk != NULL) {
		g_ptr_array_set_size(spec->disks, 0);
		/* the domain gets the path the kernel opens (no "//", "." or
		 * ".."), so that dkvm_disk_validate's rule holds for what is used */
		for (guint i = 0; self->disk[i] != NULL; i++) {
			g_autoptr(DkvmDisk) given = dkvm_disk_new(self->disk[i]);
			g_autofree gchar *path = NULL;

			/* the message quotes the path as typed */
			if (!dkvm_disk_validate(given, error)) {
				g_prefix_error(error, "--disk: ");
				return FALSE;
			}
			path = dkvm_disk_path_canonical(self->disk[i]);
			g_ptr_array_add(spec->disks, dkvm_disk_new(path));
		}
	}
	replace_strings(spec->cdroms, self->cdrom);
	replace_strings(spec->evdev, self->evdev);
	if (!apply_network(self->network, spec, error))
		return FALSE;
	if (!pair(self->tpm, self->no_tpm, "tpm", &spec->tpm, error) ||
	    !pair(self->hugepages, self->no_hugepages, "hugepages", &spec->hugepages, error) ||
	    !pair(self->lock_memory, self->no_lock_memory, "lock-memory", &spec->lock_memory,
	          error) ||
	    !pair(self->pinning, self->no_pinning, "pinning", &spec->pinning, error) ||
	    !pair(self->secure_boot, self->no_secure_boot, "secure-boot", &spec->secure_boot,
	          error) ||
	    !pair(self->realtime, self->no_realtime, "realtime", &spec->realtime, error) ||
	    !pair(self->kvm_hidden, self->no_kvm_hidden, "kvm-hidden", &spec->kvm_hidden, error) ||
	    !pair(self->early_bind, self->no_early_bind, "early-bind", &spec->early_bind, error))
		return FALSE;
	if (self->uefi && self->bios) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "--uefi and --bios contradict each other");
		return FALSE;
	}
	if (self->bios) {
		spec->uefi = FALSE;
		/* the preset's default goes with UEFI; an explicit --secure-boot
		 * stays and dkvm_spec_validate refuses it */
		if (!self->secure_boot)
			spec->secure_boot = FALSE;
	}
	if (self->uefi)
		spec->uefi = TRUE;
	if (!apply_looking_glass(self, spec, error))
		return FALSE;
	if (self->hyperv_vendor_id != NULL) {
		/* dkvm_spec_validate checks it again below; here the option is named */
		if (!dkvm_spec_validate_hyperv_vendor_id(self->hyperv_vendor_id, error)) {
			g_prefix_error(error, "--hyperv-vendor-id: ");
			return FALSE;
		}
		g_free(spec->hyperv_vendor_id);
		spec->hyperv_vendor_id = g_strdup(self->hyperv_vendor_id);
	}
	return dkvm_spec_validate(spec, error);
}

gboolean
dkvm_spec_options_apply(const DkvmSpecOptions *self, DkvmSpec *spec, GError **error)
{
	g_autoptr(DkvmSpec) copy = dkvm_spec_copy(spec);
	DkvmPreset preset;

	if (self->preset != NULL) {
		if (!dkvm_spec_options_get_preset(self, &preset, error))
			return FALSE;
		copy->preset = preset;
	}
	if (!apply_onto(self, copy, error))
		return FALSE;
	/* commit: swap the whole value in */
	{
		DkvmSpec tmp = *spec;
		*spec = *copy;
		*copy = tmp;
	}
	return TRUE;
}

const DkvmHostFacts *
dkvm_spec_options_get_host(DkvmSpecOptions *self, DkvmApp *app, GError **error)
{
	if (self->host_json == NULL)
		return dkvm_app_get_host(app, error);
	if (self->loaded_host == NULL)
		self->loaded_host = dkvm_host_json_load_file(self->host_json, error);
	return self->loaded_host;
}

DkvmPlan *
dkvm_spec_options_plan(DkvmSpecOptions *self, DkvmApp *app, const DkvmSpec *spec, GError **error)
{
	const DkvmHostFacts *host = dkvm_spec_options_get_host(self, app, error);

	if (host == NULL)
		return NULL;
	return dkvm_spec_options_plan_on(self, app, host, spec, error);
}

DkvmVmHypervisor
dkvm_spec_options_hypervisor(const DkvmSpecOptions *self)
{
	/* a saved host is not the connection's: no connection is made */
	if (self->host_json != NULL)
		return DKVM_VM_HYPERVISOR_NONE;
	return self->hypervisor_optional ? DKVM_VM_HYPERVISOR_OPTIONAL
	                                 : DKVM_VM_HYPERVISOR_REQUIRED;
}

DkvmPlan *
dkvm_spec_options_plan_on(DkvmSpecOptions *self, DkvmApp *app, const DkvmHostFacts *host,
                          const DkvmSpec *spec, GError **error)
{
	return dkvm_vm_plan(app, host, spec, dkvm_spec_options_hypervisor(self), error);
}
