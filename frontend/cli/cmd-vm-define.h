/*
 * The last step shared by `dkvm vm create` and `dkvm vm edit`: print the
 * domain (--print-xml, nothing changes) or define it through libvirt and
 * persist the change. libvirt replaces a definition as a whole or not at
 * all, so a refused edit leaves the old definition exactly as it was.
 */
#pragma once

#include <glib.h>

#include "app.h"
#include "plan.h"

G_BEGIN_DECLS

/*
 * With @print_xml prints the plan (with its warnings) to stderr and @xml to
 * stdout; else defines @xml with validation, prints the plan to stdout, and
 * persists. @verb says
 * what happened in the success line ("created", "changed").
 */
gboolean dkvm_cmd_vm_define_or_print(DkvmApp *app, const gchar *name, const gchar *xml,
                                     const DkvmPlan *plan, gboolean print_xml, const gchar *verb,
                                     GError **error);

G_END_DECLS
