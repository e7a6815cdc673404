/*
 * See boot-config.h. Both new texts are made before anything is written,
 * so a bad file refuses the change with both files untouched.
 */
#include "boot-config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "file-replace.h"
#include "mount-remount.h"

static const DkvmBootLoader loaders[2] = { DKVM_BOOT_LOADER_SYSLINUX, DKVM_BOOT_LOADER_GRUB };

void
dkvm_boot_config_free(DkvmBootConfig *self)
{
	if (self == NULL)
		return;
	g_free(self->boot_dir);
	for (guint i = 0; i < 2; i++) {
		g_free(self->path[i]);
		g_free(self->text[i]);
		g_free(self->options[i]);
	}
	g_free(self);
}

static DkvmBootConfig *
config_new(const gchar *boot_dir)
{
	DkvmBootConfig *self = g_new0(DkvmBootConfig, 1);

	self->boot_dir = g_strdup(boot_dir);
	for (guint i = 0; i < 2; i++)
		self->path[i] = g_build_filename(boot_dir, dkvm_boot_loader_path(loaders[i]), NULL);
	return self;
}

DkvmBootConfig *
dkvm_boot_config_read(const gchar *boot_dir, GError **error)
{
	g_autoptr(DkvmBootConfig) self = config_new(boot_dir);

	for (guint i = 0; i < 2; i++) {
		g_autoptr(GError) read_error = NULL;
		if (!g_file_get_contents(self->path[i], &self->text[i], NULL, &read_error)) {
			if (g_error_matches(read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
				g_set_error(
				        error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
				        "%s: no such file (is the boot partition mounted at %s?)",
				        self->path[i], boot_dir);
			else
				g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "%s",
				            read_error->message);
			return NULL;
		}
		self->options[i] = dkvm_boot_config_get_options(loaders[i], self->text[i], error);
		if (self->options[i] == NULL) {
			g_prefix_error(error, "%s: ", self->path[i]);
			return NULL;
		}
	}
	return g_steal_pointer(&self);
}

/* Writes @texts over @self's files, both or neither, with the remount. */
static gboolean
write_both(const DkvmBootConfig *self, gchar **texts, GPtrArray *notes, GError **error)
{
	DkvmFileUpdate updates[2];
	gboolean remounted = FALSE;
	gboolean ok;

	for (guint i = 0; i < 2; i++) {
		updates[i].path = self->path[i];
		updates[i].text = texts[i];
	}
	if (!dkvm_mount_make_writable(self->boot_dir, &remounted, error))
		return FALSE;
	ok = dkvm_file_replace_all(updates, 2, error);
	if (remounted) {
		g_autoptr(GError) ro_error = NULL;
		if (!dkvm_mount_make_readonly(self->boot_dir, &ro_error))
			g_ptr_array_add(notes, g_strdup(ro_error->message));
	}
	return ok;
}

gboolean
dkvm_boot_config_change(DkvmBootConfig *self, const DkvmBootChange *change, gboolean *out_changed,
                        GPtrArray *notes, GError **error)
{
	gchar *texts[2] = { NULL, NULL };

	*out_changed = FALSE;
	for (guint i = 0; i < 2; i++) {
		texts[i] = dkvm_boot_config_apply(loaders[i], self->text[i], change, error);
		if (texts[i] == NULL) {
			g_prefix_error(error, "%s: ", self->path[i]);
			g_free(texts[0]);
			return FALSE;
		}
	}
	if (g_str_equal(texts[0], self->text[0]) && g_str_equal(texts[1], self->text[1])) {
		g_free(texts[0]);
		g_free(texts[1]);
		return TRUE;
	}
	if (!write_both(self, texts, notes, error)) {
		g_free(texts[0]);
		g_free(texts[1]);
		return FALSE;
	}
	for (guint i = 0; i < 2; i++) {
		g_free(self->text[i]);
		self->text[i] = texts[i];
		g_free(self->options[i]);
		self->options[i] = dkvm_boot_config_get_options(loaders[i], self->text[i], NULL);
	}
	*out_changed = TRUE;
	return TRUE;
}

gboolean
dkvm_boot_config_init(const gchar *boot_dir, const DkvmBootChange *change, gboolean *out_changed,
                      GPtrArray *notes, GError **error)
{
	g_autoptr(DkvmBootConfig) self = config_new(boot_dir);
	g_autofree gchar *options = dkvm_boot_options_initial(change);
	gchar *texts[2] = { NULL, NULL };
	gboolean same = TRUE;
	gboolean ok;

	*out_changed = FALSE;
	for (guint i = 0; i < 2; i++) {
		g_autofree gchar *dir = g_path_get_dirname(self->path[i]);
		g_autofree gchar *old = NULL;
		texts[i] = dkvm_boot_config_generate(loaders[i], options);
		if (!g_file_get_contents(self->path[i], &old, NULL, NULL) ||
		    !g_str_equal(old, texts[i]))
			same = FALSE;
		if (g_mkdir_with_parents(dir, 0755) != 0) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s", dir,
			            g_strerror(errno));
			g_free(texts[0]);
			g_free(texts[1]);
			return FALSE;
		}
	}
	ok = same || write_both(self, texts, notes, error);
	*out_changed = ok && !same;
	g_free(texts[0]);
	g_free(texts[1]);
	return ok;
}
