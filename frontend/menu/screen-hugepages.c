/*
 * Hugepages: each pool (page size, and NUMA node on a host with several)
 * with its total and free pages, what each VM needs, and whether the VMs'
 * pages are reserved at boot (dkvm.conf's boot_hugepages, with the kernel
 * options that do it).
 *
 * Enter on a pool asks for its new size and grows or shrinks it now
 * (growing may compact memory first and take seconds: an info box says
 * so); on a VM it makes sure the pages it needs are free now; on the boot
 * line it switches reservation at boot on or off, in dkvm.conf and on the
 * boot stick's kernel command line (vm-boot-cmdline.h). The pools are read
 * again from the kernel for every drawing: they change under the menu as
 * VMs start and stop.
 */
#include <stdio.h>
#include <string.h>

#include "dkvm-error.h"
#include "format-size.h"
#include "host-cpu.h"
#include "host-memory.h"
#include "hugepage-boot.h"
#include "menu-host-data.h"
#include "menu-widgets.h"
#include "menu.h"
#include "size-math.h"
#include "vm-api.h"
#include "vm-boot-cmdline.h"
#include "vm-hugepages.h"

#define TAG_POOL "pool:"
#define TAG_VM   "vm:"
#define TAG_BOOT "boot"

#define ITEM_WIDTH 68

typedef struct {
	DkvmHostFacts *host; /* the pools as the kernel has them now */
	GPtrArray *vms;      /* DkvmVmDetails* */
	gchar *boot_options; /* NULL: no VM uses hugepages */
	gchar *vms_missing;  /* why the VMs could not be read, NULL when they were */
	gboolean boot_on;
} Pools;

