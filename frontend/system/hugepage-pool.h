/*
 * The kernel's hugepage pools (/sys/kernel/mm/hugepages, per node under
 * /sys/devices/system/node): grow a pool for a VM before it starts, give the
 * pages back when it stops. What was grown for which VM is remembered in
 * /run/dkvm/hugepages/<vm> (RAM: a reboot resets the pools anyway), because
 * `dkvm vm stop` runs in another process than `dkvm vm start`.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Makes sure @pages pages of @size_kib are free in the pool (@node -1: the
 * global pool). Grows the pool when needed, compacting memory first
 * (/proc/sys/vm/compact_memory) so 2 MiB/1 GiB runs can be found. On success
 * *out_added holds how many pages were added. DKVM_ERROR_INSUFFICIENT when the
 * pool cannot grow enough, saying how much is missing; the pool is then put
 * back to its old size.
 */
gboolean dkvm_hugepage_pool_ensure(guint64 size_kib, gint node, guint64 pages, guint64 *out_added,
                                   GError **error);

/* Shrinks the pool by @pages (never below the pages in use); *out_released
 * (optional) gets how many it could give back. */
gboolean dkvm_hugepage_pool_release(guint64 size_kib, gint node, guint64 pages,
                                    guint64 *out_released, GError **error);

/* Remembers / recalls / forgets what was grown for @vm_name. Pages that are
 * still in use when recalled stay in the record. */
gboolean dkvm_hugepage_pool_record(const gchar *vm_name, guint64 size_kib, gint node, guint64 pages,
                                   GError **error);
gboolean dkvm_hugepage_pool_release_recorded(const gchar *vm_name, GError **error);

G_END_DECLS
