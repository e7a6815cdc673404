/*
 * Escaping of quoted input (quote.h). Byte-wise, so that text that is not
 * UTF-8 is shown as the bytes it holds rather than refused or lost.
 */
#include "quote.h"

#include <string.h>

static void
append_escaped_byte(GString *out, guchar c)
{
	switch (c) {
	case '\n':
		g_string_append(out, "\\n");
		break;
	case '\t':
		g_string_append(out, "\\t");
		break;
	case '\r':
		g_string_append(out, "\\r");
		break;
	case 0x1b:
		g_string_append(out, "\\e");
		break;
	default:
		g_string_append_printf(out, "\\x%02x", c);
		break;
	}
}

gchar *
dkvm_quote_len(const gchar *text, gsize len)
{
	GString *out = g_string_sized_new(len + 8);
	const gchar *p = text, *end = text + len;

	while (p < end) {
		guchar c = (guchar)*p;
		gunichar u;

		if (c == '\\') {
			g_string_append(out, "\\\\");
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			append_escaped_byte(out, c);
			p++;
		} else if (c < 0x80) {
			g_string_append_c(out, (gchar)c);
			p++;
		} else if ((u = g_utf8_get_char_validated(p, end - p)) >= 0x80 && u < 0x110000) {
			const gchar *next = g_utf8_next_char(p);
			/* C1 controls (U+0080..U+009F) act on terminals as ESC sequences do */
			if (u < 0xa0)
				for (const gchar *q = p; q < next; q++)
					append_escaped_byte(out, (guchar)*q);
			else
				g_string_append_len(out, p, next - p);
			p = next;
		} else {
			/* not UTF-8: the byte itself */
			append_escaped_byte(out, c);
			p++;
		}
	}
	return g_string_free(out, FALSE);
}

gchar *
dkvm_quote(const gchar *text)
{
	if (text == NULL)
		return g_strdup("(null)");
	return dkvm_quote_len(text, strlen(text));
}

gchar *
dkvm_quote_message(const gchar *message)
{
	GString *out;

	if (message == NULL)
		return g_strdup("(null)");
	out = g_string_sized_new(strlen(message) + 8);
	for (const gchar *p = message; *p != '\0'; p++) {
		guchar c = (guchar)*p;
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			append_escaped_byte(out, c);
		else
			g_string_append_c(out, (gchar)c);
	}
	return g_string_free(out, FALSE);
}
