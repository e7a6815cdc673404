/*
 * What dkvm says about a command it does not know: its full name ("vm foo",
 * not "vm") and a hint, in this order of preference: the DKVM verb for a
 * virsh verb (destroy -> vm kill), a vm command typed without `vm`, a close
 * spelling (edit distance), else where the command list is.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets DKVM_ERROR_INVALID for the unknown command at the start of @argv
 * (the words after dkvm's global options; @argc >= 1). */
void dkvm_unknown_command(gint argc, gchar **argv, GError **error);

/* The hint line alone ("did you mean `dkvm vm kill`?", no "hint: "), or
 * NULL when no command is close. For tests and the error above. */
gchar *dkvm_unknown_command_hint(gint argc, gchar **argv);

G_END_DECLS
