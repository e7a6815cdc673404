/*
 * Whether dkvm may write terminal escape codes (clear the screen, move the
 * cursor, colour): only to a terminal, and not when the user asked for
 * plain output with NO_COLOR (https://no-color.org: set and not empty) or
 * the terminal cannot do it (TERM=dumb). Pipes, files and logs get text.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean dkvm_terminal_escapes_allowed(gint fd);

G_END_DECLS
