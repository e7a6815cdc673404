/*
 * See mount-remount.h. mount(2) with MS_REMOUNT changes the flags of the
 * mount in place; the file system's own options (vfat's codepage...) stay.
 */
#include "mount-remount.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

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

gboolean
dkvm_mount_make_writable(const gchar *dir, gboolean *out_remounted, GError **error)
{
	g_autofree gchar *options = mount_options(dir);

	*out_remounted = FALSE;
	if (options == NULL || !has_option(options, "ro"))
		return TRUE;
	if (mount(NULL, dir, NULL, MS_REMOUNT, NULL) != 0) {
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
	if (mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot remount %s read-only: %s",
		            dir, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}
