/*
 * Importing the original DKVM's data partition (see vm-legacy.h): read the
 * folder (vm-legacy-folder.c), map it (domains/legacy-dkvm.c), then per VM:
 * plan and build its XML as `vm create` does, define it, copy its state.
 */
#include "vm-legacy.h"

#include <glib/gstdio.h>

#include "config.h"
#include "dkvm-error.h"
#include "file-copy.h"
#include "virt-domain.h"
#include "virt-preflight.h"
#include "virt-state.h"
#include "vm-common.h"
#include "vm-define.h"
#include "vm-legacy-folder.h"
#include "vm-state-define.h"

static void
legacy_vm_free(DkvmVmLegacyVm *self)
{
	g_free(self->folder);
	g_free(self->vm_name);
	g_free(self->title);
	g_clear_pointer(&self->plan, dkvm_plan_free);
	g_free(self->xml);
	g_ptr_array_unref(self->warnings);
	g_free(self->nvram);
	g_free(self->tpm_dir);
	g_clear_error(&self->error);
	g_free(self);
}

void
dkvm_vm_legacy_import_free(DkvmVmLegacyImport *self)
{
	if (self == NULL)
		return;
	g_free(self->path);
	g_clear_pointer(&self->vms, g_ptr_array_unref);
	g_clear_pointer(&self->notes, g_ptr_array_unref);
	g_clear_error(&self->not_saved);
	g_free(self);
}

const GError *
dkvm_vm_legacy_import_first_error(const DkvmVmLegacyImport *self)
{
	for (guint i = 0; i < self->vms->len; i++) {
		const DkvmVmLegacyVm *vm = g_ptr_array_index(self->vms, i);
		if (vm->error != NULL)
			return vm->error;
	}
	return NULL;
}

static void
set_reserve(DkvmConfig *config, gpointer user_data)
{
	/* only where dkvm.conf still sets none: a reserve set meanwhile wins */
	if (config->host_reserve == NULL)
		config->host_reserve = g_array_copy(user_data);
}

/*
 * HOSTCPU became the reserve the VMs were planned with: dkvm.conf keeps it,
 * so that later edits and new VMs pin the same way (a preview only says so).
 */
static void
note_reserve(DkvmApp *app, DkvmVmLegacyImport *import, GArray *reserve, gboolean preview)
{
	g_autofree gchar *list = dkvm_format_cpu_list(reserve);
	g_autoptr(GError) error = NULL;

	if (preview)
		g_ptr_array_add(
		        import->notes,
		        g_strdup_printf("importing saves reserve=%s in dkvm.conf's [host] group",
		                        list));
	else if (dkvm_app_change_config(app, set_reserve, reserve, &error))
		g_ptr_array_add(
		        import->notes,
		        g_strdup_printf("reserve=%s saved in dkvm.conf's [host] group", list));
	else
		g_ptr_array_add(import->notes,
		                g_strdup_printf("reserve=%s not saved in dkvm.conf: %s", list,
		                                error->message));
}

/* Plans, builds and (unless a dry run) defines one mapped folder. */
static void
import_one(DkvmApp *app, const DkvmLegacyVm *mapped, const DkvmVmLegacyFolder *folder,
           const DkvmLegacyBuild *build, const DkvmVmLegacyOptions *options,
           const DkvmHostFacts *host, DkvmVmLegacyVm *vm, gboolean *state_skipped)
{
	virConnectPtr conn = dkvm_app_get_connection(app, &vm->error);
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmVmBuild) made = NULL;
	g_autoptr(virDomain) existing = NULL;
	g_autofree gchar *nvram = NULL;
	g_autofree gchar *tpm_dir = NULL;
	DkvmVmDefineOptions define = { 0 };

	if (conn == NULL)
		return;
	spec = dkvm_spec_copy(mapped->spec);
	vm->vm_name = g_strdup(spec->name);
	vm->title = g_strdup(spec->title);
	vm->vcpus = spec->vcpus;
	vm->memory_kib = spec->memory_kib;
	existing = virDomainLookupByName(conn, spec->name);
	if (existing != NULL) {
		vm->existed = TRUE;
		return;
	}
	virResetLastError(); /* "no domain with matching name" is the answer, not an error */
	spec->uuid = g_uuid_string_random();
	if (dkvm_virt_state_paths(conn, spec->name, spec->uuid, &nvram, &tpm_dir)) {
		if (folder->nvram != NULL)
			vm->nvram = g_steal_pointer(&nvram);
		if (folder->tpm_dir != NULL)
			vm->tpm_dir = g_steal_pointer(&tpm_dir);
	} else if (folder->nvram != NULL || folder->tpm_dir != NULL)
		*state_skipped = TRUE;
	define.host = host;
	define.hypervisor = options->hypervisor;
	define.dry_run = TRUE; /* defined below, with the state files */
	define.host_reserve = build->host_reserve;
	made = dkvm_vm_create(app, spec, &define, &vm->error);
	if (made == NULL)
		return;
	vm->plan = g_steal_pointer(&made->plan);
	vm->xml = g_steal_pointer(&made->xml);
	if (options->dry_run)
		return;
	vm->defined = dkvm_vm_define_with_state(app, vm->xml, folder->nvram, vm->nvram,
	                                        folder->tpm_dir, vm->tpm_dir, &vm->error);
}

