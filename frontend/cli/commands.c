/*
 * The command table (see commands.h). Every command is in the binary; the
 * ones that talk to libvirt reach it through frontend/vm's workflows, which
 * load the libvirt module on their first call (vm-api.h), so that host
 * discovery, planning and listing commands never load libvirt and its ~50
 * libraries (about 14 MiB of memory).
 */
#include "commands.h"

#include <string.h>

#include "dkvm-error.h"

extern const DkvmCmd dkvm_cmd_host;
extern const DkvmCmd dkvm_cmd_host_cmdline;
extern const DkvmCmd dkvm_cmd_plan;
extern const DkvmCmd dkvm_cmd_vm_create;
extern const DkvmCmd dkvm_cmd_vm_edit;
extern const DkvmCmd dkvm_cmd_vm_list;
extern const DkvmCmd dkvm_cmd_vm_show;
extern const DkvmCmd dkvm_cmd_vm_xml;
extern const DkvmCmd dkvm_cmd_vm_start;
extern const DkvmCmd dkvm_cmd_vm_stop;
extern const DkvmCmd dkvm_cmd_vm_kill;
extern const DkvmCmd dkvm_cmd_vm_monitor;
extern const DkvmCmd dkvm_cmd_vm_autostart;
extern const DkvmCmd dkvm_cmd_vm_delete;
extern const DkvmCmd dkvm_cmd_vm_import;
extern const DkvmCmd dkvm_cmd_vm_export;
extern const DkvmCmd dkvm_cmd_save;
extern const DkvmCmd dkvm_cmd_power_button;
extern const DkvmCmd dkvm_cmd_power_off;
extern const DkvmCmd dkvm_cmd_power_reboot;
extern const DkvmCmd dkvm_cmd_usb_follow;
extern const DkvmCmd dkvm_cmd_menu;
extern const DkvmCmd dkvm_cmd_host_bind_early;
extern const DkvmCmd dkvm_cmd_host_boot_hugepages;

const DkvmCmd *const dkvm_commands[] = {
	&dkvm_cmd_host,
	&dkvm_cmd_host_cmdline,
	&dkvm_cmd_host_bind_early,
	&dkvm_cmd_host_boot_hugepages,
	&dkvm_cmd_plan,
	&dkvm_cmd_vm_create,
	&dkvm_cmd_vm_edit,
	&dkvm_cmd_vm_list,
	&dkvm_cmd_vm_show,
	&dkvm_cmd_vm_xml,
	&dkvm_cmd_vm_start,
	&dkvm_cmd_vm_stop,
	&dkvm_cmd_vm_kill,
	&dkvm_cmd_vm_monitor,
	&dkvm_cmd_vm_autostart,
	&dkvm_cmd_vm_delete,
	&dkvm_cmd_vm_import,
	&dkvm_cmd_vm_export,
	&dkvm_cmd_save,
	&dkvm_cmd_power_button,
	&dkvm_cmd_power_off,
	&dkvm_cmd_power_reboot,
	&dkvm_cmd_usb_follow,
	&dkvm_cmd_menu,
	NULL,
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
