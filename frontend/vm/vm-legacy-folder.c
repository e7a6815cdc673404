/*
 * Reading the original DKVM's data partition (see vm-legacy-folder.h).
 */
#include "vm-legacy-folder.h"

#include "dkvm-error.h"
#include "file-read.h"
#include "host-path.h"

static gchar *
folder_path(const gchar *path, guint number)
{
	gchar name[2] = { (gchar)('0' + number), '\0' };
	return g_build_filename(path, name, NULL);
}

gboolean
dkvm_vm_legacy_detect(const gchar *path)
{
	if (path == NULL || !g_file_test(path, G_FILE_TEST_IS_DIR))
		return FALSE;
	for (guint i = 0; i <= 9; i++) {
		g_autofree gchar *dir = folder_path(path, i);
		g_autofree gchar *config = g_build_filename(dir, "vm_config", NULL);
		if (g_file_test(config, G_FILE_TEST_EXISTS))
			return TRUE;
	}
	return FALSE;
}

/* /proc/mounts escapes a space in a path as \040 */
static gchar *
mounts_unescape(const gchar *field)
{
	return g_strcompress(field);
}

/* The mount point of the partition labelled @label, NULL when not mounted. */
static gchar *
mount_point_of_label(const gchar *label)
{
	g_autofree gchar *link = g_build_filename("/dev/disk/by-label", label, NULL);
	g_autofree gchar *target = g_file_read_link(link, NULL);
	g_autofree gchar *mounts_path = dkvm_host_path("proc/mounts");
	g_autofree gchar *mounts = NULL;
	g_autofree gchar *device = NULL;
	g_auto(GStrv) lines = NULL;

	if (target == NULL || !g_file_get_contents(mounts_path, &mounts, NULL, NULL))
		return NULL;
	/* udev's link is relative: ../../sdb2 */
	device = g_canonicalize_filename(target, "/dev/disk/by-label");
	lines = g_strsplit(mounts, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) fields = g_strsplit(lines[i], " ", 3);
		if (g_strv_length(fields) >= 2 && g_str_equal(fields[0], device))
			return mounts_unescape(fields[1]);
	}
	return NULL;
}

gchar *
dkvm_vm_legacy_find(void)
{
	const gchar *labels[] = { "dkvmdata", "DKVMDATA" };

	if (dkvm_vm_legacy_detect(DKVM_LEGACY_MOUNT_POINT))
		return g_strdup(DKVM_LEGACY_MOUNT_POINT);
	for (guint i = 0; i < G_N_ELEMENTS(labels); i++) {
		g_autofree gchar *mount = mount_point_of_label(labels[i]);
		if (mount != NULL && dkvm_vm_legacy_detect(mount))
			return g_steal_pointer(&mount);
	}
	return NULL;
}

static void
folder_free(DkvmVmLegacyFolder *self)
{
	g_free(self->name);
	g_free(self->vm_config);
	g_clear_error(&self->read_error);
	g_free(self->nvram);
	g_free(self->tpm_dir);
	g_free(self);
}

void
dkvm_vm_legacy_data_free(DkvmVmLegacyData *self)
{
	if (self == NULL)
		return;
	g_free(self->path);
	g_ptr_array_unref(self->folders);
	g_free(self->pci_devices);
	g_free(self->usb_devices);
	g_free(self->cpu_options);
	g_free(self->cpu_topology);
	g_free(self->start_stop_script);
	g_free(self);
}

/* A global file's contents into *@out; a missing file is NULL, not an error. */
static gboolean
read_global(const gchar *path, const gchar *name, gchar **out, GError **error)
{
	g_autofree gchar *file = g_build_filename(path, name, NULL);
	g_autoptr(GError) local_error = NULL;

	*out = NULL;
	if (!g_file_test(file, G_FILE_TEST_EXISTS))
		return TRUE;
	/* a regular file of a few lines: a FIFO or a device in its place must
	 * not hang the import or fill the memory */
	*out = dkvm_file_read_regular(file, DKVM_LEGACY_FILE_MAX_BYTES, NULL, &local_error);
	if (*out != NULL)
		return TRUE;
	g_set_error(error, DKVM_ERROR, local_error->code, "%s: %s", file, local_error->message);
	return FALSE;
}

static DkvmVmLegacyFolder *
read_folder(const gchar *dir, guint number)
{
	DkvmVmLegacyFolder *self = g_new0(DkvmVmLegacyFolder, 1);
	g_autofree gchar *config = g_build_filename(dir, "vm_config", NULL);
	g_autofree gchar *nvram = g_build_filename(dir, "OVMF_VARS.fd", NULL);
	g_autofree gchar *tpm = g_build_filename(dir, "tpm", NULL);
	g_autoptr(GError) local_error = NULL;
	gsize len = 0;

	self->name = g_strdup_printf("%u", number);
	self->vm_config =
	        dkvm_file_read_regular(config, DKVM_LEGACY_FILE_MAX_BYTES, &len, &local_error);
	if (self->vm_config == NULL)
		self->read_error = g_error_new(DKVM_ERROR, local_error->code, "%s: %s", config,
		                               local_error->message);
	if (g_file_test(nvram, G_FILE_TEST_IS_REGULAR))
		self->nvram = g_steal_pointer(&nvram);
	if (g_file_test(tpm, G_FILE_TEST_IS_DIR))
		self->tpm_dir = g_steal_pointer(&tpm);
	self->folder.folder = self->name;
	self->folder.vm_config = self->vm_config;
	self->folder.vm_config_len = len;
	self->folder.read_error = self->read_error;
	self->folder.has_nvram = self->nvram != NULL;
	self->folder.has_tpm = self->tpm_dir != NULL;
	return self;
}

DkvmVmLegacyData *
dkvm_vm_legacy_read(const gchar *path, GError **error)
{
	g_autoptr(DkvmVmLegacyData) self = NULL;

	if (!dkvm_vm_legacy_detect(path)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND,
		            "%s is not the original DKVM's data partition (no folder 0 to 9 with a "
		            "vm_config)",
		            path);
		return NULL;
	}
	self = g_new0(DkvmVmLegacyData, 1);
	self->path = g_strdup(path);
	self->folders = g_ptr_array_new_with_free_func((GDestroyNotify)folder_free);
	for (guint i = 0; i <= 9; i++) {
		g_autofree gchar *dir = folder_path(path, i);
		g_autofree gchar *config = g_build_filename(dir, "vm_config", NULL);
		/* a numbered folder without vm_config is no VM: the original's
		 * menu listed the vm_config files only */
		if (g_file_test(config, G_FILE_TEST_EXISTS))
			g_ptr_array_add(self->folders, read_folder(dir, i));
	}
	if (!read_global(path, "passthroughPCIDevices", &self->pci_devices, error) ||
	    !read_global(path, "passthroughUSBDevices", &self->usb_devices, error) ||
	    !read_global(path, "cpuOptions", &self->cpu_options, error) ||
	    !read_global(path, "cpuTopology", &self->cpu_topology, error) ||
	    !read_global(path, "customStartStopScript", &self->start_stop_script, error))
		return NULL;
	self->files.pci_devices = self->pci_devices;
	self->files.usb_devices = self->usb_devices;
	self->files.cpu_options = self->cpu_options;
	self->files.cpu_topology = self->cpu_topology;
	self->files.start_stop_script = self->start_stop_script;
	return g_steal_pointer(&self);
}
