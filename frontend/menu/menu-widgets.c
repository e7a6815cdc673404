/*
 * dialog's widgets behind glib types (menu-widgets.h).
 *
 * libdialog keeps its settings in two globals (dialog_vars, dialog_state);
 * every widget here sets the fields it uses and clears them afterwards, so
 * no screen inherits another's buttons.
 *
 * Esc and the refresh timer: dialog ends a widget whose --timeout expires as
 * if Esc had been pressed, and a wake descriptor (menu-wake.h) ends it the
 * same way; the last key read (menu-keys.h) tells them apart from Esc.
 */
#include "menu-widgets.h"

#include <dialog.h>
#include <stdarg.h>
#include <string.h>

#include "menu-keys.h"
#include "menu-wake.h"

struct _DkvmMenuGauge {
	void *gauge;
	gchar *title;
};

static void
menu_item_free(DkvmMenuItem *item)
{
	g_free(item->tag);
	g_free(item->text);
	g_free(item);
}

GPtrArray *
dkvm_menu_items_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)menu_item_free);
}

DkvmMenuItem *
dkvm_menu_items_add(GPtrArray *items, const gchar *tag, gboolean on, const gchar *format, ...)
{
	DkvmMenuItem *item = g_new0(DkvmMenuItem, 1);
	g_autofree gchar *text = NULL;
	va_list args;

	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	item->tag = g_strdup(tag);
	item->text = dkvm_menu_escape(text);
	item->on = on;
	g_ptr_array_add(items, item);
	return item;
}

gint
dkvm_menu_items_find(GPtrArray *items, const gchar *tag)
{
	for (guint i = 0; i < items->len; i++) {
		const DkvmMenuItem *item = g_ptr_array_index(items, i);
		if (g_strcmp0(item->tag, tag) == 0)
			return (gint)i;
	}
	return -1;
}

gchar *
dkvm_menu_escape(const gchar *text)
{
	GString *out = g_string_sized_new(strlen(text));

	for (const guchar *p = (const guchar *)text; *p != '\0'; p++) {
		/* newlines and tabs lay text out; every other control byte is shown */
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			g_string_append_printf(out, "\\x%02x", *p);
		else
			g_string_append_c(out, (gchar)*p);
	}
	return g_string_free(out, FALSE);
}

void
dkvm_menu_set_backtitle(const gchar *backtitle)
{
	static gchar *kept = NULL;

	g_free(kept);
	kept = g_strdup(backtitle);
	dialog_vars.backtitle = kept;
}

/* The buttons and timer of one widget; reset_widget() undoes them. */
static void
set_widget(const DkvmWidgetOptions *options)
{
	static const DkvmWidgetOptions plain = { 0 };

	if (options == NULL)
		options = &plain;
	dialog_vars.ok_label = (char *)options->ok_label;
	dialog_vars.cancel_label = (char *)(options->back_label ? options->back_label : "Back");
	dialog_vars.extra_button = options->extra_label != NULL;
	dialog_vars.extra_label = (char *)options->extra_label;
	dialog_vars.timeout_secs = (int)options->refresh_s;
	dkvm_menu_wake_set_fd(options->wake_fd > 0 ? options->wake_fd : -1);
	dkvm_menu_keys_reset();
	dlg_clear();
	dlg_put_backtitle();
}

static void
reset_widget(void)
{
	dialog_vars.ok_label = NULL;
	dialog_vars.cancel_label = NULL;
	dialog_vars.yes_label = NULL;
	dialog_vars.no_label = NULL;
	dialog_vars.extra_button = FALSE;
	dialog_vars.extra_label = NULL;
	dialog_vars.timeout_secs = 0;
	dkvm_menu_wake_set_fd(-1);
	dialog_vars.defaultno = FALSE;
	dialog_vars.default_button = -1;
	dialog_vars.default_item = NULL;
	dlg_clr_result();
	dlg_clear();
	dlg_put_backtitle();
}

/*
 * A box that fits @text: as wide as its longest line (dialog's automatic
 * size wraps short messages into narrow columns), at most the screen; as
 * high as its lines, at most the screen (then the text scrolls). @extra_rows:
 * what the widget adds under the text (buttons).
 */
static void
box_size(const gchar *text, gint extra_rows, gint *height, gint *width)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	glong longest = 0;
	gint rows = 0;

	for (guint i = 0; lines[i] != NULL; i++) {
		glong len = g_utf8_strlen(lines[i], -1);
		longest = MAX(longest, len);
		/* a line wider than the screen wraps */
		rows += 1 + (gint)(len / MAX(COLS - 8, 20));
	}
	*width = (gint)CLAMP(longest + 6, 30, MAX(COLS - 4, 30));
	*height = CLAMP(rows + extra_rows + 2, 5, MAX(LINES - 4, 5));
}

