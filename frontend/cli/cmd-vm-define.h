/*
 * The output shared by `dkvm vm create` and `dkvm vm edit`: with --print-xml
 * the plan (with its warnings) on stderr and the domain XML on stdout, so
 * `... --print-xml > vm.xml` gives a clean file; else the plan in force and
 * what happened, then an unsaved change as the error.
 */
#pragma once

#include <glib.h>

#include "vm-define.h"

G_BEGIN_DECLS

/* @verb says what happened in the success line ("created", "changed"). */
gboolean dkvm_cmd_vm_print_build(const DkvmVmBuild *build, gboolean print_xml, const gchar *verb,
                                 GError **error);

G_END_DECLS
