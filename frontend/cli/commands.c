/*
 * The command table (see commands.h). The commands built into the binary
 * never talk to libvirt (host discovery and planning), so that running them
 * does not load libvirt and its ~50 libraries (about 14 MiB of memory).
 * Every other command lives in the libvirt module, loaded on first use; its
 * name, usage and summary are repeated here (the build checks them, see
 * commands.h) so that listing commands never needs the module.
 */
#include "commands.h"

#include <string.h>

#include "dkvm-error.h"

extern const DkvmCmd dkvm_cmd_host;
extern const DkvmCmd dkvm_cmd_plan;

#define MODULE_COMMAND(var, cmd_name, cmd_args, cmd_summary)                                       \
	static const DkvmCmd var = {                                                               \
		.name = cmd_name,                                                                  \
		.args = cmd_args,                                                                  \
		.summary = cmd_summary,                                                            \
		.run = NULL,                                                                       \
	}

MODULE_COMMAND(vm_create, "vm create", "NAME [VM options] [--print-xml]",
               "Create a VM from a preset, tuned for this host");
MODULE_COMMAND(vm_edit, "vm edit", "NAME [VM options] [--print-xml]",
               "Change a VM's settings; everything not given stays as it is");
MODULE_COMMAND(vm_list, "vm list", "[--json]",
               "List the VMs with their state, vCPUs, memory and autostart");
MODULE_COMMAND(vm_show, "vm show", "NAME [--json]",
               "Show one VM: state, memory, hugepages, devices, disks");
MODULE_COMMAND(vm_xml, "vm xml", "NAME",
               "Print the VM's libvirt domain XML (its persistent definition)");
MODULE_COMMAND(vm_start, "vm start", "NAME",
               "Start a VM (reserves its hugepages, checks its devices)");
MODULE_COMMAND(vm_stop, "vm stop", "NAME [--timeout S] [--force]",
               "Shut a VM down (ACPI), power it off after the timeout with --force");
MODULE_COMMAND(vm_kill, "vm kill", "NAME", "Power a VM off at once, like pulling its power cord");
MODULE_COMMAND(vm_monitor, "vm monitor", "NAME [--json] [--watch]",
               "Show a VM's vCPU threads, the host CPUs they run on, pinning, hugepages");
MODULE_COMMAND(vm_autostart, "vm autostart", "NAME [--disable] [--default]",
               "Start a VM when the host boots; --default: the boot countdown's VM");
MODULE_COMMAND(vm_delete, "vm delete", "NAME [--remove-storage] [--yes]",
               "Delete a VM with its NVRAM and TPM state (disks only on request)");
MODULE_COMMAND(vm_import, "vm import", "DIR|FILE",
               "Define VMs from domain XML files; a bad file is reported and skipped");
MODULE_COMMAND(vm_export, "vm export", "DIR", "Write every VM's domain XML to DIR/NAME.xml");
MODULE_COMMAND(save, "save", "", "Save the host's configuration to the boot stick (lbu commit)");

const DkvmCmd *const dkvm_commands[] = {
	&dkvm_cmd_host, &dkvm_cmd_plan, &vm_create, &vm_edit, &vm_list,    &vm_show,
	&vm_xml,        &vm_start,      &vm_stop,   &vm_kill, &vm_monitor, &vm_autostart,
	&vm_delete,     &vm_import,     &vm_export, &save,    NULL,
};

const DkvmCmd *
dkvm_commands_match(gint argc, gchar **argv, guint *out_words)
{
	const DkvmCmd *best = NULL;
	guint best_words = 0;

	for (guint i = 0; dkvm_commands[i] != NULL; i++) {
		g_auto(GStrv) words = g_strsplit(dkvm_commands[i]->name, " ", -1);
		guint n = g_strv_length(words);
		gboolean match = n <= (guint)argc;
		for (guint w = 0; match && w < n; w++)
			match = g_strcmp0(words[w], argv[w]) == 0;
		if (match && n > best_words) {
			best = dkvm_commands[i];
			best_words = n;
		}
	}
	*out_words = best_words;
	return best;
}

gboolean
dkvm_commands_is_group(const gchar *word)
{
	gsize len = strlen(word);

	for (guint i = 0; dkvm_commands[i] != NULL; i++) {
		const gchar *name = dkvm_commands[i]->name;
		if (len > 0 && strncmp(name, word, len) == 0 && name[len] == ' ')
			return TRUE;
	}
	return FALSE;
}

const DkvmCmd *
dkvm_commands_resolve(const DkvmCmd *cmd, GError **error)
{
	const DkvmCmd *const *module;

	if (cmd->run != NULL)
		return cmd;
	module = dkvm_commands_load_module(error);
	if (module == NULL)
		return NULL;
	for (guint i = 0; module[i] != NULL; i++)
		if (g_strcmp0(module[i]->name, cmd->name) == 0)
			return module[i];
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED,
	            "the libvirt module has no command '%s'\n"
	            "hint: the module does not belong to this dkvm binary; install dkvm "
	            "completely",
	            cmd->name);
	return NULL;
}

gchar *
dkvm_commands_describe(const gchar *group)
{
	g_autoptr(GString) out = g_string_new(NULL);
	gsize group_len = group != NULL ? strlen(group) : 0;

	for (guint i = 0; dkvm_commands[i] != NULL; i++) {
		const DkvmCmd *cmd = dkvm_commands[i];
		g_autofree gchar *usage = NULL;

		if (group != NULL &&
		    (strncmp(cmd->name, group, group_len) != 0 || cmd->name[group_len] != ' '))
			continue;
		usage = g_strdup_printf("%s %s", cmd->name, cmd->args);
		g_strchomp(usage);
		/* a long usage gets its own line, so the summaries stay in one column */
		if (strlen(usage) > 34)
			g_string_append_printf(out, "  %s\n  %-34s %s\n", usage, "", cmd->summary);
		else
			g_string_append_printf(out, "  %-34s %s\n", usage, cmd->summary);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}
