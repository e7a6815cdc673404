/*
 * Host: what decides passthrough on this machine, warnings first (IOMMU
 * off, an ACS override, a GPU whose IOMMU group is not its own, only one
 * GPU), then the IOMMU state, the kernel options that matter and every PCI
 * device by IOMMU group. The text is frontend/host's report, the one
 * `dkvm host` prints its parts of; long, so it scrolls. Its Kernel options
 * button changes the boot stick's options (menu-kernel-options.h).
 */
#include <string.h>

#include "host-report.h"
#include "menu-kernel-options.h"
#include "menu-widgets.h"
#include "menu.h"

#define TEXT_WIDTH 74

/* @text with every line longer than the box cut at blanks, the rest of it
 * indented under its start, so a PCI device's line stays one block. */
static gchar *
wrap_lines(const gchar *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GString *out = g_string_new(NULL);

	for (guint i = 0; lines[i] != NULL; i++) {
		const gchar *rest = lines[i];
		gsize indent = strspn(rest, " ") + 4;
		gboolean first = TRUE;

		if (i > 0)
			g_string_append_c(out, '\n');
		while (strlen(rest) + (first ? 0 : indent) > TEXT_WIDTH) {
			gsize room = TEXT_WIDTH - (first ? 0 : indent);
			gsize cut = room;
			while (cut > 0 && rest[cut] != ' ')
				cut--;
			if (cut == 0)
				break;
			g_string_append_printf(out, "%*s%.*s\n", first ? 0 : (gint)indent, "",
			                       (gint)cut, rest);
			rest += cut + 1;
			first = FALSE;
		}
		g_string_append_printf(out, "%*s%s", first ? 0 : (gint)indent, "", rest);
	}
	return g_string_free(out, FALSE);
}

static DkvmScreenResult
host_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	const DkvmHostFacts *host = dkvm_app_get_host(menu->app, &error);
	g_autofree gchar *text = NULL;
	g_autofree gchar *wrapped = NULL;
	const DkvmWidgetOptions buttons = { .extra_label = "Kernel options" };

	if (host == NULL) {
		dkvm_menu_error("Host", error);
		return DKVM_SCREEN_BACK;
	}
	text = dkvm_host_report_text(host, DKVM_HOST_REPORT_IOMMU);
	wrapped = wrap_lines(text);
	/* the report shows the running kernel's options; the extra button
	 * changes the stick's, for the next boot */
	if (dkvm_menu_text("Host: IOMMU, kernel options, PCI devices", wrapped, &buttons) ==
	    DKVM_ANSWER_EXTRA)
		dkvm_menu_kernel_options(menu);
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_host = {
	.name = "host",
	.label = "Host",
	.help = "IOMMU groups, kernel options, passthrough warnings",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = host_run,
};
