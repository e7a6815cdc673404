/*
 * Small readers for the kernel's text interfaces (sysfs attributes, procfs
 * files), shared by the host-*.c parts. Every reader returns "absent"
 * (NULL/FALSE) instead of failing: discovery turns absence into a note on the
 * report, so a missing file never stops it.
 */
#pragma once

#include <glib.h>

#include "host-facts.h"

G_BEGIN_DECLS

/* Contents of @path with surrounding white space removed; NULL when unreadable. */
gchar *dkvm_sysfs_read(const gchar *path);

/* Like dkvm_sysfs_read() for a path built with printf syntax. */
gchar *dkvm_sysfs_readf(const gchar *fmt, ...) G_GNUC_PRINTF(1, 2);

/* A decimal (or 0x-prefixed hex) integer from @path; FALSE when absent or not a number. */
gboolean dkvm_sysfs_read_int(const gchar *path, gint64 *out);

/* The integer in @path, or @fallback when absent or not a number. */
gint64 dkvm_sysfs_read_int_or(const gchar *path, gint64 fallback);

/* A kernel CPU list ("0-3,8-11") from @path, sorted; NULL when absent or malformed. */
GArray *dkvm_sysfs_read_cpu_list(const gchar *path);

/* The last component of the target of symlink @path ("vfio-pci" for a
 * driver link, "14" for an iommu_group link); NULL when not a link. */
gchar *dkvm_sysfs_link_name(const gchar *path);

/* Names in directory @path that start with @prefix, sorted naturally
 * ("cpu2" before "cpu10"); an empty array when the directory is missing. */
GPtrArray *dkvm_sysfs_list_dir(const gchar *path, const gchar *prefix);

/* The number after @prefix in @name ("cpu12" -> 12); FALSE when @name has anything else. */
gboolean dkvm_sysfs_name_number(const gchar *name, const gchar *prefix, guint *out);

/* Adds a human note (what could not be read, what it means) to the report. */
void dkvm_host_note(DkvmHostFacts *facts, const gchar *fmt, ...) G_GNUC_PRINTF(2, 3);

G_END_DECLS
