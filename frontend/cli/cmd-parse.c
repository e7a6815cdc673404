/*
 * Option handling shared by every command: each command owns a GOptionEntry
 * table and hands it here, so usage, --help and error wording are the same
 * everywhere, and every command takes the global options after its name.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "dkvm-error.h"
#include "global-options.h"
#include "quote.h"
#include "suggest.h"

static DkvmApp *global_app;
static DkvmCmdOptionSink option_sink;
static gpointer option_sink_data;

void
dkvm_cmd_parse_set_app(DkvmApp *app)
{
	global_app = app;
}

void
dkvm_cmd_parse_set_sink(DkvmCmdOptionSink sink, gpointer data)
{
	option_sink = sink;
	option_sink_data = data;
}

static void
add_names(GPtrArray *names, const GOptionEntry *entries, gboolean with_hidden)
{
	for (guint i = 0; entries != NULL && entries[i].long_name != NULL; i++)
		if (with_hidden || (entries[i].flags & G_OPTION_FLAG_HIDDEN) == 0)
			g_ptr_array_add(names, (gpointer)entries[i].long_name);
}

/* The long option names @cmd takes (GOption's own --help ones too). */
static GPtrArray *
known_names(const GOptionEntry *entries, gboolean with_hidden)
{
	GPtrArray *names = g_ptr_array_new();

	add_names(names, entries, with_hidden);
	if (global_app != NULL)
		add_names(names, dkvm_global_option_entries(), with_hidden);
	g_ptr_array_add(names, "help");
	g_ptr_array_add(names, "help-all");
	if (global_app != NULL)
		g_ptr_array_add(names, "help-global");
	g_ptr_array_add(names, NULL);
	return names;
}

/* The first --option in @argv that @entries do not know, without "--" and
 * "=VALUE"; NULL when there is none (then GOption objected to a short one). */
static gchar *
first_unknown_option(gint argc, gchar **argv, const GOptionEntry *entries)
{
	g_autoptr(GPtrArray) known = known_names(entries, TRUE);

	for (gint i = 1; i < argc; i++) {
		const gchar *arg = argv[i];
		g_autofree gchar *name = NULL;
		if (g_strcmp0(arg, "--") == 0)
			break;
		if (!g_str_has_prefix(arg, "--"))
			continue;
		name = g_strndup(arg + 2, strcspn(arg + 2, "="));
		if (!g_strv_contains((const gchar *const *)known->pdata, name))
			return g_steal_pointer(&name);
	}
	return NULL;
}

/* "unknown option --vcpu" with a hint, in place of GOption's wording. */
static void
explain_unknown_option(const DkvmCmd *cmd, const gchar *name, const GOptionEntry *entries,
                       GError **error)
{
	g_autoptr(GPtrArray) known = known_names(entries, FALSE);
	const gchar *close = dkvm_suggest(name, (const gchar *const *)known->pdata);
	g_autofree gchar *hint = NULL;

	if (g_strcmp0(name, "version") == 0)
		hint = g_strdup("--version goes before the command: `dkvm --version`");
	else if (close != NULL)
		hint = g_strdup_printf("did you mean --%s?", close);
	else
		hint = g_strdup_printf("`dkvm %s --help` lists its options", cmd->name);
	g_clear_error(error);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "%s: unknown option --%s\nhint: %s",
	            cmd->name, name, hint);
}

/* Whether word @i of @argv holds an option's value: "--name=VALUE", or the
 * word after a "--name" (a positional word, such as a VM name, is not
 * converted by GOption and is not the culprit). */
static gboolean
is_option_value(gint i, gchar **argv)
{
	if (argv[i][0] == '-' && strchr(argv[i], '=') != NULL)
		return TRUE;
	return i > 0 && argv[i - 1][0] == '-' && strchr(argv[i - 1], '=') == NULL;
}

/* The option whose value is word @i of @argv: "--name" of "--name=VALUE", or
 * the word before a separate VALUE. */
static gchar *
option_of_value(gint i, gchar **argv)
{
	const gchar *arg = argv[i];

	if (arg[0] == '-' && strchr(arg, '=') != NULL)
		return dkvm_quote_len(arg, strcspn(arg, "="));
	if (i > 0 && argv[i - 1][0] == '-')
		return dkvm_quote(argv[i - 1]);
	return dkvm_quote(arg);
}

void
dkvm_cmd_explain_conversion(const gchar *where, gint argc, gchar **argv, GError **error)
{
	gint found = -1;

	if (error == NULL || *error == NULL || (*error)->domain != G_CONVERT_ERROR)
		return;
	/* GOption converts string values from the locale's character set, and
	 * says only "Invalid byte sequence in conversion input": find the word,
	 * first one that is not UTF-8, else one that is not ASCII (the locale
	 * is then not a UTF-8 one) */
	for (gint i = 1; i < argc && found < 0; i++)
		if (is_option_value(i, argv) && !g_utf8_validate(argv[i], -1, NULL))
			found = i;
	for (gint i = 1; i < argc && found < 0; i++)
		for (const gchar *p = argv[i]; is_option_value(i, argv) && *p != '\0' && found < 0;
		     p++)
			if ((guchar)*p >= 0x80)
				found = i;
	if (found < 0)
		return;
	{
		g_autofree gchar *option = option_of_value(found, argv);
		g_clear_error(error);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "%s%s%s: the value is not text in the locale's character set (UTF-8)",
		            where != NULL ? where : "", where != NULL ? ": " : "", option);
	}
}

gboolean
dkvm_cmd_parse_options(const DkvmCmd *cmd, const GOptionEntry *entries, gint *argc, gchar ***argv,
                       GError **error)
{
	g_autofree gchar *param = g_strdup_printf("%s", cmd->args != NULL ? cmd->args : "");
	g_autoptr(GOptionContext) ctx = g_option_context_new(param);
	/* the words as given, to name an unknown option (GOption's message is
	 * translated, so it is not parsed) */
	g_autofree gchar **given = g_new0(gchar *, *argc + 1);
	gint given_count = *argc;

	memcpy(given, *argv, sizeof(gchar *) * (gsize)*argc);
	if (option_sink != NULL) {
		option_sink(cmd, entries, option_sink_data);
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED,
		            "%s: options listed, nothing done", cmd->name);
		return FALSE;
	}
	g_option_context_set_summary(ctx, cmd->summary);
	if (entries != NULL)
		g_option_context_add_main_entries(ctx, entries, NULL);
	if (global_app != NULL)
		g_option_context_add_group(ctx, dkvm_global_options_group(global_app));
	if (!g_option_context_parse(ctx, argc, argv, error)) {
		g_autofree gchar *unknown = NULL;
		if (g_error_matches(*error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION))
			unknown = first_unknown_option(given_count, given, entries);
		if (unknown != NULL)
			explain_unknown_option(cmd, unknown, entries, error);
		else if ((*error)->domain == G_CONVERT_ERROR)
			dkvm_cmd_explain_conversion(cmd->name, given_count, given, error);
		else
			g_prefix_error(error, "%s: ", cmd->name);
		return FALSE;
	}
	return TRUE;
}

gboolean
dkvm_cmd_expect_args(const DkvmCmd *cmd, gint argc, gint count, GError **error)
{
	if (argc - 1 == count)
		return TRUE;
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "%s: expected %s, got %d argument%s",
	            cmd->name, cmd->args != NULL && *cmd->args != '\0' ? cmd->args : "no arguments",
	            argc - 1, argc - 1 == 1 ? "" : "s");
	return FALSE;
}
