/*
 * Disks: the VM's disks as a list, with a disk to add from three sources:
 *  - a whole block device, by its /dev/disk/by-id name (model and size
 *    shown; the boot stick is not offered, a disk the host has mounted is
 *    refused with the mount), never /dev/sdX (dkvm_disk_validate);
 *  - an image file on the data partition (.qcow2, .img, .raw);
 *  - a new qcow2 image of a given size, created on the data partition at
 *    once through libvirt's storage API (it stays if the wizard is left).
 * Choosing a disk of the list takes it off the VM (the disk or file itself
 * is not touched). The step works on a copy: Back leaves the spec as it was.
 */
#include "dkvm-error.h"
#include "format-size.h"
#include "host-disks.h"
#include "menu-widgets.h"
#include "vm-api.h"
#include "wizard-data.h"
#include "wizard.h"

#define LABEL      "Disks"
#define ITEM_WIDTH 64

static const gchar *const image_suffixes[] = { ".qcow2", ".img", ".raw", NULL };

static DkvmDisk *
disk_copy(const DkvmDisk *disk)
{
	DkvmDisk *copy = dkvm_disk_new(disk->path);

	copy->target = g_strdup(disk->target);
	copy->is_block = disk->is_block;
	return copy;
}

static gboolean
has_disk(GPtrArray *disks, const gchar *path)
{
	for (guint i = 0; i < disks->len; i++) {
		const DkvmDisk *d = g_ptr_array_index(disks, i);
		if (g_strcmp0(d->path, path) == 0)
			return TRUE;
	}
	return FALSE;
}

static gchar *
disk_line(const DkvmDataPartition *data, const DkvmDisk *disk)
{
	const gchar *by_id = "/dev/disk/by-id/";
	g_autofree gchar *shown = NULL;

	if (g_str_has_prefix(disk->path, by_id))
		shown = dkvm_wizard_data_shown(NULL, disk->path + strlen(by_id), ITEM_WIDTH - 14);
	else
		shown = dkvm_wizard_data_shown(data, disk->path, ITEM_WIDTH - 14);
	if (disk->target != NULL)
		return g_strdup_printf("%s: %-6s %s", disk->target,
		                       disk->is_block ? "device" : "image", shown);
	return g_strdup_printf("%-6s %s", disk->is_block ? "device" : "image", shown);
}

/* Adds @disk to @disks when the disk rule takes it; else says why. */
static gboolean
add_checked(const DkvmWizard *wizard, GPtrArray *disks, DkvmDisk *disk)
{
	g_autoptr(GError) error = NULL;

	if (!dkvm_disk_validate(disk, &error)) {
		dkvm_wizard_refuse(wizard, LABEL, error);
		dkvm_disk_free(disk);
		return FALSE;
	}
	g_ptr_array_add(disks, disk);
	return TRUE;
}

static void
add_block_device(const DkvmWizard *wizard, GPtrArray *disks)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Add a block device");
	g_autoptr(GPtrArray) found = dkvm_host_read_disks(wizard->host->cmdline.raw);
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	gint cursor = 0;

	for (guint i = 0; i < found->len; i++) {
		const DkvmHostDisk *d = g_ptr_array_index(found, i);
		g_autofree gchar *size = dkvm_format_kib_column(d->size_bytes / 1024);
		g_autofree gchar *id = dkvm_wizard_data_shown(NULL, strrchr(d->path, '/') + 1,
		                                              d->in_use != NULL ? 20 : 29);

		if (has_disk(disks, d->path))
			continue;
		dkvm_menu_items_add(items, d->path, FALSE, "%-20.20s %10s %s%s",
		                    d->model != NULL ? d->model : "?", size, id,
		                    d->in_use != NULL ? " [in use]" : "");
	}
	if (items->len == 0) {
		dkvm_menu_message(title, "No other whole disk is there to give: /dev/disk/by-id "
		                         "lists none (the DKVM boot stick is never offered).");
		return;
	}
	for (;;) {
		const DkvmMenuItem *item;
		const DkvmHostDisk *chosen = NULL;
		DkvmDisk *disk;

		if (dkvm_menu_choose(title,
		                     "Model, size, /dev/disk/by-id name. The VM gets the whole "
		                     "disk; the host must not use it meanwhile.",
		                     items, &cursor, NULL) != DKVM_ANSWER_OK)
			return;
		item = g_ptr_array_index(items, cursor);
		for (guint i = 0; i < found->len && chosen == NULL; i++) {
			const DkvmHostDisk *d = g_ptr_array_index(found, i);
			if (g_str_equal(d->path, item->tag))
				chosen = d;
		}
		if (chosen != NULL && chosen->in_use != NULL) {
			g_autoptr(GError) error =
			        g_error_new(DKVM_ERROR, DKVM_ERROR_REFUSED,
			                    "cannot give %s (%s) to a VM: the host uses it: %s",
			                    chosen->path, chosen->kernel_name, chosen->in_use);
			dkvm_wizard_refuse(wizard, LABEL, error);
			continue;
		}
		disk = dkvm_disk_new(item->tag);
		disk->is_block = TRUE;
		if (add_checked(wizard, disks, disk))
			return;
	}
}

