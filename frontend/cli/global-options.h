/*
 * dkvm's global options, --connect and --config: given before the command
 * (`dkvm --connect URI vm list`) or after it (`dkvm vm list --connect URI`),
 * as virsh users type them. One table serves both places, the man page and
 * the completion.
 */
#pragma once

#include <glib.h>

#include "app.h"

G_BEGIN_DECLS

/* NULL-terminated; the callbacks set @app's fields (the entries' user data
 * is the group's, so add them through a group made with @app). */
const GOptionEntry *dkvm_global_option_entries(void);

/* A "global" option group for a command's own option context. */
GOptionGroup *dkvm_global_options_group(DkvmApp *app);

G_END_DECLS
