/*
 * dkvm.conf through GKeyFile. Every value is checked when the file is read,
 * so a typo is reported at once with the key's name rather than surfacing as
 * a strange plan later.
 */
#include "config.h"

#include "dkvm-error.h"
#include "file-replace.h"
#include "page-size.h"
#include "quote.h"

#define GROUP "host"

/* Every key dkvm.conf may hold: anything else is a typo, refused by name. */
/* NULL-terminated: g_strv_contains() reads up to the NULL */
static const gchar *const known_keys[] = {
	"reserve",        "hugepage_size",    "headroom",   "default_vm",
	"countdown",      "persist_command",  "data_label", "accelerator",
	"boot_hugepages", "shutdown_timeout", NULL,
};

static gboolean
check_known(GKeyFile *kf, GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
	g_auto(GStrv) keys = NULL;

	for (guint i = 0; groups[i] != NULL; i++) {
		if (g_strcmp0(groups[i], GROUP) != 0) {
			g_autofree gchar *shown = dkvm_quote(groups[i]);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "unknown group [%s] (dkvm.conf has only [host])", shown);
			return FALSE;
		}
	}
	keys = g_key_file_get_keys(kf, GROUP, NULL, NULL);
	for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
		if (!g_strv_contains(known_keys, keys[i])) {
			g_autofree gchar *shown = dkvm_quote(keys[i]);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "unknown key '%s' in [host]", shown);
			return FALSE;
		}
	}
	return TRUE;
}

DkvmConfig *
dkvm_config_new(void)
{
	DkvmConfig *self = g_new0(DkvmConfig, 1);
	self->countdown = 10;
	self->shutdown_timeout = 120;
	self->data_label = g_strdup("DKVMDATA");
	return self;
}

void
dkvm_config_free(DkvmConfig *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->host_reserve, g_array_unref);
	g_free(self->default_vm);
	g_free(self->persist_command);
	g_free(self->data_label);
	g_free(self);
}

/* "auto" or absent -> 0; otherwise a size. */
static gboolean
read_size(GKeyFile *kf, const gchar *key, guint64 *out, GError **error)
{
	g_autofree gchar *value = g_key_file_get_string(kf, GROUP, key, NULL);
	if (value == NULL || g_strcmp0(g_strstrip(value), "auto") == 0)
		return TRUE;
	if (!dkvm_parse_size_kib(value, out, error)) {
		g_prefix_error(error, "%s: ", key);
		return FALSE;
	}
	return TRUE;
}

/* on/off (also yes/no, true/false, 1/0, any case); absent: @out unchanged. */
static gboolean
read_switch(GKeyFile *kf, const gchar *key, gboolean *out, GError **error)
{
	static const gchar *const on[] = { "on", "yes", "true", "1", NULL };
	static const gchar *const off[] = { "off", "no", "false", "0", NULL };
	g_autofree gchar *value = g_key_file_get_string(kf, GROUP, key, NULL);
	g_autofree gchar *lower = NULL;

	if (value == NULL)
		return TRUE;
	lower = g_ascii_strdown(g_strstrip(value), -1);
	if (g_strv_contains(on, lower)) {
		*out = TRUE;
	} else if (g_strv_contains(off, lower)) {
		*out = FALSE;
	} else {
		g_autofree gchar *shown = dkvm_quote(value);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "%s: must be on or off, not '%s'", key, shown);
		return FALSE;
	}
	return TRUE;
}

