/* test-domain-owned-strip.h: the owned rows taken out of a domain. */
#include <glib.h>

#include "domain-owned.h"
#include "domain-tree.h"
#include "test-domain-owned-strip.h"

typedef struct {
	xmlNode *node;
	DkvmOwnedKind kind;
} OwnedNode;

/* An ancestor of @node is removed too: freeing @node again would be a
 * double free, and it goes with the ancestor anyway. */
static gboolean
goes_with_an_ancestor(xmlNode *node, GHashTable *doomed)
{
	for (xmlNode *p = node->parent; p != NULL; p = p->parent) {
		if (g_hash_table_contains(doomed, p))
			return TRUE;
	}
	return FALSE;
}

static void
remove_empty(xmlNode *node)
{
	xmlNode *n = node->children;
	while (n != NULL) {
		xmlNode *next = n->next;
		if (n->type == XML_ELEMENT_NODE) {
			remove_empty(n);
			if (n->children == NULL && n->properties == NULL && n->nsDef == NULL)
				dkvm_tree_remove(n);
		}
		n = next;
	}
}

void
dkvm_test_strip_owned(xmlDoc *doc)
{
	const DkvmOwnedXPath *rows = dkvm_domain_owned_xpaths();
	g_autoptr(GArray) owned = g_array_new(FALSE, FALSE, sizeof(OwnedNode));
	g_autoptr(GHashTable) doomed = g_hash_table_new(NULL, NULL);

	for (guint i = 0; rows[i].xpath != NULL; i++) {
		g_autoptr(GPtrArray) nodes = dkvm_tree_find(doc, rows[i].xpath);
		for (guint j = 0; j < nodes->len; j++) {
			OwnedNode o = { g_ptr_array_index(nodes, j), rows[i].kind };
			if (g_hash_table_add(doomed, o.node))
				g_array_append_val(owned, o);
		}
	}
	for (guint i = 0; i < owned->len; i++) {
		const OwnedNode *o = &g_array_index(owned, OwnedNode, i);
		if (goes_with_an_ancestor(o->node, doomed))
			continue;
		if (o->node->type == XML_ATTRIBUTE_NODE)
			xmlRemoveProp((xmlAttr *)o->node);
		else if (o->kind == DKVM_OWNED_TEXT || o->node->type == XML_ELEMENT_NODE)
			dkvm_tree_remove(o->node);
	}
	remove_empty(xmlDocGetRootElement(doc));
}
