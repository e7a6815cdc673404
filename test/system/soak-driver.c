/*
 * The soak's driver: one process runs CYCLES create -> start -> stop ->
 * delete cycles of one VM through frontend/vm's workflows, as the menu does
 * for hours on a DKVM host, on the libvirtd of --connect. After each cycle
 * it prints "cycle N fds F rss KIB", its own open descriptors and resident
 * memory, so soak.py can tell a leak (both must stay flat) from warm-up.
 *
 * The VM: 1 vCPU, 128 MiB on hugepages, no disk and no network. Every
 * fourth cycle it is a Windows-like VM (OVMF with its NVRAM, an emulated
 * TPM 2.0 with its swtpm), the others SeaBIOS alone: the files and processes
 * a VM leaves behind are those of the first kind, and the plain cycles keep
 * 200 cycles within minutes under TCG. Nothing runs in the guest, so odd
 * cycles stop it with `--force` after no wait (the ACPI request, then the
 * power-off: soak.py checks the ACPI timeout on its own), even ones kill it.
 *
 * usage: soak-driver --connect URI --config DKVM.CONF --name NAME --cycles N
 */
#include <glib.h>
#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "vm-common.h"
#include "vm-define.h"
#include "vm-delete.h"
#include "vm-power.h"

static guint
count_open_fds(void)
{
	g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
	guint count = 0;

	/* the GDir's own descriptor is one of them: the count stays comparable */
	while (dir != NULL && g_dir_read_name(dir) != NULL)
		count++;
	return count;
}

static guint64
resident_kib(void)
{
	g_autofree gchar *status = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
		return 0;
	lines = g_strsplit(status, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_str_has_prefix(lines[i], "VmRSS:"))
			return g_ascii_strtoull(lines[i] + strlen("VmRSS:"), NULL, 10);
	}
	return 0;
}

static DkvmSpec *
soak_spec(const gchar *name, gboolean with_state)
{
	DkvmSpec *spec = dkvm_spec_new(name, DKVM_PRESET_LINUX);

	spec->vcpus = 1;
	spec->memory_kib = 128 * 1024; /* the least a VM may have */
	spec->hugepages = TRUE;
	spec->tpm = with_state;
	spec->uefi = with_state;
	spec->secure_boot = FALSE;
	g_ptr_array_set_size(spec->nics, 0);
	return spec;
}

static gboolean
one_cycle(DkvmApp *app, const gchar *name, gint cycle, GError **error)
{
	g_autoptr(DkvmSpec) spec = soak_spec(name, cycle % 4 == 1);
	g_autoptr(DkvmVmBuild) build = NULL;
	g_autoptr(DkvmVmDeleteResult) deleted = NULL;
	DkvmVmStopOutcome outcome;

	build = dkvm_vm_create(app, spec, NULL, error);
	if (build == NULL)
		return FALSE;
	if (!dkvm_vm_start(app, name, NULL, NULL, NULL, error))
		return FALSE;
	if (cycle % 2 == 0)
		outcome = dkvm_vm_kill(app, name, NULL, NULL, error) ? DKVM_VM_STOP_POWERED_OFF
		                                                     : DKVM_VM_STOP_TIMED_OUT;
	else if (!dkvm_vm_stop(app, name, 0, TRUE, NULL, NULL, &outcome, NULL, error))
		return FALSE;
	if (error != NULL && *error != NULL)
		return FALSE;
	if (outcome != DKVM_VM_STOP_POWERED_OFF && outcome != DKVM_VM_STOP_SHUT_DOWN) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED, "%s: stop left it running", name);
		return FALSE;
	}
	deleted = dkvm_vm_delete(app, name, FALSE, error);
	return deleted != NULL;
}

int
main(int argc, char **argv)
{
	g_autofree gchar *uri = NULL;
	g_autofree gchar *config = NULL;
	g_autofree gchar *name = NULL;
	gint cycles = 0;
	GOptionEntry entries[] = {
		{ "connect", 0, 0, G_OPTION_ARG_STRING, &uri, "libvirt URI", "URI" },
		{ "config", 0, 0, G_OPTION_ARG_FILENAME, &config, "dkvm.conf", "FILE" },
		{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "the VM's name", "NAME" },
		{ "cycles", 0, 0, G_OPTION_ARG_INT, &cycles, "how many cycles", "N" },
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new("- the soak's VM cycles");
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmApp) app = NULL;

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("soak-driver: %s\n", error->message);
		return 2;
	}
	if (uri == NULL || config == NULL || name == NULL || cycles <= 0) {
		g_printerr("soak-driver: --connect, --config, --name and --cycles are needed\n");
		return 2;
	}

	app = dkvm_app_new();
	app->connect_uri = g_steal_pointer(&uri);
	app->config_path = g_steal_pointer(&config);
	/* this program links libvirt: the hypervisor is asked directly */
	app->get_hypervisor = dkvm_vm_get_hypervisor;

	for (gint i = 1; i <= cycles; i++) {
		if (!one_cycle(app, name, i, &error)) {
			g_printerr("soak-driver: cycle %d: %s\n", i, error->message);
			return 1;
		}
		g_print("cycle %d fds %u rss %" G_GUINT64_FORMAT "\n", i, count_open_fds(),
		        resident_kib());
	}
	return 0;
}
