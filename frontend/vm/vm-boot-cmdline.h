/*
 * The boot stick's kernel options for the faces (`dkvm host cmdline`, the
 * menu's Host screen): the files through frontend/system/boot-config.h,
 * and the values DKVM derives for them: the IOMMU option of this CPU's
 * vendor, the hugepages every defined VM needs, the host CPUs a VM's vCPUs
 * are pinned to. No libvirt of its own (the binary's half of frontend/vm);
 * the VM-derived values ask the libvirt module through vm-api.h.
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "boot-cmdline.h"
#include "boot-config.h"

G_BEGIN_DECLS

/* A change for this host: `iommu` means its CPU vendor's option. */
DkvmBootChange *dkvm_vm_boot_change_new(DkvmApp *app);

/* The options that reserve every defined VM's hugepages at boot; *@out
 * NULL when no VM uses hugepages. */
gboolean dkvm_vm_boot_hugepage_options(DkvmApp *app, gchar **out, GError **error);

/* The host CPUs @name's vCPUs are pinned to, as a CPU list, for isolcpus.
 * DKVM_ERROR_REFUSED when its vCPUs are not pinned. */
gboolean dkvm_vm_boot_isolate_cpus(DkvmApp *app, const gchar *name, gchar **out, GError **error);

/* dkvm.conf's boot_hugepages set to @on and persisted (DKVM_ERROR_NOT_SAVED
 * when persisting fails: the key is changed). Nothing when it says so. */
gboolean dkvm_vm_boot_set_hugepages_key(DkvmApp *app, gboolean on, GError **error);

G_END_DECLS
