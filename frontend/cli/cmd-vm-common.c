/*
 * Shared pieces of the vm commands. Persisting lives here so that every
 * command that changes something reports an unsaved change with the same
 * words and the same exit status (6).
 */
#include "cmd-vm-common.h"

#include <stdio.h>
#include <unistd.h>

#include "dkvm-error.h"
#include "persist.h"
#include "virt-domain.h"

virDomainPtr
dkvm_cmd_vm_lookup(DkvmApp *app, const gchar *name, GError **error)
{
	virConnectPtr conn = dkvm_app_get_connection(app, error);

	if (conn == NULL)
		return NULL;
	return dkvm_virt_domain_lookup(conn, name, error);
}

gboolean
dkvm_cmd_vm_persist(DkvmApp *app, GError **error)
{
	g_autoptr(GError) config_error = NULL;
	const DkvmConfig *config = dkvm_app_get_config(app, &config_error);

	if (config == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED,
		            "the change is active but not saved: %s\n"
		            "hint: fix the settings file, then run `dkvm save`",
		            config_error->message);
		return FALSE;
	}
	return dkvm_persist(config, error);
}

gboolean
dkvm_cmd_vm_confirm(const gchar *question, gboolean *out_asked)
{
	gchar answer[16] = { 0 };

	*out_asked = isatty(STDIN_FILENO) == 1;
	if (!*out_asked)
		return FALSE;
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (fgets(answer, sizeof(answer), stdin) == NULL)
		return FALSE;
	g_strstrip(answer);
	return g_ascii_strcasecmp(answer, "y") == 0 || g_ascii_strcasecmp(answer, "yes") == 0;
}

const gchar *
dkvm_cmd_vm_default_name(DkvmApp *app)
{
	g_autoptr(GError) error = NULL;
	const DkvmConfig *config = dkvm_app_get_config(app, &error);

	if (config == NULL) {
		/* listing VMs must not break over a typo in dkvm.conf; say it */
		fprintf(stderr, "dkvm: warning: %s (default VM unknown)\n", error->message);
		return NULL;
	}
	return config->default_vm;
}
