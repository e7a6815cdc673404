/*
 * The one formatter of sizes (format-size.h). Rounding up, never to the
 * nearest: "needs 3.3 GiB" for 3.21 GiB, because a size DKVM prints is
 * usually one the user must provide or free.
 */
#include "format-size.h"

gchar *
dkvm_format_kib(guint64 kib)
{
	const guint64 mib = 1024, gib = 1024 * 1024;

	/* exact when it can be, so a number in a message can be typed back in */
	if (kib >= gib && kib % gib == 0)
		return g_strdup_printf("%" G_GUINT64_FORMAT " GiB", kib / gib);
	if (kib >= mib && kib % mib == 0)
		return g_strdup_printf("%" G_GUINT64_FORMAT " MiB", kib / mib);
	if (kib >= gib) {
		/* tenths of a GiB, rounded up so "missing" amounts are never understated;
		 * whole GiB and the rest apart, so that no amount up to G_MAXUINT64
		 * wraps (kib * 10 did above 1.6 EiB) */
		guint64 rest = kib % gib;
		guint64 tenths = kib / gib * 10 + (rest * 10 + gib - 1) / gib;
		if (tenths % 10 == 0)
			return g_strdup_printf("%" G_GUINT64_FORMAT " GiB", tenths / 10);
		return g_strdup_printf("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT " GiB",
		                       tenths / 10, tenths % 10);
	}
	if (kib >= mib)
		return g_strdup_printf("%" G_GUINT64_FORMAT " MiB", (kib + mib - 1) / mib);
	return g_strdup_printf("%" G_GUINT64_FORMAT " KiB", kib);
}

gchar *
dkvm_format_kib_column(guint64 kib)
{
	if (kib >= 1024 * 1024)
		return g_strdup_printf("%.1f GiB", (gdouble)kib / (1024 * 1024));
	if (kib >= 1024)
		return g_strdup_printf("%.0f MiB", (gdouble)kib / 1024);
	return g_strdup_printf("%" G_GUINT64_FORMAT " KiB", kib);
}
