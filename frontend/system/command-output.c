/* command-output.h */
#include "command-output.h"

gchar *
dkvm_command_output_first_line(const gchar *text)
{
	g_auto(GStrv) lines = NULL;

	if (text == NULL)
		return NULL;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_strstrip(lines[i]);
		if (*lines[i] != '\0')
			return g_strdup(lines[i]);
	}
	return NULL;
}
