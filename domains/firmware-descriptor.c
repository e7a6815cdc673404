/*
 * QEMU firmware descriptors (QEMU's docs/interop/firmware.json): which
 * installed firmware does Secure Boot with Microsoft's keys enrolled. libvirt
 * picks the firmware for <os firmware='efi'> from these files, and a domain
 * asking for the enrolled-keys feature fails to start when none has it, as on
 * distributions that ship OVMF without Microsoft's keys. The frontend reads
 * the files (frontend/virt/virt-firmware.c); this parses one.
 */
#include <json-glib/json-glib.h>

#include "dkvm-error.h"
#include "hypervisor.h"

static gboolean
array_has(JsonObject *o, const gchar *member, const gchar *value)
{
	JsonNode *n = json_object_get_member(o, member);
	JsonArray *a;

	if (n == NULL || !JSON_NODE_HOLDS_ARRAY(n))
		return FALSE;
	a = json_node_get_array(n);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonNode *e = json_array_get_element(a, i);
		if (JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_STRING &&
		    g_strcmp0(json_node_get_string(e), value) == 0)
			return TRUE;
	}
	return FALSE;
}

/* An x86_64 target whose machine patterns take q35 ("pc-q35-*"). */
static gboolean
targets_q35(JsonObject *o)
{
	JsonNode *n = json_object_get_member(o, "targets");
	JsonArray *targets;

	if (n == NULL || !JSON_NODE_HOLDS_ARRAY(n))
		return FALSE;
	targets = json_node_get_array(n);
	for (guint i = 0; i < json_array_get_length(targets); i++) {
		JsonNode *t = json_array_get_element(targets, i);
		JsonObject *target;
		JsonNode *machines;

		if (!JSON_NODE_HOLDS_OBJECT(t))
			continue;
		target = json_node_get_object(t);
		if (g_strcmp0(
		            json_object_get_string_member_with_default(target, "architecture", ""),
		            "x86_64") != 0)
			continue;
		machines = json_object_get_member(target, "machines");
		if (machines == NULL || !JSON_NODE_HOLDS_ARRAY(machines))
			continue;
		for (guint j = 0; j < json_array_get_length(json_node_get_array(machines)); j++) {
			JsonNode *m = json_array_get_element(json_node_get_array(machines), j);
			if (JSON_NODE_HOLDS_VALUE(m) &&
			    json_node_get_value_type(m) == G_TYPE_STRING &&
			    g_pattern_match_simple(json_node_get_string(m), "pc-q35-9.0"))
				return TRUE;
		}
	}
	return FALSE;
}

/* mapping.executable.filename, NULL when absent. */
static const gchar *
executable(JsonObject *o)
{
	JsonNode *n = json_object_get_member(o, "mapping");
	JsonObject *mapping, *exe;

	if (n == NULL || !JSON_NODE_HOLDS_OBJECT(n))
		return NULL;
	mapping = json_node_get_object(n);
	n = json_object_get_member(mapping, "executable");
	if (n == NULL || !JSON_NODE_HOLDS_OBJECT(n))
		return NULL;
	exe = json_node_get_object(n);
	n = json_object_get_member(exe, "filename");
	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

static gboolean
listed_loader(const DkvmHypervisor *self, const gchar *file)
{
	if (self->loaders == NULL || self->loaders->len == 0)
		return TRUE; /* libvirt named no files: the descriptor decides */
	for (guint i = 0; file != NULL && i < self->loaders->len; i++) {
		if (g_strcmp0(g_ptr_array_index(self->loaders, i), file) == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean
dkvm_hypervisor_add_firmware(DkvmHypervisor *self, const gchar *json, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) parse_error = NULL;
	JsonNode *root;
	JsonObject *o;
	const gchar *file;

	if (!json_parser_load_from_data(parser, json, -1, &parse_error)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "not a firmware descriptor: %s",
		            parse_error->message);
		return FALSE;
	}
	root = json_parser_get_root(parser);
	if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "not a firmware descriptor: expected a JSON object");
		return FALSE;
	}
	o = json_node_get_object(root);
	self->firmware_descriptors++;
	file = executable(o);
	if (array_has(o, "interface-types", "uefi") && targets_q35(o) &&
	    array_has(o, "features", "secure-boot") && array_has(o, "features", "enrolled-keys") &&
	    file != NULL && listed_loader(self, file)) {
		if (self->secure_boot_keys != DKVM_CAPABILITY_YES) {
			self->secure_boot_keys = DKVM_CAPABILITY_YES;
			g_free(self->secure_boot_keys_firmware);
			self->secure_boot_keys_firmware = g_strdup(file);
		}
	} else if (self->secure_boot_keys == DKVM_CAPABILITY_UNKNOWN) {
		self->secure_boot_keys = DKVM_CAPABILITY_NO;
	}
	return TRUE;
}
