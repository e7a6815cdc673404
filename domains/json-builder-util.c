/*
 * json-glib builder helpers (see json-builder-util.h).
 */
#include "json-builder-util.h"

void
dkvm_json_add_uint_array(JsonBuilder *b, const gchar *name, const GArray *arr)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (guint i = 0; arr != NULL && i < arr->len; i++)
		json_builder_add_int_value(b, g_array_index(arr, guint, i));
	json_builder_end_array(b);
}

void
dkvm_json_add_str_array(JsonBuilder *b, const gchar *name, const GPtrArray *arr)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (guint i = 0; arr != NULL && i < arr->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(arr, i));
	json_builder_end_array(b);
}

void
dkvm_json_add_int(JsonBuilder *b, const gchar *name, gint64 value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, value);
}

void
dkvm_json_add_opt_int(JsonBuilder *b, const gchar *name, gint64 value)
{
	json_builder_set_member_name(b, name);
	if (value < 0)
		json_builder_add_null_value(b);
	else
		json_builder_add_int_value(b, value);
}

void
dkvm_json_add_opt_str(JsonBuilder *b, const gchar *name, const gchar *value)
{
	json_builder_set_member_name(b, name);
	if (value != NULL)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

void
dkvm_json_add_bool(JsonBuilder *b, const gchar *name, gboolean value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_boolean_value(b, value);
}
