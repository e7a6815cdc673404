/*
 * dkvm: the scriptable CLI. Global options (--connect, --config) go before
 * the command (`dkvm --connect test:///default vm list`) or after it; the
 * command's own options after it. Errors are printed once, here, as
 * `dkvm: <what failed>: <why>`, and the exit status comes from the error
 * code (README.md, "Exit codes"). The commands that talk to libvirt load
 * the libvirt module when they first call frontend/vm (vm-api.h); listing
 * commands and naming unknown ones never loads it.
 */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dkvm-error.h"
#include "global-options.h"
#include "options-dump.h"
#include "quote.h"
#include "unknown-command.h"

#define SUMMARY                                                                                    \
	"Desktop KVM: desktop VMs with GPU passthrough, CPU pinning and hugepages on libvirt."

static const gchar *const footer =
        "Run `dkvm COMMAND --help` (or `dkvm help COMMAND`) for a command's options;\n"
        "`man dkvm` describes them all.\n"
        "Exit codes: 0 ok, 1 failure, 2 bad input, 3 not found,\n"
        "4 refused or not enough resources, 5 libvirt error,\n"
        "6 done but not saved (run `dkvm save`).";

static void
print_main_help(GOptionContext *ctx)
{
	g_autofree gchar *commands = dkvm_commands_describe(NULL);
	g_autofree gchar *description = g_strdup_printf("Commands:\n%s\n%s", commands, footer);
	g_autofree gchar *text = NULL;

	g_option_context_set_description(ctx, description);
	text = g_option_context_get_help(ctx, TRUE, NULL);
	g_print("%s", text);
}

static void
print_group_help(const gchar *group)
{
	g_autofree gchar *commands = dkvm_commands_describe(group);

	g_print("Usage:\n  dkvm %s COMMAND [ARGS...]\n\n%s commands:\n%s\n"
	        "Run `dkvm %s COMMAND --help` for a command's options.\n",
	        group, group, commands, group);
}

static gboolean
is_help(const gchar *arg)
{
	return g_strcmp0(arg, "--help") == 0 || g_strcmp0(arg, "-h") == 0 ||
	       g_strcmp0(arg, "help") == 0;
}

/* Runs @cmd (an entry of the command table) with @argc/@argv after its
 * words; argv[0] becomes "dkvm vm start". */
static gboolean
run_command(DkvmApp *app, const DkvmCmd *cmd, gint argc, gchar **argv, GError **error)
{
	g_autofree gchar *prgname = NULL;
	g_autofree gchar **cmd_argv = NULL;

	prgname = g_strdup_printf("dkvm %s", cmd->name);
	g_set_prgname(prgname);
	cmd_argv = g_new0(gchar *, argc + 2);
	cmd_argv[0] = prgname;
	for (gint i = 0; i < argc; i++)
		cmd_argv[i + 1] = argv[i];
	return cmd->run(app, argc + 1, cmd_argv, error);
}

/* @argv: the words after dkvm's global options, @argc >= 1. A group's name
 * alone ("vm") lists its commands. */
static gboolean
dispatch(DkvmApp *app, GOptionContext *ctx, gint argc, gchar **argv, GError **error)
{
	guint words = 0;
	const DkvmCmd *cmd;

	if (g_strcmp0(argv[0], "help") == 0) {
		if (argc == 1) {
			print_main_help(ctx);
			return TRUE;
		}
		/* `dkvm help vm start win11` too: the words after a command are its */
		cmd = dkvm_commands_match(argc - 1, argv + 1, &words);
		if (cmd != NULL) {
			gchar *help_arg[] = { "--help", NULL };
			return run_command(app, cmd, 1, help_arg, error);
		}
		if (argc == 2 && dkvm_commands_is_group(argv[1])) {
			print_group_help(argv[1]);
			return TRUE;
		}
		dkvm_unknown_command(argc - 1, argv + 1, error);
		return FALSE;
	}
	if (g_strcmp0(argv[0], "version") == 0) {
		if (argc > 1) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "version: expected no arguments, got %d", argc - 1);
			return FALSE;
		}
		g_print("dkvm %s\n", DKVM_VERSION);
		return TRUE;
	}
	cmd = dkvm_commands_match(argc, argv, &words);
	if (cmd != NULL)
		return run_command(app, cmd, argc - (gint)words, argv + words, error);
	if (dkvm_commands_is_group(argv[0])) {
		if (argc >= 2 && is_help(argv[1])) {
			print_group_help(argv[0]);
			return TRUE;
		}
		if (argc == 1 || argv[1][0] == '-') {
			print_group_help(argv[0]);
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
			            "%s: no command given (the %s commands are listed above)",
			            argv[0], argv[0]);
			return FALSE;
		}
	}
	dkvm_unknown_command(argc, argv, error);
	return FALSE;
}

