/*
 * The original DKVM's data partition as DkvmSpecs (see legacy-dkvm.h).
 *
 * What the original did, and so what a VM from it gets:
 * - every VM had the same PCI and USB devices, CPU flags and topology (the
 *   global files), localtime RTC, UEFI without Secure Boot, an swtpm TPM 2.0,
 *   and MemTotal minus 4 GiB of memory: the windows11 preset without Secure
 *   Boot, with a TPM, is the closest DKVM VM;
 * - its USB devices were QEMU usb-host by vendor:product, which starts without
 *   the device: the selections are optional.
 */
#include "legacy-dkvm.h"

#include <string.h>

#include "dkvm-error.h"
#include "plan.h"
#include "quote.h"

void
dkvm_legacy_vm_config_free(DkvmLegacyVmConfig *self)
{
	if (self == NULL)
		return;
	g_free(self->name);
	g_ptr_array_unref(self->disks);
	g_ptr_array_unref(self->cdroms);
	g_free(self->gpu_rom);
	g_free(self->vnc_listen);
	g_free(self->mac);
	g_ptr_array_unref(self->warnings);
	g_free(self);
}

static gboolean
is_key(const gchar *key)
{
	if (*key == '\0')
		return FALSE;
	for (const gchar *p = key; *p != '\0'; p++)
		if (!g_ascii_isupper(*p) && !g_ascii_isdigit(*p) && *p != '_')
			return FALSE;
	return TRUE;
}

/* Replaces *@slot with @value (the original's getConfigItem printed every
 * match; for a single value the first one is what QEMU got) */
static void
set_once(gchar **slot, const gchar *value)
{
	if (*slot == NULL)
		*slot = g_strdup(value);
}

DkvmLegacyVmConfig *
dkvm_legacy_vm_config_parse(const gchar *text, gsize len, GError **error)
{
	g_autoptr(DkvmLegacyVmConfig) self = g_new0(DkvmLegacyVmConfig, 1);
	g_auto(GStrv) lines = NULL;

	self->disks = g_ptr_array_new_with_free_func(g_free);
	self->cdroms = g_ptr_array_new_with_free_func(g_free);
	self->warnings = g_ptr_array_new_with_free_func(g_free);
	if (memchr(text, '\0', len) != NULL || !g_utf8_validate(text, (gssize)len, NULL)) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "vm_config is not a text file (binary data)");
		return NULL;
	}
	{
		g_autofree gchar *copy = g_strndup(text, len);
		lines = g_strsplit(copy, "\n", -1);
	}
	for (guint i = 0; lines[i] != NULL; i++) {
		gchar *line = g_strchomp(lines[i]); /* also a DOS line end */
		g_autofree gchar *key = NULL;
		const gchar *eq, *value;

		if (*line == '\0' || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (eq != NULL)
			key = g_strndup(line, eq - line);
		if (eq == NULL || !is_key(key)) {
			/* the start of the line, its control bytes escaped */
			g_autofree gchar *shown = dkvm_quote_len(line, MIN(strlen(line), 60));
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "vm_config line %u: not KEY=VALUE: '%s'", i + 1, shown);
			return NULL;
		}
		value = eq + 1;
		if (g_str_equal(key, "NAME")) {
			if (*value != '\0')
				set_once(&self->name, value);
		} else if (g_str_equal(key, "HARDDISK")) {
			if (*value != '\0')
				g_ptr_array_add(self->disks, g_strdup(value));
		} else if (g_str_equal(key, "CDROM")) {
			if (*value != '\0')
				g_ptr_array_add(self->cdroms, g_strdup(value));
		} else if (g_str_equal(key, "GPUROM")) {
			if (*value != '\0')
				set_once(&self->gpu_rom, value);
		} else if (g_str_equal(key, "VNCLISTEN")) {
			if (*value != '\0')
				set_once(&self->vnc_listen, value);
		} else if (g_str_equal(key, "MAC")) {
			if (*value != '\0')
				set_once(&self->mac, value);
		} else if (!g_str_equal(key, "CPUOPTS")) {
			/* CPUOPTS was read by the original but never used */
			g_ptr_array_add(self->warnings,
			                g_strdup_printf("vm_config: unknown key %s ignored", key));
		}
	}
	return g_steal_pointer(&self);
}

