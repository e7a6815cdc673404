/*
 * Small json-glib builder helpers shared by the JSON forms of host facts and
 * plans, so both write arrays and "not reported" (null) the same way.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "name": [ints] from a GArray of guint (NULL: empty array). */
void dkvm_json_add_uint_array(JsonBuilder *b, const gchar *name, const GArray *arr);
/* "name": [strings] from a GPtrArray of gchar* (NULL: empty array). */
void dkvm_json_add_str_array(JsonBuilder *b, const gchar *name, const GPtrArray *arr);
void dkvm_json_add_int(JsonBuilder *b, const gchar *name, gint64 value);
void dkvm_json_add_bool(JsonBuilder *b, const gchar *name, gboolean value);
/* A NULL string becomes null. */
void dkvm_json_add_opt_str(JsonBuilder *b, const gchar *name, const gchar *value);
/* A negative value ("not reported") becomes null: no magic numbers for scripts. */
void dkvm_json_add_opt_int(JsonBuilder *b, const gchar *name, gint64 value);

G_END_DECLS
