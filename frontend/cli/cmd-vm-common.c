/*
 * Shared pieces of the vm commands. An unsaved change is reported here so
 * that every command that changes something says it with the same words,
 * the same hint and the same exit status (6).
 */
#include "cmd-vm-common.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "dkvm-error.h"

gboolean
dkvm_cmd_vm_not_saved(const GError *not_saved, GError **error)
{
	if (not_saved == NULL)
		return TRUE;
	g_set_error(error, not_saved->domain, not_saved->code, "%s\nhint: run `dkvm save` to retry",
	            not_saved->message);
	return FALSE;
}

void
dkvm_cmd_vm_add_hint(GError **error, const gchar *format, ...)
{
	g_autofree gchar *hint = NULL;
	gchar *message;
	va_list args;

	if (error == NULL || *error == NULL)
		return;
	va_start(args, format);
	hint = g_strdup_vprintf(format, args);
	va_end(args);
	message = g_strdup_printf("%s\nhint: %s", (*error)->message, hint);
	g_free((*error)->message);
	(*error)->message = message;
}

gboolean
dkvm_cmd_vm_persist(DkvmApp *app, GError **error)
{
	g_autoptr(GError) not_saved = NULL;

	if (dkvm_vm_persist(app, &not_saved))
		return TRUE;
	return dkvm_cmd_vm_not_saved(not_saved, error);
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
	const gchar *name = NULL;

	if (!dkvm_vm_get_default_name(app, &name, &error)) {
		/* listing VMs must not break over a typo in dkvm.conf; say it */
		fprintf(stderr, "dkvm: warning: %s (default VM unknown)\n", error->message);
		return NULL;
	}
	return name;
}