static void
add_image_file(const DkvmWizard *wizard, GPtrArray *disks)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "Add an image file");
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDataPartition) data = dkvm_wizard_data_partition(wizard, &error);
	g_autoptr(GPtrArray) files =
	        data != NULL ? dkvm_vm_data_files(data, image_suffixes, &error) : NULL;
	g_autoptr(GPtrArray) items = dkvm_menu_items_new();
	g_autofree gchar *prompt = NULL;
	gint cursor = 0;

	if (files == NULL) {
		dkvm_wizard_refuse(wizard, LABEL, error);
		return;
	}
	for (guint i = 0; i < files->len; i++) {
		const gchar *path = g_ptr_array_index(files, i);
		g_autofree gchar *size = dkvm_wizard_file_size(path);
		g_autofree gchar *shown = dkvm_wizard_data_shown(data, path, ITEM_WIDTH - 10);

		if (!has_disk(disks, path))
			dkvm_menu_items_add(items, path, FALSE, "%-*s %9s", ITEM_WIDTH - 10, shown,
			                    size);
	}
	if (items->len == 0) {
		g_autofree gchar *text = g_strdup_printf("No other image file (.qcow2, .img, .raw) "
		                                         "is on the data partition %s (%s).",
		                                         data->label, data->mount_point);
		dkvm_menu_message(title, text);
		return;
	}
	prompt = g_strdup_printf("Image files on the data partition %s (%s):", data->label,
	                         data->mount_point);
	if (dkvm_menu_choose(title, prompt, items, &cursor, NULL) != DKVM_ANSWER_OK)
		return;
	add_checked(wizard, disks,
	            dkvm_disk_new(((DkvmMenuItem *)g_ptr_array_index(items, cursor))->tag));
}

/* Where new images go: images/ on the data partition when it is there. */
static gchar *
image_folder(const DkvmDataPartition *data)
{
	g_autofree gchar *images = g_build_filename(data->dir, "images", NULL);

	if (g_file_test(images, G_FILE_TEST_IS_DIR))
		return g_steal_pointer(&images);
	return g_strdup(data->dir);
}

static void
add_new_image(const DkvmWizard *wizard, GPtrArray *disks)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, "New qcow2 image");
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDataPartition) data = dkvm_wizard_data_partition(wizard, &error);
	g_autofree gchar *folder = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *size_text = g_strdup("64G");

	if (data == NULL) {
		dkvm_wizard_refuse(wizard, LABEL, error);
		return;
	}
	folder = image_folder(data);
	name = g_strdup_printf("%s%s.qcow2", wizard->spec->name != NULL ? wizard->spec->name : "vm",
	                       disks->len > 0 ? "-2" : "");
	for (;;) {
		g_autofree gchar *typed = NULL;
		g_autofree gchar *prompt = NULL;
		g_autofree gchar *path = NULL;
		g_autoptr(GError) local = NULL;
		guint64 kib = 0;
		DkvmDisk *disk;

		prompt = g_strdup_printf("File name of the new image (in %s%s):", data->mount_point,
		                         strlen(folder) > strlen(data->dir) ? "/images" : "");
		if (dkvm_menu_input(title, prompt, name, &typed) != DKVM_ANSWER_OK)
			return;
		g_free(name);
		name = g_steal_pointer(&typed);
		if (dkvm_menu_input(title, "Its size (e.g. 64G, 512G, 1T):", size_text, &typed) !=
		    DKVM_ANSWER_OK)
			continue; /* Back from the size: the name again */
		g_free(size_text);
		size_text = g_steal_pointer(&typed);
		if (!dkvm_parse_size_kib(size_text, &kib, &local)) {
			dkvm_wizard_refuse(wizard, LABEL, local);
			continue;
		}
		dkvm_menu_infobox(title, "Creating the image...");
		path = dkvm_vm_storage_create_qcow2(wizard->menu->app, folder, name, kib * 1024,
		                                    &local);
		if (path == NULL) {
			dkvm_wizard_refuse(wizard, LABEL, local);
			continue;
		}
		disk = dkvm_disk_new(path);
		if (add_checked(wizard, disks, disk))
			return;
	}
}

