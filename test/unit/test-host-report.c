/*
 * The passthrough warnings of the host report (frontend/host/host-report.c)
 * on the fixture hosts' facts: none on the demo host (two GPUs, the VM's
 * alone in its group), one GPU only, a GPU whose group holds another
 * device, the IOMMU off, and pcie_acs_override on the command line (no
 * fixture boots with it: set on the demo host's facts).
 */
#include <string.h>

#include "host-report.h"
#include "test-plan-common.h"

static DkvmHostFacts *
fixture_host(const gchar *name)
{
	g_autofree gchar *file = g_strdup_printf("%s.json", name);
	g_autofree gchar *path = plan_test_data("hosts-json", file, NULL);
	return plan_test_host_from_file(path);
}

/* The warnings joined with " | ". */
static gchar *
warnings_of(const DkvmHostFacts *host)
{
	g_autoptr(GPtrArray) warnings = dkvm_host_report_warnings(host);
	g_ptr_array_add(warnings, NULL);
	return g_strjoinv(" | ", (gchar **)warnings->pdata);
}

static void
test_warnings(void)
{
	g_autoptr(DkvmHostFacts) demo = fixture_host("demo");
	g_autoptr(DkvmHostFacts) one_gpu = fixture_host("intel-9600k");
	g_autoptr(DkvmHostFacts) shared = fixture_host("intel-8700k");
	g_autoptr(DkvmHostFacts) off = fixture_host("partial");
	g_autofree gchar *none = warnings_of(demo);
	g_autofree gchar *one = warnings_of(one_gpu);
	g_autofree gchar *group = warnings_of(shared);
	g_autofree gchar *iommu = warnings_of(off);
	g_autofree gchar *acs = NULL;
	g_autofree gchar *text = NULL;

	g_assert_cmpstr(none, ==, "");
	g_assert_nonnull(strstr(one, "Only one GPU"));
	g_assert_null(strstr(one, "not isolated")); /* its group: the GPU and its root port */
	g_assert_nonnull(strstr(group, "GPU 0000:01:00.0 is not isolated (no ACS): its IOMMU "
	                               "group 1 also holds 0000:02:00.0"));
	g_assert_true(g_str_has_prefix(iommu, "IOMMU off: no device can be passed through"));

	demo->cmdline.pcie_acs_override = g_strdup("downstream,multifunction");
	acs = warnings_of(demo);
	g_assert_true(g_str_has_prefix(acs, "pcie_acs_override=downstream,multifunction is set"));
	/* the IOMMU form: warnings first, then the IOMMU, the kernel options, the groups */
	text = dkvm_host_report_text(demo, DKVM_HOST_REPORT_IOMMU);
	g_assert_true(g_str_has_prefix(text, "Warnings\n  ! pcie_acs_override="));
	g_assert_nonnull(strstr(text, "\nIOMMU      on, 30 groups\n"));
	g_assert_nonnull(strstr(text, "pcie_acs_override=downstream,multifunction"));
	g_assert_nonnull(strstr(text, "\n  group 15\n"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/host-report/warnings", test_warnings);
	return g_test_run();
}
