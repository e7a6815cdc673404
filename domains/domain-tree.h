/*
 * Small libxml2 tree helpers shared by the domain-* files: find, create in
 * libvirt's element order, set, remove. Every DKVM change to a domain goes
 * through these so that new elements land where libvirt itself would put
 * them (a diff against `virsh dumpxml` stays readable) and nothing is ever
 * built by string concatenation.
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)

/*
 * The one reader of libvirt domain documents in DKVM: well-formed XML whose
 * root is <domain> (any domain type), parsed without network access, entity
 * loading or ignorable blanks. DKVM_ERROR_INVALID "invalid domain XML: ..."
 * with libxml2's line and reason otherwise.
 */
xmlDoc *dkvm_tree_read_domain(const gchar *xml, GError **error);

/* First element child of @parent called @name (no namespace), NULL if none. */
xmlNode *dkvm_tree_child(xmlNode *parent, const gchar *name);

/* First element child called @name whose attribute @attr equals @value. */
xmlNode *dkvm_tree_child_with(xmlNode *parent, const gchar *name, const gchar *attr,
                              const gchar *value);

/* The child called @name, created at its place in libvirt's order if absent. */
xmlNode *dkvm_tree_ensure(xmlNode *parent, const gchar *name);

/* A new child called @name at its place in libvirt's order: after the last
 * sibling of the same name, else before the first sibling that comes later. */
xmlNode *dkvm_tree_add(xmlNode *parent, const gchar *name);

/* Inserts an unlinked @node at its place (as dkvm_tree_add). */
void dkvm_tree_insert(xmlNode *parent, xmlNode *node);

/* Sets (or with @value NULL removes) an attribute. */
void dkvm_tree_set(xmlNode *node, const gchar *attr, const gchar *value);
void dkvm_tree_set_printf(xmlNode *node, const gchar *attr, const gchar *fmt, ...)
        G_GNUC_PRINTF(3, 4);

/* The attribute's value (owned by the caller), NULL when absent. */
gchar *dkvm_tree_get(xmlNode *node, const gchar *attr);

/* The element's text, trimmed (owned by the caller), NULL when absent. */
gchar *dkvm_tree_text(xmlNode *node);

/* Replaces the element's content by @text. */
void dkvm_tree_set_text(xmlNode *node, const gchar *text);

/* Unlinks and frees @node (NULL is fine). */
void dkvm_tree_remove(xmlNode *node);

/* Removes every element child called @name; returns how many. */
guint dkvm_tree_remove_all(xmlNode *parent, const gchar *name);

/* Removes @node when it has no element children and no attributes. */
void dkvm_tree_remove_if_empty(xmlNode *node);

/* Element nodes matching @xpath under the document root (a new array of
 * borrowed xmlNode*, possibly empty). The dkvm and qemu prefixes are
 * registered. */
GPtrArray *dkvm_tree_find(xmlDoc *doc, const gchar *xpath);

/* The canonical host address "0000:01:00.0" of a PCI <address domain= bus=
 * slot= function=> (libvirt's 0x.. hex or decimal); NULL @address gives
 * 0000:00:00.0. */
gchar *dkvm_tree_pci_address(xmlNode *address);

/* Parses an unsigned decimal attribute/text; FALSE when absent or bad. */
gboolean dkvm_tree_get_uint(xmlNode *node, const gchar *attr, guint64 *out);

G_END_DECLS
