/*
 * The boundary between a frontend and the libvirt module (dkvm-libvirt.so).
 *
 * The module is frontend/vm's libvirt half with frontend/virt: the VM
 * workflows. It exports one thing, dkvm_vm_api_table, a table of pointers
 * to the public functions below. The dkvm binary does not link libvirt (so
 * that `dkvm host` and `dkvm plan` stay small and fast); it links instead a
 * stub of the same name and signature for each function (vm-api-stubs.c),
 * which loads the module on its first call and forwards to the table. The
 * frontends (the CLI's commands, the menu) therefore call the ordinary
 * dkvm_vm_* names from the headers, and the module is loaded once, by
 * whichever needs it first. A program that links libvirt itself (the
 * workflow tests) links the real functions and no stubs.
 *
 * Why a table and stubs rather than a symbol lookup per function: one
 * dlsym, and the compiler checks every entry's type on both sides (the
 * stubs are definitions of the headers' declarations; the table's
 * initialiser assigns the real functions).
 *
 * Each list gives: return type, name, parameters, arguments, and for the
 * lists that return something, the value returned when the module cannot be
 * loaded.
 *   FALLIBLE  every function with a GError **error: a failure to load the
 *             module becomes that error.
 *   OBJECT    functions on an object only the module makes (a result, a
 *             summary's state): the module is loaded whenever one exists,
 *             so they never load it themselves.
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "vm-autostart.h"
#include "vm-bundle.h"
#include "vm-common.h"
#include "vm-define.h"
#include "vm-delete.h"
#include "vm-import.h"
#include "vm-legacy.h"
#include "vm-list.h"
#include "vm-monitor.h"
#include "vm-power.h"
#include "vm-shutdown-all.h"
#include "vm-storage.h"
#include "vm-usb-follow.h"

G_BEGIN_DECLS

#define DKVM_VM_API_FALLIBLE(X)                                                                    \
	X(gchar *, dkvm_vm_get_name, (DkvmApp * app, const gchar *name, GError **error),           \
	  (app, name, error), NULL)                                                                \
	X(gboolean, dkvm_vm_persist, (DkvmApp * app, GError * *error), (app, error), FALSE)        \
	X(gboolean, dkvm_vm_save, (DkvmApp * app, gchar * *out_command, GError * *error),          \
	  (app, out_command, error), FALSE)                                                        \
	X(gboolean, dkvm_vm_get_default_name, (DkvmApp * app, const gchar **out, GError **error),  \
	  (app, out, error), FALSE)                                                                \
	X(gboolean, dkvm_vm_get_hypervisor,                                                        \
	  (DkvmApp * app, DkvmAccelerator accelerator, DkvmHypervisor * *out, GError * *error),    \
	  (app, accelerator, out, error), FALSE)                                                   \
	X(DkvmVmBuild *, dkvm_vm_create,                                                           \
	  (DkvmApp * app, const DkvmSpec *spec, const DkvmVmDefineOptions *options,                \
	   GError **error),                                                                        \
	  (app, spec, options, error), NULL)                                                       \
	X(DkvmVmBuild *, dkvm_vm_edit,                                                             \
	  (DkvmApp * app, const gchar *name, DkvmVmSpecChange change, gpointer change_data,        \
	   const DkvmVmDefineOptions *options, GError **error),                                    \
	  (app, name, change, change_data, options, error), NULL)                                  \
	X(DkvmHostFacts *, dkvm_vm_edit_get_host,                                                  \
	  (DkvmApp * app, const gchar *name, const DkvmVmDefineOptions *options, GError **error),  \
	  (app, name, options, error), NULL)                                                       \
	X(gboolean, dkvm_vm_start,                                                                 \
	  (DkvmApp * app, const gchar *name, DkvmVmProgress progress, gpointer user_data,          \
	   gchar **out_name, GError **error),                                                      \
	  (app, name, progress, user_data, out_name, error), FALSE)                                \
	X(gboolean, dkvm_vm_stop,                                                                  \
	  (DkvmApp * app, const gchar *name, guint timeout_s, gboolean force,                      \
	   DkvmVmProgress progress, gpointer user_data, DkvmVmStopOutcome *out, gchar **out_name,  \
	   GError **error),                                                                        \
	  (app, name, timeout_s, force, progress, user_data, out, out_name, error), FALSE)         \
	X(gboolean, dkvm_vm_kill,                                                                  \
	  (DkvmApp * app, const gchar *name, gboolean *out_was_running, gchar **out_name,          \
	   GError **error),                                                                        \
	  (app, name, out_was_running, out_name, error), FALSE)                                    \
	X(DkvmVmShutdownAll *, dkvm_vm_shutdown_all,                                               \
	  (DkvmApp * app, guint timeout_s, DkvmVmShutdownProgress progress, gpointer user_data,    \
	   GError * *error),                                                                       \
	  (app, timeout_s, progress, user_data, error), NULL)                                      \
	X(gboolean, dkvm_vm_force_off_all, (DkvmApp * app, GPtrArray * names, GError * *error),    \
	  (app, names, error), FALSE)                                                              \
	X(DkvmVmAutostartResult *, dkvm_vm_set_autostart,                                          \
	  (DkvmApp * app, const gchar *name, gboolean enable, gboolean make_default,               \
	   GError **error),                                                                        \
	  (app, name, enable, make_default, error), NULL)                                          \
	X(DkvmVmDeleteResult *, dkvm_vm_delete,                                                    \
	  (DkvmApp * app, const gchar *name, gboolean remove_storage, GError **error),             \
	  (app, name, remove_storage, error), NULL)                                                \
	X(DkvmVmImport *, dkvm_vm_import, (DkvmApp * app, const gchar *path, GError **error),      \
	  (app, path, error), NULL)                                                                \
	X(GPtrArray *, dkvm_vm_export, (DkvmApp * app, const gchar *dir, GError **error),          \
	  (app, dir, error), NULL)                                                                 \
	X(DkvmVmBundle *, dkvm_vm_export_bundle,                                                   \
	  (DkvmApp * app, const gchar *name, const gchar *output, GError **error),                 \
	  (app, name, output, error), NULL)                                                        \
	X(DkvmVmBundle *, dkvm_vm_import_bundle,                                                   \
	  (DkvmApp * app, const gchar *path, GError **error), (app, path, error), NULL)            \
	X(DkvmVmUsbFollower *, dkvm_vm_usb_follower_new,                                           \
	  (DkvmApp * app, DkvmVmUsbFollowLog log, gpointer user_data, GError * *error),            \
	  (app, log, user_data, error), NULL)                                                      \
	X(DkvmVmLegacyImport *, dkvm_vm_import_legacy,                                             \
	  (DkvmApp * app, const gchar *path, const DkvmVmLegacyOptions *options, GError **error),  \
	  (app, path, options, error), NULL)                                                       \
	X(DkvmVmWatcher *, dkvm_vm_watcher_new,                                                    \
	  (DkvmApp * app, const gchar *name, GError **error), (app, name, error), NULL)            \
	X(gchar *, dkvm_vm_watcher_read,                                                           \
	  (DkvmVmWatcher * self, DkvmVmMonitorFormat format, GError * *error),                     \
	  (self, format, error), NULL)                                                             \
	X(GPtrArray *, dkvm_vm_list, (DkvmApp * app, GError * *error), (app, error), NULL)         \
	X(DkvmVmDetails *, dkvm_vm_show, (DkvmApp * app, const gchar *name, GError **error),       \
	  (app, name, error), NULL)                                                                \
	X(gchar *, dkvm_vm_get_xml, (DkvmApp * app, const gchar *name, GError **error),            \
	  (app, name, error), NULL)                                                                \
	X(gchar *, dkvm_vm_storage_create_qcow2,                                                   \
	  (DkvmApp * app, const gchar *dir, const gchar *file_name, guint64 size_bytes,            \
	   GError **error),                                                                        \
	  (app, dir, file_name, size_bytes, error), NULL)

#define DKVM_VM_API_OBJECT(X)                                                                      \
	X(const GError *, dkvm_vm_import_first_error, (const DkvmVmImport *self), (self), NULL)    \
	X(const GError *, dkvm_vm_legacy_import_first_error, (const DkvmVmLegacyImport *self),     \
	  (self), NULL)                                                                            \
	X(const gchar *, dkvm_vm_state_name, (gint state), (state), "unknown")                     \
	X(gchar *, dkvm_vm_list_to_json, (GPtrArray * vms, const gchar *default_vm),               \
	  (vms, default_vm), NULL)                                                                 \
	X(gchar *, dkvm_vm_details_to_json,                                                        \
	  (const DkvmVmDetails *details, const gchar *default_vm), (details, default_vm), NULL)

/* the results' free functions: void, on an object only the module makes */
#define DKVM_VM_API_FREE(X)                                                                        \
	X(dkvm_vm_build_free, DkvmVmBuild)                                                         \
	X(dkvm_vm_autostart_result_free, DkvmVmAutostartResult)                                    \
	X(dkvm_vm_delete_result_free, DkvmVmDeleteResult)                                          \
	X(dkvm_vm_shutdown_all_free, DkvmVmShutdownAll)                                            \
	X(dkvm_vm_import_free, DkvmVmImport)                                                       \
	X(dkvm_vm_bundle_free, DkvmVmBundle)                                                       \
	X(dkvm_vm_usb_follower_free, DkvmVmUsbFollower)                                            \
	X(dkvm_vm_legacy_import_free, DkvmVmLegacyImport)                                          \
	X(dkvm_vm_watcher_free, DkvmVmWatcher)                                                     \
	X(dkvm_vm_details_free, DkvmVmDetails)

#define DKVM_VM_API_FIELD(type, name, params, args, fail) type(*name) params;
#define DKVM_VM_API_FREE_FIELD(name, object)              void (*name)(object * self);

typedef struct {
	/* sizeof (DkvmVmApi) as the module was built: a module from another
	 * build of dkvm is refused rather than called through a wrong table */
	gsize size;
	DKVM_VM_API_FALLIBLE(DKVM_VM_API_FIELD)
	DKVM_VM_API_OBJECT(DKVM_VM_API_FIELD)
	DKVM_VM_API_FREE(DKVM_VM_API_FREE_FIELD)
} DkvmVmApi;

/* the module's file name and its one exported symbol */
#define DKVM_VM_API_MODULE "dkvm-libvirt.so"
#define DKVM_VM_API_SYMBOL "dkvm_vm_api_table"

G_END_DECLS