static gboolean
config_read(DkvmConfig *self, GKeyFile *kf, GError **error)
{
	g_autofree gchar *reserve = g_key_file_get_string(kf, GROUP, "reserve", NULL);
	g_autofree gchar *countdown = g_key_file_get_string(kf, GROUP, "countdown", NULL);
	g_autofree gchar *shutdown_timeout =
	        g_key_file_get_string(kf, GROUP, "shutdown_timeout", NULL);
	g_autofree gchar *label = g_key_file_get_string(kf, GROUP, "data_label", NULL);
	g_autofree gchar *accelerator = g_key_file_get_string(kf, GROUP, "accelerator", NULL);

	if (!check_known(kf, error))
		return FALSE;
	if (accelerator != NULL &&
	    !dkvm_accelerator_from_string(g_strstrip(accelerator), &self->accelerator, error)) {
		g_prefix_error(error, "accelerator: ");
		return FALSE;
	}
	if (reserve != NULL && g_strcmp0(g_strstrip(reserve), "none") == 0) {
		/* an empty reserve, distinct from NULL (the planner's default rule) */
		self->host_reserve = g_array_new(FALSE, FALSE, sizeof(guint));
	} else if (reserve != NULL && g_strcmp0(g_strstrip(reserve), "auto") != 0) {
		self->host_reserve = dkvm_parse_cpu_list(reserve, error);
		if (self->host_reserve == NULL) {
			g_prefix_error(error, "reserve: ");
			return FALSE;
		}
	}
	if (!read_size(kf, "hugepage_size", &self->hugepage_size_kib, error) ||
	    !read_size(kf, "headroom", &self->headroom_kib, error) ||
	    !read_switch(kf, "boot_hugepages", &self->boot_hugepages, error))
		return FALSE;
	if (self->hugepage_size_kib != 0 && self->hugepage_size_kib != DKVM_PAGE_2M_KIB &&
	    self->hugepage_size_kib != DKVM_PAGE_1G_KIB) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "hugepage_size: must be auto, 2M or 1G");
		return FALSE;
	}
	if (countdown != NULL) {
		guint64 value = 0;
		g_autoptr(GError) number_error = NULL;
		if (!g_ascii_string_to_unsigned(g_strstrip(countdown), 10, 0, 3600, &value,
		                                &number_error)) {
			/* a DKVM error, so the exit code says "bad input"; GLib's
			 * message quotes the value as it is */
			g_autofree gchar *message = dkvm_quote_message(number_error->message);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "countdown: %s",
			            message);
			return FALSE;
		}
		self->countdown = (guint)value;
	}
	if (shutdown_timeout != NULL) {
		guint64 value = 0;
		g_autoptr(GError) number_error = NULL;
		if (!g_ascii_string_to_unsigned(g_strstrip(shutdown_timeout), 10, 0, 86400, &value,
		                                &number_error)) {
			g_autofree gchar *message = dkvm_quote_message(number_error->message);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "shutdown_timeout: %s",
			            message);
			return FALSE;
		}
		self->shutdown_timeout = (guint)value;
	}
	self->default_vm = g_key_file_get_string(kf, GROUP, "default_vm", NULL);
	if (self->default_vm != NULL && *g_strstrip(self->default_vm) == '\0')
		g_clear_pointer(&self->default_vm, g_free);
	self->persist_command = g_key_file_get_string(kf, GROUP, "persist_command", NULL);
	if (label != NULL && *g_strstrip(label) != '\0') {
		g_free(self->data_label);
		self->data_label = g_steal_pointer(&label);
	}
	return TRUE;
}

static DkvmConfig *
config_load(const gchar *path, gboolean may_be_missing, GError **error)
{
	g_autoptr(DkvmConfig) self = dkvm_config_new();
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local_error = NULL;
	g_autofree gchar *shown = dkvm_quote(path);

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_KEEP_COMMENTS, &local_error)) {
		g_autofree gchar *message = NULL;

		/* only the default file may be missing: a file named on purpose
		 * that is not there is a mistake, not "the defaults" */
		if (g_error_matches(local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) &&
		    may_be_missing)
			return g_steal_pointer(&self);
		if (g_error_matches(local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
			            "--config %s: no such file", shown);
			return NULL;
		}
		/* GKeyFile's message quotes the bad line as it is: ESC bytes and all */
		message = dkvm_quote_message(local_error->message);
		g_set_error(error, DKVM_ERROR,
		            local_error->domain == G_KEY_FILE_ERROR ? DKVM_ERROR_INVALID
		                                                    : DKVM_ERROR_IO,
		            "%s: %s", shown, message);
		return NULL;
	}
	if (!config_read(self, kf, error)) {
		g_prefix_error(error, "%s: ", shown);
		return NULL;
	}
	return g_steal_pointer(&self);
}

