/*
 * Hints for an unknown command (see unknown-command.h). People come to dkvm
 * from virsh, so virsh's verbs are known by name; everything else is a
 * spelling matched by edit distance against the words of the command table.
 */
#include "unknown-command.h"

#include <string.h>

#include "commands.h"
#include "dkvm-error.h"
#include "suggest.h"

/* virsh's verb -> DKVM's command */
static const struct {
	const gchar *virsh;
	const gchar *dkvm;
} virsh_verbs[] = {
	{ "destroy", "vm kill" },        { "shutdown", "vm stop" }, { "undefine", "vm delete" },
	{ "dumpxml", "vm xml" },         { "define", "vm import" }, { "start", "vm start" },
	{ "list", "vm list" },           { "dominfo", "vm show" },  { "edit", "vm edit" },
	{ "autostart", "vm autostart" },
};

/* A word the user may have meant and the command it stands for. */
typedef struct {
	GPtrArray *spellings; /* gchar *, NULL-terminated for dkvm_suggest() */
	GPtrArray *commands;  /* gchar *, same index */
} Candidates;

static void
add(Candidates *c, const gchar *spelling, const gchar *command)
{
	for (guint i = 0; i + 1 < c->spellings->len; i++)
		if (g_strcmp0(g_ptr_array_index(c->spellings, i), spelling) == 0)
			return;
	/* keep the NULL terminator last */
	g_ptr_array_insert(c->spellings, (gint)c->spellings->len - 1, g_strdup(spelling));
	g_ptr_array_add(c->commands, g_strdup(command));
}

/* The words at the level of the unknown one: a group's verbs, or the first
 * words of the commands (a group's verbs also count at the top: `dkvm
 * start` means `dkvm vm start`); virsh's verbs at both levels. */
static void
collect(Candidates *c, const gchar *group, gint argc, gchar **argv)
{
	gsize group_len = group != NULL ? strlen(group) : 0;

	for (guint i = 0; dkvm_commands[i] != NULL; i++) {
		const gchar *name = dkvm_commands[i]->name;
		const gchar *space = strchr(name, ' ');

		if (group != NULL) {
			if (strncmp(name, group, group_len) == 0 && name[group_len] == ' ')
				add(c, name + group_len + 1, name);
			continue;
		}
		if (space == NULL) {
			add(c, name, name);
		} else {
			g_autofree gchar *first = g_strndup(name, (gsize)(space - name));
			g_autofree gchar *with_next =
			        argc >= 2 ? g_strdup_printf("%s %s", first, argv[1]) : NULL;
			guint words = 0;
			const DkvmCmd *next = NULL;
			/* "vn list" -> "vm list"; "vn" alone -> "vm" */
			if (with_next != NULL) {
				g_auto(GStrv) split = g_strsplit(with_next, " ", -1);
				next = dkvm_commands_match(2, split, &words);
			}
			add(c, first, next != NULL && words == 2 ? with_next : first);
		}
	}
	if (group == NULL) {
		add(c, "help", "help");
		add(c, "version", "version");
		for (guint i = 0; dkvm_commands[i] != NULL; i++) {
			const gchar *space = strchr(dkvm_commands[i]->name, ' ');
			if (space != NULL)
				add(c, space + 1, dkvm_commands[i]->name);
		}
	}
	if (group == NULL || g_strcmp0(group, "vm") == 0)
		for (guint i = 0; i < G_N_ELEMENTS(virsh_verbs); i++)
			add(c, virsh_verbs[i].virsh, virsh_verbs[i].dkvm);
}

static gboolean
is_virsh_verb(const gchar *word)
{
	for (guint i = 0; i < G_N_ELEMENTS(virsh_verbs); i++)
		if (g_strcmp0(virsh_verbs[i].virsh, word) == 0)
			return TRUE;
	return FALSE;
}

/* The group of the unknown word ("vm" in `dkvm vm foo`), or NULL. */
static const gchar *
group_of(gint argc, gchar **argv)
{
	return argc >= 2 && dkvm_commands_is_group(argv[0]) ? argv[0] : NULL;
}

gchar *
dkvm_unknown_command_hint(gint argc, gchar **argv)
{
	const gchar *group = group_of(argc, argv);
	const gchar *word = group != NULL ? argv[1] : argv[0];
	Candidates c = {
		.spellings = g_ptr_array_new_with_free_func(g_free),
		.commands = g_ptr_array_new_with_free_func(g_free),
	};
	const gchar *spelling = NULL;
	gchar *hint = NULL;

	g_ptr_array_add(c.spellings, NULL);
	collect(&c, group, argc, argv);
	for (guint i = 0; i + 1 < c.spellings->len && spelling == NULL; i++)
		if (g_strcmp0(g_ptr_array_index(c.spellings, i), word) == 0)
			spelling = g_ptr_array_index(c.spellings, i);
	if (spelling == NULL)
		spelling = dkvm_suggest(word, (const gchar *const *)c.spellings->pdata);
	for (guint i = 0; spelling != NULL && i + 1 < c.spellings->len; i++) {
		const gchar *command;
		const gchar *last;
		if (g_ptr_array_index(c.spellings, i) != spelling)
			continue;
		command = g_ptr_array_index(c.commands, i);
		last = strrchr(command, ' ') != NULL ? strrchr(command, ' ') + 1 : command;
		if (is_virsh_verb(spelling) && g_strcmp0(spelling, last) != 0)
			hint = g_strdup_printf("virsh's `%s` is `dkvm %s`", spelling, command);
		else
			hint = g_strdup_printf("did you mean `dkvm %s`?", command);
		break;
	}
	g_ptr_array_unref(c.spellings);
	g_ptr_array_unref(c.commands);
	return hint;
}

void
dkvm_unknown_command(gint argc, gchar **argv, GError **error)
{
	const gchar *group = group_of(argc, argv);
	g_autofree gchar *typed =
	        group != NULL ? g_strdup_printf("%s %s", argv[0], argv[1]) : g_strdup(argv[0]);
	g_autofree gchar *hint = dkvm_unknown_command_hint(argc, argv);
	g_autofree gchar *fallback =
	        group != NULL
	                ? g_strdup_printf("`dkvm help %s` lists the %s commands", group, group)
	                : g_strdup("`dkvm help` lists the commands");

	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "unknown command '%s'\nhint: %s", typed,
	            hint != NULL ? hint : fallback);
}
