/*
 * Input quoted in a message. A message that repeats what the user, a file or
 * another tool gave ("unknown key 'x'") must not carry that input's control
 * characters to the terminal: an ESC byte would be run by the terminal, a
 * newline would split the one-line error. One helper, so every message
 * escapes the same way.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * @text with C0 controls, DEL and the C1 controls written as \n, \t, \r, \e
 * or \xHH, a backslash as \\, and every byte that is not UTF-8 as \xHH; all
 * else (printable ASCII, valid UTF-8) as given. NULL gives "(null)".
 * Never NULL; free with g_free.
 */
gchar *dkvm_quote(const gchar *text);

/* The same for @len bytes of @text (which may hold NUL bytes). */
gchar *dkvm_quote_len(const gchar *text, gsize len);

/*
 * A whole message as it goes to the terminal: the C0 controls but newline,
 * and DEL, as dkvm_quote writes them; all else (backslashes, newlines that
 * separate the error from its hint) as given. The net under the messages
 * that quote input without dkvm_quote (libvirt's own, for one).
 */
gchar *dkvm_quote_message(const gchar *message);

G_END_DECLS
