/*
 * The command table: every dkvm command, in --help order. Listing them
 * (`dkvm --help`, `dkvm vm`, a mistyped command) loads nothing; a command
 * that talks to libvirt loads the libvirt module when it first calls
 * frontend/vm (vm-api.h).
 */
#pragma once

#include <glib.h>

#include "cmd.h"

G_BEGIN_DECLS

/* NULL-terminated. */
extern const DkvmCmd *const dkvm_commands[];

/* The longest command whose words start @argv ("vm start" rather than a
 * hypothetical "vm"); sets *out_words to its number of words. NULL when
 * none matches. Loads nothing. */
const DkvmCmd *dkvm_commands_match(gint argc, gchar **argv, guint *out_words);

/* TRUE when @word starts some command's name but is not one ("vm"). */
gboolean dkvm_commands_is_group(const gchar *word);

/* "  vm start NAME      Start a VM ...\n" lines for every command, or for
 * those of @group ("vm") when not NULL. Loads nothing. */
gchar *dkvm_commands_describe(const gchar *group);

G_END_DECLS
