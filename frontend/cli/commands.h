/*
 * The command table: every dkvm command's words, usage and summary, in
 * --help order. The commands that talk to libvirt run from the libvirt
 * module (virt-module.c), but their names and summaries are listed here, so
 * that `dkvm --help`, `dkvm vm` and a mistyped command answer without
 * loading libvirt. Their entries have no run function; dkvm_commands_resolve()
 * loads the module and returns its command of the same name. The module's own
 * usage and summary must match this table: `dkvm --dump-options`, which the
 * build runs to write the man page, refuses a difference.
 */
#pragma once

#include <glib.h>

#include "cmd.h"

G_BEGIN_DECLS

/* NULL-terminated; an entry whose run is NULL lives in the libvirt module. */
extern const DkvmCmd *const dkvm_commands[];

/* The libvirt module's commands, loaded on first call (modules.c). */
const DkvmCmd *const *dkvm_commands_load_module(GError **error);

/* The longest command whose words start @argv ("vm start" rather than a
 * hypothetical "vm"); sets *out_words to its number of words. NULL when
 * none matches. Loads nothing. */
const DkvmCmd *dkvm_commands_match(gint argc, gchar **argv, guint *out_words);

/* TRUE when @word starts some command's name but is not one ("vm"). */
gboolean dkvm_commands_is_group(const gchar *word);

/* The runnable command for an entry of the table: @cmd itself when it is
 * built in, else the module's command of the same name (loading it). */
const DkvmCmd *dkvm_commands_resolve(const DkvmCmd *cmd, GError **error);

/* "  vm start NAME      Start a VM ...\n" lines for every command, or for
 * those of @group ("vm") when not NULL. Loads nothing. */
gchar *dkvm_commands_describe(const gchar *group);

G_END_DECLS
