/*
 * Reading VMs, changing nothing: the list a main screen redraws every
 * second (libvirt is asked only cheap questions, see virt-list.c), one VM's
 * details, and its domain XML. The records are frontend/virt's; a frontend
 * includes this header only.
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "virt-list.h"

G_BEGIN_DECLS

/* Every VM, running or not, sorted by name: DkvmVmSummary*. */
GPtrArray *dkvm_vm_list(DkvmApp *app, GError **error);

/* One VM: its summary and what its domain XML says (devices, hugepages, firmware). */
typedef struct {
	DkvmVmSummary *summary;
	DkvmDomainXml *domain;
} DkvmVmDetails;

void dkvm_vm_details_free(DkvmVmDetails *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmDetails, dkvm_vm_details_free)

/* @name: a name or UUID. DKVM_ERROR_NOT_FOUND when libvirt has no such VM. */
DkvmVmDetails *dkvm_vm_show(DkvmApp *app, const gchar *name, GError **error);

/* The VM's persistent domain XML, as libvirt keeps it. */
gchar *dkvm_vm_get_xml(DkvmApp *app, const gchar *name, GError **error);

/* "running", "shut off", ... for a virDomainState. */
const gchar *dkvm_vm_state_name(gint state);

/* `vm list --json` and `vm show --json` (README.md documents the fields). */
gchar *dkvm_vm_list_to_json(GPtrArray *vms, const gchar *default_vm);
gchar *dkvm_vm_details_to_json(const DkvmVmDetails *details, const gchar *default_vm);

G_END_DECLS
