/*
 * Domain files on the stick's domains/ folder: import (each file defined
 * whole or not at all; a bad file is reported and skipped while the good ones
 * stay imported, so a boot never loses every VM over one bad edit) and
 * export.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

typedef struct {
	gchar *file;      /* the path as found */
	gchar *vm_name;   /* NULL when the file did not say */
	gboolean updated; /* a VM of that name existed and was redefined */
	gchar *warning;   /* NULL, or this libvirt's schema's complaint about a file it defined */
	GError *error;    /* NULL when imported */
} DkvmVmImportFile;

typedef struct {
	GPtrArray *files;  /* DkvmVmImportFile*, sorted by file name */
	guint failed;      /* how many were skipped */
	GError *not_saved; /* something was imported, but persisting failed */
} DkvmVmImport;

void dkvm_vm_import_free(DkvmVmImport *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmVmImport, dkvm_vm_import_free)

/* Imports @path, a file or every *.xml in a directory; NULL with @error only
 * when @path itself cannot be read. Persists when anything was imported. */
DkvmVmImport *dkvm_vm_import(DkvmApp *app, const gchar *path, GError **error);

/* The first skipped file's error (NULL when none). */
const GError *dkvm_vm_import_first_error(const DkvmVmImport *self);

/* Writes every VM's domain XML to @dir/NAME.xml; the paths written (gchar*). */
GPtrArray *dkvm_vm_export(DkvmApp *app, const gchar *dir, GError **error);

G_END_DECLS
