/*
 * Loading dkvm's modules with GModule (see modules.h for which and why).
 */
#include "modules.h"

#include <gmodule.h>

#include "commands.h"
#include "dkvm-config.h"
#include "dkvm-error.h"

static gchar *
module_path(const gchar *module)
{
	g_autofree gchar *exe = g_file_read_link("/proc/self/exe", NULL);

	if (exe != NULL) {
		g_autofree gchar *dir = g_path_get_dirname(exe);
		g_autofree gchar *beside = g_build_filename(dir, module, NULL);
		if (g_file_test(beside, G_FILE_TEST_EXISTS))
			return g_steal_pointer(&beside);
	}
	return g_build_filename(DKVM_MODULEDIR, module, NULL);
}

gpointer
dkvm_module_symbol(const gchar *module, const gchar *symbol, GError **error)
{
	g_autofree gchar *path = module_path(module);
	gpointer address = NULL;
	GModule *handle;

	/* a module already loaded is found again, not loaded twice */
	handle = g_module_open(path, G_MODULE_BIND_LOCAL);
	if (handle == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED,
		            "cannot load dkvm's module %s: %s\n"
		            "hint: install dkvm completely (its modules belong in %s)",
		            module, g_module_error(), DKVM_MODULEDIR);
		return NULL;
	}
	if (!g_module_symbol(handle, symbol, &address) || address == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED, "%s is not dkvm's module %s: %s",
		            path, module, g_module_error());
		g_module_close(handle);
		return NULL;
	}
	g_module_make_resident(handle);
	return address;
}

const DkvmCmd *const *
dkvm_commands_load_module(GError **error)
{
	return dkvm_module_symbol("dkvm-libvirt.so", "dkvm_module_commands", error);
}