static void
pools_free(Pools *self)
{
	dkvm_host_facts_free(self->host);
	g_clear_pointer(&self->vms, g_ptr_array_unref);
	g_free(self->boot_options);
	g_free(self->vms_missing);
	g_free(self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Pools, pools_free)

static Pools *
pools_read(DkvmMenu *menu, GError **error)
{
	g_autoptr(Pools) self = g_new0(Pools, 1);
	g_autoptr(GPtrArray) domains = g_ptr_array_new();
	const DkvmConfig *config = dkvm_app_get_config(menu->app, error);
	g_autoptr(GError) vms_error = NULL;

	if (config == NULL)
		return NULL;
	self->boot_on = config->boot_hugepages;
	/* the CPUs give the NUMA nodes the per-node pools belong to */
	self->host = dkvm_host_facts_new();
	if (!dkvm_host_read_cpus(self->host, error))
		return NULL;
	dkvm_host_read_memory(self->host);
	/* the pools can be changed without libvirt: the VMs are then said to
	 * be missing */
	self->vms = dkvm_menu_read_vm_details(menu->app, &vms_error);
	if (self->vms == NULL) {
		self->vms = g_ptr_array_new();
		self->vms_missing = g_strdup(vms_error->message);
	}
	for (guint i = 0; i < self->vms->len; i++)
		g_ptr_array_add(domains,
		                ((DkvmVmDetails *)g_ptr_array_index(self->vms, i))->domain);
	self->boot_options = dkvm_hugepage_boot_options(domains);
	return g_steal_pointer(&self);
}

/* Per-node pools are listed only where there are several nodes: on one
 * node they repeat the global pool. */
static gboolean
pool_shown(const Pools *pools, const DkvmHugepagePool *p)
{
	return p->node < 0 || pools->host->numa_nodes->len > 1;
}

static gchar *
pool_name(const DkvmHugepagePool *p)
{
	g_autofree gchar *size = dkvm_format_kib(p->size_kib);

	if (p->node < 0)
		return g_strdup_printf("%s pages", size);
	return g_strdup_printf("%s pages, node %d", size, p->node);
}

/* "512 x 2 MiB (1.0 GiB)" and where from */
static gchar *
describe_need(const DkvmDomainXml *d)
{
	guint64 pages = dkvm_domain_xml_hugepages_needed(d);
	g_autofree gchar *size = dkvm_format_kib(d->hugepage_size_kib);
	g_autofree gchar *memory = dkvm_format_kib(dkvm_size_mul(pages, d->hugepage_size_kib));
	g_autoptr(GString) where = g_string_new(NULL);

	for (guint i = 0; d->hugepage_needs != NULL && i < d->hugepage_needs->len; i++) {
		const DkvmHugepageNeed *need =
		        &g_array_index(d->hugepage_needs, DkvmHugepageNeed, i);
		if (need->node >= 0)
			g_string_append_printf(where, "%s%d", where->len > 0 ? "," : ", node ",
			                       need->node);
	}
	return g_strdup_printf("%" G_GUINT64_FORMAT " x %s (%s)%s", pages, size, memory,
	                       where->str);
}

static GPtrArray *
pool_items(const Pools *pools)
{
	GPtrArray *items = dkvm_menu_items_new();
	guint users = 0;

	for (guint i = 0; i < pools->host->hugepages->len; i++) {
		const DkvmHugepagePool *p = g_ptr_array_index(pools->host->hugepages, i);
		g_autofree gchar *tag = NULL, *name = NULL, *memory = NULL;
		if (!pool_shown(pools, p))
			continue;
		tag = g_strdup_printf(TAG_POOL "%" G_GUINT64_FORMAT ":%d", p->size_kib, p->node);
		name = pool_name(p);
		memory = dkvm_format_kib(p->total * p->size_kib);
		dkvm_menu_items_add(items, tag, FALSE,
		                    "%-20s %7" G_GUINT64_FORMAT " total %7" G_GUINT64_FORMAT
		                    " free  (%s)",
		                    name, p->total, p->free, memory);
	}
	for (guint i = 0; i < pools->vms->len; i++) {
		const DkvmVmDetails *vm = g_ptr_array_index(pools->vms, i);
		g_autofree gchar *tag = NULL, *need = NULL;
		if (dkvm_domain_xml_hugepages_needed(vm->domain) == 0)
			continue;
		users++;
		tag = g_strconcat(TAG_VM, vm->summary->name, NULL);
		need = describe_need(vm->domain);
		dkvm_menu_items_add(items, tag, FALSE, "%-20s needs %s", vm->summary->name, need);
	}
	if (pools->vms_missing != NULL)
		dkvm_menu_items_add(items, "none", FALSE, "VMs not shown (see above)");
	else if (users == 0)
		dkvm_menu_items_add(items, "none", FALSE, "No VM uses hugepages");
	dkvm_menu_items_add(items, TAG_BOOT, FALSE, "%-20s %s", "Reserve at boot",
	                    pools->boot_on ? "on" : "off");
	/* dialog centres a list narrower than its box: one width keeps the
	 * columns at the left edge, as on the main screen */
	for (guint i = 0; i < items->len; i++) {
		DkvmMenuItem *item = g_ptr_array_index(items, i);
		gchar *padded = g_strdup_printf("%-*s", ITEM_WIDTH, item->text);
		g_free(item->text);
		item->text = padded;
	}
	return items;
}

static const DkvmHugepagePool *
find_pool(const Pools *pools, guint64 size_kib, gint node)
{
	for (guint i = 0; i < pools->host->hugepages->len; i++) {
		const DkvmHugepagePool *p = g_ptr_array_index(pools->host->hugepages, i);
		if (p->size_kib == size_kib && p->node == node)
			return p;
	}
	return NULL;
}

/* Resizes the pool; growing shows an info box first: the kernel may
 * compact memory, which can take seconds. */
static gboolean
resize(const DkvmHugepagePool *p, guint64 target, GError **error)
{
	if (target > p->total) {
		g_autofree gchar *name = pool_name(p);
		g_autofree gchar *text = g_strdup_printf(
		        "Reserving %" G_GUINT64_FORMAT " more %s...\n\nThe kernel may compact "
		        "memory first to find whole pages; this can take a few seconds.",
		        target - p->total, name);
		dkvm_menu_infobox("Hugepages", text);
	}
	return dkvm_vm_hugepages_resize(p, target, error);
}

/* Asks for the pool's new size until it is a number or the person goes back. */
static void
resize_pool(DkvmMenu *menu, const Pools *pools, const gchar *tag)
{
	guint64 size_kib = 0;
	gint node = -1;
	const DkvmHugepagePool *p;
	g_autofree gchar *name = NULL, *prompt = NULL, *value = NULL;

	if (sscanf(tag + strlen(TAG_POOL), "%" G_GUINT64_FORMAT ":%d", &size_kib, &node) != 2 ||
	    (p = find_pool(pools, size_kib, node)) == NULL)
		return;
	name = pool_name(p);
	prompt = g_strdup_printf("The pool of %s holds %" G_GUINT64_FORMAT
	                         " pages, %" G_GUINT64_FORMAT
	                         " free.\n\nHow many pages should it hold? More reserves them "
	                         "now; fewer gives free pages back (pages in use stay).",
	                         name, p->total, p->free);
	value = g_strdup_printf("%" G_GUINT64_FORMAT, p->total);
	for (;;) {
		g_autofree gchar *answer = NULL;
		g_autoptr(GError) error = NULL;
		guint64 target = 0;
		if (dkvm_menu_input("Hugepages", prompt, value, &answer) != DKVM_ANSWER_OK)
			return;
		if (!g_ascii_string_to_unsigned(answer, 10, 0, G_MAXUINT32, &target, NULL)) {
			g_autofree gchar *why = g_strdup_printf(
			        "'%s' is not a number of pages: give a whole number, 0 or more.",
			        answer);
			dkvm_menu_message("Hugepages", why);
			g_free(value);
			value = g_steal_pointer(&answer);
			continue;
		}
		if (!resize(p, target, &error))
			dkvm_menu_error("Hugepages", error);
		menu->changed = TRUE;
		return;
	}
}

/* Makes sure the pages @tag's VM needs are free now. */
static void
reserve_for_vm(DkvmMenu *menu, const Pools *pools, const gchar *tag)
{
	const gchar *name = tag + strlen(TAG_VM);
	const DkvmDomainXml *d = NULL;
	g_autoptr(GPtrArray) report = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *need = NULL, *text = NULL, *joined = NULL;

	for (guint i = 0; i < pools->vms->len && d == NULL; i++) {
		const DkvmVmDetails *vm = g_ptr_array_index(pools->vms, i);
		if (g_strcmp0(vm->summary->name, name) == 0)
			d = vm->domain;
	}
	if (d == NULL)
		return;
	need = describe_need(d);
	text = g_strdup_printf("Reserve now the pages %s needs: %s?\n\nThey stay free in the "
	                       "pool for its next start.",
	                       name, need);
	if (!dkvm_menu_confirm("Hugepages", text, FALSE))
		return;
	dkvm_menu_infobox("Hugepages", "Reserving hugepages...\n\nThe kernel may compact memory "
	                               "first to find whole pages; this can take a few seconds.");
	if (!dkvm_vm_hugepages_reserve(d, report, &error)) {
		dkvm_menu_error("Hugepages", error);
		return;
	}
	menu->changed = TRUE;
	g_ptr_array_add(report, NULL);
	joined = g_strjoinv("\n", (gchar **)report->pdata);
	dkvm_menu_message("Hugepages", joined);
}

static void
set_boot(DkvmConfig *config, gpointer on)
{
	config->boot_hugepages = GPOINTER_TO_INT(on);
}

/* The boot stick's options follow the switch (what `dkvm host cmdline
 * --hugepages` does); why they could not goes to @notes. */
static void
apply_to_stick(DkvmMenu *menu, const Pools *pools, gboolean on, GPtrArray *notes)
{
	const gchar *dir =
	        menu->options->boot_dir != NULL ? menu->options->boot_dir : DKVM_BOOT_DIR_DEFAULT;
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmBootConfig) config = NULL;
	g_autoptr(DkvmBootChange) change = dkvm_boot_change_new(NULL);
	gboolean changed = FALSE;

	if (on && pools->vms_missing != NULL) {
		g_ptr_array_add(notes, g_strdup("The boot stick's kernel options are not changed: "
		                                "the VMs' needs are unknown without libvirt."));
		return;
	}
	config = dkvm_boot_config_read(dir, &error);
	if (config == NULL) {
		g_ptr_array_add(notes, g_strdup_printf("The boot stick's kernel options are not "
		                                       "changed: %s",
		                                       error->message));
		return;
	}
	if (on && pools->boot_options != NULL)
		dkvm_boot_change_set(change, DKVM_BOOT_OPT_HUGEPAGES, pools->boot_options);
	else
		change->action[DKVM_BOOT_OPT_HUGEPAGES] = DKVM_BOOT_REMOVE;
	if (!dkvm_boot_config_change(config, change, &changed, notes, &error)) {
		g_ptr_array_add(notes, g_strdup_printf("The boot stick's kernel options are not "
		                                       "changed: %s",
		                                       error->message));
		return;
	}
	g_ptr_array_add(notes, g_strdup(changed ? "syslinux.cfg and grub.cfg are changed (the "
	                                          "previous ones kept as .bak): from the next "
	                                          "boot."
	                                        : "The boot stick's kernel options already say "
	                                          "so."));
}