DkvmConfig *
dkvm_config_load(const gchar *path, GError **error)
{
	if (path == NULL)
		return dkvm_config_load_default(DKVM_CONFIG_DEFAULT_PATH, error);
	return config_load(path, FALSE, error);
}

DkvmConfig *
dkvm_config_load_default(const gchar *path, GError **error)
{
	return config_load(path, TRUE, error);
}

gboolean
dkvm_config_save(const DkvmConfig *self, const gchar *path, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local_error = NULL;
	g_autofree gchar *backup = NULL;
	g_autofree gchar *data = NULL;
	g_autofree gchar *old = NULL;

	if (path == NULL)
		path = DKVM_CONFIG_DEFAULT_PATH;
	/* keep the person's comments */
	g_key_file_load_from_file(kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
	if (self->host_reserve != NULL && self->host_reserve->len == 0) {
		g_key_file_set_string(kf, GROUP, "reserve", "none");
	} else if (self->host_reserve != NULL) {
		g_autofree gchar *list = dkvm_format_cpu_list(self->host_reserve);
		g_key_file_set_string(kf, GROUP, "reserve", list);
	} else {
		g_key_file_set_string(kf, GROUP, "reserve", "auto");
	}
	if (self->hugepage_size_kib == 0)
		g_key_file_set_string(kf, GROUP, "hugepage_size", "auto");
	else
		g_key_file_set_string(kf, GROUP, "hugepage_size",
		                      self->hugepage_size_kib == DKVM_PAGE_2M_KIB ? "2M" : "1G");
	if (self->headroom_kib == 0) {
		g_key_file_set_string(kf, GROUP, "headroom", "auto");
	} else {
		g_autofree gchar *s = g_strdup_printf("%" G_GUINT64_FORMAT "K", self->headroom_kib);
		g_key_file_set_string(kf, GROUP, "headroom", s);
	}
	g_key_file_set_string(kf, GROUP, "default_vm", self->default_vm ? self->default_vm : "");
	g_key_file_set_integer(kf, GROUP, "countdown", (gint)self->countdown);
	g_key_file_set_integer(kf, GROUP, "shutdown_timeout", (gint)self->shutdown_timeout);
	if (self->persist_command != NULL)
		g_key_file_set_string(kf, GROUP, "persist_command", self->persist_command);
	g_key_file_set_string(kf, GROUP, "data_label", self->data_label);
	g_key_file_set_string(kf, GROUP, "accelerator",
	                      dkvm_accelerator_to_string(self->accelerator));
	g_key_file_set_string(kf, GROUP, "boot_hugepages", self->boot_hugepages ? "on" : "off");

	data = g_key_file_to_data(kf, NULL, NULL);
	if (g_file_get_contents(path, &old, NULL, NULL)) {
		backup = g_strconcat(path, ".bak", NULL);
		if (!dkvm_file_replace(backup, old, -1, &local_error)) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot back up %s: %s", path,
			            local_error->message);
			return FALSE;
		}
	}
	/* a temporary file renamed over the old one */
	return dkvm_file_replace(path, data, -1, error);
}

DkvmHostSettings *
dkvm_config_get_host_settings(const DkvmConfig *self)
{
	DkvmHostSettings *s = dkvm_host_settings_new();
	if (self->host_reserve != NULL)
		s->host_reserve = g_array_copy(self->host_reserve);
	s->headroom_kib = self->headroom_kib;
	s->hugepage_size_kib = self->hugepage_size_kib;
	s->accelerator = self->accelerator;
	return s;
}
