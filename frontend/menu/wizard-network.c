/*
 * Network: NAT through libvirt's "default" network, a host bridge (its
 * name asked), or none: the choices of `dkvm vm create --network nat`,
 * `bridge:BR` and `none`. The VM gets one interface (or none); Edit of a VM
 * with another NAT network keeps that network's name when NAT stays.
 */
#include "dkvm-error.h"
#include "menu-widgets.h"
#include "wizard.h"

/* The VM's first interface, NULL when it has none. */
static const DkvmNic *
first_nic(const DkvmSpec *spec)
{
	return spec->nics->len > 0 ? g_ptr_array_index(spec->nics, 0) : NULL;
}

/* A bridge name the person typed: the kernel's interface name rule
 * (1 to 15 characters, no '/', ':' or white space). */
static gboolean
check_bridge(const gchar *name, GError **error)
{
	if (*name == '\0' || strlen(name) > 15 || strpbrk(name, "/: \t") != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "'%s' is not a bridge name: 1 to 15 characters, no '/', ':' or spaces",
		            name);
		return FALSE;
	}
	return TRUE;
}

/* The bridge's name, NULL on Back. */
static gchar *
ask_bridge(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Network");
	const DkvmNic *nic = first_nic(wizard->spec);
	g_autofree gchar *value = g_strdup(
	        nic != NULL && nic->kind == DKVM_NET_BRIDGE && nic->source != NULL ? nic->source
	                                                                           : "br0");

	for (;;) {
		g_autofree gchar *typed = NULL;
		g_autoptr(GError) error = NULL;

		if (dkvm_menu_input(title, "The host bridge to join (e.g. br0):", value, &typed) !=
		    DKVM_ANSWER_OK)
			return NULL;
		if (check_bridge(typed, &error))
			return g_steal_pointer(&typed);
		dkvm_wizard_refuse(wizard, "Network", error);
		g_free(value);
		value = g_steal_pointer(&typed);
	}
}

static DkvmStepResult
network_run(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Network");
	const DkvmNic *nic = first_nic(wizard->spec);
	DkvmNetKind current = nic != NULL ? nic->kind : DKVM_NET_NONE;

	for (;;) {
		g_autoptr(GPtrArray) items = dkvm_menu_items_new();
		gint cursor = 0;
		const DkvmMenuItem *chosen = NULL;
		g_autofree gchar *bridge = NULL;

		dkvm_menu_items_add(items, "nat", current == DKVM_NET_NAT,
		                    "NAT: libvirt's network, the host's addresses");
		dkvm_menu_items_add(items, "bridge", current == DKVM_NET_BRIDGE,
		                    "Bridge: on the host's LAN, its own address");
		dkvm_menu_items_add(items, "none", current == DKVM_NET_NONE, "None: no network");
		cursor = current == DKVM_NET_NAT ? 0 : current == DKVM_NET_BRIDGE ? 1 : 2;
		if (dkvm_menu_radiolist(title, "How does the VM reach the network?", items, &cursor,
		                        NULL) != DKVM_ANSWER_OK)
			return DKVM_STEP_BACK;
		for (guint i = 0; i < items->len && chosen == NULL; i++) {
			const DkvmMenuItem *item = g_ptr_array_index(items, i);
			if (item->on)
				chosen = item;
		}
		if (chosen == NULL)
			chosen = g_ptr_array_index(items, cursor);
		if (g_strcmp0(chosen->tag, "nat") == 0) {
			/* a NAT network chosen before (vm create --network nat:NAME)
			 * stays; a new one is libvirt's "default" */
			if (current != DKVM_NET_NAT) {
				g_ptr_array_set_size(wizard->spec->nics, 0);
				g_ptr_array_add(wizard->spec->nics,
				                dkvm_nic_new(DKVM_NET_NAT, NULL));
			}
			return DKVM_STEP_NEXT;
		}
		if (g_strcmp0(chosen->tag, "none") == 0) {
			g_ptr_array_set_size(wizard->spec->nics, 0);
			return DKVM_STEP_NEXT;
		}
		bridge = ask_bridge(wizard);
		if (bridge == NULL)
			continue; /* Back from the bridge's name: the choice again */
		g_ptr_array_set_size(wizard->spec->nics, 0);
		g_ptr_array_add(wizard->spec->nics, dkvm_nic_new(DKVM_NET_BRIDGE, bridge));
		return DKVM_STEP_NEXT;
	}
}

static gchar *
network_describe(const DkvmWizard *wizard)
{
	const DkvmNic *nic = first_nic(wizard->spec);

	if (nic == NULL)
		return g_strdup("none");
	if (nic->kind == DKVM_NET_BRIDGE)
		return g_strdup_printf("bridge %s", nic->source != NULL ? nic->source : "?");
	if (nic->kind == DKVM_NET_NONE)
		return g_strdup("none");
	return g_strdup_printf("NAT (%s)%s", nic->source != NULL ? nic->source : "default",
	                       wizard->spec->nics->len > 1 ? " and more" : "");
}

const DkvmWizardStep dkvm_wizard_step_network = {
	.name = "network",
	.label = "Network",
	.run = network_run,
	.describe = network_describe,
};