static DkvmStepResult
disks_run(DkvmWizard *wizard)
{
	g_autofree gchar *title = dkvm_wizard_title(wizard, LABEL);
	g_autoptr(GPtrArray) disks = g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_disk_free);
	g_autoptr(DkvmDataPartition) data = dkvm_wizard_data_partition(wizard, NULL);
	gint cursor;

	for (guint i = 0; i < wizard->spec->disks->len; i++)
		g_ptr_array_add(disks, disk_copy(g_ptr_array_index(wizard->spec->disks, i)));
	/* the cursor starts on Done: Enter goes on, as on every step */
	cursor = (gint)disks->len + 3;
	for (;;) {
		g_autoptr(GPtrArray) items = dkvm_menu_items_new();
		const DkvmMenuItem *item;
		g_autofree gchar *prompt = NULL;

		for (guint i = 0; i < disks->len; i++) {
			g_autofree gchar *tag = g_strdup_printf("disk%u", i);
			g_autofree gchar *line = disk_line(data, g_ptr_array_index(disks, i));
			dkvm_menu_items_add(items, tag, FALSE, "%s", line);
		}
		dkvm_menu_items_add(items, "add-block", FALSE, "+ Add a block device (by-id)");
		dkvm_menu_items_add(items, "add-image", FALSE,
		                    "+ Add an image file from the data partition");
		dkvm_menu_items_add(items, "add-new", FALSE, "+ Create a new qcow2 image");
		dkvm_menu_items_add(items, "done", FALSE, "Done: go on with these disks");
		prompt = g_strdup_printf("The VM has %u disk%s. Choose one to take it off the VM, "
		                         "or add one.",
		                         disks->len, disks->len == 1 ? "" : "s");
		if (dkvm_menu_choose(title, prompt, items, &cursor, NULL) != DKVM_ANSWER_OK)
			return DKVM_STEP_BACK;
		item = g_ptr_array_index(items, cursor);
		if (g_str_has_prefix(item->tag, "add-")) {
			guint before = disks->len;

			if (g_str_equal(item->tag, "add-block"))
				add_block_device(wizard, disks);
			else if (g_str_equal(item->tag, "add-image"))
				add_image_file(wizard, disks);
			else
				add_new_image(wizard, disks);
			/* a disk was added: the cursor on Done, where the person goes next */
			if (disks->len > before)
				cursor = (gint)disks->len + 3;
		} else if (g_str_equal(item->tag, "done")) {
			GPtrArray *old = wizard->spec->disks;
			wizard->spec->disks = g_steal_pointer(&disks);
			disks = old;
			return DKVM_STEP_NEXT;
		} else {
			const DkvmDisk *disk = g_ptr_array_index(disks, (guint)cursor);
			g_autofree gchar *question = g_strdup_printf(
			        "Take %s off the VM? The disk or file itself is not touched.",
			        disk->path);
			if (dkvm_menu_confirm(title, question, TRUE)) {
				g_ptr_array_remove_index(disks, (guint)cursor);
				cursor = (gint)disks->len + 3;
			}
		}
	}
}

static gchar *
disks_describe(const DkvmWizard *wizard)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < wizard->spec->disks->len; i++) {
		const DkvmDisk *disk = g_ptr_array_index(wizard->spec->disks, i);
		g_autofree gchar *name = g_path_get_basename(disk->path);
		g_string_append_printf(text, "%s%s", i > 0 ? ", " : "", name);
	}
	return text->len > 0 ? g_string_free(g_steal_pointer(&text), FALSE) : g_strdup("none");
}

const DkvmWizardStep dkvm_wizard_step_disks = {
	.name = "disks",
	.label = "Disks",
	.run = disks_run,
	.describe = disks_describe,
};