static DkvmAnswer
answer_of(gint code)
{
	switch (code) {
	case DLG_EXIT_OK:
		return DKVM_ANSWER_OK;
	case DLG_EXIT_EXTRA:
		return DKVM_ANSWER_EXTRA;
	case DLG_EXIT_ESC:
		/* Esc, or the refresh timer (which leaves the last key alone) */
		return dkvm_menu_keys_last() == DKVM_MENU_KEY_ESC ? DKVM_ANSWER_BACK
		                                                  : DKVM_ANSWER_REFRESH;
	default:
		return DKVM_ANSWER_BACK;
	}
}

/* dialog's list items, pointing into @items (valid while @items is) */
static DIALOG_LISTITEM *
list_items(GPtrArray *items)
{
	DIALOG_LISTITEM *list = g_new0(DIALOG_LISTITEM, items->len + 1);

	for (guint i = 0; i < items->len; i++) {
		DkvmMenuItem *item = g_ptr_array_index(items, i);
		list[i].name = item->tag;
		list[i].text = item->text;
		list[i].help = (char *)"";
		list[i].state = item->on;
	}
	return list;
}

/* rows for the list: what fits under the prompt on this screen */
static gint
list_height(GPtrArray *items)
{
	gint rows = MAX(LINES - 12, 4);

	return MIN((gint)items->len, rows);
}

static gint
clamp_cursor(const gint *cursor, GPtrArray *items)
{
	if (cursor == NULL || *cursor < 0 || items->len == 0)
		return 0;
	return MIN(*cursor, (gint)items->len - 1);
}

/* dialog's lists start on the item whose tag is default_item (they report
 * the cursor back through current_item, but do not read it) */
static void
start_at(GPtrArray *items, gint current)
{
	dialog_vars.default_item =
	        items->len > 0 ? ((DkvmMenuItem *)g_ptr_array_index(items, current))->tag : NULL;
}

/* the backtitle's rows: its text and its line */
#define BACKTITLE_ROWS 2

/* The box a list of @rows under @prompt needs: the title border, the
 * prompt and a blank row, the list in its frame, the buttons in theirs. */
static gint
menu_box_rows(const gchar *prompt, gint rows)
{
	gint prompt_rows = 1;

	for (const gchar *p = prompt; *p != '\0'; p++)
		prompt_rows += *p == '\n';
	return 1 + prompt_rows + 1 + rows + 2 + 3;
}

DkvmAnswer
dkvm_menu_choose(const gchar *title, const gchar *prompt, GPtrArray *items, gint *cursor,
                 const DkvmWidgetOptions *options)
{
	g_autofree DIALOG_LISTITEM *list = list_items(items);
	g_autofree gchar *safe_prompt = dkvm_menu_escape(prompt);
	gint current = clamp_cursor(cursor, items);
	gint code, height = 0;

	set_widget(options);
	start_at(items, current);
	/* for a long list dialog's own box is two rows higher (empty list
	 * rows) and, centred on the whole screen, covers the backtitle: the
	 * box is then as high as the list needs (the main screen with many
	 * VMs and host rows at 80x24) */
	if (menu_box_rows(prompt, list_height(items)) + 2 * BACKTITLE_ROWS >= LINES)
		height = MIN(menu_box_rows(prompt, list_height(items)), LINES - BACKTITLE_ROWS - 1);
	code = dlg_menu(title, safe_prompt, height, 0, list_height(items), (gint)items->len, list,
	                &current, dlg_dummy_menutext);
	reset_widget();
	if (cursor != NULL)
		*cursor = current;
	return answer_of(code);
}

static DkvmAnswer
run_checklist(const gchar *title, const gchar *prompt, GPtrArray *items, gint *cursor,
              const DkvmWidgetOptions *options, gint flag)
{
	g_autofree DIALOG_LISTITEM *list = list_items(items);
	g_autofree gchar *safe_prompt = dkvm_menu_escape(prompt);
	gint current = clamp_cursor(cursor, items);
	gint code;

	set_widget(options);
	start_at(items, current);
	code = dlg_checklist(title, safe_prompt, 0, 0, list_height(items), (gint)items->len, list,
	                     NULL, flag, &current);
	reset_widget();
	/* dialog keeps the ticks in the items on every exit */
	for (guint i = 0; i < items->len; i++) {
		DkvmMenuItem *item = g_ptr_array_index(items, i);
		item->on = list[i].state != 0;
	}
	if (cursor != NULL)
		*cursor = current;
	return answer_of(code);
}

DkvmAnswer
dkvm_menu_radiolist(const gchar *title, const gchar *prompt, GPtrArray *items, gint *cursor,
                    const DkvmWidgetOptions *options)
{
	return run_checklist(title, prompt, items, cursor, options, FLAG_RADIO);
}

DkvmAnswer
dkvm_menu_checklist(const gchar *title, const gchar *prompt, GPtrArray *items, gint *cursor,
                    const DkvmWidgetOptions *options)
{
	return run_checklist(title, prompt, items, cursor, options, FLAG_CHECK);
}

