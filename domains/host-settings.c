/*
 * DkvmHostSettings values (host-settings.h).
 */
#include "host-settings.h"

#include "dkvm-error.h"
#include "quote.h"

DkvmHostSettings *
dkvm_host_settings_new(void)
{
	return g_new0(DkvmHostSettings, 1);
}

void
dkvm_host_settings_free(DkvmHostSettings *self)
{
	if (self == NULL)
		return;
	g_clear_pointer(&self->host_reserve, g_array_unref);
	g_free(self);
}

const gchar *
dkvm_accelerator_to_string(DkvmAccelerator accelerator)
{
	switch (accelerator) {
	case DKVM_ACCELERATOR_KVM:
		return "kvm";
	case DKVM_ACCELERATOR_TCG:
		return "tcg";
	case DKVM_ACCELERATOR_AUTO:
	default:
		return "auto";
	}
}

gboolean
dkvm_accelerator_from_string(const gchar *str, DkvmAccelerator *out, GError **error)
{
	for (DkvmAccelerator a = DKVM_ACCELERATOR_AUTO; a <= DKVM_ACCELERATOR_TCG; a++) {
		if (g_strcmp0(str, dkvm_accelerator_to_string(a)) == 0) {
			*out = a;
			return TRUE;
		}
	}
	g_autofree gchar *shown = dkvm_quote(str);

	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
	            "unknown accelerator '%s' (auto, kvm or tcg)", shown);
	return FALSE;
}