static void
switch_boot(DkvmMenu *menu, const Pools *pools)
{
	g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *text = NULL;

	if (!dkvm_menu_change_config(menu, set_boot, GINT_TO_POINTER(!pools->boot_on), notes,
	                             &error)) {
		dkvm_menu_error("Hugepages", error);
		return;
	}
	apply_to_stick(menu, pools, !pools->boot_on, notes);
	g_ptr_array_add(notes, NULL);
	text = g_strjoinv("\n\n", (gchar **)notes->pdata);
	dkvm_menu_message("Hugepages", text);
}

static gchar *
prompt_of(const Pools *pools)
{
	GString *prompt = g_string_new("Enter: resize a pool, reserve a VM's pages now, or "
	                               "switch reservation at boot.");

	if (pools->boot_options != NULL)
		g_string_append_printf(prompt, " At boot: %s", pools->boot_options);
	if (pools->vms_missing != NULL)
		g_string_append_printf(prompt, "\nVMs not shown: %s", pools->vms_missing);
	return g_string_free(prompt, FALSE);
}

static DkvmScreenResult
hugepages_run(DkvmMenu *menu)
{
	g_autofree gchar *cursor_tag = NULL;

	for (;;) {
		g_autoptr(GError) error = NULL;
		g_autoptr(Pools) pools = pools_read(menu, &error);
		g_autoptr(GPtrArray) items = NULL;
		g_autofree gchar *prompt = NULL;
		const DkvmMenuItem *item;
		gint cursor;

		if (pools == NULL) {
			dkvm_menu_error("Hugepages", error);
			return DKVM_SCREEN_BACK;
		}
		items = pool_items(pools);
		prompt = prompt_of(pools);
		cursor = cursor_tag != NULL ? MAX(dkvm_menu_items_find(items, cursor_tag), 0) : 0;
		if (dkvm_menu_choose("Hugepages", prompt, items, &cursor, NULL) != DKVM_ANSWER_OK)
			return DKVM_SCREEN_BACK;
		item = g_ptr_array_index(items, cursor);
		g_free(cursor_tag);
		cursor_tag = g_strdup(item->tag);
		if (g_str_has_prefix(item->tag, TAG_POOL))
			resize_pool(menu, pools, item->tag);
		else if (g_str_has_prefix(item->tag, TAG_VM))
			reserve_for_vm(menu, pools, item->tag);
		else if (g_strcmp0(item->tag, TAG_BOOT) == 0)
			switch_boot(menu, pools);
	}
}

const DkvmScreen dkvm_screen_hugepages = {
	.name = "hugepages",
	.label = "Hugepages",
	.help = "Pools, what each VM needs, reserve now or at boot",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = hugepages_run,
};
