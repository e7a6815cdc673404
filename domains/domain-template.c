/*
 * Looks the preset templates up in the GResource bundle compiled from
 * domains/templates/ (see domains/meson.build). The bundle is referenced
 * explicitly (dkvm_templates_get_resource) rather than through a
 * constructor, so that linking the static library always pulls it in.
 */
#include "domain-template.h"

#include <gio/gio.h>

#include "dkvm-error.h"
#include "dkvm-templates.h"

gchar *
dkvm_domain_template(DkvmPreset preset, GError **error)
{
	g_autofree gchar *path =
	        g_strdup_printf("/org/dkvm/templates/%s.xml", dkvm_preset_to_string(preset));
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GBytes) bytes = g_resource_lookup_data(
	        dkvm_templates_get_resource(), path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error_local);

	if (bytes == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
		            "no template for preset %s: %s", dkvm_preset_to_string(preset),
		            error_local->message);
		return NULL;
	}
	return g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
}
