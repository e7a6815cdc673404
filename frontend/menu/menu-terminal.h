/*
 * A program run on the menu's terminal (Power's shell, first boot's
 * passwd): dialog's screen is put away, the program owns the terminal as
 * if typed at a prompt, and the menu's screen comes back when it ends.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Runs @argv (looked up in PATH) after printing @banner, waits for it and
 * draws the menu again. *@out_status (may be NULL): its wait status, as
 * g_spawn_check_wait_status() takes it. FALSE with @error when it cannot be
 * started.
 */
gboolean dkvm_menu_run_on_terminal(const gchar *const *argv, const gchar *banner, gint *out_status,
                                   GError **error);

G_END_DECLS
