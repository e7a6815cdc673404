/*
 * Helpers of the planners (see plan-util.h). Sizes are printed the way the
 * CLI reads them back (binary units), so a message's number can be typed in.
 */
#include "plan-util.h"

GArray *
dkvm_plan_uint_array_new(void)
{
	return g_array_new(FALSE, FALSE, sizeof(guint));
}

gboolean
dkvm_plan_uint_array_contains(const GArray *arr, guint value)
{
	for (guint i = 0; arr != NULL && i < arr->len; i++) {
		if (g_array_index(arr, guint, i) == value)
			return TRUE;
	}
	return FALSE;
}

void
dkvm_plan_uint_array_add_sorted(GArray *arr, guint value)
{
	guint at = 0;

	while (at < arr->len && g_array_index(arr, guint, at) < value)
		at++;
	if (at < arr->len && g_array_index(arr, guint, at) == value)
		return;
	g_array_insert_val(arr, at, value);
}

GPtrArray *
dkvm_plan_lines_new(void)
{
	return g_ptr_array_new_with_free_func(g_free);
}

void
dkvm_plan_line(GPtrArray *lines, const gchar *format, ...)
{
	va_list args;

	va_start(args, format);
	g_ptr_array_add(lines, g_strdup_vprintf(format, args));
	va_end(args);
}
