/*
 * Host: what decides passthrough on this machine, warnings first (IOMMU
 * off, an ACS override, a GPU whose IOMMU group is not its own, only one
 * GPU), then the IOMMU state, the kernel options that matter and every PCI
 * device by IOMMU group. The text is frontend/host's report, the one
 * `dkvm host` prints its parts of; long, so it scrolls.
 */
#include "host-report.h"
#include "menu-widgets.h"
#include "menu.h"

static DkvmScreenResult
host_run(DkvmMenu *menu)
{
	g_autoptr(GError) error = NULL;
	const DkvmHostFacts *host = dkvm_app_get_host(menu->app, &error);
	g_autofree gchar *text = NULL;

	if (host == NULL) {
		dkvm_menu_error("Host", error);
		return DKVM_SCREEN_BACK;
	}
	text = dkvm_host_report_text(host, DKVM_HOST_REPORT_IOMMU);
	dkvm_menu_message("Host: IOMMU, kernel options, PCI devices", text);
	return DKVM_SCREEN_BACK;
}

const DkvmScreen dkvm_screen_host = {
	.name = "host",
	.label = "Host",
	.help = "IOMMU groups, kernel options, passthrough warnings",
	.scope = DKVM_SCREEN_FOR_HOST,
	.run = host_run,
};
