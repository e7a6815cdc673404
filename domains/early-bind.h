/*
 * Early binding: on a DKVM host the PCI devices of the VMs marked with
 * `--early-bind` (<dkvm:early-bind>yes</dkvm:early-bind> in DKVM's metadata)
 * go to vfio-pci at boot, before their host drivers load. Which devices that
 * is comes from the domain XML alone, by address: a second card with the same
 * vendor:device id that no marked VM names stays with its host driver (the
 * original DKVM bound by ids and took both). Pure: XML text in, addresses out.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	gchar *name;          /* the domain's <name> */
	gboolean marked;      /* DKVM's metadata asks for early binding */
	GPtrArray *addresses; /* gchar*: its <hostdev type='pci'> sources, "0000:01:00.0" */
} DkvmEarlyBindVm;

void dkvm_early_bind_vm_free(DkvmEarlyBindVm *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmEarlyBindVm, dkvm_early_bind_vm_free)

/* Reads one domain document. DKVM_ERROR_INVALID when it is no domain or its
 * DKVM metadata is malformed. */
DkvmEarlyBindVm *dkvm_early_bind_read(const gchar *xml, GError **error);

/*
 * The addresses to bind: those of the marked VMs among @vms (DkvmEarlyBindVm*),
 * each once, sorted (two VMs may share a GPU they never run together).
 */
GPtrArray *dkvm_early_bind_addresses(const GPtrArray *vms);

G_END_DECLS
