#include "looking-glass.h"

#include "dkvm-error.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)

guint64
dkvm_looking_glass_size_mib(guint width, guint height)
{
	/* sides are at most 16384: the product fits 64 bits many times over */
	guint64 frame = (guint64)width * height * 4;
	guint64 bytes = frame * 2 + 10 * MIB;
	guint64 mib = 1;

	if (width == 0 || height == 0)
		return 0;
	while (mib * MIB < bytes)
		mib <<= 1;
	return mib;
}

static gboolean
parse_side(const gchar *text, guint *out)
{
	guint64 v;

	if (!g_ascii_string_to_unsigned(text, 10, 1, DKVM_LOOKING_GLASS_MAX_SIDE, &v, NULL))
		return FALSE;
	*out = (guint)v;
	return TRUE;
}

gboolean
dkvm_looking_glass_parse(const gchar *text, guint *width, guint *height, GError **error)
{
	g_auto(GStrv) parts = text != NULL ? g_strsplit(text, "x", -1) : NULL;
	guint w, h;

	if (parts == NULL || g_strv_length(parts) != 2 || !parse_side(parts[0], &w) ||
	    !parse_side(parts[1], &h)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "expected WIDTHxHEIGHT in pixels, each from 1 to %d (e.g. 2560x1440)",
		            DKVM_LOOKING_GLASS_MAX_SIDE);
		return FALSE;
	}
	*width = w;
	*height = h;
	return TRUE;
}
