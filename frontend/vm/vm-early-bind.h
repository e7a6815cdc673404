/*
 * Early binding on a DKVM host (`dkvm host bind-early`, run by the dkvm-vfio
 * service at boot): the PCI devices of the VMs marked with --early-bind go to
 * vfio-pci by address before their host drivers load. libvirtd is not
 * running yet, so the VMs are read from libvirt's files (/etc/libvirt/qemu,
 * which lbu keeps) instead of asked for. No libvirt: in vm_core.
 */
#pragma once

#include <glib.h>

#include "vm-domain-files.h"

G_BEGIN_DECLS

typedef struct {
	gchar *address;  /* "0000:01:00.0" */
	gchar *vms;      /* "VM 'win11'", "VMs 'win11', 'linux'": the marked VMs naming it */
	gchar *previous; /* its driver before, NULL for none */
	gboolean changed;
	GError *error; /* set when it could not be bound */
} DkvmEarlyBindResult;

void dkvm_early_bind_result_free(DkvmEarlyBindResult *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmEarlyBindResult, dkvm_early_bind_result_free)

/*
 * Reads every *.xml of @xml_dir, binds the marked VMs' devices (@dry_run:
 * changes nothing). *out_results (DkvmEarlyBindResult*, by address) says what
 * happened to each device, also when a device failed; *out_skipped (gchar*)
 * one line per file that could not be read. FALSE only when @xml_dir cannot
 * be read (a missing folder is no VM: TRUE with nothing to do).
 */
gboolean dkvm_vm_early_bind(const gchar *xml_dir, gboolean dry_run, GPtrArray **out_results,
                            GPtrArray **out_skipped, GError **error);

G_END_DECLS
