#include "virt-firmware.h"

#include <gio/gio.h>

static const gchar *const descriptor_dirs[] = {
	"/etc/qemu/firmware",       /* the administrator's */
	"/usr/share/qemu/firmware", /* the distribution's */
};

void
dkvm_virt_read_firmware_descriptors(DkvmHypervisor *hv)
{
	g_autoptr(GHashTable) by_name =
	        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GList) names = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS(descriptor_dirs); i++) {
		g_autoptr(GDir) dir = g_dir_open(descriptor_dirs[i], 0, NULL);
		const gchar *name;

		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			if (!g_str_has_suffix(name, ".json") ||
			    g_hash_table_contains(by_name, name))
				continue;
			g_hash_table_insert(by_name, g_strdup(name),
			                    g_build_filename(descriptor_dirs[i], name, NULL));
		}
	}
	/* by name, the order QEMU and libvirt give them priority in */
	names = g_list_sort(g_hash_table_get_keys(by_name), (GCompareFunc)g_strcmp0);
	for (GList *l = names; l != NULL; l = l->next) {
		const gchar *path = g_hash_table_lookup(by_name, l->data);
		g_autofree gchar *json = NULL;

		/* an empty file masks a distribution's descriptor (QEMU's rule) */
		if (!g_file_get_contents(path, &json, NULL, NULL) || *g_strstrip(json) == '\0')
			continue;
		if (!dkvm_hypervisor_add_firmware(hv, json, NULL))
			g_debug("firmware descriptor %s skipped: not a descriptor", path);
	}
}
