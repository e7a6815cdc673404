/*
 * An OpenSSH public key line as authorized_keys takes it ("ssh-ed25519
 * AAAA... comment"), checked before it is added: a pasted line that is
 * not one (a private key, a fingerprint, half a line) would lock nobody
 * in and be silently useless.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * TRUE when @line is TYPE BASE64 [COMMENT] with a known key type whose
 * base64 blob decodes and names the same type (the key format's first
 * field). *@out_normal (may be NULL): the line with its blanks trimmed and
 * single-spaced between type, blob and comment. DKVM_ERROR_INVALID saying
 * what is wrong.
 */
gboolean dkvm_ssh_key_check(const gchar *line, gchar **out_normal, GError **error);

G_END_DECLS
