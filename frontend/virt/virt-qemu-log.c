/*
 * libvirt appends to one log per domain: for each start a header ("<time>:
 * starting up libvirt version ...", the environment and QEMU's command line,
 * whose drive options may well contain "error"), then what QEMU prints on
 * stderr, then "<time>: shutting down, reason=...". QEMU's own errors come as
 * "<time> qemu-system-x86_64: <message>"; a KVM failure is a block of lines:
 * "KVM internal error. Suberror: 1", "extra data[n]: ...", "emulation
 * failure" and a register dump. Only those two shapes are QEMU's words.
 */
#include "virt-qemu-log.h"

#include <string.h>

#include "host-path.h"
#include "virt-preflight.h"

gchar *
dkvm_qemu_log_path(virConnectPtr conn, const gchar *name)
{
	g_autofree gchar *file = g_strconcat(name, ".log", NULL);
	g_autofree gchar *dir = NULL;

	switch (dkvm_virt_connection_local_qemu(conn)) {
	case DKVM_VIRT_LOCAL_SYSTEM:
		dir = dkvm_host_path("var/log/libvirt/qemu");
		return g_build_filename(dir, file, NULL);
	case DKVM_VIRT_LOCAL_SESSION:
		return g_build_filename(g_get_user_cache_dir(), "libvirt", "qemu", "log", file,
		                        NULL);
	case DKVM_VIRT_NOT_LOCAL:
		break;
	}
	return NULL;
}

/* "2026-12-04T22:55:20.141944Z " in front of QEMU's messages (-msg timestamp=on). */
static const gchar *
skip_timestamp(const gchar *line)
{
	static GRegex *stamp = NULL;
	g_autoptr(GMatchInfo) match = NULL;
	gint end = 0;

	if (g_once_init_enter(&stamp)) {
		GRegex *re = g_regex_new("^\\d{4}-\\d\\d-\\d\\d[T ][0-9:.+]+Z? ", G_REGEX_OPTIMIZE,
		                         0, NULL);
		g_once_init_leave(&stamp, re);
	}
	if (g_regex_match(stamp, line, 0, &match) && g_match_info_fetch_pos(match, 0, NULL, &end))
		return line + end;
	return line;
}

/* A line in QEMU's words that says what went wrong. */
static gboolean
is_qemu_error(const gchar *line)
{
	if (g_str_has_prefix(line, "KVM"))
		return TRUE;
	return g_str_has_prefix(line, "qemu-system-") && strstr(line, ": ") != NULL &&
	       strstr(line, "terminating on signal") == NULL;
}

/* "emulation failure": the plain words KVM prints after its error line
 * (lowercase letters and spaces; the extra data and registers have digits). */
static gboolean
is_plain_words(const gchar *line)
{
	if (*line == '\0')
		return FALSE;
	for (const gchar *p = line; *p != '\0'; p++) {
		if (!g_ascii_islower(*p) && *p != ' ')
			return FALSE;
	}
	return TRUE;
}

gchar *
dkvm_qemu_log_last_error(const gchar *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	guint n = g_strv_length(lines);
	guint first = 0;
	gint found = -1;
	g_autoptr(GString) reason = NULL;

	for (guint i = 0; i < n; i++) {
		if (strstr(lines[i], ": starting up ") != NULL)
			first = i + 1;
	}
	for (guint i = first; i < n; i++) {
		if (is_qemu_error(skip_timestamp(lines[i])))
			found = (gint)i;
	}
	if (found < 0)
		return NULL;
	{
		g_autofree gchar *line = g_strstrip(g_strdup(skip_timestamp(lines[found])));
		reason = g_string_new(line);
	}
	if (g_str_has_prefix(reason->str, "KVM")) {
		/* the few plain words that follow in the block, before the registers */
		for (guint i = (guint)found + 1; i < n && i < (guint)found + 16; i++) {
			g_autofree gchar *line = g_strstrip(g_strdup(lines[i]));
			if (is_plain_words(line))
				g_string_append_printf(reason, ", %s", line);
		}
	}
	return g_string_free(g_steal_pointer(&reason), FALSE);
}