void
dkvm_legacy_globals_free(DkvmLegacyGlobals *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->pci);
	g_ptr_array_unref(self->usb);
	g_free(self->hyperv_vendor_id);
	g_ptr_array_unref(self->unknown_flags);
	if (self->host_cpus != NULL)
		g_array_unref(self->host_cpus);
	if (self->vm_cpus != NULL)
		g_array_unref(self->vm_cpus);
	g_ptr_array_unref(self->warnings);
	g_free(self);
}

/* The meaningful lines of a global file: trimmed, no empty ones, no comments. */
static GPtrArray *
file_lines(const gchar *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) lines = NULL;

	if (text == NULL)
		return out;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		gchar *line = g_strstrip(lines[i]);
		if (*line == '\0' || *line == '#')
			continue;
		g_ptr_array_add(out, g_strdup(line));
	}
	return out;
}

/* Flags QEMU got from cpuOptions that a DKVM Windows VM has anyway: the
 * Hyper-V set, host-passthrough's cache and topoext, migratable off. */
static const gchar *const flags_dkvm_sets[] = {
	"hv-relaxed",         "hv-vapic",        "hv-spinlocks",     "hv-vpindex", "hv-runtime",
	"hv-synic",           "hv-stimer",       "hv-stimer-direct", "hv-reset",   "hv-frequencies",
	"hv-reenlightenment", "hv-tlbflush",     "hv-ipi",           "hv-time",    "topoext",
	"l3-cache",           "host-cache-info", "migratable",       NULL
};

/* One cpuOptions flag onto @self. */
static void
map_cpu_flag(DkvmLegacyGlobals *self, const gchar *flag)
{
	g_autofree gchar *key = NULL;
	const gchar *eq = strchr(flag, '=');
	const gchar *value = eq != NULL ? eq + 1 : NULL;

	key = eq != NULL ? g_strndup(flag, eq - flag) : g_strdup(flag);
	g_strdelimit(key, "_", '-'); /* QEMU takes hv_relaxed as hv-relaxed */
	if (g_str_equal(key, "kvm") && g_strcmp0(value, "off") == 0) {
		self->kvm_hidden = TRUE;
		return;
	}
	if (g_str_equal(key, "hv-vendor-id") && value != NULL &&
	    dkvm_spec_validate_hyperv_vendor_id(value, NULL)) {
		g_free(self->hyperv_vendor_id);
		self->hyperv_vendor_id = g_strdup(value);
		return;
	}
	if (g_strv_contains(flags_dkvm_sets, key) &&
	    (value == NULL || g_str_equal(key, "hv-spinlocks") ||
	     g_strcmp0(value, g_str_equal(key, "migratable") ? "off" : "on") == 0))
		return;
	g_ptr_array_add(self->unknown_flags, g_strdup(flag));
}

/* HOSTCPU=0,8 or VMCPU="1-7,9-15" from the cpuTopology fragment */
static gboolean
topology_value(DkvmLegacyGlobals *self, const gchar *line, guint number, GError **error)
{
	const gchar *eq = strchr(line, '=');
	g_autofree gchar *key = NULL;
	g_autofree gchar *value = NULL;
	GArray **slot;
	g_autoptr(GError) local_error = NULL;

	if (eq == NULL)
		return TRUE;
	key = g_strstrip(g_strndup(line, eq - line));
	if (g_str_equal(key, "HOSTCPU"))
		slot = &self->host_cpus;
	else if (g_str_equal(key, "VMCPU"))
		slot = &self->vm_cpus;
	else
		return TRUE; /* CPUTHREADS: DKVM reads the threads from the kernel */
	value = g_strstrip(g_strdup(eq + 1));
	g_strdelimit(value, "\"'", ' ');
	g_strstrip(value);
	if (*value == '\0')
		return TRUE;
	if (*slot != NULL)
		g_array_unref(*slot);
	*slot = dkvm_parse_cpu_list(value, &local_error);
	if (*slot == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "cpuTopology line %u: %s: %s",
		            number, key, local_error->message);
		return FALSE;
	}
	return TRUE;
}

