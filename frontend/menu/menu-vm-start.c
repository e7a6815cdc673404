/*
 * dkvm_menu_vm_start (menu-vm-start.h). frontend/vm's start reports its
 * steps (pages reserved, network started, watching the first 500 ms) and
 * its notices through a progress callback; they are collected into one box
 * so that what happened stays readable after the start.
 */
#include "menu-vm-start.h"

#include "menu-widgets.h"
#include "vm-power.h"

typedef struct {
	GString *log;
	gchar *title;
} StartView;

static void
on_progress(const gchar *what, guint done, guint total, gpointer user_data)
{
	StartView *view = user_data;

	g_string_append_printf(view->log, "%s\n", what);
	dkvm_menu_infobox(view->title, view->log->str);
}

gboolean
dkvm_menu_vm_start(DkvmMenu *menu, const gchar *name)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *started = NULL;
	StartView view = {
		.log = g_string_new(NULL),
		.title = g_strdup_printf("Start %s", name),
	};
	gboolean ok;

	g_string_append_printf(view.log, "Starting %s...\n", name);
	dkvm_menu_infobox(view.title, view.log->str);
	ok = dkvm_vm_start(menu->app, name, on_progress, &view, &started, &error);
	if (ok)
		g_string_append_printf(view.log, "\n%s is running.", started ? started : name);
	else
		g_string_append_printf(view.log, "\n%s", error->message);
	dkvm_menu_message(view.title, view.log->str);
	menu->changed = TRUE;
	g_string_free(view.log, TRUE);
	g_free(view.title);
	return ok;
}
