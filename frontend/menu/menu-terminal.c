/*
 * See menu-terminal.h.
 */
#include "menu-terminal.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

/* In the program's process, before exec: the terminal's stderr (the menu's
 * goes to its log) and the signals the menu ignores back to normal. */
static void
child_setup(gpointer user_data)
{
	(void)user_data;
	dup2(STDOUT_FILENO, STDERR_FILENO);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTSTP, SIG_DFL);
}

gboolean
dkvm_menu_run_on_terminal(const gchar *const *argv, const gchar *banner, gint *out_status,
                          GError **error)
{
	gint status = 0;
	gboolean ok;
	void (*old_ttou)(int);

	/* dialog's screen away, the terminal as the program expects it */
	def_prog_mode();
	endwin();
	printf("\n%s\n\n", banner);
	fflush(stdout);
	ok = g_spawn_sync(NULL, (gchar **)argv, NULL,
	                  G_SPAWN_CHILD_INHERITS_STDIN | G_SPAWN_SEARCH_PATH, child_setup, NULL,
	                  NULL, NULL, &status, error);
	/* a job-control shell made itself the terminal's foreground; take it
	 * back (SIGTTOU ignored: asking from the background is allowed then) */
	old_ttou = signal(SIGTTOU, SIG_IGN);
	tcsetpgrp(STDIN_FILENO, getpgrp());
	signal(SIGTTOU, old_ttou);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (out_status != NULL)
		*out_status = status;
	return ok;
}
