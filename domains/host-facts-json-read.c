/*
 * Reading a host back from its JSON form (`dkvm host --json`, `--host-json
 * FILE`, the test hosts). The file comes from users, scripts and old sticks,
 * so nothing in it is trusted:
 *
 *  - size and nesting depth are checked on the bytes before json-glib parses
 *    (its parser recurses without limit), and so are integer literals that
 *    json-glib would silently wrap (it reads 18446744073709551613 as -3);
 *  - every node's type is checked before json-glib is asked for its value
 *    (its getters print Json-CRITICAL and return 0 or NULL on a wrong type);
 *  - numbers are range-checked, hex ids and PCI addresses are checked for
 *    their exact form;
 *  - every CPU or device that one entry names (siblings, L3 and NUMA members,
 *    PCI functions, IOMMU group members) must be listed itself, once.
 *
 * The first fault is refused with its JSON path:
 *   host JSON: $.pci[3].address: expected a string like 0000:01:00.0
 * Members that are absent keep their defaults ("not reported"), as the
 * writer's older versions left some out.
 */
#include "host-facts-json-read.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "dkvm-error.h"

/* The document is 4 levels deep ($.pci[3].functions[0]); a little slack. */
#define HOST_JSON_MAX_DEPTH 16
/* json-glib wraps integers beyond 64 bits; nothing DKVM reads needs more. */
#define HOST_JSON_MAX_DIGITS 18
/* The kernel's CPU numbers: CONFIG_NR_CPUS is at most 8192 (x86 MAXSMP). */
#define HOST_CPU_MAX 8191
/* Memory sizes in KiB: 2^52 KiB = 4 EiB, so sums and page products fit 64 bits. */
#define HOST_KIB_MAX (G_GUINT64_CONSTANT(1) << 52)

/* The sections whose ids must be unique. */
enum { IDS_L3, IDS_NUMA, IDS_IOMMU, IDS_COUNT };

typedef struct {
	GString *path; /* "$.pci[3]": where the reader is */
	GError **error;
	gboolean check_references;
	/* What is listed so far, so that every look-up is O(1): a hostile file of
	 * 1 MiB holds some 80,000 entries, and a linear search per entry made a
	 * few such files take minutes. */
	guint8 cpus_listed[(HOST_CPU_MAX + 1) / 8]; /* bit per CPU in $.cpus */
	guint8 in_list[(HOST_CPU_MAX + 1) / 8];     /* bit per CPU of the list being read */
	GHashTable *pci_listed;                     /* lowercase address -> TRUE */
	GHashTable *ids[IDS_COUNT];                 /* id + 1, per section */
} Reader;

static gboolean
bit_get(const guint8 *bits, guint n)
{
	return (bits[n / 8] >> (n % 8)) & 1;
}

static void
bit_set(guint8 *bits, guint n, gboolean on)
{
	if (on)
		bits[n / 8] |= (guint8)(1u << (n % 8));
	else
		bits[n / 8] &= (guint8) ~(1u << (n % 8));
}

/* TRUE when @id was seen before in section @which; records it. */
static gboolean
id_seen(Reader *r, guint which, guint64 id)
{
	gpointer key = GSIZE_TO_POINTER((gsize)id + 1);
	if (g_hash_table_contains(r->ids[which], key))
		return TRUE;
	g_hash_table_add(r->ids[which], key);
	return FALSE;
}

static gboolean fail(Reader *r, const gchar *member, const gchar *format, ...) G_GNUC_PRINTF(3, 4);

/* Sets the error at the current path (plus ".member" when given); FALSE. */
static gboolean
fail(Reader *r, const gchar *member, const gchar *format, ...)
{
	g_autofree gchar *why = NULL;
	va_list args;

	va_start(args, format);
	why = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error(r->error, DKVM_ERROR, DKVM_ERROR_INVALID, "host JSON: %s%s%s: %s", r->path->str,
	            member != NULL ? "." : "", member != NULL ? member : "", why);
	return FALSE;
}

/* Path helpers: push returns the length to pop back to. */
static gsize
push_member(Reader *r, const gchar *name)
{
	gsize len = r->path->len;
	g_string_append_printf(r->path, ".%s", name);
	return len;
}

static gsize
push_index(Reader *r, guint index)
{
	gsize len = r->path->len;
	g_string_append_printf(r->path, "[%u]", index);
	return len;
}

static void
pop(Reader *r, gsize len)
{
	g_string_truncate(r->path, len);
}

/* ---- the bytes, before parsing ---- */

