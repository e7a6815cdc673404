/*
 * libvirt's state paths (see virt-state.h): qemu.conf's nvram_dir default
 * and swtpm_storage_dir, as libvirt 9.0 builds them
 * (<nvram_dir>/<name>_VARS.fd, <swtpm_storage_dir>/<uuid>/tpm2).
 */
#include "virt-state.h"

#include "virt-preflight.h"

gboolean
dkvm_virt_state_paths(virConnectPtr conn, const gchar *name, const gchar *uuid, gchar **out_nvram,
                      gchar **out_tpm_dir)
{
	*out_nvram = NULL;
	*out_tpm_dir = NULL;
	if (dkvm_virt_connection_local_qemu(conn) != DKVM_VIRT_LOCAL_SYSTEM)
		return FALSE;
	*out_nvram = g_strdup_printf("/var/lib/libvirt/qemu/nvram/%s_VARS.fd", name);
	*out_tpm_dir = g_strdup_printf("/var/lib/libvirt/swtpm/%s/tpm2", uuid);
	return TRUE;
}
