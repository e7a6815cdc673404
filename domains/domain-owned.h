/*
 * The table of what DKVM owns in a libvirt domain, after virtinst's
 * XMLProperty: one row per XPath, what kind of node it is and which spec or
 * plan field it comes from. Everything outside these rows belongs to the
 * person (or to libvirt) and is never changed; the tests use the table to
 * check exactly that, and README.md lists it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	DKVM_OWNED_TEXT,    /* an element's text */
	DKVM_OWNED_ATTR,    /* one attribute */
	DKVM_OWNED_ELEMENT, /* a whole element, rewritten or removed */
	DKVM_OWNED_DEVICE,  /* devices carrying a DKVM alias listed in the metadata */
} DkvmOwnedKind;

typedef struct {
	const gchar *xpath; /* from the document root; prefix dkvm: is DKVM's namespace */
	DkvmOwnedKind kind;
	const gchar *field; /* where the value comes from */
} DkvmOwnedXPath;

/* The rows, terminated by a row with xpath NULL. */
const DkvmOwnedXPath *dkvm_domain_owned_xpaths(void);

G_END_DECLS
