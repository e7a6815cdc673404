/*
 * Where host paths (/sys, /proc, /run) hang from: "/" on a real host, or the
 * tree named by DKVM_SYSFS_ROOT, so the hugepage pool, start-time device
 * checks and monitoring can be tested on a writable tree of their own.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @relative ("sys/kernel/mm/hugepages") under the root; free with g_free. */
gchar *dkvm_host_path(const gchar *relative);

G_END_DECLS
