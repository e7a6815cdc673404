/*
 * Replacing a file whole: the data goes to a temporary file beside it,
 * which is renamed over the file, so a reader sees the old contents or the
 * new, never half. Unlike g_file_set_contents(), whose errors name the
 * temporary file ("dkvm.conf.K3J2Q1"), an error here names the file the
 * caller asked for.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes @data (@length bytes, or a string when -1) to @path.
 * DKVM_ERROR_IO "cannot write PATH: <why>" on failure; @path is then as it
 * was and no temporary file is left. */
gboolean dkvm_file_replace(const gchar *path, const gchar *data, gssize length, GError **error);

/* One file of dkvm_file_replace_all(): its path and new text. */
typedef struct {
	const gchar *path;
	const gchar *text;
} DkvmFileUpdate;

/*
 * Replaces the @count files of @updates together, all or none (the boot
 * loaders' files: a stick whose BIOS and UEFI entries disagree, or with one
 * of them empty, is worse than an unchanged one). In order:
 *   1. each existing file's contents are copied to PATH.bak (replaced
 *      whole, as above): the previous version stays at hand;
 *   2. each new text goes to a temporary file beside its file, synced;
 *   3. only when every one is written are they renamed into place, and
 *      the directories synced.
 * A failure in 1 or 2 (a full file system, say) leaves every file as it
 * was and removes the temporary files; one in 3 puts the files already
 * renamed back from their previous contents. DKVM_ERROR_IO naming the file.
 */
gboolean dkvm_file_replace_all(const DkvmFileUpdate *updates, guint count, GError **error);

G_END_DECLS
