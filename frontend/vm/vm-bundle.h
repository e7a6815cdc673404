/*
 * A VM's backup bundle: one .tar.gz with what a Windows VM cannot lose and
 * libvirt does not keep in its domain XML: the NVRAM file (boot entries,
 * Secure Boot keys) and the swtpm state (a Windows 11 VM whose TPM is gone
 * asks for its BitLocker recovery key). `dkvm vm export NAME` writes one,
 * `dkvm vm import FILE.tar.gz` restores it.
 *
 * Inside: dkvm-bundle.ini (format, VM name and uuid, the sha256 of every
 * other file), domain.xml (the persistent definition), nvram.fd and tpm/
 * (when the VM has them). The import checks every sum before it defines
 * anything, and takes regular files and folders only, by those names.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

typedef struct {
	gchar *vm_name;
	gchar *path;       /* the bundle written, or read */
	gboolean nvram;    /* it carries the NVRAM file */
	gboolean tpm;      /* it carries TPM state */
	gchar *nvram_to;   /* import: where the NVRAM went (NULL: none) */
	gchar *tpm_to;     /* import: where the TPM state went (NULL: none) */
	GError *not_saved; /* import: defined, but persisting failed */
} DkvmVmBundle;

void dkvm_vm_bundle_free(DkvmVmBundle *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmBundle, dkvm_vm_bundle_free)

/*
 * Writes VM @name's bundle to @output: a file name, or a folder that gets
 * NAME.dkvm.tar.gz (NULL: the current folder). A VM that runs is refused
 * (its NVRAM and TPM state change under it); an existing file is never
 * overwritten.
 */
DkvmVmBundle *dkvm_vm_export_bundle(DkvmApp *app, const gchar *name, const gchar *output,
                                    GError **error);

/*
 * Defines the VM of bundle @path with its NVRAM and TPM state, byte for byte
 * as exported. A VM of that name (or uuid) that exists is refused: its state
 * is never replaced. All or nothing: a failure leaves no VM and no file.
 */
DkvmVmBundle *dkvm_vm_import_bundle(DkvmApp *app, const gchar *path, GError **error);

G_END_DECLS
