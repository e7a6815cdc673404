/*
 * dialog reads every key through ncurses' wget_wch() (wgetch() in a few
 * places). The dkvm binary is linked with --wrap for both (meson.build), so
 * these wrappers see each key on its way to dialog and remember it. dialog
 * is a static library here, which is what makes the wrap apply to it.
 * wget_wch() waits through menu-wake.c, so that a widget watching a
 * descriptor ends when it is readable.
 */
#include "menu-keys.h"

#include <curses.h>

#include "menu-wake.h"

int __real_wget_wch(WINDOW *win, wint_t *wch);
int __wrap_wget_wch(WINDOW *win, wint_t *wch);
int __real_wgetch(WINDOW *win);
int __wrap_wgetch(WINDOW *win);

static gint last_key;

void
dkvm_menu_keys_reset(void)
{
	last_key = 0;
}

gint
dkvm_menu_keys_last(void)
{
	return last_key;
}

int
__wrap_wget_wch(WINDOW *win, wint_t *wch)
{
	gboolean woken;
	int code = dkvm_menu_wake_read(win, wch, __real_wget_wch, &woken);

	/* a wake (menu-wake.h) ends the widget like its timer: not a key */
	if (!woken && (code == OK || code == KEY_CODE_YES))
		last_key = (gint)*wch;
	return code;
}

int
__wrap_wgetch(WINDOW *win)
{
	int key = __real_wgetch(win);

	if (key != ERR)
		last_key = key;
	return key;
}