static gboolean
dkvm_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean version = FALSE;
	gboolean help = FALSE;
	g_autofree gchar **given = NULL;
	gint given_count;
	gboolean dump_options = FALSE;
	/* dkvm's own options besides the global ones: before the command only */
	const GOptionEntry entries[] = {
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit",
		  NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show the commands and options", NULL },
		/* for the build: the man page and the completion (options-dump.h) */
		{ "dump-options", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &dump_options,
		  "Print every command's options as JSON", NULL },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("COMMAND [ARGS...]");
	/* the global options' callbacks get @app as the main group's data */
	GOptionGroup *main_group = g_option_group_new(NULL, NULL, NULL, app, NULL);

	g_option_group_add_entries(main_group, dkvm_global_option_entries());
	g_option_group_add_entries(main_group, entries);
	g_option_context_set_main_group(ctx, main_group);
	g_option_context_set_summary(ctx, SUMMARY);
	/* our own --help: the command list */
	g_option_context_set_help_enabled(ctx, FALSE);
	/* stop at the command: its options are its own */
	g_option_context_set_strict_posix(ctx, TRUE);
	/* the words as given, to name the option of a value GOption could not
	 * convert (it removes what it parsed from argv) */
	given_count = argc;
	given = g_memdup2(argv, sizeof(gchar *) * (gsize)(argc + 1));
	if (!g_option_context_parse(ctx, &argc, &argv, error)) {
		dkvm_cmd_explain_conversion(NULL, given_count, given, error);
		return FALSE;
	}

	if (version) {
		g_print("dkvm %s\n", DKVM_VERSION);
		return TRUE;
	}
	dkvm_app_get_connect_uri(app);
	dkvm_cmd_parse_set_app(app);
	if (dump_options)
		return dkvm_options_dump(app, entries, error);
	if (help) {
		print_main_help(ctx);
		return TRUE;
	}
	if (argc < 2) {
		print_main_help(ctx);
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID, "no command given");
		return FALSE;
	}
	return dispatch(app, ctx, argc - 1, argv + 1, error);
}

int
main(int argc, char **argv)
{
	g_autoptr(DkvmApp) app = dkvm_app_new();
	g_autoptr(GError) error = NULL;

	setlocale(LC_ALL, "");
	/* libvirt logs its warnings ("Ignoring vcpupin for missing vcpus", from
	 * the XML parser running in this process with the test driver) to
	 * stderr when no log output is set, and virSetErrorFunc does not reach
	 * them: the one-line error rule would break. They go to the system log
	 * instead; errors still come through the API and are shown by DKVM. Set
	 * here, before any thread and before libvirt (a module loaded later)
	 * reads the environment; an output the user set is kept. */
	g_setenv("LIBVIRT_LOG_OUTPUTS", "3:syslog:dkvm", FALSE);
	g_set_prgname("dkvm");
	/* libvirt's client writes to libvirtd's socket: when libvirtd dies
	 * under a command (a crash, a restart), that write must fail with an
	 * error dkvm reports and cleans up after (hugepages given back), not
	 * kill dkvm halfway. A closed stdout then fails writes too; the one
	 * endless writer, `vm monitor --watch`, ends on it. */
	signal(SIGPIPE, SIG_IGN);
	if (!dkvm_run(app, argc, argv, &error)) {
		/* no control character of a quoted input reaches the terminal */
		g_autofree gchar *message = dkvm_quote_message(error->message);
		fprintf(stderr, "dkvm: %s\n", message);
		return dkvm_error_exit_code(error);
	}
	return 0;
}
