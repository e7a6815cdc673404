/*
 * Import and export of domain files. Each file goes through the same
 * dkvm_virt_domain_define() as `dkvm vm create` (VIR_DOMAIN_DEFINE_VALIDATE)
 * first. A domain file written by a newer libvirt (e.g. <topology
 * clusters='1'> from libvirt 10 read by 9.0) fails this libvirt's schema,
 * yet `virsh define` takes it: libvirt's parser ignores what it does not
 * know. Such a file is a user's existing VM, so import defines it the same
 * way and warns with the schema's complaint; only what libvirt's parser
 * itself refuses is an error.
 * Export uses dkvm_file_replace(), which writes a temporary file and
 * renames it: a power cut leaves the old file or the new one, never half.
 */
#include "virt-import.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "dkvm-error.h"
#include "domain-tree.h"
#include "file-replace.h"
#include "spec.h"
#include "domain-xml-read.h"
#include "file-read.h"
#include "string-order.h"
#include "virt-domain.h"
#include "virt-list.h"

void
dkvm_import_result_free(DkvmImportResult *self)
{
	if (self == NULL)
		return;
	g_free(self->file);
	g_free(self->vm_name);
	g_free(self->warning);
	g_clear_error(&self->error);
	g_free(self);
}

/* A file without <uuid> for a VM that exists gets that VM's UUID: without it
 * libvirt would make up a new one and refuse the name as taken, so a file
 * on the stick could be imported once and never again. libxml2 tree edit;
 * the rest of the document is passed through untouched. */
static gchar *
with_existing_uuid(const gchar *xml, virDomainPtr existing, GError **error)
{
	gchar uuid[VIR_UUID_STRING_BUFLEN] = { 0 };
	g_autoptr(xmlDoc) doc = dkvm_tree_read_domain(xml, NULL);
	xmlNode *root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	xmlNode *name = NULL;
	xmlNode *node;
	xmlChar *out = NULL;
	int len = 0;
	gchar *result;

	if (root == NULL || virDomainGetUUIDString(existing, uuid) < 0) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		                    "cannot give the document the existing VM's UUID");
		return NULL;
	}
	for (xmlNode *child = root->children; child != NULL && name == NULL; child = child->next)
		if (child->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(child->name, (const xmlChar *)"name") == 0)
			name = child;
	node = xmlNewDocNode(doc, NULL, (const xmlChar *)"uuid", (const xmlChar *)uuid);
	if (name != NULL)
		xmlAddNextSibling(name, node);
	else
		xmlAddChild(root, node);
	xmlDocDumpMemory(doc, &out, &len);
	result = g_strndup((const gchar *)out, (gsize)len);
	xmlFree(out);
	return result;
}

/* libvirt's schema message on one line, without its "cannot validate doc
 * against /usr/share/libvirt/schemas/domain.rng" header line. */
static gchar *
schema_complaint(const gchar *message)
{
	g_auto(GStrv) lines = g_strsplit(message != NULL ? message : "", "\n", -1);
	g_autoptr(GPtrArray) kept = g_ptr_array_new();

	for (guint i = 0; lines[i] != NULL; i++) {
		g_strstrip(lines[i]);
		if (*lines[i] == '\0' ||
		    g_str_has_prefix(lines[i], "XML document failed to validate"))
			continue;
		g_ptr_array_add(kept, lines[i]);
	}
	if (kept->len == 0)
		return g_strdup(lines[0] != NULL ? lines[0] : "");
	g_ptr_array_add(kept, NULL);
	return g_strjoinv("; ", (gchar **)kept->pdata);
}

/* Defines @xml as libvirt reads it: with the schema first, then, when only
 * the schema refused it, with libvirt's parser alone (*out_warning says so). */
static virDomainPtr
define_as_libvirt_reads(virConnectPtr conn, const gchar *xml, gchar **out_warning, GError **error)
{
	g_autoptr(GError) schema_error = NULL;
	g_autofree gchar *complaint = NULL;
	unsigned long version = 0;
	virDomainPtr dom = dkvm_virt_domain_define(conn, xml, &schema_error);

	if (dom != NULL)
		return dom;
	if (virGetLastErrorCode() != VIR_ERR_XML_INVALID_SCHEMA) {
		g_propagate_error(error, g_steal_pointer(&schema_error));
		return NULL;
	}
	complaint = schema_complaint(virGetLastErrorMessage());
	dom = dkvm_virt_domain_define_flags(conn, xml, 0, error);
	if (dom == NULL)
		return NULL;
	if (virConnectGetLibVersion(conn, &version) == 0 && version > 0)
		*out_warning = g_strdup_printf(
		        "libvirt %lu.%lu.%lu's schema refuses it (%s); defined as libvirt reads "
		        "it, without what this libvirt does not know",
		        version / 1000000, version / 1000 % 1000, version % 1000, complaint);
	else
		*out_warning = g_strdup_printf(
		        "libvirt's schema refuses it (%s); defined as libvirt reads it, without "
		        "what this libvirt does not know",
		        complaint);
	return dom;
}