DkvmAnswer
dkvm_menu_input(const gchar *title, const gchar *prompt, const gchar *initial, gchar **out)
{
	g_autofree gchar *safe_prompt = dkvm_menu_escape(prompt);
	DkvmAnswer answer;
	gint code;

	set_widget(NULL);
	dlg_clr_result();
	code = dialog_inputbox(title, safe_prompt, 0, 0, initial ? initial : "", FALSE);
	answer = answer_of(code);
	if (answer == DKVM_ANSWER_OK && out != NULL)
		*out = g_strstrip(
		        g_strdup(dialog_vars.input_result ? dialog_vars.input_result : ""));
	reset_widget();
	return answer;
}

gboolean
dkvm_menu_confirm(const gchar *title, const gchar *question, gboolean default_no)
{
	g_autofree gchar *text = dkvm_menu_escape(question);
	gint code, height, width;

	reset_widget();
	box_size(text, 3, &height, &width);
	/* dialog's yes/no box starts on the button default_button names
	 * (defaultno is read by the dialog program, not by the library) */
	dialog_vars.default_button = default_no ? DLG_EXIT_CANCEL : -1;
	code = dialog_yesno(title, text, height, width);
	reset_widget();
	return code == DLG_EXIT_OK;
}

gboolean
dkvm_menu_confirm_labels(const gchar *title, const gchar *text, const gchar *yes_label,
                         const gchar *no_label)
{
	g_autofree gchar *safe = dkvm_menu_escape(text);
	gint code;

	reset_widget();
	dialog_vars.yes_label = (char *)yes_label;
	dialog_vars.no_label = (char *)no_label;
	code = dialog_yesno(title, safe, 0, 0);
	reset_widget();
	return code == DLG_EXIT_OK;
}

void
dkvm_menu_message(const gchar *title, const gchar *text)
{
	g_autofree gchar *safe = dkvm_menu_escape(text);
	gint height, width;

	reset_widget();
	/* at most the screen; longer text scrolls inside the box */
	box_size(safe, 3, &height, &width);
	dialog_msgbox(title, safe, height, width, TRUE);
	reset_widget();
}

DkvmAnswer
dkvm_menu_text(const gchar *title, const gchar *text, const DkvmWidgetOptions *options)
{
	g_autofree gchar *safe = dkvm_menu_escape(text);
	gint code;

	set_widget(options);
	/* a message box: at most the screen, scrolling inside; its buttons are
	 * OK and the extra button */
	code = dialog_msgbox(title, safe, 0, 0, TRUE);
	reset_widget();
	return answer_of(code);
}

void
dkvm_menu_error(const gchar *title, const GError *error)
{
	dkvm_menu_message(title, error != NULL ? error->message : "failed (no reason given)");
}

void
dkvm_menu_infobox(const gchar *title, const gchar *text)
{
	g_autofree gchar *safe = dkvm_menu_escape(text);
	gint height, width;

	reset_widget();
	box_size(safe, 0, &height, &width);
	dialog_msgbox(title, safe, height, width, FALSE);
}

gboolean
dkvm_menu_wait_key(guint timeout_ms)
{
	gint key;

	wtimeout(stdscr, (gint)timeout_ms);
	key = wgetch(stdscr);
	wtimeout(stdscr, -1);
	if (key == ERR)
		return FALSE;
	if (key == KEY_RESIZE) {
		dlg_clear();
		return FALSE;
	}
	return TRUE;
}

/*
 * dialog hands a gauge dialog_state.pipe_input (stdin: its command-line
 * gauge reads percentages there), and freeing the gauge fcloses it: the
 * menu's keyboard was gone after the first gauge, and the next file opened
 * took fd 0 (ncurses then read /dev/null). These gauges are driven by
 * calls, so they get no input.
 */
static void *
allocate_gauge(const gchar *title, const gchar *text, gint percent)
{
	FILE *keyboard = dialog_state.pipe_input;
	void *gauge;

	dialog_state.pipe_input = NULL;
	gauge = dlg_allocate_gauge(title, text, 0, 0, percent);
	dialog_state.pipe_input = keyboard;
	return gauge;
}

DkvmMenuGauge *
dkvm_menu_gauge_new(const gchar *title, const gchar *text)
{
	DkvmMenuGauge *self = g_new0(DkvmMenuGauge, 1);
	g_autofree gchar *safe = dkvm_menu_escape(text);

	reset_widget();
	self->title = g_strdup(title);
	self->gauge = allocate_gauge(self->title, safe, 0);
	return self;
}

void
dkvm_menu_gauge_set(DkvmMenuGauge *self, guint percent, const gchar *text)
{
	if (text != NULL) {
		/* a new text means a new box (dialog's gauge keeps its prompt) */
		g_autofree gchar *safe = dkvm_menu_escape(text);
		dlg_free_gauge(self->gauge);
		self->gauge = allocate_gauge(self->title, safe, (gint)MIN(percent, 100));
	}
	dlg_update_gauge(self->gauge, (gint)MIN(percent, 100));
}

void
dkvm_menu_gauge_free(DkvmMenuGauge *self)
{
	if (self == NULL)
		return;
	dlg_free_gauge(self->gauge);
	g_free(self->title);
	g_free(self);
}
