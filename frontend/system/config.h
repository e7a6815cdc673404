/*
 * Host settings: /etc/dkvm/dkvm.conf, a GKeyFile. A missing default file
 * means the defaults; a missing file named with --config, an unknown group
 * or key, and a bad value are errors naming it (never silently ignored).
 *
 *   [host]
 *   reserve=0,16             CPUs kept for the host (auto: planner's rule; none: no reserve)
 *   hugepage_size=auto       auto, 2M or 1G
 *   headroom=auto            memory the host keeps (default max(1G, 5 % of RAM))
 *   default_vm=win11         VM started after the boot countdown
 *   countdown=10             seconds
 *   shutdown_timeout=120     seconds Power waits for the VMs to shut down
 *   persist_command=lbu commit   run after every change that must survive
 *   data_label=DKVMDATA      label of the persistent data partition
 *   accelerator=auto         auto (from libvirt's capabilities), kvm or tcg
 *   boot_hugepages=off       on: the VMs' hugepages are reserved at boot (the
 *                            image's kernel command line, see README.md)
 */
#pragma once

#include <glib.h>

#include "plan.h"

G_BEGIN_DECLS

#define DKVM_CONFIG_DEFAULT_PATH "/etc/dkvm/dkvm.conf"

typedef struct {
	GArray *host_reserve;      /* guint; NULL = planner default */
	guint64 hugepage_size_kib; /* 0 = auto */
	guint64 headroom_kib;      /* 0 = auto */
	gchar *default_vm;         /* NULL = none */
	guint countdown;
	guint shutdown_timeout; /* seconds; Power > Reboot/Power off and `dkvm power` */
	gchar *persist_command; /* NULL = "lbu commit" where lbu exists; "" = none */
	gchar *data_label;
	DkvmAccelerator accelerator; /* auto by default */
	gboolean boot_hugepages;     /* reserve the VMs' hugepages at boot; off by default */
} DkvmConfig;

DkvmConfig *dkvm_config_new(void);
void dkvm_config_free(DkvmConfig *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmConfig, dkvm_config_free)

/* Loads @path (NULL: the default path, which may be missing: the defaults).
 * DKVM_ERROR_NOT_FOUND when a named @path does not exist; DKVM_ERROR_INVALID
 * for an unknown group or key or a bad value. */
DkvmConfig *dkvm_config_load(const gchar *path, GError **error);

/* Loads the default file at @path: missing, it gives the defaults. */
DkvmConfig *dkvm_config_load_default(const gchar *path, GError **error);

/* Writes @self to @path atomically (temporary file + rename, keeping a .bak). */
gboolean dkvm_config_save(const DkvmConfig *self, const gchar *path, GError **error);

/* The part the planners read. */
DkvmHostSettings *dkvm_config_get_host_settings(const DkvmConfig *self);

G_END_DECLS
