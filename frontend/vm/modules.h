/*
 * dkvm's loadable modules: code whose libraries are large and only some
 * commands need lives in a module loaded on first use, so `dkvm host` and
 * `dkvm plan` stay small:
 *   dkvm-libvirt.so  the VM workflows over libvirt (vm-api.h)
 *   dkvm-capture.so  `dkvm host --capture` (libarchive)
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The address of @symbol in @module ("dkvm-libvirt.so"), loading the module
 * on first use; it stays loaded for the run. A module is looked for beside
 * the binary first (the build tree, a relocated install), then in the
 * installed module directory. DKVM_ERROR_FAILED when it cannot be loaded.
 */
gpointer dkvm_module_symbol(const gchar *module, const gchar *symbol, GError **error);

G_END_DECLS
