/* What the host's commands (lbu commit, poweroff) print, made into a message. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The first line of @text that is not blank, stripped; NULL when none (or
 * @text is NULL). A failing command's first words are what the person needs. */
gchar *dkvm_command_output_first_line(const gchar *text);

G_END_DECLS
