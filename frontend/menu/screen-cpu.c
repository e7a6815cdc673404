/*
 * CPU: the host's topology as a map (domains/cpu-map.c): packages, L3
 * groups, cores with their SMT threads, P/E cores, NUMA nodes, with the
 * host's reserve and each VM's pinned vCPUs marked. "Change reserve" asks
 * for the CPUs the host keeps in the kernel's list syntax (or auto, none),
 * checks them with the planner's own rules, writes dkvm.conf, persists it,
 * and draws the map again. VMs keep their pins until they are edited or
 * created again: the map shows where they now overlap the reserve.
 */
#include "cpu-map.h"
#include "dkvm-error.h"
#include "menu-host-data.h"
#include "menu-widgets.h"
#include "menu.h"
#include "plan.h"
#include "spec.h"
#include "vm-api.h"

#define MAP_WIDTH 76

/* dkvm.conf's reserve as a person types it. */
static gchar *
reserve_setting(const DkvmConfig *config)
{
	if (config->host_reserve == NULL)
		return g_strdup("auto");
	if (config->host_reserve->len == 0)
		return g_strdup("none");
	return dkvm_format_cpu_list(config->host_reserve);
}

static gchar *
map_text(DkvmMenu *menu, GError **error)
{
	const DkvmHostFacts *host = dkvm_app_get_host(menu->app, error);
	const DkvmConfig *config = NULL;
	g_autoptr(DkvmHostSettings) settings = NULL;
	g_autoptr(GArray) reserve = NULL;
	g_autoptr(GPtrArray) vms = NULL;
	g_autoptr(GPtrArray) map_vms = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) reserve_error = NULL;
	g_autoptr(GError) vms_error = NULL;
	g_autoptr(GString) text = NULL;
	g_autofree gchar *map = NULL;

	if (host == NULL || (config = dkvm_app_get_config(menu->app, error)) == NULL)
		return NULL;
	/* without libvirt the host's map is still worth seeing: the VMs are
	 * then said to be missing */
	vms = dkvm_menu_read_vm_details(menu->app, &vms_error);
	for (guint i = 0; vms != NULL && i < vms->len; i++) {
		const DkvmVmDetails *details = g_ptr_array_index(vms, i);
		DkvmCpuMapVm *vm = g_new0(DkvmCpuMapVm, 1);
		vm->name = details->summary->name;
		vm->state = dkvm_vm_state_name(details->summary->state);
		vm->vcpu_pins = details->domain->vcpu_pins;
		vm->emulator_pins = details->domain->emulator_pins;
		g_ptr_array_add(map_vms, vm);
	}
	settings = dkvm_config_get_host_settings(config);
	reserve = dkvm_plan_cpu_host_reserve(host, settings, NULL, &reserve_error);
	map = dkvm_cpu_map_text(host, reserve,
	                        config->host_reserve == NULL ? "auto (the planner's rule)"
	                                                     : "from dkvm.conf",
	                        map_vms, MAP_WIDTH);
	text = g_string_new(map);
	if (reserve_error != NULL)
		g_string_append_printf(text, "\n! dkvm.conf's reserve is not usable: %s\n",
		                       reserve_error->message);
	if (vms_error != NULL)
		g_string_append_printf(text, "\n! VMs not shown: %s\n", vms_error->message);
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/* @value as dkvm.conf's reserve (auto: NULL in *out, none: empty), checked
 * by the planner's rules on this host; a message saying why when not. */
static gboolean
parse_reserve(const DkvmHostFacts *host, const gchar *value, GArray **out, GPtrArray *warnings,
              GError **error)
{
	g_autoptr(GArray) cpus = NULL;
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(GArray) kept = NULL;

	*out = NULL;
	if (g_ascii_strcasecmp(value, "auto") == 0)
		return TRUE;
	if (g_ascii_strcasecmp(value, "none") == 0)
		cpus = g_array_new(FALSE, FALSE, sizeof(guint));
	else
		cpus = dkvm_parse_cpu_list(value, error);
	if (cpus == NULL)
		return FALSE;
	settings->host_reserve = g_array_copy(cpus);
	kept = dkvm_plan_cpu_host_reserve(host, settings, warnings, error);
	if (kept == NULL)
		return FALSE;
	*out = g_steal_pointer(&cpus);
	return TRUE;
}

static void
set_reserve(DkvmConfig *config, gpointer reserve)
{
	g_clear_pointer(&config->host_reserve, g_array_unref);
	config->host_reserve = reserve != NULL ? g_array_copy(reserve) : NULL;
}

/* Asks until the reserve is valid or the person goes back. */
static void
change_reserve(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	const DkvmHostFacts *host = dkvm_app_get_host(menu->app, &error);
	const DkvmConfig *config = host != NULL ? dkvm_app_get_config(menu->app, &error) : NULL;
	g_autofree gchar *value = NULL;

	if (config == NULL) {
		dkvm_menu_error("Host reserve", error);
		return;
	}
	value = reserve_setting(config);
	for (;;) {
		g_autofree gchar *answer = NULL;
		g_autoptr(GArray) reserve = NULL;
		g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
		if (dkvm_menu_input("Host reserve",
		                    "CPUs the host keeps for itself (VMs never get them), in the "
		                    "kernel's list syntax, e.g. 0-1,8-9; or auto (the planner's "
		                    "rule) or none. The planner widens it to whole cores.",
		                    value, &answer) != DKVM_ANSWER_OK)
			return;
		if (!parse_reserve(host, answer, &reserve, notes, &error)) {
			g_autofree gchar *why = g_strdup_printf(
			        "'%s' cannot be the host reserve:\n\n%s", answer, error->message);
			dkvm_menu_message("Host reserve", why);
			g_clear_error(&error);
			g_free(value);
			value = g_steal_pointer(&answer);
			continue;
		}
		if (!dkvm_menu_change_config(menu, set_reserve, reserve, notes, &error)) {
			dkvm_menu_error("Host reserve", error);
			return;
		}
		if (notes->len > 0) {
			g_ptr_array_add(notes, NULL);
			g_autofree gchar *joined = g_strjoinv("\n\n", (gchar **)notes->pdata);
			dkvm_menu_message("Host reserve", joined);
		}
		return;
	}
}

static DkvmScreenResult
cpu_run(DkvmMenu *menu)
{
	const DkvmWidgetOptions options = { .ok_label = "Back", .extra_label = "Change reserve" };

	for (;;) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *text = map_text(menu, &error);
		if (text == NULL) {
			dkvm_menu_error("CPU", error);
			return DKVM_SCREEN_BACK;
		}
		if (dkvm_menu_text("CPU map", text, &options) != DKVM_ANSWER_EXTRA)
			return DKVM_SCREEN_BACK;
		change_reserve(menu);
	}
}

const DkvmScreen dkvm_screen_cpu = {
	.name = "cpu",
	.label = "CPU",
	.help = "CPU map: cores, L3 groups, host reserve, VM pins",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = cpu_run,
};
