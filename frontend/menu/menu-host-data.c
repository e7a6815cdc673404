/*
 * VM domains and dkvm.conf for the host screens (menu-host-data.h).
 */
#include "menu-host-data.h"

#include "dkvm-error.h"
#include "vm-api.h"

GPtrArray *
dkvm_menu_read_vm_details(DkvmApp *app, GError **error)
{
	g_autoptr(GPtrArray) list = dkvm_vm_list(app, error);
	g_autoptr(GPtrArray) out = NULL;

	if (list == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_vm_details_free);
	for (guint i = 0; i < list->len; i++) {
		const DkvmVmSummary *summary = g_ptr_array_index(list, i);
		g_autoptr(GError) show_error = NULL;
		DkvmVmDetails *details = dkvm_vm_show(app, summary->name, &show_error);
		if (details == NULL) {
			if (g_error_matches(show_error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND))
				continue;
			g_propagate_error(error, g_steal_pointer(&show_error));
			return NULL;
		}
		g_ptr_array_add(out, details);
	}
	return g_steal_pointer(&out);
}

gboolean
dkvm_menu_change_config(DkvmMenu *menu, DkvmAppConfigChange change, gpointer user_data,
                        GPtrArray *notes, GError **error)
{
	g_autoptr(GError) persist_error = NULL;

	if (!dkvm_app_change_config(menu->app, change, user_data, error))
		return FALSE;
	if (!dkvm_vm_persist(menu->app, &persist_error))
		g_ptr_array_add(notes, g_strdup(persist_error->message));
	return TRUE;
}
