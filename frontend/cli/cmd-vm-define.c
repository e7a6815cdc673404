/*
 * Printing what create or edit made (see cmd-vm-define.h), so both report
 * plans, warnings and unsaved changes with the same words.
 */
#include "cmd-vm-define.h"

#include <stdio.h>

#include "cmd-vm-common.h"

gboolean
dkvm_cmd_vm_print_build(const DkvmVmBuild *build, gboolean print_xml, const gchar *verb,
                        GError **error)
{
	g_autofree gchar *text = dkvm_plan_to_text(build->plan);

	if (print_xml) {
		fputs(text, stderr);
		fputs(build->xml, stdout);
		return TRUE;
	}
	/* the plan is shown once it is in force, as the command's output; stderr
	 * keeps to errors so a refusal or an unsaved change is one clean message */
	g_print("%s", text);
	g_print("VM '%s' %s\n", build->name, verb);
	return dkvm_cmd_vm_not_saved(build->not_saved, error);
}
