/*
 * The option dump (see options-dump.h). Each command is run once with an
 * option sink set (cmd.h): its first act, dkvm_cmd_parse_options(), hands
 * its table here and stops the command. The usage and summary come from the
 * command's own DkvmCmd, the one `dkvm --help` lists, so they cannot differ.
 */
#include "options-dump.h"

#include <json-glib/json-glib.h>

#include "commands.h"
#include "dkvm-error.h"
#include "global-options.h"
#include "spec-options.h"

typedef struct {
	JsonBuilder *builder;
	const DkvmCmd *seen;
} Dump;

static void
add_options(JsonBuilder *builder, const GOptionEntry *entries)
{
	for (guint i = 0; entries != NULL && entries[i].long_name != NULL; i++) {
		const GOptionEntry *e = &entries[i];
		gboolean takes_value =
		        e->arg != G_OPTION_ARG_NONE && !(e->arg == G_OPTION_ARG_CALLBACK &&
		                                         (e->flags & G_OPTION_FLAG_NO_ARG) != 0);
		gboolean file = e->arg == G_OPTION_ARG_FILENAME ||
		                e->arg == G_OPTION_ARG_FILENAME_ARRAY ||
		                (e->flags & G_OPTION_FLAG_FILENAME) != 0;

		if ((e->flags & G_OPTION_FLAG_HIDDEN) != 0)
			continue;
		json_builder_begin_object(builder);
		json_builder_set_member_name(builder, "long");
		json_builder_add_string_value(builder, e->long_name);
		json_builder_set_member_name(builder, "short");
		if (e->short_name != 0) {
			gchar s[2] = { e->short_name, '\0' };
			json_builder_add_string_value(builder, s);
		} else {
			json_builder_add_null_value(builder);
		}
		json_builder_set_member_name(builder, "value");
		if (takes_value)
			json_builder_add_string_value(
			        builder, e->arg_description != NULL ? e->arg_description : "VALUE");
		else
			json_builder_add_null_value(builder);
		json_builder_set_member_name(builder, "file");
		json_builder_add_boolean_value(builder, file);
		json_builder_set_member_name(builder, "repeat");
		json_builder_add_boolean_value(builder,
		                               e->arg == G_OPTION_ARG_STRING_ARRAY ||
		                                       e->arg == G_OPTION_ARG_FILENAME_ARRAY);
		json_builder_set_member_name(builder, "description");
		json_builder_add_string_value(builder,
		                              e->description != NULL ? e->description : "");
		json_builder_end_object(builder);
	}
}

static void
sink(const DkvmCmd *cmd, const GOptionEntry *entries, gpointer data)
{
	Dump *dump = data;

	dump->seen = cmd;
	json_builder_set_member_name(dump->builder, "options");
	json_builder_begin_array(dump->builder);
	add_options(dump->builder, entries);
	json_builder_end_array(dump->builder);
}

static gboolean
dump_command(DkvmApp *app, const DkvmCmd *cmd, Dump *dump, GError **error)
{
	g_autofree gchar *prgname = NULL;
	gchar *argv[2] = { NULL, NULL };
	g_autoptr(GError) expected = NULL;

	json_builder_begin_object(dump->builder);
	json_builder_set_member_name(dump->builder, "name");
	json_builder_add_string_value(dump->builder, cmd->name);
	json_builder_set_member_name(dump->builder, "args");
	json_builder_add_string_value(dump->builder, cmd->args);
	json_builder_set_member_name(dump->builder, "summary");
	json_builder_add_string_value(dump->builder, cmd->summary);
	prgname = g_strdup_printf("dkvm %s", cmd->name);
	argv[0] = prgname;
	dump->seen = NULL;
	dkvm_cmd_parse_set_sink(sink, dump);
	cmd->run(app, 1, argv, &expected);
	dkvm_cmd_parse_set_sink(NULL, NULL);
	if (dump->seen != cmd) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_FAILED,
		            "%s did not hand its options to dkvm_cmd_parse_options() first%s%s",
		            cmd->name, expected != NULL ? ": " : "",
		            expected != NULL ? expected->message : "");
		return FALSE;
	}
	json_builder_end_object(dump->builder);
	return TRUE;
}

gboolean
dkvm_options_dump(DkvmApp *app, const GOptionEntry *top_level, GError **error)
{
	g_autoptr(JsonBuilder) builder = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(DkvmSpecOptions) spec_options = dkvm_spec_options_new();
	g_autofree GOptionEntry *vm_options = dkvm_spec_options_entries(spec_options, NULL);
	g_autofree gchar *text = NULL;
	Dump dump = { .builder = builder };

	json_builder_begin_object(builder);
	json_builder_set_member_name(builder, "version");
	json_builder_add_string_value(builder, DKVM_VERSION);
	json_builder_set_member_name(builder, "global_options");
	json_builder_begin_array(builder);
	add_options(builder, dkvm_global_option_entries());
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "top_level_options");
	json_builder_begin_array(builder);
	add_options(builder, top_level);
	json_builder_end_array(builder);
	/* the options plan, vm create and vm edit share (spec-options.h) */
	json_builder_set_member_name(builder, "vm_options");
	json_builder_begin_array(builder);
	add_options(builder, vm_options);
	json_builder_end_array(builder);
	json_builder_set_member_name(builder, "commands");
	json_builder_begin_array(builder);
	for (guint i = 0; dkvm_commands[i] != NULL; i++)
		if (!dump_command(app, dkvm_commands[i], &dump, error))
			return FALSE;
	json_builder_end_array(builder);
	json_builder_end_object(builder);
	root = json_builder_get_root(builder);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	text = json_generator_to_data(generator, NULL);
	g_print("%s\n", text);
	return TRUE;
}
