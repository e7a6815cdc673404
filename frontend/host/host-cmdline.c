/*
 * /proc/cmdline, split as the kernel splits it (kernel-args.h: the same
 * splitting reads the boot loader's options when DKVM edits them).
 */
#include "host-cmdline.h"

#include <string.h>

#include "host-path.h"
#include "kernel-args.h"
#include "host-sysfs.h"

static void
set_opt(gchar **slot, const gchar *value, gboolean append)
{
	if (append && *slot != NULL) {
		gchar *joined = g_strconcat(*slot, ",", value, NULL);
		g_free(*slot);
		*slot = joined;
		return;
	}
	g_free(*slot);
	*slot = g_strdup(value);
}

static void
cmdline_clear(DkvmKernelCmdline *c)
{
	guint count = 0;
	const DkvmKernelOption *options = dkvm_kernel_options(&count);

	g_clear_pointer(&c->raw, g_free);
	for (guint i = 0; i < count; i++)
		g_clear_pointer(DKVM_KERNEL_OPTION_FIELD(c, &options[i]), g_free);
}

void
dkvm_kernel_cmdline_parse(const gchar *raw, DkvmKernelCmdline *out)
{
	g_autoptr(GString) name = g_string_new(NULL);
	g_autoptr(GString) value = g_string_new(NULL);
	gboolean has_value = FALSE;
	const gchar *p = raw;
	guint count = 0;
	const DkvmKernelOption *options = dkvm_kernel_options(&count);

	cmdline_clear(out);
	out->raw = g_strstrip(g_strdup(raw));
	while (dkvm_kernel_arg_next(&p, name, value, &has_value, NULL)) {
		if (!has_value && g_str_equal(name->str, "--"))
			break;
		dkvm_kernel_arg_normalize_name(name);
		for (guint k = 0; k < count; k++) {
			const DkvmKernelOption *option = &options[k];
			if (g_str_equal(name->str, option->name))
				set_opt(DKVM_KERNEL_OPTION_FIELD(out, option), value->str,
				        option->repeats);
		}
	}
}

gchar *
dkvm_kernel_cmdline_get(const gchar *raw, const gchar *name)
{
	g_autoptr(GString) key = g_string_new(NULL);
	g_autoptr(GString) value = g_string_new(NULL);
	gboolean has_value = FALSE;
	gchar *found = NULL;
	const gchar *p = raw;

	while (dkvm_kernel_arg_next(&p, key, value, &has_value, NULL)) {
		if (!has_value && g_str_equal(key->str, "--"))
			break;
		if (g_str_equal(key->str, name)) {
			g_free(found);
			found = g_strdup(value->str);
		}
	}
	return found;
}

void
dkvm_host_read_cmdline(DkvmHostFacts *facts)
{
	g_autofree gchar *path = dkvm_host_path("proc/cmdline");
	g_autofree gchar *raw = dkvm_sysfs_read(path);

	if (raw == NULL) {
		dkvm_host_note(facts, "/proc/cmdline is unreadable: kernel options are unknown");
		return;
	}
	dkvm_kernel_cmdline_parse(raw, &facts->cmdline);
}
