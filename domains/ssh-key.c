/*
 * See ssh-key.h. The blob is the key in SSH's wire format: a 4-byte
 * big-endian length, then the key type's name (RFC 4253, 6.6).
 */
#include "ssh-key.h"

#include <string.h>

#include "dkvm-error.h"

static const gchar *const key_types[] = {
	"ssh-ed25519",
	"ssh-rsa",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
	NULL,
};

static gboolean
is_base64(const gchar *s)
{
	gsize len = strlen(s);

	if (len == 0 || len % 4 != 0)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		gboolean pad = s[i] == '=' && i >= len - 2;
		if (!g_ascii_isalnum(s[i]) && s[i] != '+' && s[i] != '/' && !pad)
			return FALSE;
	}
	return TRUE;
}

gboolean
dkvm_ssh_key_check(const gchar *line, gchar **out_normal, GError **error)
{
	g_autofree gchar *text = g_strstrip(g_strdup(line));
	g_auto(GStrv) fields = g_strsplit_set(text, " \t", 3);
	g_autofree guchar *blob = NULL;
	gsize blob_len = 0;
	guint32 name_len;

	if (fields[0] == NULL || *fields[0] == '\0') {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "the key is empty");
		return FALSE;
	}
	if (!g_strv_contains(key_types, fields[0])) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "'%.40s' is not an SSH public key type (ssh-ed25519, ssh-rsa, "
		            "ecdsa-sha2-nistp256, ...): paste the whole line of your .pub file",
		            fields[0]);
		return FALSE;
	}
	if (fields[1] == NULL || !is_base64(fields[1])) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "the key's data after %s is missing or cut: paste the whole line",
		            fields[0]);
		return FALSE;
	}
	blob = g_base64_decode(fields[1], &blob_len);
	name_len = blob_len >= 4 ? ((guint32)blob[0] << 24 | (guint32)blob[1] << 16 |
	                            (guint32)blob[2] << 8 | (guint32)blob[3])
	                         : 0;
	if (blob_len < 4 || name_len != strlen(fields[0]) || blob_len - 4 < name_len ||
	    memcmp(blob + 4, fields[0], name_len) != 0) {
		g_set_error(
		        error, DKVM_ERROR, DKVM_ERROR_INVALID,
		        "the key's data is not a %s key: paste the whole line of your .pub file",
		        fields[0]);
		return FALSE;
	}
	if (out_normal != NULL) {
		g_autofree gchar *comment =
		        fields[2] != NULL ? g_strstrip(g_strdup(fields[2])) : g_strdup("");
		*out_normal = *comment != '\0'
		                      ? g_strdup_printf("%s %s %s", fields[0], fields[1], comment)
		                      : g_strdup_printf("%s %s", fields[0], fields[1]);
	}
	return TRUE;
}
