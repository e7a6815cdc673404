/*
 * dkvm host [--summary | --json] [--capture FILE]: what DKVM sees of this
 * machine. The report is for people deciding what to pass through: CPUs
 * grouped by L3 cache, memory and hugepages, the IOMMU state with the kernel
 * options that matter, PCI devices by IOMMU group (a group passes as a whole)
 * with GPU and host-needed marks, USB devices. --summary is its first screen:
 * the GPUs and USB controllers (what people pass through) with the IOMMU
 * groups they pass with, and the USB devices. --json is the stable interface
 * for scripts (README.md documents every field); --capture records the host
 * for a bug report, in the layout of a test fixture.
 */
#include <stdio.h>

#include "cmd.h"
#include "dkvm-error.h"
#include "host-capture.h"
#include "host-report.h"
#include "modules.h"

static gboolean cmd_host_run(DkvmApp *app, gint argc, gchar **argv, GError **error);

const DkvmCmd dkvm_cmd_host = {
	.name = "host",
	.args = "[--summary | --json] [--capture FILE]",
	.summary = "Show the host's CPUs, memory, hugepages, PCI and USB devices",
	.run = cmd_host_run,
};

static gboolean
cmd_host_run(DkvmApp *app, gint argc, gchar **argv, GError **error)
{
	gboolean json = FALSE;
	gboolean summary = FALSE;
	g_autofree gchar *capture = NULL;
	const GOptionEntry entries[] = {
		{ "summary", 0, 0, G_OPTION_ARG_NONE, &summary,
		  "Only the GPUs, USB controllers with their IOMMU groups, and USB devices", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
		{ "capture", 0, 0, G_OPTION_ARG_FILENAME, &capture,
		  "Write the sysfs/procfs files DKVM reads to FILE (.tar.gz) for a bug report",
		  "FILE" },
		{ NULL },
	};
	const DkvmHostFacts *host;

	if (!dkvm_cmd_parse_options(&dkvm_cmd_host, entries, &argc, &argv, error))
		return FALSE;
	if (!dkvm_cmd_expect_args(&dkvm_cmd_host, argc, 0, error))
		return FALSE;
	if (summary && json) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "--summary and --json exclude each other: --json is always complete");
		return FALSE;
	}
	if (capture != NULL) {
		guint entries_written = 0;
		/* libarchive is loaded for --capture only (modules.h) */
		DkvmHostCaptureFunc capture_host = (DkvmHostCaptureFunc)dkvm_module_symbol(
		        "dkvm-capture.so", "dkvm_host_capture", error);
		if (capture_host == NULL)
			return FALSE;
		if (!capture_host(capture, &entries_written, error)) {
			g_prefix_error(error, "capturing the host: ");
			return FALSE;
		}
		g_printerr("dkvm: wrote %u files to %s; attach it to your bug report\n",
		           entries_written, capture);
		return TRUE;
	}
	host = dkvm_app_get_host(app, error);
	if (host == NULL)
		return FALSE;
	g_autofree gchar *out =
	        json ? dkvm_host_facts_to_json(host)
	             : dkvm_host_report_text(host, summary ? DKVM_HOST_REPORT_SUMMARY
	                                                   : DKVM_HOST_REPORT_FULL);
	if (json)
		g_print("%s\n", out);
	else
		g_print("%s", out);
	return TRUE;
}
