/*
 * Creating and editing a VM: a spec planned for the host, turned into domain
 * XML and defined through libvirt with validation, then persisted. libvirt
 * replaces a definition whole or not at all, so a refused edit leaves the
 * old definition exactly as it was, and bad input never defines anything.
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "domain-xml.h"
#include "plan.h"
#include "spec.h"
#include "vm-plan.h"

G_BEGIN_DECLS

/* What a create or edit made (also for a dry run, which defines nothing). */
typedef struct {
	gchar *name;       /* the VM's name */
	DkvmPlan *plan;    /* the plan the XML follows */
	gchar *xml;        /* the domain XML defined (or, dry run, that would be) */
	gchar *numa_note;  /* edit: the VM moved to another NUMA node; else NULL */
	gboolean running;  /* edit: the VM runs; the change applies at its next start */
	gboolean defined;  /* FALSE for a dry run */
	GError *not_saved; /* defined, but persisting failed (DKVM_ERROR_NOT_SAVED) */
} DkvmVmBuild;

void dkvm_vm_build_free(DkvmVmBuild *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmBuild, dkvm_vm_build_free)

typedef struct {
	const DkvmHostFacts *host;   /* NULL: this machine (the app's, discovered) */
	DkvmVmHypervisor hypervisor; /* where the hypervisor's facts come from */
	gboolean dry_run;            /* plan and build the XML; check and change nothing */
	const GArray *host_reserve;  /* guint: the host reserve when dkvm.conf sets none;
	                              * NULL: the planner's rule */
} DkvmVmDefineOptions;
/* A NULL DkvmVmDefineOptions: this machine, libvirt's hypervisor, not a dry run. */

/*
 * Creates VM @spec (validated here). A name that is taken is refused
 * (DKVM_ERROR_INVALID, "a VM named 'x' already exists") before anything is
 * planned: create never replaces a VM. The files the XML names must exist
 * (checked before defining; a dry run does not check: an ISO may come later).
 */
DkvmVmBuild *dkvm_vm_create(DkvmApp *app, const DkvmSpec *spec, const DkvmVmDefineOptions *options,
                            GError **error);

/* Changes @spec in place for an edit; on error the edit stops, nothing defined. */
typedef gboolean (*DkvmVmSpecChange)(DkvmSpec *spec, gpointer user_data, GError **error);

/*
 * Edits VM @name: its spec is read back from the domain, @change applied onto
 * it, validated, planned for the host, and the result applied onto the
 * domain's own XML, rewriting only the areas the change touched
 * (dkvm_spec_diff_areas of the spec before and after), so
 * everything a person added with `virsh edit` stays. A running VM's own
 * hugepages count as free while planning (they are its own, per host node),
 * and the change applies at its next start (build->running).
 */
DkvmVmBuild *dkvm_vm_edit(DkvmApp *app, const gchar *name, DkvmVmSpecChange change,
                          gpointer change_data, const DkvmVmDefineOptions *options, GError **error);

/*
 * The host facts an edit of VM @name is planned on (options->host, else this
 * machine's), with a running VM's own hugepages counted free as dkvm_vm_edit
 * counts them: a new copy. A frontend that checks a person's choices before
 * the edit (the menu's Edit) checks them against this host.
 */
DkvmHostFacts *dkvm_vm_edit_get_host(DkvmApp *app, const gchar *name,
                                     const DkvmVmDefineOptions *options, GError **error);

G_END_DECLS
