/*
 * `dkvm --dump-options` (hidden): every command with its usage, summary and
 * options, and the global options, as JSON on stdout. The build turns it
 * into the man page and the bash completion (scripts/cli-docs), so both
 * come from the tables the parser uses and cannot drift from --help.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

/* @top_level: dkvm's own options besides the global ones (--version...). */
gboolean dkvm_options_dump(DkvmApp *app, const GOptionEntry *top_level, GError **error);

G_END_DECLS
