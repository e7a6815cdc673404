/*
 * A dkvm subcommand, declared as data (after tmux's cmd_entry): one file per
 * command or close family exports one DkvmCmd, and commands.c lists them.
 * commands.h holds the table; `dkvm --help`, `dkvm help`, the man page and
 * the bash completion are generated from it and from the commands' option
 * tables (handed to dkvm_cmd_parse_options()).
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

typedef struct {
	const gchar *name;    /* "host", "vm start": words the user types */
	const gchar *args;    /* "NAME [--force]", shown in --help */
	const gchar *summary; /* one line */
	/* argv[0] is "dkvm vm start"; the rest are the command's own arguments.
	 * Returns FALSE with error set on failure (never prints the error). */
	gboolean (*run)(DkvmApp *app, gint argc, gchar **argv, GError **error);
} DkvmCmd;

/*
 * Parses a command's own options with GOption; leaves the positional
 * arguments in argc/argv (argv[0] kept). --help prints the command's usage
 * and exits 0, as GOption does. The global options (global-options.h) are
 * taken too, once dkvm_cmd_parse_set_app() was called. An unknown option is
 * named with a suggestion ("did you mean --vcpus?"). Commands call this
 * before doing anything else (the option dump below relies on it).
 */
gboolean dkvm_cmd_parse_options(const DkvmCmd *cmd, const GOptionEntry *entries, gint *argc,
                                gchar ***argv, GError **error);

/* The DkvmApp whose fields the global options set (dkvm.c, once). */
void dkvm_cmd_parse_set_app(DkvmApp *app);

/*
 * `dkvm --dump-options`: while a sink is set, dkvm_cmd_parse_options()
 * parses nothing; it hands the command and its option table to @sink and
 * fails (DKVM_ERROR_FAILED), so running a command lists its options and
 * does nothing else. The man page and the completion are made this way
 * from the tables the parser uses.
 */
typedef void (*DkvmCmdOptionSink)(const DkvmCmd *cmd, const GOptionEntry *entries, gpointer data);
void dkvm_cmd_parse_set_sink(DkvmCmdOptionSink sink, gpointer data);

/* DKVM_ERROR_INVALID unless exactly @count positional arguments remain. */
/* Replaces GOption's G_CONVERT_ERROR (an option value that is not text in
 * the locale's character set) by DKVM_ERROR_INVALID naming the option, after
 * "@where: " when @where is not NULL; other errors stay as they are. @argv
 * as given to the parser (before it removed anything). */
void dkvm_cmd_explain_conversion(const gchar *where, gint argc, gchar **argv, GError **error);

gboolean dkvm_cmd_expect_args(const DkvmCmd *cmd, gint argc, gint count, GError **error);

G_END_DECLS
