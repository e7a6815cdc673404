/*
 * See mount-remount.h. mount(2) with MS_REMOUNT sets the mount's flags to
 * exactly those given (the file system's own options, vfat's codepage...,
 * stay): the ones it has (nosuid, noexec, noatime...) are read with
 * statvfs() and given again, so only read-only changes.
 */
#include "mount-remount.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "dkvm-error.h"
#include "host-path.h"

/* /proc/mounts escapes blanks and backslashes as octal (\040). */
static gchar *
unescape(const gchar *field)
{
	GString *out = g_string_new(NULL);

	for (const gchar *p = field; *p != '\0'; p++) {
		if (p[0] == '\\' && g_ascii_isdigit(p[1]) && g_ascii_isdigit(p[2]) &&
		    g_ascii_isdigit(p[3])) {
			g_string_append_c(
			        out, (gchar)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0')));
			p += 3;
			continue;
		}
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* The options of the last mount on @dir (the one in effect); NULL when
 * @dir is not a mount point. */
static gchar *
mount_options(const gchar *dir)
{
	g_autofree gchar *path = dkvm_host_path("proc/mounts");
	g_autofree gchar *text = NULL;
	g_autofree gchar *real = realpath(dir, NULL);
	g_auto(GStrv) lines = NULL;
	gchar *found = NULL;

	if (real == NULL || !g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) fields = g_strsplit(lines[i], " ", -1);
		g_autofree gchar *target = NULL;
		if (g_strv_length(fields) < 4)
			continue;
		target = unescape(fields[1]);
		if (g_str_equal(target, real)) {
			g_free(found);
			found = g_strdup(fields[3]);
		}
	}
	return found;
}

static gboolean
has_option(const gchar *options, const gchar *option)
{
	g_auto(GStrv) list = g_strsplit(options, ",", -1);

	return g_strv_contains((const gchar *const *)list, option);
}

/* The flags @dir's mount has besides read-only, as mount(2) takes them
 * (statvfs()'s ST_* bits are not all the MS_* ones: ST_RELATIME is not). */
static unsigned long
kept_flags(const gchar *dir)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_NOSUID, MS_NOSUID },         { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },         { ST_SYNCHRONOUS, MS_SYNCHRONOUS },
		{ ST_MANDLOCK, MS_MANDLOCK },     { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statvfs st;
	unsigned long flags = 0;

	if (statvfs(dir, &st) != 0)
		return 0;
	for (guint i = 0; i < G_N_ELEMENTS(map); i++) {
		if (st.f_flag & map[i].st)
			flags |= map[i].ms;
	}
	return flags;
}

gboolean
dkvm_mount_make_writable(const gchar *dir, gboolean *out_remounted, GError **error)
{
	g_autofree gchar *options = mount_options(dir);

	*out_remounted = FALSE;
	if (options == NULL || !has_option(options, "ro"))
		return TRUE;
	if (mount(NULL, dir, NULL, MS_REMOUNT | kept_flags(dir), NULL) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot remount %s read-write: %s",
		            dir, g_strerror(errno));
		return FALSE;
	}
	*out_remounted = TRUE;
	return TRUE;
}

gboolean
dkvm_mount_make_readonly(const gchar *dir, GError **error)
{
	if (mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY | kept_flags(dir), NULL) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot remount %s read-only: %s",
		            dir, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}
