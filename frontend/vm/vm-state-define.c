/*
 * Defining a VM with its NVRAM and TPM state (vm-state-define.h).
 */
#include "vm-state-define.h"

#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "file-copy.h"
#include "virt-domain.h"
#include "virt-preflight.h"

/* Removes a VM defined a moment ago, with what was copied for it. */
static void
roll_back(virConnectPtr conn, virDomainPtr dom, const gchar *nvram_copied, const gchar *tpm_dst)
{
	g_autofree gchar *uuid_dir = tpm_dst != NULL ? g_path_get_dirname(tpm_dst) : NULL;

	/* the import's own error is what the person reads: undefining's report
	 * is about a definition that is gone either way */
	dkvm_virt_undefine_report_free(dkvm_virt_domain_undefine(conn, dom, FALSE, NULL));

	/* libvirt removes both with the definition; an older one may not */
	if (nvram_copied != NULL)
		g_unlink(nvram_copied);
	if (uuid_dir != NULL)
		dkvm_dir_remove(uuid_dir);
}

gboolean
dkvm_vm_define_with_state(DkvmApp *app, const gchar *xml, const gchar *nvram_src,
                          const gchar *nvram_dst, const gchar *tpm_src, const gchar *tpm_dst,
                          GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);
	g_autoptr(virDomain) dom = NULL;
	const gchar *nvram_to = nvram_src != NULL ? nvram_dst : NULL;
	const gchar *tpm_to = tpm_src != NULL ? tpm_dst : NULL;
	g_autofree gchar *uuid_dir = tpm_to != NULL ? g_path_get_dirname(tpm_to) : NULL;

	if (conn == NULL)
		return FALSE;
	/* state already there belongs to some other VM: never overwritten */
	if (nvram_to != NULL && g_file_test(nvram_to, G_FILE_TEST_EXISTS)) {
		g_set_error(
		        error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		        "its NVRAM file %s exists already (left by an earlier VM of that name?)",
		        nvram_to);
		return FALSE;
	}
	if (!dkvm_virt_preflight_local_files(conn, xml, error))
		return FALSE;
	dom = dkvm_virt_domain_define(conn, xml, error);
	if (dom == NULL)
		return FALSE;
	if (nvram_to != NULL && !dkvm_file_copy(nvram_src, nvram_to, error)) {
		g_prefix_error(error, "copying the NVRAM: ");
		roll_back(conn, dom, NULL, tpm_to);
		return FALSE;
	}
	if (tpm_to != NULL &&
	    (g_mkdir_with_parents(uuid_dir, 0711) != 0 || !dkvm_dir_copy(tpm_src, tpm_to, error))) {
		if (error != NULL && *error == NULL)
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s", uuid_dir);
		g_prefix_error(error, "copying the TPM state: ");
		roll_back(conn, dom, nvram_to, tpm_to);
		return FALSE;
	}
	return TRUE;
}
