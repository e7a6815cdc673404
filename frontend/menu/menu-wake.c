/*
 * The key wait that also ends on a descriptor (menu-wake.h).
 *
 * Why here and not in dialog: dialog's own way of watching other files
 * while a widget runs (DIALOG_CALLBACK, dlg_add_callback) polls. With a
 * callback registered, dlg_getc() sets a 10 ms curses timeout
 * (WTIMEOUT_VAL) and select()s the callbacks' files for another 10 ms on
 * every turn, so the idle menu would wake about 50 times a second instead of
 * sleeping. ncurses cannot wait on a second descriptor either. So the read
 * itself is taken over: one poll() on the keyboard (dialog's init_dialog
 * makes stdin the screen's input) and the descriptor, with no time limit.
 *
 * What ncurses holds already (a key pushed back with ungetch, the rest of an
 * escape sequence, a resize its SIGWINCH handler noted) is not visible to
 * poll(); so each turn first asks ncurses for a key without waiting
 * (wtimeout 0, which also turns a noted resize into KEY_RESIZE). SIGWINCH
 * is installed without SA_RESTART by ncurses, so a resize during the poll()
 * ends it with EINTR and the next turn's question returns KEY_RESIZE.
 */
#include "menu-wake.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>

#include "menu-keys.h"

static gint wake_fd = -1;

void
dkvm_menu_wake_set_fd(gint fd)
{
	wake_fd = fd;
}

int
dkvm_menu_wake_read(WINDOW *win, wint_t *wch, DkvmMenuReadKey read_key, gboolean *woken)
{
	const gint delay = wgetdelay(win);

	*woken = FALSE;
	/* a timed wait (dialog's own timer, its escape-sequence waits) is left
	 * to ncurses: it ends by itself */
	if (wake_fd < 0 || delay >= 0)
		return read_key(win, wch);
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = fileno(stdin), .events = POLLIN },
			{ .fd = wake_fd, .events = POLLIN },
		};
		int code;

		wtimeout(win, 0);
		code = read_key(win, wch);
		wtimeout(win, delay);
		if (code != ERR)
			return code;
		if (poll(fds, G_N_ELEMENTS(fds), -1) < 0) {
			if (errno == EINTR)
				continue;
			/* cannot wait on both: the keyboard alone, as without a descriptor */
			return read_key(win, wch);
		}
		/* a key first: what the person typed is never lost to a refresh */
		if (fds[0].revents != 0)
			return read_key(win, wch);
		/* the descriptor: readable, or broken (POLLERR, POLLHUP), which
		 * its owner finds out when it reads; either way the widget ends,
		 * and with it this watch (the widget layer clears it) */
		*wch = DKVM_MENU_KEY_ESC;
		*woken = TRUE;
		return OK;
	}
}