static gboolean
import_file(virConnectPtr conn, DkvmImportResult *result, GError **error)
{
	g_autofree gchar *xml = NULL;
	g_autoptr(DkvmDomainXml) parsed = NULL;
	g_autoptr(virDomain) existing = NULL;
	g_autoptr(virDomain) dom = NULL;

	/* a regular file of at most virsh's size: a FIFO or a link to
	 * /dev/zero named *.xml must not hang or fill the memory */
	xml = dkvm_file_read_regular(result->file, DKVM_DOMAIN_FILE_MAX_BYTES, NULL, error);
	if (xml == NULL)
		return FALSE;
	/* libvirt would say the same, less clearly: check what DKVM relies on */
	parsed = dkvm_domain_xml_parse(xml, error);
	if (parsed == NULL)
		return FALSE;
	result->vm_name = g_strdup(parsed->name);
	if (!dkvm_spec_validate_name(parsed->name, error))
		return FALSE;
	existing = virDomainLookupByName(conn, parsed->name);
	result->updated = existing != NULL;
	if (existing != NULL && parsed->uuid == NULL) {
		g_autofree gchar *completed = with_existing_uuid(xml, existing, error);
		if (completed == NULL)
			return FALSE;
		g_free(xml);
		xml = g_steal_pointer(&completed);
	}
	dom = define_as_libvirt_reads(conn, xml, &result->warning, error);
	return dom != NULL;
}

static GPtrArray *
list_xml_files(const gchar *dir, GError **error)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) local_error = NULL;
	g_autoptr(GDir) d = g_dir_open(dir, 0, &local_error);
	const gchar *entry;

	if (d == NULL) {
		g_set_error(error, DKVM_ERROR,
		            g_error_matches(local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
		                    ? DKVM_ERROR_NOT_FOUND
		                    : DKVM_ERROR_IO,
		            "%s", local_error->message);
		return NULL;
	}
	while ((entry = g_dir_read_name(d)) != NULL) {
		g_autofree gchar *lower = g_ascii_strdown(entry, -1);
		/* FAT keeps whatever case the other PC's editor used */
		if (g_str_has_suffix(lower, ".xml") && entry[0] != '.')
			g_ptr_array_add(files, g_build_filename(dir, entry, NULL));
	}
	return g_steal_pointer(&files);
}

GPtrArray *
dkvm_virt_import(virConnectPtr conn, const gchar *path, GError **error)
{
	g_autoptr(GPtrArray) results =
	        g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_import_result_free);
	g_autoptr(GPtrArray) files = NULL;

	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		files = list_xml_files(path, error);
		if (files == NULL)
			return NULL;
		g_ptr_array_sort(files, dkvm_compare_strings);
	} else if (g_file_test(path, G_FILE_TEST_EXISTS)) {
		files = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(files, g_strdup(path));
	} else {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
		            "cannot import %s: no such file or directory", path);
		return NULL;
	}
	for (guint i = 0; i < files->len; i++) {
		DkvmImportResult *result = g_new0(DkvmImportResult, 1);
		result->file = g_strdup(g_ptr_array_index(files, i));
		import_file(conn, result, &result->error);
		g_ptr_array_add(results, result);
	}
	return g_steal_pointer(&results);
}

guint
dkvm_import_results_failed(GPtrArray *results, const DkvmImportResult **out_first)
{
	guint failed = 0;

	if (out_first != NULL)
		*out_first = NULL;
	for (guint i = 0; i < results->len; i++) {
		const DkvmImportResult *r = g_ptr_array_index(results, i);
		if (r->error == NULL)
			continue;
		if (failed == 0 && out_first != NULL)
			*out_first = r;
		failed++;
	}
	return failed;
}

GPtrArray *
dkvm_virt_export(virConnectPtr conn, const gchar *dir, GError **error)
{
	g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
	virDomainPtr *doms = NULL;
	gint n;
	gboolean ok = TRUE;

	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s", dir,
		            g_strerror(errno));
		return NULL;
	}
	n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
	if (n < 0) {
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, "cannot list the VMs");
		return NULL;
	}
	for (gint i = 0; i < n; i++) {
		if (ok) {
			g_autofree gchar *xml = dkvm_virt_domain_get_xml(doms[i], error);
			g_autofree gchar *file =
			        g_strdup_printf("%s.xml", virDomainGetName(doms[i]));
			g_autofree gchar *target = g_build_filename(dir, file, NULL);

			if (xml == NULL) {
				ok = FALSE;
			} else if (!dkvm_file_replace(target, xml, -1, error)) {
				ok = FALSE;
			} else {
				g_ptr_array_add(written, g_steal_pointer(&target));
			}
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	if (!ok)
		return NULL;
	g_ptr_array_sort(written, dkvm_compare_strings);
	return g_steal_pointer(&written);
}