static gboolean
check_bytes(const gchar *json, gsize length, GError **error)
{
	gboolean in_string = FALSE, escaped = FALSE;
	guint depth = 0, digits = 0;

	if (length > DKVM_HOST_JSON_MAX_BYTES) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "host JSON: larger than %u bytes (%" G_GSIZE_FORMAT ")",
		            (guint)DKVM_HOST_JSON_MAX_BYTES, length);
		return FALSE;
	}
	for (gsize i = 0; i < length; i++) {
		gchar c = json[i];
		if (in_string) {
			if (escaped)
				escaped = FALSE;
			else if (c == '\\')
				escaped = TRUE;
			else if (c == '"')
				in_string = FALSE;
			continue;
		}
		digits = g_ascii_isdigit(c) ? digits + 1 : 0;
		if (digits > HOST_JSON_MAX_DIGITS) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "host JSON: a number longer than %d digits at byte "
			            "%" G_GSIZE_FORMAT,
			            HOST_JSON_MAX_DIGITS, i);
			return FALSE;
		}
		if (c == '"') {
			in_string = TRUE;
		} else if (c == '[' || c == '{') {
			if (++depth > HOST_JSON_MAX_DEPTH) {
				g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
				            "host JSON: nested deeper than %d levels at byte "
				            "%" G_GSIZE_FORMAT,
				            HOST_JSON_MAX_DEPTH, i);
				return FALSE;
			}
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return TRUE;
}

/* ---- typed members ---- */

static gboolean
node_is_null(JsonNode *n)
{
	return JSON_NODE_TYPE(n) == JSON_NODE_NULL;
}

static gboolean
node_is_int(JsonNode *n)
{
	return JSON_NODE_TYPE(n) == JSON_NODE_VALUE && json_node_get_value_type(n) == G_TYPE_INT64;
}

static gboolean
node_is_string(JsonNode *n)
{
	return JSON_NODE_TYPE(n) == JSON_NODE_VALUE && json_node_get_value_type(n) == G_TYPE_STRING;
}

static gboolean
node_is_bool(JsonNode *n)
{
	return JSON_NODE_TYPE(n) == JSON_NODE_VALUE &&
	       json_node_get_value_type(n) == G_TYPE_BOOLEAN;
}

/* A whole number in [0, max] at @n; the error names @member of the current path. */
static gboolean
node_uint(Reader *r, JsonNode *n, const gchar *member, guint64 max, guint64 *out)
{
	gint64 v;

	if (!node_is_int(n))
		return fail(r, member, "expected a whole number from 0 to %" G_GUINT64_FORMAT, max);
	v = json_node_get_int(n);
	if (v < 0 || (guint64)v > max)
		return fail(r, member,
		            "%" G_GINT64_FORMAT " is out of range (0 to %" G_GUINT64_FORMAT ")", v,
		            max);
	*out = (guint64)v;
	return TRUE;
}

/* Absent: *out keeps its default. Present: a whole number in [0, max]. */
static gboolean
get_uint(Reader *r, JsonObject *o, const gchar *name, guint64 max, guint64 *out)
{
	JsonNode *n = json_object_get_member(o, name);
	if (n == NULL)
		return TRUE;
	return node_uint(r, n, name, max, out);
}

/* Like get_uint(), but required. */
static gboolean
get_required_uint(Reader *r, JsonObject *o, const gchar *name, guint64 max, guint64 *out)
{
	if (!json_object_has_member(o, name))
		return fail(r, name, "missing (a whole number from 0 to %" G_GUINT64_FORMAT ")",
		            max);
	return get_uint(r, o, name, max, out);
}

/* An id that may be "not reported": absent or null is -1. */
static gboolean
get_opt_id(Reader *r, JsonObject *o, const gchar *name, gint *out)
{
	JsonNode *n = json_object_get_member(o, name);
	guint64 v;

	*out = -1;
	if (n == NULL || node_is_null(n))
		return TRUE;
	if (!node_is_int(n))
		return fail(r, name, "expected null or a whole number from 0 to %d", G_MAXINT);
	if (!node_uint(r, n, name, G_MAXINT, &v))
		return FALSE;
	*out = (gint)v;
	return TRUE;
}

/* Absent or null: NULL. Else a string (any text: names come from pci.ids). */
static gboolean
get_opt_str(Reader *r, JsonObject *o, const gchar *name, gchar **out)
{
	JsonNode *n = json_object_get_member(o, name);

	g_clear_pointer(out, g_free);
	if (n == NULL || node_is_null(n))
		return TRUE;
	if (!node_is_string(n))
		return fail(r, name, "expected null or a string");
	*out = g_strdup(json_node_get_string(n));
	return TRUE;
}

