/*
 * Defining a VM together with the state Windows cannot lose: its NVRAM
 * (boot entries, Secure Boot keys) and its swtpm state (BitLocker's keys).
 * Used by the imports of the original DKVM's folders and of DKVM's own
 * backup bundles: the VM is defined, then the files are copied byte for byte
 * into the places libvirt uses; if a copy fails the VM is undefined and what
 * was copied removed, so an import is all or nothing.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

/*
 * Defines @xml, then copies the file @nvram_src to @nvram_dst and the folder
 * @tpm_src to @tpm_dst (each pair optional: NULL sources copy nothing).
 * State already at a destination belongs to some other VM and is never
 * overwritten (DKVM_ERROR_REFUSED, checked before defining).
 */
gboolean dkvm_vm_define_with_state(DkvmApp *app, const gchar *xml, const gchar *nvram_src,
                                   const gchar *nvram_dst, const gchar *tpm_src,
                                   const gchar *tpm_dst, GError **error);

G_END_DECLS
