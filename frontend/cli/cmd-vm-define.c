/*
 * Print or define a domain DKVM built, then persist: the common tail of
 * create and edit, so both report plans, warnings and unsaved changes with
 * the same words.
 */
#include "cmd-vm-define.h"

#include <stdio.h>

#include "cmd-vm-common.h"
#include "virt-domain.h"
#include "virt-preflight.h"

gboolean
dkvm_cmd_vm_define_or_print(DkvmApp *app, const gchar *name, const gchar *xml, const DkvmPlan *plan,
                            gboolean print_xml, const gchar *verb, GError **error)
{
	g_autofree gchar *text = dkvm_plan_to_text(plan);
	g_autoptr(virDomain) dom = NULL;
	virConnectPtr conn;

	if (print_xml) {
		fputs(text, stderr);
		fputs(xml, stdout);
		return TRUE;
	}
	conn = dkvm_app_get_connection(app, error);
	if (conn == NULL)
		return FALSE;
	/* the files it names must be there before it is defined (a preview with
	 * --print-xml above does not check: an ISO may come later) */
	if (!dkvm_virt_preflight_local_files(conn, xml, error)) {
		g_prefix_error(error, "VM '%s' not %s: ", name, verb);
		return FALSE;
	}
	dom = dkvm_virt_domain_define(conn, xml, error);
	if (dom == NULL)
		return FALSE;
	/* the plan is shown once it is in force, as the command's output; stderr
	 * keeps to errors so a refusal or an unsaved change is one clean message */
	g_print("%s", text);
	g_print("VM '%s' %s\n", name, verb);
	return dkvm_cmd_vm_persist(app, error);
}