/* Absent: FALSE. Else true or false. */
static gboolean
get_bool(Reader *r, JsonObject *o, const gchar *name, gboolean *out)
{
	JsonNode *n = json_object_get_member(o, name);

	*out = FALSE;
	if (n == NULL)
		return TRUE;
	if (!node_is_bool(n))
		return fail(r, name, "expected true or false");
	*out = json_node_get_boolean(n);
	return TRUE;
}

static gboolean
is_hex(const gchar *s, gsize min_digits, gsize max_digits)
{
	gsize len = strlen(s);
	if (len < min_digits || len > max_digits)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isxdigit(s[i]))
			return FALSE;
	}
	return TRUE;
}

/* An id written as hex digits ("10de"); absent is 0. */
static gboolean
get_hex(Reader *r, JsonObject *o, const gchar *name, guint digits, guint *out)
{
	JsonNode *n = json_object_get_member(o, name);

	*out = 0;
	if (n == NULL)
		return TRUE;
	if (!node_is_string(n) || !is_hex(json_node_get_string(n), 1, digits))
		return fail(r, name, "expected a string of 1 to %u hex digits", digits);
	*out = (guint)g_ascii_strtoull(json_node_get_string(n), NULL, 16);
	return TRUE;
}

/* "0000:01:00.0": domain, bus, slot (up to 1f) and function (0-7), as sysfs names them. */
static gboolean
is_pci_address(const gchar *s)
{
	if (strlen(s) != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.')
		return FALSE;
	for (guint i = 0; i < 12; i++) {
		if (i != 4 && i != 7 && i != 10 && !g_ascii_isxdigit(s[i]))
			return FALSE;
	}
	return g_ascii_xdigit_value(s[8]) <= 1 && s[11] >= '0' && s[11] <= '7';
}

static gboolean
node_pci_address(Reader *r, JsonNode *n, const gchar *member, const gchar **out)
{
	if (!node_is_string(n) || !is_pci_address(json_node_get_string(n)))
		return fail(r, member, "expected a string like 0000:01:00.0");
	*out = json_node_get_string(n);
	return TRUE;
}

/* Absent, null, an object or an array at @name: the array or NULL (absent). */
static gboolean
get_array(Reader *r, JsonObject *o, const gchar *name, JsonArray **out)
{
	JsonNode *n = json_object_get_member(o, name);

	*out = NULL;
	if (n == NULL)
		return TRUE;
	if (JSON_NODE_TYPE(n) != JSON_NODE_ARRAY)
		return fail(r, name, "expected an array");
	*out = json_node_get_array(n);
	return TRUE;
}

static gboolean
get_object(Reader *r, JsonObject *o, const gchar *name, JsonObject **out)
{
	JsonNode *n = json_object_get_member(o, name);

	*out = NULL;
	if (n == NULL)
		return TRUE;
	if (JSON_NODE_TYPE(n) != JSON_NODE_OBJECT)
		return fail(r, name, "expected an object");
	*out = json_node_get_object(n);
	return TRUE;
}

/* A list of CPU numbers, each once. */
static gboolean
get_cpu_list(Reader *r, JsonObject *o, const gchar *name, GArray *out)
{
	JsonArray *a;
	gsize at;
	gboolean ok = TRUE;

	if (!get_array(r, o, name, &a))
		return FALSE;
	if (a == NULL)
		return TRUE;
	at = push_member(r, name);
	for (guint i = 0; ok && i < json_array_get_length(a); i++) {
		gsize here = push_index(r, i);
		guint64 v = 0;
		guint cpu;

		ok = node_uint(r, json_array_get_element(a, i), NULL, HOST_CPU_MAX, &v);
		cpu = (guint)v;
		if (ok && bit_get(r->in_list, cpu))
			ok = fail(r, NULL, "CPU %u is listed twice", cpu);
		if (ok) {
			bit_set(r->in_list, cpu, TRUE);
			g_array_append_val(out, cpu);
		}
		pop(r, here);
	}
	for (guint i = 0; i < out->len; i++)
		bit_set(r->in_list, g_array_index(out, guint, i), FALSE);
	pop(r, at);
	return ok;
}

/* A list of PCI addresses, each once. */
static gboolean
get_address_list(Reader *r, JsonObject *o, const gchar *name, GPtrArray *out)
{
	JsonArray *a;
	gsize at;
	gboolean ok = TRUE;
	g_autoptr(GHashTable) seen = NULL;

	if (!get_array(r, o, name, &a))
		return FALSE;
	if (a == NULL)
		return TRUE;
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	at = push_member(r, name);
	for (guint i = 0; ok && i < json_array_get_length(a); i++) {
		gsize here = push_index(r, i);
		const gchar *address = NULL;

		ok = node_pci_address(r, json_array_get_element(a, i), NULL, &address);
		if (ok && !g_hash_table_add(seen, g_ascii_strdown(address, -1)))
			ok = fail(r, NULL, "%s is listed twice", address);
		if (ok)
			g_ptr_array_add(out, g_strdup(address));
		pop(r, here);
	}
	pop(r, at);
	return ok;
}

/* ---- the sections ---- */

static gboolean
read_cpu(Reader *r, JsonObject *o, DkvmHostFacts *self)
{
	guint64 number = 0;
	g_autofree gchar *type = NULL;
	DkvmHostCpu *c;

	if (!get_required_uint(r, o, "cpu", HOST_CPU_MAX, &number))
		return FALSE;
	if (bit_get(r->cpus_listed, (guint)number))
		return fail(r, "cpu", "CPU %u is listed twice", (guint)number);
	bit_set(r->cpus_listed, (guint)number, TRUE);
	c = dkvm_host_cpu_new((guint)number);
	g_ptr_array_add(self->cpus, c);
	if (!get_opt_id(r, o, "package", &c->package) || !get_opt_id(r, o, "die", &c->die) ||
	    !get_opt_id(r, o, "core", &c->core) || !get_opt_id(r, o, "cluster", &c->cluster) ||
	    !get_opt_id(r, o, "l3", &c->l3) || !get_opt_id(r, o, "node", &c->node) ||
	    !get_cpu_list(r, o, "siblings", c->siblings) || !get_opt_str(r, o, "type", &type))
		return FALSE;
	c->type = dkvm_cpu_type_from_string(type);
	if (type != NULL && c->type == DKVM_CPU_TYPE_UNKNOWN)
		return fail(r, "type", "expected null, \"performance\" or \"efficiency\"");
	return TRUE;
}

static gboolean
read_l3(Reader *r, JsonObject *o, DkvmHostFacts *self)
{
	guint64 id = 0;
	DkvmL3Group *g;

	if (!get_required_uint(r, o, "id", G_MAXUINT, &id))
		return FALSE;
	if (id_seen(r, IDS_L3, id))
		return fail(r, "id", "L3 group %u is listed twice", (guint)id);
	g = dkvm_l3_group_new((guint)id);
	g_ptr_array_add(self->l3_groups, g);
	return get_cpu_list(r, o, "cpus", g->cpus) &&
	       get_uint(r, o, "size_kib", HOST_KIB_MAX, &g->size_kib);
}

static gboolean
read_node(Reader *r, JsonObject *o, DkvmHostFacts *self)
{
	guint64 id = 0;
	DkvmNumaNode *n;

	if (!get_required_uint(r, o, "id", G_MAXINT, &id))
		return FALSE;
	if (id_seen(r, IDS_NUMA, id))
		return fail(r, "id", "NUMA node %u is listed twice", (guint)id);
	n = dkvm_numa_node_new((guint)id);
	g_ptr_array_add(self->numa_nodes, n);
	if (!get_cpu_list(r, o, "cpus", n->cpus) ||
	    !get_uint(r, o, "total_kib", HOST_KIB_MAX, &n->total_kib) ||
	    !get_uint(r, o, "free_kib", HOST_KIB_MAX, &n->free_kib))
		return FALSE;
	if (n->free_kib > n->total_kib)
		return fail(r, "free_kib", "more than total_kib");
	return TRUE;
}

static gboolean
read_pool(Reader *r, JsonObject *o, DkvmHostFacts *self)
{
	guint64 size_kib = 0, bytes;
	gint node;
	DkvmHugepagePool *p;

	if (!get_required_uint(r, o, "size_kib", HOST_KIB_MAX, &size_kib) ||
	    !get_opt_id(r, o, "node", &node))
		return FALSE;
	if (size_kib == 0)
		return fail(r, "size_kib", "0 is not a page size");
	p = dkvm_hugepage_pool_new(size_kib, node);
	g_ptr_array_add(self->hugepages, p);
	/* counts stay small enough that pages x size never overflows */
	if (!get_uint(r, o, "total", HOST_KIB_MAX / size_kib, &p->total) ||
	    !get_uint(r, o, "free", HOST_KIB_MAX / size_kib, &p->free) ||
	    !get_uint(r, o, "reserved", HOST_KIB_MAX / size_kib, &p->reserved) ||
	    !get_uint(r, o, "surplus", HOST_KIB_MAX / size_kib, &p->surplus))
		return FALSE;
	if (p->free > p->total)
		return fail(r, "free", "more pages free than the pool's total");
	if (!g_uint64_checked_mul(&bytes, p->total, size_kib))
		return fail(r, "total", "the pool's size overflows");
	return TRUE;
}

/* A BAR is at most 2^52 bytes (PCIe allows 2^63; nothing shipping comes near). */
#define HOST_BAR_MAX (G_GUINT64_CONSTANT(1) << 52)
/* BARs 0-5 and the expansion ROM (6), as sysfs `resource` lists them. */
#define HOST_BAR_INDEX_MAX 6

static gboolean
is_power_of_two(guint64 v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* One BAR: its index once, sizes powers of two, a resizable maximum no
 * smaller than the size the BAR has now. */
static gboolean
read_bar(Reader *r, JsonNode *n, GArray *bars)
{
	JsonObject *o;
	DkvmPciBar bar = { 0 };
	guint64 index = 0;

	if (JSON_NODE_TYPE(n) != JSON_NODE_OBJECT)
		return fail(r, NULL, "expected an object");
	o = json_node_get_object(n);
	if (!get_required_uint(r, o, "index", HOST_BAR_INDEX_MAX, &index) ||
	    !get_required_uint(r, o, "size", HOST_BAR_MAX, &bar.size) ||
	    !get_bool(r, o, "is_64bit", &bar.is_64bit) ||
	    !get_bool(r, o, "prefetchable", &bar.prefetchable) ||
	    !get_uint(r, o, "resizable_max", HOST_BAR_MAX, &bar.resizable_max))
		return FALSE;
	bar.index = (guint)index;
	for (guint i = 0; i < bars->len; i++) {
		if (g_array_index(bars, DkvmPciBar, i).index == bar.index)
			return fail(r, "index", "BAR %u is listed twice", bar.index);
	}
	if (!is_power_of_two(bar.size))
		return fail(r, "size", "a BAR's size is a power of two");
	if (bar.resizable_max != 0 &&
	    (!is_power_of_two(bar.resizable_max) || bar.resizable_max < bar.size))
		return fail(r, "resizable_max",
		            "0, or a power of two no smaller than the BAR's size");
	g_array_append_val(bars, bar);
	return TRUE;
}

static gboolean
get_bars(Reader *r, JsonObject *o, GArray *bars)
{
	JsonArray *a;
	gsize at;
	gboolean ok = TRUE;

	if (!get_array(r, o, "bars", &a))
		return FALSE;
	if (a == NULL)
		return TRUE;
	at = push_member(r, "bars");
	for (guint i = 0; ok && i < json_array_get_length(a); i++) {
		gsize here = push_index(r, i);
		ok = read_bar(r, json_array_get_element(a, i), bars);
		pop(r, here);
	}
	pop(r, at);
	return ok;
}

/* Absent or null: -1 (not reported). Else true (1) or false (0). */
static gboolean
get_opt_bool(Reader *r, JsonObject *o, const gchar *name, gint *out)
{
	JsonNode *n = json_object_get_member(o, name);

	*out = -1;
	if (n == NULL || node_is_null(n))
		return TRUE;
	if (!node_is_bool(n))
		return fail(r, name, "expected null, true or false");
	*out = json_node_get_boolean(n) ? 1 : 0;
	return TRUE;
}

static gboolean
read_pci(Reader *r, JsonObject *o, DkvmHostFacts *self)
{
	JsonNode *address = json_object_get_member(o, "address");
	const gchar *text = NULL;
	guint vendor, device, subsystem_vendor, subsystem_device;
	DkvmPciDevice *d;

	if (address == NULL)
		return fail(r, "address", "missing (a string like 0000:01:00.0)");
	if (!node_pci_address(r, address, "address", &text))
		return FALSE;
	if (!g_hash_table_add(r->pci_listed, g_ascii_strdown(text, -1)))
		return fail(r, "address", "%s is listed twice", text);
	d = dkvm_pci_device_new(text);
	g_ptr_array_add(self->pci, d);
	if (!get_hex(r, o, "vendor_id", 4, &vendor) || !get_hex(r, o, "device_id", 4, &device) ||
	    !get_hex(r, o, "subsystem_vendor_id", 4, &subsystem_vendor) ||
	    !get_hex(r, o, "subsystem_device_id", 4, &subsystem_device) ||
	    !get_hex(r, o, "class", 6, &d->class_code) ||
	    !get_opt_str(r, o, "vendor_name", &d->vendor_name) ||
	    !get_opt_str(r, o, "name", &d->device_name) ||
	    !get_opt_str(r, o, "class_name", &d->class_name) ||
	    !get_opt_str(r, o, "driver", &d->driver) ||
	    !get_opt_id(r, o, "iommu_group", &d->iommu_group) ||
	    !get_bool(r, o, "is_gpu", &d->is_gpu) || !get_bool(r, o, "is_bridge", &d->is_bridge) ||
	    !get_bool(r, o, "boot_vga", &d->boot_vga) ||
	    !get_opt_id(r, o, "numa_node", &d->numa_node) ||
	    !get_opt_str(r, o, "reset_method", &d->reset_method) || !get_bars(r, o, d->bars) ||
	    !get_bool(r, o, "config_stuck", &d->config_stuck) ||
	    !get_opt_bool(r, o, "d3cold_allowed", &d->d3cold_allowed) ||
	    !get_address_list(r, o, "functions", d->functions) ||
	    !get_bool(r, o, "host_needed", &d->host_needed) ||
	    !get_opt_str(r, o, "host_needed_reason", &d->host_needed_reason))
		return FALSE;
	d->vendor_id = (guint16)vendor;
	d->device_id = (guint16)device;
	d->subsystem_vendor_id = (guint16)subsystem_vendor;
	d->subsystem_device_id = (guint16)subsystem_device;
	return TRUE;
}

static gboolean
read_group(Reader *r, JsonObject *o, DkvmHostFacts *self)
{
	guint64 id = 0;
	DkvmIommuGroup *g;

	if (!get_required_uint(r, o, "id", G_MAXINT, &id))
		return FALSE;
	if (id_seen(r, IDS_IOMMU, id))
		return fail(r, "id", "IOMMU group %u is listed twice", (guint)id);
	g = dkvm_iommu_group_new((guint)id);
	g_ptr_array_add(self->iommu_groups, g);
	return get_address_list(r, o, "devices", g->devices);
}

static gboolean
read_usb(Reader *r, JsonObject *o, DkvmHostFacts *self)
{
	g_autofree gchar *port = NULL;
	guint64 busnum = 0, devnum = 0, speed = 0;
	guint vendor, product;
	DkvmUsbDevice *u;

	if (!get_opt_str(r, o, "port_path", &port))
		return FALSE;
	if (port == NULL || *port == '\0')
		return fail(r, "port_path", "expected a string like 1-4.2");
	u = dkvm_usb_device_new(port);
	g_ptr_array_add(self->usb, u);
	if (!get_uint(r, o, "busnum", G_MAXINT, &busnum) ||
	    !get_uint(r, o, "devnum", G_MAXINT, &devnum) ||
	    !get_hex(r, o, "vendor_id", 4, &vendor) || !get_hex(r, o, "product_id", 4, &product) ||
	    !get_opt_str(r, o, "vendor_name", &u->vendor_name) ||
	    !get_opt_str(r, o, "product_name", &u->product_name) ||
	    !get_opt_str(r, o, "serial", &u->serial) ||
	    !get_uint(r, o, "speed_mbps", G_MAXINT, &speed) ||
	    !get_bool(r, o, "is_hub", &u->is_hub) ||
	    !get_opt_str(r, o, "controller", &u->controller) ||
	    !get_bool(r, o, "host_needed", &u->host_needed) ||
	    !get_opt_str(r, o, "host_needed_reason", &u->host_needed_reason))
		return FALSE;
	if (u->controller != NULL && !is_pci_address(u->controller))
		return fail(r, "controller", "expected null or a string like 0000:01:00.0");
	u->busnum = (guint)busnum;
	u->devnum = (guint)devnum;
	u->vendor_id = (guint16)vendor;
	u->product_id = (guint16)product;
	u->speed_mbps = (guint)speed;
	return TRUE;
}

static gboolean
read_cmdline(Reader *r, JsonObject *root, DkvmKernelCmdline *c)
{
	guint count;
	const DkvmKernelOption *options = dkvm_kernel_options(&count);
	JsonObject *o;
	gsize at;
	gboolean ok;

	if (!get_object(r, root, "cmdline", &o))
		return FALSE;
	if (o == NULL)
		return TRUE;
	at = push_member(r, "cmdline");
	ok = get_opt_str(r, o, "raw", &c->raw);
	for (guint i = 0; ok && i < count; i++)
		ok = get_opt_str(r, o, options[i].json, DKVM_KERNEL_OPTION_FIELD(c, &options[i]));
	pop(r, at);
	return ok;
}

static gboolean
read_memory(Reader *r, JsonObject *root, DkvmHostFacts *self)
{
	JsonObject *m;
	gsize at;
	gboolean ok;

	if (!get_object(r, root, "memory", &m))
		return FALSE;
	if (m == NULL)
		return TRUE;
	at = push_member(r, "memory");
	ok = get_uint(r, m, "total_kib", HOST_KIB_MAX, &self->mem_total_kib) &&
	     get_uint(r, m, "available_kib", HOST_KIB_MAX, &self->mem_available_kib);
	pop(r, at);
	return ok;
}

typedef gboolean (*ReadEntry)(Reader *r, JsonObject *o, DkvmHostFacts *self);

/* Calls @fn for each element of array @name, which must be objects. */
static gboolean
read_each(Reader *r, JsonObject *root, const gchar *name, ReadEntry fn, DkvmHostFacts *self)
{
	JsonArray *a;
	gsize at;
	gboolean ok = TRUE;

	if (!get_array(r, root, name, &a))
		return FALSE;
	if (a == NULL)
		return TRUE;
	at = push_member(r, name);
	for (guint i = 0; ok && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		gsize here = push_index(r, i);

		if (JSON_NODE_TYPE(n) != JSON_NODE_OBJECT)
			ok = fail(r, NULL, "expected an object");
		else
			ok = fn(r, json_node_get_object(n), self);
		pop(r, here);
	}
	pop(r, at);
	return ok;
}

static gboolean
read_notes(Reader *r, JsonObject *root, GPtrArray *out)
{
	JsonArray *a;

	if (!get_array(r, root, "notes", &a))
		return FALSE;
	for (guint i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		if (!node_is_string(n)) {
			g_autofree gchar *member = g_strdup_printf("notes[%u]", i);
			return fail(r, member, "expected a string");
		}
		g_ptr_array_add(out, g_strdup(json_node_get_string(n)));
	}
	return TRUE;
}

/* ---- cross-references ---- */

/* Every CPU in @cpus (at $.@section[@index].@member) is a listed CPU. */
static gboolean
check_cpus_known(Reader *r, const DkvmHostFacts *self, const gchar *section, guint index,
                 const gchar *member, const GArray *cpus)
{
	for (guint j = 0; j < cpus->len; j++) {
		guint cpu = g_array_index(cpus, guint, j);
		if (!bit_get(r->cpus_listed, cpu)) {
			g_autofree gchar *where =
			        g_strdup_printf("%s[%u].%s[%u]", section, index, member, j);
			return fail(r, where, "CPU %u is not in $.cpus", cpu);
		}
	}
	return TRUE;
}

static gboolean
check_devices_known(Reader *r, const DkvmHostFacts *self, const gchar *section, guint index,
                    const gchar *member, const GPtrArray *addresses)
{
	for (guint j = 0; j < addresses->len; j++) {
		const gchar *address = g_ptr_array_index(addresses, j);
		g_autofree gchar *key = g_ascii_strdown(address, -1);
		if (!g_hash_table_contains(r->pci_listed, key)) {
			g_autofree gchar *where =
			        g_strdup_printf("%s[%u].%s[%u]", section, index, member, j);
			return fail(r, where, "%s is not in $.pci", address);
		}
	}
	return TRUE;
}

static gboolean
check_references(Reader *r, const DkvmHostFacts *self)
{
	for (guint i = 0; i < self->cpus->len; i++) {
		const DkvmHostCpu *c = g_ptr_array_index(self->cpus, i);
		if (!check_cpus_known(r, self, "cpus", i, "siblings", c->siblings))
			return FALSE;
	}
	for (guint i = 0; i < self->l3_groups->len; i++) {
		const DkvmL3Group *g = g_ptr_array_index(self->l3_groups, i);
		if (!check_cpus_known(r, self, "l3_groups", i, "cpus", g->cpus))
			return FALSE;
	}
	for (guint i = 0; i < self->numa_nodes->len; i++) {
		const DkvmNumaNode *n = g_ptr_array_index(self->numa_nodes, i);
		if (!check_cpus_known(r, self, "numa_nodes", i, "cpus", n->cpus))
			return FALSE;
	}
	for (guint i = 0; i < self->pci->len; i++) {
		const DkvmPciDevice *d = g_ptr_array_index(self->pci, i);
		if (!check_devices_known(r, self, "pci", i, "functions", d->functions))
			return FALSE;
	}
	for (guint i = 0; i < self->iommu_groups->len; i++) {
		const DkvmIommuGroup *g = g_ptr_array_index(self->iommu_groups, i);
		if (!check_devices_known(r, self, "iommu_groups", i, "devices", g->devices))
			return FALSE;
	}
	return TRUE;
}

static gint
compare_cpu(gconstpointer a, gconstpointer b)
{
	guint x = (*(const DkvmHostCpu *const *)a)->cpu;
	guint y = (*(const DkvmHostCpu *const *)b)->cpu;
	return (x > y) - (x < y);
}

static gboolean
read_root(Reader *r, JsonObject *root, DkvmHostFacts *self)
{
	if (!get_opt_str(r, root, "cpu_vendor", &self->cpu_vendor) ||
	    !get_opt_str(r, root, "cpu_model", &self->cpu_model) ||
	    !get_bool(r, root, "virtualization", &self->virt_support) ||
	    !get_bool(r, root, "kvm", &self->kvm_available) ||
	    !get_bool(r, root, "pdpe1gb", &self->pdpe1gb) ||
	    !get_bool(r, root, "smt", &self->smt) || !get_bool(r, root, "hybrid", &self->hybrid) ||
	    !get_bool(r, root, "iommu_enabled", &self->iommu_enabled) ||
	    !read_memory(r, root, self) || !read_cmdline(r, root, &self->cmdline) ||
	    !read_each(r, root, "cpus", read_cpu, self) ||
	    !read_each(r, root, "l3_groups", read_l3, self) ||
	    !read_each(r, root, "numa_nodes", read_node, self) ||
	    !read_each(r, root, "hugepages", read_pool, self) ||
	    !read_each(r, root, "pci", read_pci, self) ||
	    !read_each(r, root, "iommu_groups", read_group, self) ||
	    !read_each(r, root, "usb", read_usb, self) || !read_notes(r, root, self->notes))
		return FALSE;
	if (self->cpus->len == 0)
		return fail(r, "cpus", "no CPUs listed");
	if (self->mem_available_kib > self->mem_total_kib)
		return fail(r, "memory.available_kib", "more than total_kib");
	if (r->check_references && !check_references(r, self))
		return FALSE;
	/* the look-ups and the planners walk CPUs in the kernel's order */
	g_ptr_array_sort(self->cpus, compare_cpu);
	return TRUE;
}

DkvmHostFacts *
dkvm_host_facts_read_json(const gchar *json, gboolean check_references, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(DkvmHostFacts) self = dkvm_host_facts_new();
	g_autoptr(GError) parse_error = NULL;
	g_autoptr(GString) path = g_string_new("$");
	g_autofree Reader *r = g_new0(Reader, 1); /* its bitmaps start cleared */
	gsize length = strlen(json);
	JsonNode *root;
	DkvmHostFacts *result = NULL;

	if (!check_bytes(json, length, error))
		return NULL;
	if (!json_parser_load_from_data(parser, json, (gssize)length, &parse_error)) {
		/* json-glib quotes the offending character: keep it one printable line */
		g_autofree gchar *why = g_strescape(parse_error->message, NULL);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "host JSON: %s", why);
		return NULL;
	}
	r->path = path;
	r->error = error;
	r->check_references = check_references;
	r->pci_listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < IDS_COUNT; i++)
		r->ids[i] = g_hash_table_new(g_direct_hash, g_direct_equal);
	root = json_parser_get_root(parser);
	if (root == NULL || JSON_NODE_TYPE(root) != JSON_NODE_OBJECT)
		fail(r, NULL, "the top level is not an object");
	else if (read_root(r, json_node_get_object(root), self))
		result = g_steal_pointer(&self);
	g_hash_table_unref(r->pci_listed);
	for (guint i = 0; i < IDS_COUNT; i++)
		g_hash_table_unref(r->ids[i]);
	return result;
}

DkvmHostFacts *
dkvm_host_facts_from_json(const gchar *json, GError **error)
{
	return dkvm_host_facts_read_json(json, TRUE, error);
}
