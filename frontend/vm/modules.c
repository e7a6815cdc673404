/*
 * Loading dkvm's modules with GModule (see modules.h for which and why).
 */
#include "modules.h"

#include <dlfcn.h>
#include <gmodule.h>

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

#if defined(__SANITIZE_ADDRESS__)
#define DKVM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DKVM_SANITIZED 1
#endif
#endif

/*
 * libvirt with a lookup scope of its own, loaded just before the module that
 * needs it. A library dlopen'ed into a running program resolves each of its
 * symbols in the program's global scope first (dkvm and the 22 libraries it
 * started with), then in its own. libvirt and the ~35 libraries it brings
 * resolve some 15,000 symbols at load time (libvirt is linked with -z now),
 * and every lookup that ends in libvirt's own libraries first failed through
 * those 23: that made `dkvm vm list` slower than `virsh list --all`, which
 * links libvirt at start. Counted with valgrind --tool=callgrind on
 * `vm list`: 61.6 M instructions in all, 45.6 M of them in the dlopen; with
 * RTLD_DEEPBIND 28.2 M for libvirt plus 1.3 M for the module, 45.5 M in all,
 * virsh 45.6 M.
 * Only libvirt's group gets the deep scope: the module is loaded as before,
 * so the binary's functions still take precedence over the module's copies.
 * Not done when something interposes symbols: an LD_PRELOAD library
 * (umockdev, heaptrack, ...) must keep seeing libvirt's calls, and ASan
 * refuses RTLD_DEEPBIND outright. A failure here changes nothing: the
 * module's own load then loads libvirt and reports any error.
 */
static void
preload_libvirt(void)
{
#ifndef DKVM_SANITIZED
	static gboolean done;

	if (done)
		return;
	done = TRUE;
	if (g_getenv("LD_PRELOAD") != NULL)
		return;
	(void)dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
#endif
}

gpointer
dkvm_module_symbol(const gchar *module, const gchar *symbol, GError **error)
{
	g_autofree gchar *path = module_path(module);
	gpointer address = NULL;
	GModule *handle;

	if (g_strcmp0(module, "dkvm-libvirt.so") == 0)
		preload_libvirt();
	/* a module already loaded is found again, not loaded twice. Its
	 * functions are bound when first called: a few hundred lookups through
	 * the whole global scope saved for the one command that runs (the
	 * module is built with the binary, so a missing symbol is a broken
	 * install either way) */
	handle = g_module_open(path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
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