/* What the start/stop script did, in a few words, for the warning. */
static gchar *
script_warning(const gchar *script)
{
	g_autofree gchar *lower = g_ascii_strdown(script, -1);
	const gchar *what = strstr(lower, "amdgpu") != NULL
	                            ? "it cycled the GPU through the amdgpu driver before "
	                              "passthrough, an AMD GPU reset workaround"
	                    : strstr(lower, "reset") != NULL
	                            ? "it reset PCI devices, a GPU reset workaround"
	                            : "shell functions customVMStart and customVMStop";

	return g_strdup_printf("customStartStopScript is not run (%s); DKVM binds the devices "
	                       "itself (libvirt's managed hostdevs): what it still must do "
	                       "goes into a libvirt hook, /etc/libvirt/hooks/qemu",
	                       what);
}

DkvmLegacyGlobals *
dkvm_legacy_globals_parse(const DkvmLegacyGlobalFiles *files, GError **error)
{
	g_autoptr(DkvmLegacyGlobals) self = g_new0(DkvmLegacyGlobals, 1);
	g_autoptr(GPtrArray) pci = file_lines(files->pci_devices);
	g_autoptr(GPtrArray) usb = file_lines(files->usb_devices);
	g_autoptr(GPtrArray) flags = file_lines(files->cpu_options);

	self->pci = g_ptr_array_new_with_free_func(g_free);
	self->usb = g_ptr_array_new_with_free_func(g_free);
	self->unknown_flags = g_ptr_array_new_with_free_func(g_free);
	self->warnings = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < pci->len; i++) {
		g_autoptr(GError) local_error = NULL;
		gchar *address = dkvm_parse_pci_address(g_ptr_array_index(pci, i), &local_error);
		if (address == NULL) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "passthroughPCIDevices: %s", local_error->message);
			return NULL;
		}
		if (g_ptr_array_find_with_equal_func(self->pci, address, g_str_equal, NULL))
			g_free(address);
		else
			g_ptr_array_add(self->pci, address);
	}
	for (guint i = 0; i < usb->len; i++) {
		g_autoptr(GError) local_error = NULL;
		DkvmUsbSelection *sel = g_new0(DkvmUsbSelection, 1);
		if (!dkvm_parse_usb_id(g_ptr_array_index(usb, i), &sel->vendor_id, &sel->product_id,
		                       &local_error)) {
			g_free(sel);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "passthroughUSBDevices: %s", local_error->message);
			return NULL;
		}
		/* QEMU's usb-host by id started without the device: so does this */
		sel->optional = TRUE;
		g_ptr_array_add(self->usb, sel);
	}
	for (guint i = 0; i < flags->len; i++) {
		/* one flag a line, though a comma list works for QEMU too */
		g_auto(GStrv) parts = g_strsplit(g_ptr_array_index(flags, i), ",", -1);
		for (guint j = 0; parts[j] != NULL; j++)
			if (*g_strstrip(parts[j]) != '\0')
				map_cpu_flag(self, parts[j]);
	}
	if (self->unknown_flags->len > 0) {
		GString *list = g_string_new(NULL);
		for (guint i = 0; i < self->unknown_flags->len; i++)
			g_string_append_printf(
			        list, "%s%s", i > 0 ? ", " : "",
			        (const gchar *)g_ptr_array_index(self->unknown_flags, i));
		g_ptr_array_add(self->warnings,
		                g_strdup_printf("cpuOptions not carried over (DKVM has no setting "
		                                "for them): %s",
		                                list->str));
		g_string_free(list, TRUE);
	}
	if (files->cpu_topology != NULL) {
		g_auto(GStrv) lines = g_strsplit(files->cpu_topology, "\n", -1);
		for (guint i = 0; lines[i] != NULL; i++) {
			gchar *line = g_strstrip(lines[i]);
			if (*line == '#' || *line == '\0')
				continue;
			if (!topology_value(self, line, i + 1, error))
				return NULL;
		}
	}
	if (files->start_stop_script != NULL && *files->start_stop_script != '\0')
		g_ptr_array_add(self->warnings, script_warning(files->start_stop_script));
	return g_steal_pointer(&self);
}

