/*
 * Deleting a VM: undefined with its NVRAM and TPM state; its disk images only
 * on request, and then only file-backed disks no other VM uses. Every file
 * removed or kept is named. A running VM is refused (DKVM_ERROR_REFUSED).
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

typedef struct {
	gchar *name;        /* the VM's own name */
	GPtrArray *removed; /* gchar*: files deleted */
	GPtrArray *kept;    /* gchar*: disk files kept, each with why */
	GPtrArray *notes;   /* gchar*: what libvirt could not remove */
	GError *not_saved;  /* deleted, but persisting failed */
} DkvmVmDeleteResult;

void dkvm_vm_delete_result_free(DkvmVmDeleteResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmDeleteResult, dkvm_vm_delete_result_free)

DkvmVmDeleteResult *dkvm_vm_delete(DkvmApp *app, const gchar *name, gboolean remove_storage,
                                   GError **error);

G_END_DECLS