DkvmVmLegacyImport *
dkvm_vm_import_legacy(DkvmApp *app, const gchar *path, const DkvmVmLegacyOptions *options,
                      GError **error)
{
	static const DkvmVmLegacyOptions defaults = { 0 };
	g_autoptr(DkvmVmLegacyData) data = NULL;
	g_autoptr(DkvmLegacyGlobals) globals = NULL;
	g_autoptr(DkvmHostSettings) settings = NULL;
	g_autoptr(DkvmLegacyBuild) build = NULL;
	g_autoptr(GPtrArray) folders = g_ptr_array_new();
	g_autoptr(DkvmVmLegacyImport) import = NULL;
	const DkvmHostFacts *host;
	const DkvmConfig *config;
	DkvmLegacyBuildOptions build_options = { 0 };
	gboolean state_skipped = FALSE, defined_any = FALSE;

	if (options == NULL)
		options = &defaults;
	data = dkvm_vm_legacy_read(path, error);
	if (data == NULL)
		return NULL;
	globals = dkvm_legacy_globals_parse(&data->files, error);
	if (globals == NULL)
		return NULL;
	host = options->host != NULL ? options->host : dkvm_app_get_host(app, error);
	if (host == NULL)
		return NULL;
	config = dkvm_app_get_config(app, error);
	if (config == NULL)
		return NULL;
	if (dkvm_app_get_connection(app, error) == NULL)
		return NULL;
	settings = dkvm_config_get_host_settings(config);
	for (guint i = 0; i < data->folders->len; i++) {
		DkvmVmLegacyFolder *f = g_ptr_array_index(data->folders, i);
		g_ptr_array_add(folders, &f->folder);
	}
	build_options.host = host;
	build_options.settings = settings;
	build_options.memory_kib = options->memory_kib;
	build = dkvm_legacy_build(folders, globals, &build_options);

	import = g_new0(DkvmVmLegacyImport, 1);
	import->path = g_strdup(path);
	import->vms = g_ptr_array_new_with_free_func((GDestroyNotify)legacy_vm_free);
	import->notes = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < build->notes->len; i++)
		g_ptr_array_add(import->notes, g_strdup(g_ptr_array_index(build->notes, i)));
	for (guint i = 0; i < build->vms->len; i++) {
		const DkvmLegacyVm *mapped = g_ptr_array_index(build->vms, i);
		DkvmVmLegacyVm *vm = g_new0(DkvmVmLegacyVm, 1);

		vm->folder = g_strdup(mapped->folder);
		vm->warnings = g_ptr_array_new_with_free_func(g_free);
		for (guint j = 0; j < mapped->warnings->len; j++)
			g_ptr_array_add(vm->warnings,
			                g_strdup(g_ptr_array_index(mapped->warnings, j)));
		g_ptr_array_add(import->vms, vm);
		if (mapped->error != NULL)
			vm->error = g_error_copy(mapped->error);
		else
			import_one(app, mapped, g_ptr_array_index(data->folders, i), build, options,
			           host, vm, &state_skipped);
		if (vm->error != NULL)
			import->failed++;
		if (vm->existed)
			import->existed++;
		defined_any = defined_any || vm->defined;
	}
	if (state_skipped)
		g_ptr_array_add(import->notes,
		                g_strdup("NVRAM and TPM state not copied: DKVM puts them where "
		                         "libvirt looks on qemu:///system only"));
	if (build->host_reserve != NULL)
		note_reserve(app, import, build->host_reserve, options->dry_run || !defined_any);
	if (defined_any)
		dkvm_vm_persist(app, &import->not_saved);
	return g_steal_pointer(&import);
}
