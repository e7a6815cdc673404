/* domains/ssh-key.c: what the first boot accepts as root's SSH key. The
 * keys are made here in SSH's wire format (a length-prefixed type name,
 * then key data), so nothing depends on ssh-keygen. */
#include <string.h>

#include "dkvm-error.h"
#include "ssh-key.h"

/* "TYPE base64(blob)" whose blob names @blob_type. */
static gchar *
key_line(const gchar *type, const gchar *blob_type, const gchar *comment)
{
	g_autoptr(GByteArray) blob = g_byte_array_new();
	guint32 len = GUINT32_TO_BE((guint32)strlen(blob_type));
	guint8 data[32];
	g_autofree gchar *encoded = NULL;

	for (guint i = 0; i < sizeof data; i++)
		data[i] = (guint8)i;
	g_byte_array_append(blob, (const guint8 *)&len, 4);
	g_byte_array_append(blob, (const guint8 *)blob_type, (guint)strlen(blob_type));
	g_byte_array_append(blob, data, sizeof data);
	encoded = g_base64_encode(blob->data, blob->len);
	return comment != NULL ? g_strdup_printf("%s %s %s", type, encoded, comment)
	                       : g_strdup_printf("%s %s", type, encoded);
}

static void
test_good(void)
{
	g_autofree gchar *plain = key_line("ssh-ed25519", "ssh-ed25519", NULL);
	g_autofree gchar *commented = key_line("ssh-rsa", "ssh-rsa", "me@laptop  work ");
	g_autofree gchar *padded = g_strdup_printf("  %s\n", plain);
	g_autofree gchar *normal = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_true(dkvm_ssh_key_check(padded, &normal, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(normal, ==, plain);
	g_clear_pointer(&normal, g_free);
	g_assert_true(dkvm_ssh_key_check(commented, &normal, &error));
	g_assert_true(g_str_has_suffix(normal, " me@laptop  work"));
}

static void
test_refused(void)
{
	g_autofree gchar *mismatch = key_line("ssh-ed25519", "ssh-rsa", NULL);
	const struct {
		const gchar *line, *message;
	} cases[] = {
		{ "", "the key is empty" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----",
		  "'-----BEGIN' is not an SSH public key type (ssh-ed25519, ssh-rsa, "
		  "ecdsa-sha2-nistp256, ...): paste the whole line of your .pub file" },
		{ "SHA256:abcdef ssh-ed25519",
		  "'SHA256:abcdef' is not an SSH public key type (ssh-ed25519, ssh-rsa, "
		  "ecdsa-sha2-nistp256, ...): paste the whole line of your .pub file" },
		{ "ssh-ed25519", "the key's data after ssh-ed25519 is missing or cut: paste the "
		                 "whole line" },
		{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM",
		  "the key's data after ssh-ed25519 is missing or cut: paste the whole line" },
		{ mismatch, "the key's data is not a ssh-ed25519 key: paste the whole line of your "
		            ".pub file" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *normal = NULL;
		g_assert_false(dkvm_ssh_key_check(cases[i].line, &normal, &error));
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		g_assert_cmpstr(error->message, ==, cases[i].message);
		g_assert_null(normal);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ssh-key/good", test_good);
	g_test_add_func("/ssh-key/refused", test_refused);
	return g_test_run();
}