void
dkvm_legacy_vm_free(DkvmLegacyVm *self)
{
	if (self == NULL)
		return;
	g_free(self->folder);
	dkvm_spec_free(self->spec);
	g_ptr_array_unref(self->warnings);
	g_clear_error(&self->error);
	g_free(self);
}

void
dkvm_legacy_build_free(DkvmLegacyBuild *self)
{
	if (self == NULL)
		return;
	g_ptr_array_unref(self->vms);
	if (self->host_reserve != NULL)
		g_array_unref(self->host_reserve);
	g_ptr_array_unref(self->notes);
	g_free(self);
}

guint64
dkvm_legacy_memory_kib(guint64 mem_total_kib)
{
	guint64 mib = mem_total_kib / 1024;

	if (mib <= 4096)
		return 0;
	return (mib - 4096) / 2 * 2 * 1024;
}

gchar *
dkvm_legacy_sanitize_name(const gchar *name)
{
	GString *out = g_string_new(NULL);

	for (const gchar *p = name; *p != '\0'; p++) {
		gboolean ok = g_ascii_isalnum(*p) || strchr("-_.", *p) != NULL;
		/* a name starts with a letter or digit */
		if (out->len == 0 && !g_ascii_isalnum(*p))
			continue;
		g_string_append_c(out, ok ? *p : '-');
		/* one '-' for a whole UTF-8 character; never past the end, even
		 * when the bytes are not UTF-8 */
		while (!ok && (*p & 0x80) && (p[1] & 0xc0) == 0x80)
			p++;
	}
	if (out->len > 64)
		g_string_truncate(out, 64);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

static gboolean
is_loopback(const gchar *address)
{
	return g_str_has_prefix(address, "127.") || g_str_equal(address, "::1") ||
	       g_str_equal(address, "localhost");
}

/* VNCLISTEN=ADDRESS:DISPLAY ("0.0.0.0:0": every address, port 5900) */
static gboolean
map_vnc(DkvmSpec *spec, const gchar *listen, GPtrArray *warnings, GError **error)
{
	const gchar *colon = strrchr(listen, ':');
	g_autofree gchar *address = NULL;
	guint64 display = 0;

	if (colon == NULL || !g_ascii_string_to_unsigned(colon + 1, 10, 0, 99, &display, NULL)) {
		g_autofree gchar *shown = dkvm_quote(listen);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "VNCLISTEN '%s' is not ADDRESS:DISPLAY (0.0.0.0:0)", shown);
		return FALSE;
	}
	address = g_strndup(listen, colon - listen);
	if (g_str_has_prefix(address, "[") && g_str_has_suffix(address, "]")) {
		gchar *inner = g_strndup(address + 1, strlen(address) - 2);
		g_free(address);
		address = inner;
	}
	if (*address == '\0') {
		g_free(address);
		address = g_strdup("0.0.0.0"); /* QEMU's ":0" is every address */
	}
	if (!is_loopback(address))
		g_ptr_array_add(warnings,
		                g_strdup_printf("VNC listens on %s (port %u) as VNCLISTEN said: "
		                                "anyone who reaches this host sees the VM's screen",
		                                address, (guint)(5900 + display)));
	spec->vnc_listen = g_steal_pointer(&address);
	spec->vnc_display = (gint)display;
	return TRUE;
}

static gboolean
is_mac(const gchar *mac)
{
	g_auto(GStrv) parts = g_strsplit(mac, ":", -1);

	if (g_strv_length(parts) != 6)
		return FALSE;
	for (guint i = 0; i < 6; i++)
		if (strlen(parts[i]) != 2 || !g_ascii_isxdigit(parts[i][0]) ||
		    !g_ascii_isxdigit(parts[i][1]))
			return FALSE;
	return TRUE;
}

