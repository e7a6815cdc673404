/*
 * Watching a running VM: where its vCPU threads run, how they are pinned,
 * its emulator and I/O threads, hugepages and devices. A watcher holds the
 * VM found once and reads a fresh snapshot on each call, so a frontend that
 * refreshes every second (`dkvm vm monitor --watch`, a menu screen) looks
 * the VM up only once.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

typedef enum {
	DKVM_VM_MONITOR_TEXT,        /* lines for a person */
	DKVM_VM_MONITOR_JSON,        /* one line (a stream of snapshots) */
	DKVM_VM_MONITOR_JSON_PRETTY, /* indented */
} DkvmVmMonitorFormat;

typedef struct _DkvmVmWatcher DkvmVmWatcher;

/* Finds VM @name (name or UUID) on the app's connection. */
DkvmVmWatcher *dkvm_vm_watcher_new(DkvmApp *app, const gchar *name, GError **error);
void dkvm_vm_watcher_free(DkvmVmWatcher *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmWatcher, dkvm_vm_watcher_free)

/* A snapshot of the VM now, in @format. */
gchar *dkvm_vm_watcher_read(DkvmVmWatcher *self, DkvmVmMonitorFormat format, GError **error);

G_END_DECLS
