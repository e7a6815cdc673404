/*
 * See vm-first-boot.h.
 */
#include "vm-first-boot.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "config.h"
#include "dkvm-error.h"
#include "file-replace.h"
#include "host-path.h"
#include "ssh-key.h"
#include "vm-api.h"

static gchar *
marker_path(DkvmApp *app)
{
	g_autofree gchar *dir = g_path_get_dirname(
	        app->config_path != NULL ? app->config_path : DKVM_CONFIG_DEFAULT_PATH);

	return g_build_filename(dir, "first-boot-done", NULL);
}

gboolean
dkvm_vm_first_boot_pending(DkvmApp *app)
{
	g_autofree gchar *path = marker_path(app);

	return !g_file_test(path, G_FILE_TEST_EXISTS);
}

gboolean
dkvm_vm_first_boot_finish(DkvmApp *app, GError **error)
{
	g_autofree gchar *path = marker_path(app);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree gchar *stamp = g_date_time_format_iso8601(now);
	g_autofree gchar *text =
	        g_strdup_printf("# dkvm menu's first-boot questions were offered on %s\n", stamp);

	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s", dir,
		            g_strerror(errno));
		return FALSE;
	}
	if (!dkvm_file_replace(path, text, -1, error))
		return FALSE;
	return dkvm_vm_persist(app, error);
}

gboolean
dkvm_vm_first_boot_add_ssh_key(const gchar *key, gchar **out_path, GError **error)
{
	g_autofree gchar *dir = dkvm_host_path("root/.ssh");
	g_autofree gchar *path = g_build_filename(dir, "authorized_keys", NULL);
	g_autofree gchar *normal = NULL;
	g_autofree gchar *old = NULL;
	g_autoptr(GString) text = NULL;

	if (!dkvm_ssh_key_check(key, &normal, error))
		return FALSE;
	if (g_mkdir_with_parents(dir, 0700) != 0 || g_chmod(dir, 0700) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s", dir,
		            g_strerror(errno));
		return FALSE;
	}
	g_file_get_contents(path, &old, NULL, NULL);
	text = g_string_new(old);
	if (text->len > 0 && text->str[text->len - 1] != '\n')
		g_string_append_c(text, '\n');
	/* the same key twice is one key */
	if (old == NULL || strstr(old, normal) == NULL) {
		g_string_append(text, normal);
		g_string_append_c(text, '\n');
		if (!dkvm_file_replace(path, text->str, (gssize)text->len, error))
			return FALSE;
	}
	/* sshd's StrictModes refuses keys others could change */
	if (g_chmod(path, 0600) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot set the mode of %s: %s", path,
		            g_strerror(errno));
		return FALSE;
	}
	if (out_path != NULL)
		*out_path = g_steal_pointer(&path);
	return TRUE;
}
