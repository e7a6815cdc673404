/*
 * Domain files in a directory (the stick's domains/ folder, editable on any
 * PC): import defines each *.xml on its own, as libvirt reads it, so one bad
 * file is reported and skipped while the others still import; a file that
 * only this libvirt's schema refuses (written by a newer libvirt) is defined
 * with a warning;
 * export writes each VM's persistent definition to DIR/NAME.xml atomically.
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

typedef struct {
	gchar *file;      /* the path as found */
	gchar *vm_name;   /* NULL when the file did not say */
	gboolean updated; /* TRUE: a VM of that name existed and was redefined */
	gchar *warning;   /* NULL, or the schema's complaint about a file libvirt defined */
	GError *error;    /* NULL when imported */
} DkvmImportResult;

void dkvm_import_result_free(DkvmImportResult *self);

/*
 * Imports @path: a file, or every *.xml in a directory (sorted by name).
 * Returns one DkvmImportResult per file, failures included; NULL with @error
 * only when @path itself cannot be read. A file is never half-applied: it is
 * either defined whole or not at all. Each file is defined with libvirt's
 * schema validation; when only the schema refuses it, it is defined the way
 * `virsh define` does (libvirt's parser, which leaves out what this libvirt
 * does not know) and the result's warning quotes the schema's complaint.
 * Only a file libvirt itself refuses is an error.
 */
GPtrArray *dkvm_virt_import(virConnectPtr conn, const gchar *path, GError **error);

/* How many results failed; *out_first (optional) gets the first failure. */
guint dkvm_import_results_failed(GPtrArray *results, const DkvmImportResult **out_first);

/*
 * Writes every persistent VM's inactive XML to @dir/NAME.xml, each through a
 * temporary file renamed over the old one (@dir is created if needed).
 * Returns the written paths (gchar*).
 */
GPtrArray *dkvm_virt_export(virConnectPtr conn, const gchar *dir, GError **error);

G_END_DECLS