/* The spec of one parsed vm_config. */
static DkvmSpec *
build_spec(const DkvmLegacyFolder *folder, const DkvmLegacyVmConfig *config,
           const DkvmLegacyGlobals *globals, const DkvmLegacyBuildOptions *options,
           const gchar *name, guint vcpus, guint64 memory_kib, GPtrArray *warnings, GError **error)
{
	g_autoptr(DkvmSpec) spec = dkvm_spec_new(name, DKVM_PRESET_WINDOWS11);
	gboolean rom_placed = FALSE;

	spec->title = g_strdup(config->name);
	spec->secure_boot = FALSE; /* the original ran plain OVMF */
	spec->tpm = TRUE;          /* and always an swtpm TPM 2.0 */
	spec->vcpus = vcpus;
	spec->memory_kib = memory_kib;
	spec->kvm_hidden = globals->kvm_hidden;
	spec->hyperv_vendor_id = g_strdup(globals->hyperv_vendor_id);
	for (guint i = 0; i < config->disks->len; i++)
		g_ptr_array_add(spec->disks, dkvm_disk_new(g_ptr_array_index(config->disks, i)));
	for (guint i = 0; i < config->cdroms->len; i++)
		g_ptr_array_add(spec->cdroms, g_strdup(g_ptr_array_index(config->cdroms, i)));
	if (config->mac != NULL) {
		if (g_ascii_strcasecmp(config->mac, DKVM_LEGACY_TEMPLATE_MAC) == 0)
			g_ptr_array_add(warnings,
			                g_strdup("MAC " DKVM_LEGACY_TEMPLATE_MAC
			                         " is the original's "
			                         "template default, which every VM shared: libvirt "
			                         "gives this VM a fresh address"));
		else if (!is_mac(config->mac)) {
			g_autofree gchar *shown = dkvm_quote(config->mac);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "MAC '%s' is not a MAC address", shown);
			return NULL;
		} else {
			DkvmNic *nic = g_ptr_array_index(spec->nics, 0);
			nic->mac = g_ascii_strup(config->mac, -1);
		}
	}
	for (guint i = 0; i < globals->pci->len; i++) {
		const gchar *address = g_ptr_array_index(globals->pci, i);
		const DkvmPciDevice *dev = dkvm_host_facts_get_pci(options->host, address);
		DkvmPciSelection *sel = dkvm_pci_selection_new(address);
		/* GPUROM was the ROM of the (first) GPU of the list */
		if (config->gpu_rom != NULL && !rom_placed && dev != NULL && dev->is_gpu) {
			sel->rom_file = g_strdup(config->gpu_rom);
			rom_placed = TRUE;
		}
		g_ptr_array_add(spec->pci, sel);
	}
	if (config->gpu_rom != NULL && !rom_placed) {
		g_autofree gchar *shown = dkvm_quote(config->gpu_rom);
		g_ptr_array_add(warnings,
		                g_strdup_printf("GPUROM %s not used: no GPU of this host in "
		                                "passthroughPCIDevices",
		                                shown));
	}
	for (guint i = 0; i < globals->usb->len; i++) {
		DkvmUsbSelection *sel = g_new(DkvmUsbSelection, 1);
		*sel = *(const DkvmUsbSelection *)g_ptr_array_index(globals->usb, i);
		g_ptr_array_add(spec->usb, sel);
	}
	if (config->vnc_listen != NULL && !map_vnc(spec, config->vnc_listen, warnings, error))
		return NULL;
	if (!folder->has_nvram)
		g_ptr_array_add(warnings, g_strdup("no OVMF_VARS.fd: the VM starts with fresh UEFI "
		                                   "variables (no boot entries)"));
	if (!folder->has_tpm)
		g_ptr_array_add(warnings, g_strdup("no tpm/ folder: the VM gets a new, empty TPM"));
	if (!dkvm_spec_validate(spec, error))
		return NULL;
	return g_steal_pointer(&spec);
}

/* @name, or NAME-FOLDER (then more) when an earlier folder took it */
static gchar *
distinct_name(GHashTable *taken, const gchar *name, const gchar *folder)
{
	gchar *candidate = g_strdup(name);

	for (guint n = 2; g_hash_table_contains(taken, candidate); n++) {
		g_free(candidate);
		candidate = n == 2 ? g_strdup_printf("%s-%s", name, folder)
		                   : g_strdup_printf("%s-%s-%u", name, folder, n - 1);
	}
	g_hash_table_add(taken, candidate);
	return g_strdup(candidate);
}

/* The reserve to plan with and the vCPUs every VM gets (the original gave
 * each VM all of VMCPU). */
