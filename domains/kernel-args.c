/*
 * See kernel-args.h. g_shell_parse_argv() would also treat ' and \
 * specially, which the kernel does not, so this small loop follows the
 * kernel's, with GString for the text.
 */
#include "kernel-args.h"

gboolean
dkvm_kernel_arg_next(const gchar **p, GString *name, GString *value, gboolean *has_value,
                     const gchar **out_start)
{
	const gchar *s = *p;
	gboolean quoted = FALSE;
	GString *cur = name;

	while (g_ascii_isspace(*s))
		s++;
	if (*s == '\0')
		return FALSE;
	if (out_start != NULL)
		*out_start = s;
	g_string_truncate(name, 0);
	g_string_truncate(value, 0);
	*has_value = FALSE;
	for (; *s != '\0' && (quoted || !g_ascii_isspace(*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (*s == '=' && cur == name) {
			cur = value;
			*has_value = TRUE;
			continue;
		}
		g_string_append_c(cur, *s);
	}
	*p = s;
	return TRUE;
}

void
dkvm_kernel_arg_normalize_name(GString *name)
{
	for (gsize i = 0; i < name->len; i++) {
		if (name->str[i] == '-')
			name->str[i] = '_';
	}
}
