/*
 * A dkvm subcommand, declared as data (after tmux's cmd_entry): one file per
 * command or close family exports one DkvmCmd, and commands.c lists them.
 * `dkvm --help` and `dkvm help` are generated from that table.
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

/* The built-in commands (no libvirt), NULL-terminated, in --help order. */
extern const DkvmCmd *const dkvm_commands[];

/* The libvirt module's commands, loaded on first call (modules.c). */
const DkvmCmd *const *dkvm_commands_load_module(GError **error);

/*
 * Parses a command's own options with GOption; leaves the positional
 * arguments in argc/argv (argv[0] kept). --help prints the command's usage
 * and exits 0, as GOption does.
 */
gboolean dkvm_cmd_parse_options(const DkvmCmd *cmd, const GOptionEntry *entries, gint *argc,
                                gchar ***argv, GError **error);

/* DKVM_ERROR_INVALID unless exactly @count positional arguments remain. */
gboolean dkvm_cmd_expect_args(const DkvmCmd *cmd, gint argc, gint count, GError **error);

G_END_DECLS
