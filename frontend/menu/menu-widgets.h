/*
 * The dialog widgets the screens use, with glib types in and out: every
 * screen asks and shows through these, so that the conventions hold on
 * every screen (Esc and Cancel go back, long text scrolls, columns are kept,
 * text from files and libvirt is shown literally) and libdialog's global
 * state is set in one place.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	DKVM_ANSWER_OK,      /* OK / Yes / Enter */
	DKVM_ANSWER_BACK,    /* Cancel / No / Esc: change nothing, go back */
	DKVM_ANSWER_EXTRA,   /* the extra button a widget was given */
	DKVM_ANSWER_REFRESH, /* nothing pressed in the refresh interval: redraw */
} DkvmAnswer;

/* One line of a menu, radio list or check list. The tag is what a screen
 * gets back and is never shown; the text is the line. */
typedef struct {
	gchar *tag;
	gchar *text;
	gboolean on; /* check list: ticked; radio list: the chosen one */
} DkvmMenuItem;

/* A GPtrArray of DkvmMenuItem that frees them. */
GPtrArray *dkvm_menu_items_new(void);
DkvmMenuItem *dkvm_menu_items_add(GPtrArray *items, const gchar *tag, gboolean on,
                                  const gchar *format, ...) G_GNUC_PRINTF(4, 5);
/* The index of the item tagged @tag, or -1. */
gint dkvm_menu_items_find(GPtrArray *items, const gchar *tag);

/*
 * Widget options shared by the list widgets. Zero-initialised is the plain
 * case: OK and Cancel, no refresh.
 */
typedef struct {
	const gchar *ok_label;    /* NULL: "OK" */
	const gchar *back_label;  /* NULL: "Back" */
	const gchar *extra_label; /* non-NULL: an extra button (DKVM_ANSWER_EXTRA) */
	/* > 0: DKVM_ANSWER_REFRESH after this many seconds without a key, with
	 * the cursor (and a check list's ticks) kept: the screen reads its data
	 * again (VM states, USB devices) and draws the widget again */
	guint refresh_s;
	/* > 0: a descriptor (a hot-plug monitor's) whose readability ends the
	 * widget with DKVM_ANSWER_REFRESH, cursor and ticks kept as above;
	 * between keys and events the widget sleeps (menu-wake.h) */
	gint wake_fd;
} DkvmWidgetOptions;

/* A menu: OK returns the chosen item's index in @cursor. @cursor also says
 * where the cursor starts and, on every answer, where it was. */
DkvmAnswer dkvm_menu_choose(const gchar *title, const gchar *prompt, GPtrArray *items, gint *cursor,
                            const DkvmWidgetOptions *options);

/* A radio list: the chosen item ends with on = TRUE, the others FALSE. */
DkvmAnswer dkvm_menu_radiolist(const gchar *title, const gchar *prompt, GPtrArray *items,
                               gint *cursor, const DkvmWidgetOptions *options);

/* A check list: items' on fields follow the ticks, on every answer (a
 * refresh, by the timer or the wake descriptor, keeps them, so the screen
 * can carry them over to the new list). */
DkvmAnswer dkvm_menu_checklist(const gchar *title, const gchar *prompt, GPtrArray *items,
                               gint *cursor, const DkvmWidgetOptions *options);

/* A line of input, starting with @initial; OK returns it in @out, without
 * the blanks around it (callers need not strip it again). */
DkvmAnswer dkvm_menu_input(const gchar *title, const gchar *prompt, const gchar *initial,
                           gchar **out);

/* Yes/No. @default_no puts the cursor on No (destructive questions). */
gboolean dkvm_menu_confirm(const gchar *title, const gchar *question, gboolean default_no);

/* Yes/No with words of the screen's own ("Create"/"Back"); long text
 * scrolls (arrows, PgUp/PgDn) above the buttons. NULL labels: Yes, No. */
gboolean dkvm_menu_confirm_labels(const gchar *title, const gchar *text, const gchar *yes_label,
                                  const gchar *no_label);

/* A message with OK; long text scrolls. */
void dkvm_menu_message(const gchar *title, const gchar *text);

/* Long text that scrolls, with OK (options->ok_label) and options' extra
 * button: DKVM_ANSWER_OK, DKVM_ANSWER_EXTRA, or DKVM_ANSWER_BACK (Esc). The
 * text keeps its columns (maps, tables). */
DkvmAnswer dkvm_menu_text(const gchar *title, const gchar *text, const DkvmWidgetOptions *options);

/* A failure: the error's message, one line of what failed and why. */
void dkvm_menu_error(const gchar *title, const GError *error);

/* Text drawn without waiting (the screen then waits itself, see below). */
void dkvm_menu_infobox(const gchar *title, const gchar *text);

/*
 * Waits up to @timeout_ms for a key. TRUE when a key was pressed (it is
 * consumed); FALSE on time out. A terminal resize is not a key: it returns
 * FALSE at once so the caller draws again at the new size.
 */
gboolean dkvm_menu_wait_key(guint timeout_ms);

/* A progress gauge for long actions (shutdown wait, pool compaction, save). */
typedef struct _DkvmMenuGauge DkvmMenuGauge;
DkvmMenuGauge *dkvm_menu_gauge_new(const gchar *title, const gchar *text);
void dkvm_menu_gauge_set(DkvmMenuGauge *self, guint percent, const gchar *text);
void dkvm_menu_gauge_free(DkvmMenuGauge *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmMenuGauge, dkvm_menu_gauge_free)

/* @text with control characters (ESC, ...) shown as \xNN, so that text from
 * files, devices and libvirt can never drive the terminal. */
gchar *dkvm_menu_escape(const gchar *text);

/* The backtitle on every screen. */
void dkvm_menu_set_backtitle(const gchar *backtitle);

G_END_DECLS
