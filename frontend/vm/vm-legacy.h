/*
 * Importing the original DKVM's data partition: one DKVM VM per numbered
 * folder (domains/legacy-dkvm.c maps the files), planned for this host and
 * defined through libvirt, with its OVMF_VARS.fd as the VM's NVRAM and its
 * tpm/ as the VM's swtpm state, copied byte for byte (the original's files
 * are only read). A folder that cannot be imported is reported with its
 * reason and the others still import; a VM of the same name that exists is
 * left alone and reported, so importing twice changes nothing.
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "plan.h"
#include "vm-plan.h"

G_BEGIN_DECLS

typedef struct {
	guint64 memory_kib;          /* 0: the original's rule on this host */
	const DkvmHostFacts *host;   /* NULL: this machine */
	DkvmVmHypervisor hypervisor; /* where the hypervisor's facts come from */
	gboolean dry_run;            /* plan and build the XML; define and copy nothing */
} DkvmVmLegacyOptions;

/* What one numbered folder became. */
typedef struct {
	gchar *folder;  /* "0" .. "9" */
	gchar *vm_name; /* NULL when the folder failed before it had one */
	gchar *title;   /* the original's NAME, NULL when it had none */
	guint vcpus;    /* what the VM gets (0 for a folder that failed) */
	guint64 memory_kib;
	DkvmPlan *plan;      /* NULL for a VM that exists or a folder that failed */
	gchar *xml;          /* the domain XML defined (dry run: that would be) */
	GPtrArray *warnings; /* gchar*: about this VM */
	gboolean existed;    /* a VM of that name exists: left alone */
	gboolean defined;
	gchar *nvram;   /* where OVMF_VARS.fd went (dry run: would go); NULL: not copied */
	gchar *tpm_dir; /* where tpm/ went (dry run: would go); NULL: not copied */
	GError *error;  /* why the folder was not imported */
} DkvmVmLegacyVm;

typedef struct {
	gchar *path;
	GPtrArray *vms;    /* DkvmVmLegacyVm*, by folder */
	GPtrArray *notes;  /* gchar*: about every VM (shared settings, the host reserve,
	                    * state files not copied on this connection) */
	guint failed;      /* folders not imported */
	guint existed;     /* VMs left alone */
	GError *not_saved; /* something was defined, but persisting failed */
} DkvmVmLegacyImport;

void dkvm_vm_legacy_import_free(DkvmVmLegacyImport *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmLegacyImport, dkvm_vm_legacy_import_free)

/*
 * Imports the data partition at @path (NULL @options: the defaults). NULL
 * with @error only when nothing can be imported at all: @path is not the
 * original's partition (DKVM_ERROR_NOT_FOUND), a global file cannot be read
 * or parsed (every VM shares them), the host or libvirt cannot be asked.
 */
DkvmVmLegacyImport *dkvm_vm_import_legacy(DkvmApp *app, const gchar *path,
                                          const DkvmVmLegacyOptions *options, GError **error);

/* The first failed folder's error (NULL when none). */
const GError *dkvm_vm_legacy_import_first_error(const DkvmVmLegacyImport *self);

G_END_DECLS
