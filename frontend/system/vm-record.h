/*
 * A VM's record of what DKVM changed on the host for it (the hugepages it
 * grew, the d3cold_allowed it turned off), kept in /run/dkvm/<what>/<vm>
 * because the process that undoes the change (`vm stop`) is not the one
 * that made it (`vm start`). RAM: a reboot resets both anyway. One key file
 * per VM, written whole; an empty record is no file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @dir/@vm_name under the host root (@dir like "run/dkvm/hugepages");
 * DKVM_ERROR_INVALID for a name that would leave @dir, saying it is the
 * @what ("hugepage record"). */
gchar *dkvm_vm_record_path(const gchar *dir, const gchar *vm_name, const gchar *what,
                           GError **error);

/* Loads @path; a missing file is an empty record. */
GKeyFile *dkvm_vm_record_load(const gchar *path, GError **error);

/* Writes @kf to @path (its folder made), or removes @path when @kf has no
 * group left. */
gboolean dkvm_vm_record_save(GKeyFile *kf, const gchar *path, GError **error);

G_END_DECLS
