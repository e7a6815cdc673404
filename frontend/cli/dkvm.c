/*
 * dkvm: the scriptable CLI. Global options come before the command
 * (`dkvm --connect test:///default vm list`); the command's own options after
 * it. Errors are printed once, here, as `dkvm: <what failed>: <why>`, and the
 * exit status comes from the error code (README.md, "Exit codes").
 * Commands that talk to libvirt come from the libvirt module, loaded only
 * when one of them runs (commands.c says why).
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "dkvm-error.h"

static void
describe_table(GString *out, const DkvmCmd *const *table)
{
	for (guint i = 0; table != NULL && table[i] != NULL; i++) {
		const DkvmCmd *cmd = table[i];
		g_autofree gchar *usage = g_strdup_printf("%s %s", cmd->name, cmd->args);
		/* a long usage gets its own line, so the summaries stay in one column */
		if (strlen(usage) > 34)
			g_string_append_printf(out, "  %s\n  %-34s %s\n", usage, "", cmd->summary);
		else
			g_string_append_printf(out, "  %-34s %s\n", usage, cmd->summary);
	}
}

/* The command list of --help: the built-in commands, then the module's. */
static gchar *
dkvm_commands_describe(void)
{
	g_autoptr(GString) out = g_string_new("Commands:\n");
	g_autoptr(GError) error = NULL;
	const DkvmCmd *const *module = dkvm_commands_load_module(&error);

	describe_table(out, dkvm_commands);
	describe_table(out, module);
	if (module == NULL)
		g_string_append_printf(out, "  (the vm commands are missing: %s)\n",
		                       error->message);
	g_string_append(out, "\nRun `dkvm COMMAND --help` for a command's options.\n"
	                     "Exit codes: 0 ok, 1 failure, 2 bad input, 3 not found,\n"
	                     "4 refused or not enough resources, 5 libvirt error,\n"
	                     "6 done but not saved (run `dkvm save`).");
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* Longest match of @table's names against the words on the command line,
 * so "vm start" wins over a hypothetical "vm". Sets the number of words. */
static const DkvmCmd *
find_in_table(const DkvmCmd *const *table, gint argc, gchar **argv, guint *out_words)
{
	const DkvmCmd *best = NULL;
	guint best_words = 0;

	for (guint i = 0; table[i] != NULL; i++) {
		g_auto(GStrv) words = g_strsplit(table[i]->name, " ", -1);
		guint n = g_strv_length(words);
		gboolean match = n <= (guint)argc;
		for (guint w = 0; match && w < n; w++)
			match = g_strcmp0(words[w], argv[w]) == 0;
		if (match && n > best_words) {
			best = table[i];
			best_words = n;
		}
	}
	*out_words = best_words;
	return best;
}

/* A built-in command, else one of the libvirt module (loaded only then). */
static const DkvmCmd *
dkvm_commands_find(gint argc, gchar **argv, guint *out_words, GError **error)
{
	const DkvmCmd *cmd = find_in_table(dkvm_commands, argc, argv, out_words);
	const DkvmCmd *const *module;

	if (cmd != NULL)
		return cmd;
	module = dkvm_commands_load_module(error);
	if (module == NULL)
		return NULL;
	cmd = find_in_table(module, argc, argv, out_words);
	if (cmd == NULL)
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "unknown command '%s' (see dkvm --help)", argv[0]);
	return cmd;
}

static gboolean
dkvm_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean version = FALSE;
	gboolean help = FALSE;
	g_autofree gchar *uri = NULL;
	g_autofree gchar *config = NULL;
	const GOptionEntry entries[] = {
		{ "connect", 'c', 0, G_OPTION_ARG_STRING, &uri,
		  "libvirt URI (default: $LIBVIRT_DEFAULT_URI, else qemu:///system)", "URI" },
		{ "config", 0, 0, G_OPTION_ARG_FILENAME, &config,
		  "Host settings file (default: /etc/dkvm/dkvm.conf)", "FILE" },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit",
		  NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show the commands and options", NULL },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("COMMAND [ARGS...]");

	g_option_context_set_summary(ctx, "Desktop KVM: desktop VMs with GPU passthrough, CPU "
	                                  "pinning and hugepages on libvirt.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	/* our own --help: the command list needs the libvirt module, which only
	 * --help and the vm commands load */
	g_option_context_set_help_enabled(ctx, FALSE);
	/* stop at the command: its options are its own */
	g_option_context_set_strict_posix(ctx, TRUE);
	if (!g_option_context_parse(ctx, &argc, &argv, error))
		return FALSE;

	if (version) {
		g_print("dkvm %s\n", DKVM_VERSION);
		return TRUE;
	}
	app->connect_uri = g_steal_pointer(&uri);
	app->config_path = g_steal_pointer(&config);
	dkvm_app_get_connect_uri(app);

	if (help || argc < 2 || g_strcmp0(argv[1], "help") == 0) {
		g_autofree gchar *description = dkvm_commands_describe();
		g_autofree gchar *text = NULL;
		g_option_context_set_description(ctx, description);
		text = g_option_context_get_help(ctx, TRUE, NULL);
		g_print("%s", text);
		if (!help && argc < 2) {
			g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			                    "no command given");
			return FALSE;
		}
		return TRUE;
	}

	guint words = 0;
	const DkvmCmd *cmd = dkvm_commands_find(argc - 1, argv + 1, &words, error);
	if (cmd == NULL)
		return FALSE;

	/* The command sees argv[0] = "dkvm vm start" and then its arguments. */
	g_autofree gchar *prgname = g_strdup_printf("dkvm %s", cmd->name);
	g_set_prgname(prgname);
	gint cmd_argc = argc - (gint)words;
	g_autofree gchar **cmd_argv = g_new0(gchar *, cmd_argc + 1);
	cmd_argv[0] = prgname;
	for (gint i = 1; i < cmd_argc; i++)
		cmd_argv[i] = argv[i + (gint)words];
	return cmd->run(app, cmd_argc, cmd_argv, error);
}

int
main(int argc, char **argv)
{
	g_autoptr(DkvmApp) app = dkvm_app_new();
	g_autoptr(GError) error = NULL;

	setlocale(LC_ALL, "");
	g_set_prgname("dkvm");
	if (!dkvm_run(app, argc, argv, &error)) {
		fprintf(stderr, "dkvm: %s\n", error->message);
		return dkvm_error_exit_code(error);
	}
	return 0;
}
