/*
 * DkvmApp: the context every VM workflow (frontend/vm) shares for one run of
 * a frontend: where to connect and which dkvm.conf, and the host facts,
 * settings and libvirt connection, each made on first use so that
 * `dkvm --help` touches neither the host nor libvirt.
 */
#pragma once

#include <glib.h>

#include <libvirt/libvirt.h>

#include "config.h"
#include "host-facts.h"
#include "hypervisor.h"
#include "plan.h"

G_BEGIN_DECLS

typedef struct DkvmApp DkvmApp;

/* Asks libvirt for the hypervisor to plan for (libvirt's domain capabilities);
 * *out NULL when the driver reports none. */
typedef gboolean (*DkvmAppHypervisorFunc)(DkvmApp *app, DkvmAccelerator accelerator,
                                          DkvmHypervisor **out, GError **error);

struct DkvmApp {
	gchar *connect_uri;        /* --connect, else $LIBVIRT_DEFAULT_URI, else qemu:///system */
	gchar *config_path;        /* --config, else /etc/dkvm/dkvm.conf */
	DkvmHostFacts *host;       /* cached by dkvm_app_get_host() */
	DkvmConfig *config;        /* cached by dkvm_app_get_config() */
	virConnectPtr conn;        /* cached by dkvm_app_get_connection() */
	GDestroyNotify conn_close; /* set with conn: libvirt lives in the module */
	/* NULL: asked through the libvirt module (the dkvm binary links no
	 * libvirt); a program linking frontend/vm's libvirt half whole (a test,
	 * the menu) sets dkvm_vm_get_hypervisor (vm-hypervisor.h). */
	DkvmAppHypervisorFunc get_hypervisor;
};

DkvmApp *dkvm_app_new(void);
void dkvm_app_free(DkvmApp *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmApp, dkvm_app_free)

/* The URI rule above, applied once at start-up. */
const gchar *dkvm_app_get_connect_uri(DkvmApp *self);

/* Discovers the host on first call; owned by the app. */
const DkvmHostFacts *dkvm_app_get_host(DkvmApp *self, GError **error);

/* Loads dkvm.conf on first call; owned by the app. */
const DkvmConfig *dkvm_app_get_config(DkvmApp *self, GError **error);

/* A change to dkvm.conf (a face's setting: the menu's host reserve, ...). */
typedef void (*DkvmAppConfigChange)(DkvmConfig *config, gpointer user_data);

/*
 * Applies @change to dkvm.conf as it is on disk now (config_path, else the
 * default path; its other keys and comments kept, the old file as .bak, a
 * missing default file being the defaults), writes it and makes it the
 * app's config. FALSE with @error when the file cannot be read or written:
 * then nothing changed. Persisting (dkvm_vm_persist) is the caller's.
 */
gboolean dkvm_app_change_config(DkvmApp *self, DkvmAppConfigChange change, gpointer user_data,
                                GError **error);

/* Opens the libvirt connection on first call; owned by the app. Defined in
 * the libvirt half of frontend/vm (app-connection.c). */
virConnectPtr dkvm_app_get_connection(DkvmApp *self, GError **error);

G_END_DECLS
