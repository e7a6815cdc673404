/*
 * New disk images through libvirt's storage API (virt-storage.h). The pool
 * and volume documents are libxml2 trees. A pool libvirt already has on the
 * directory is used as it is (libvirt refuses a second pool on the same
 * path); otherwise a transient `dir` pool lives only as long as this call,
 * so nothing is left defined in libvirt.
 */
#include "virt-storage.h"

#include <string.h>

#include <libxml/parser.h>

#include "dkvm-error.h"
#include "domain-tree.h"
#include "virt-connection.h"

static gchar *
doc_to_string(xmlDoc *doc)
{
	xmlChar *out = NULL;
	int len = 0;
	gchar *result;

	xmlDocDumpMemory(doc, &out, &len);
	result = g_strndup((const gchar *)out, (gsize)len);
	xmlFree(out);
	return result;
}

static xmlNode *
add_text_child(xmlNode *parent, const gchar *name, const gchar *text)
{
	return xmlNewTextChild(parent, NULL, (const xmlChar *)name, (const xmlChar *)text);
}

/* <pool type='dir'><name>NAME</name><target><path>DIR</path></target></pool> */
static gchar *
pool_xml(const gchar *name, const gchar *dir)
{
	g_autoptr(xmlDoc) doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *pool = xmlNewNode(NULL, (const xmlChar *)"pool");
	xmlNode *target;

	xmlDocSetRootElement(doc, pool);
	dkvm_tree_set(pool, "type", "dir");
	add_text_child(pool, "name", name);
	target = xmlNewChild(pool, NULL, (const xmlChar *)"target", NULL);
	add_text_child(target, "path", dir);
	return doc_to_string(doc);
}

static gchar *
volume_xml(const gchar *name, guint64 size_bytes)
{
	g_autoptr(xmlDoc) doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNode *vol = xmlNewNode(NULL, (const xmlChar *)"volume");
	xmlNode *capacity, *target, *format;
	g_autofree gchar *size = g_strdup_printf("%" G_GUINT64_FORMAT, size_bytes);

	xmlDocSetRootElement(doc, vol);
	add_text_child(vol, "name", name);
	capacity = add_text_child(vol, "capacity", size);
	dkvm_tree_set(capacity, "unit", "bytes");
	target = xmlNewChild(vol, NULL, (const xmlChar *)"target", NULL);
	format = xmlNewChild(target, NULL, (const xmlChar *)"format", NULL);
	dkvm_tree_set(format, "type", "qcow2");
	return doc_to_string(doc);
}

/* The target path of @pool, NULL when its document cannot be read. */
static gchar *
pool_path(virStoragePoolPtr pool)
{
	g_autofree gchar *xml = virStoragePoolGetXMLDesc(pool, 0);
	g_autoptr(xmlDoc) doc = NULL;
	xmlNode *root, *target;

	if (xml == NULL)
		return NULL;
	doc = xmlReadMemory(xml, (int)strlen(xml), "pool.xml", NULL, XML_PARSE_NONET);
	root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	target = root != NULL ? dkvm_tree_child(root, "target") : NULL;
	return target != NULL ? dkvm_tree_text(dkvm_tree_child(target, "path")) : NULL;
}

/* An active pool of libvirt's whose directory is @dir, NULL if none. */
static virStoragePoolPtr
find_pool_on(virConnectPtr conn, const gchar *dir)
{
	virStoragePoolPtr *pools = NULL;
	virStoragePoolPtr found = NULL;
	int count =
	        virConnectListAllStoragePools(conn, &pools, VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);

	for (int i = 0; i < count; i++) {
		g_autofree gchar *path = found == NULL ? pool_path(pools[i]) : NULL;
		g_autofree gchar *canon_path =
		        path != NULL ? g_canonicalize_filename(path, "/") : NULL;
		g_autofree gchar *canon_dir = g_canonicalize_filename(dir, "/");

		if (found == NULL && g_strcmp0(canon_path, canon_dir) == 0)
			found = pools[i];
		else
			virStoragePoolFree(pools[i]);
	}
	free(pools);
	return found;
}

gchar *
dkvm_virt_storage_create_qcow2(virConnectPtr conn, const gchar *dir, const gchar *name,
                               guint64 size_bytes, GError **error)
{
	g_autoptr(virStoragePool) pool = NULL;
	g_autoptr(virStorageVol) vol = NULL;
	g_autofree gchar *xml = NULL;
	g_autofree gchar *what = g_strdup_printf("cannot create the image %s in %s", name, dir);
	gboolean transient = FALSE;
	gchar *path;
	gchar *result;

	pool = find_pool_on(conn, dir);
	if (pool != NULL) {
		/* a file made behind libvirt's back would otherwise be unknown to it
		 * and overwritten rather than refused */
		if (virStoragePoolRefresh(pool, 0) < 0) {
			dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, what);
			return NULL;
		}
	} else {
		g_autofree gchar *pool_name =
		        g_strdup_printf("dkvm-new-image-%u", (guint)g_random_int());
		g_autofree gchar *pxml = pool_xml(pool_name, dir);

		pool = virStoragePoolCreateXML(conn, pxml, 0);
		if (pool == NULL) {
			dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, what);
			return NULL;
		}
		transient = TRUE;
	}
	xml = volume_xml(name, size_bytes);
	vol = virStorageVolCreateXML(pool, xml, 0);
	path = vol != NULL ? virStorageVolGetPath(vol) : NULL;
	if (path == NULL) {
		g_autoptr(virError) saved = dkvm_virt_save_error();
		if (transient)
			virStoragePoolDestroy(pool);
		dkvm_virt_set_saved_error(error, DKVM_ERROR_LIBVIRT, saved, what);
		return NULL;
	}
	/* the transient pool goes; the file it made stays */
	if (transient)
		virStoragePoolDestroy(pool);
	result = g_strdup(path);
	free(path); /* libvirt's, from malloc */
	return result;
}
