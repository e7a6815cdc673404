/*
 * See terminal.h. In the binary, which exports it to the libvirt module
 * (vm monitor --watch redraws with it).
 */
#include "terminal.h"

#include <unistd.h>

gboolean
dkvm_terminal_escapes_allowed(gint fd)
{
	const gchar *no_color = g_getenv("NO_COLOR");

	if (isatty(fd) != 1)
		return FALSE;
	if (no_color != NULL && *no_color != '\0')
		return FALSE;
	return g_strcmp0(g_getenv("TERM"), "dumb") != 0;
}