static guint
plan_cpus(const DkvmLegacyGlobals *globals, const DkvmLegacyBuildOptions *options,
          DkvmLegacyBuild *build)
{
	/* a shallow copy on the stack: only its reserve is changed, and it owns
	 * nothing (the arrays stay the caller's and the globals') */
	DkvmHostSettings copy = *options->settings;
	DkvmHostSettings *settings = &copy;
	g_autofree gchar *host_list = NULL;
	guint max;

	if (globals->host_cpus != NULL && globals->host_cpus->len > 0) {
		host_list = dkvm_format_cpu_list(globals->host_cpus);
		if (options->settings->host_reserve != NULL) {
			g_ptr_array_add(
			        build->notes,
			        g_strdup_printf("cpuTopology's HOSTCPU=%s not used: dkvm.conf "
			                        "sets the host reserve",
			                        host_list));
		} else {
			settings->host_reserve = globals->host_cpus;
			if (dkvm_plan_cpu_max_vcpus(options->host, settings) == 0) {
				g_ptr_array_add(
				        build->notes,
				        g_strdup_printf("cpuTopology's HOSTCPU=%s not used: "
				                        "not a reserve this host can keep",
				                        host_list));
				settings->host_reserve = NULL;
			} else {
				build->host_reserve = g_array_ref(globals->host_cpus);
				g_ptr_array_add(
				        build->notes,
				        g_strdup_printf("host reserve: CPUs %s, the original's "
				                        "HOSTCPU, as dkvm.conf sets none",
				                        host_list));
			}
		}
	}
	max = dkvm_plan_cpu_max_vcpus(options->host, settings);
	if (globals->vm_cpus != NULL && globals->vm_cpus->len > 0 && globals->vm_cpus->len < max)
		return globals->vm_cpus->len;
	return MAX(max, 1);
}

DkvmLegacyBuild *
dkvm_legacy_build(const GPtrArray *folders, const DkvmLegacyGlobals *globals,
                  const DkvmLegacyBuildOptions *options)
{
	g_autoptr(DkvmLegacyBuild) build = g_new0(DkvmLegacyBuild, 1);
	g_autoptr(GHashTable) taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint64 memory_kib = options->memory_kib;
	guint vcpus;

	build->vms = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_legacy_vm_free);
	build->notes = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < globals->warnings->len; i++)
		g_ptr_array_add(build->notes, g_strdup(g_ptr_array_index(globals->warnings, i)));
	vcpus = plan_cpus(globals, options, build);
	if (memory_kib == 0)
		memory_kib = dkvm_legacy_memory_kib(options->host->mem_total_kib);
	for (guint i = 0; i < folders->len; i++) {
		const DkvmLegacyFolder *folder = g_ptr_array_index((GPtrArray *)folders, i);
		DkvmLegacyVm *vm = g_new0(DkvmLegacyVm, 1);
		g_autoptr(DkvmLegacyVmConfig) config = NULL;
		g_autofree gchar *base = NULL;
		g_autofree gchar *name = NULL;

		vm->folder = g_strdup(folder->folder);
		vm->warnings = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(build->vms, vm);
		if (folder->vm_config == NULL) {
			vm->error = folder->read_error != NULL
			                    ? g_error_copy(folder->read_error)
			                    : g_error_new_literal(DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
			                                          "no vm_config");
			continue;
		}
		config = dkvm_legacy_vm_config_parse(folder->vm_config, folder->vm_config_len,
		                                     &vm->error);
		if (config == NULL)
			continue;
		for (guint j = 0; j < config->warnings->len; j++)
			g_ptr_array_add(vm->warnings,
			                g_strdup(g_ptr_array_index(config->warnings, j)));
		if (memory_kib == 0) {
			g_set_error_literal(
			        &vm->error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
			        "the original's memory rule (MemTotal minus 4 GiB) leaves "
			        "nothing on this host: give the memory");
			continue;
		}
		base = config->name != NULL ? dkvm_legacy_sanitize_name(config->name) : NULL;
		name = distinct_name(taken, base != NULL ? base : folder->folder, folder->folder);
		vm->spec = build_spec(folder, config, globals, options, name, vcpus, memory_kib,
		                      vm->warnings, &vm->error);
	}
	return g_steal_pointer(&build);
}
