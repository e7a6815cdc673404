/*
 * DkvmHostSettings: what the planners take from dkvm.conf (frontend/system's
 * config.c reads the file). Zero and NULL mean "the planner's default rule".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* dkvm.conf's accelerator: which of libvirt's domain types a VM gets. */
typedef enum {
	DKVM_ACCELERATOR_AUTO = 0, /* kvm when the hypervisor offers it, else qemu (TCG) */
	DKVM_ACCELERATOR_KVM,      /* kvm, or refuse to plan (DKVM_ERROR_REFUSED) */
	DKVM_ACCELERATOR_TCG,      /* qemu (TCG emulation) even where KVM works */
} DkvmAccelerator;

const gchar *dkvm_accelerator_to_string(DkvmAccelerator accelerator);
/* "auto", "kvm" or "tcg"; DKVM_ERROR_INVALID otherwise. */
gboolean dkvm_accelerator_from_string(const gchar *str, DkvmAccelerator *out, GError **error);

/* Host-wide settings (from /etc/dkvm/dkvm.conf; see frontend/system/config). */
typedef struct {
	GArray *host_reserve;      /* guint CPUs kept for the host; NULL = default rule,
	                            * empty = none (the host shares the guest's CPUs) */
	guint64 headroom_kib;      /* memory the host keeps; 0 = max(1 GiB, 5 % of RAM) */
	guint64 hugepage_size_kib; /* 0 = choose (1 GiB when reserved at boot, else 2 MiB) */
	DkvmAccelerator accelerator;
	const gchar *host_reserve_source; /* where host_reserve comes from, for the plan's
	                                   * Why line; NULL: dkvm.conf */
} DkvmHostSettings;

DkvmHostSettings *dkvm_host_settings_new(void);
void dkvm_host_settings_free(DkvmHostSettings *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmHostSettings, dkvm_host_settings_free)

G_END_DECLS
