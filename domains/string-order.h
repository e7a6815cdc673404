/*
 * Sorting a GPtrArray of strings by their text. g_ptr_array_sort() passes
 * pointers to the elements, so g_strcmp0 given to it directly compares the
 * bytes of the pointers; g_ptr_array_sort_values() (GLib 2.76) is newer than
 * the GLib DKVM builds with.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A GCompareFunc for g_ptr_array_sort() over gchar* elements (NULL first). */
static inline gint
dkvm_compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

G_END_DECLS
