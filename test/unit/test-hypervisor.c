/*
 * The hypervisor's real abilities: libvirt's domain capabilities parsed
 * (fixtures captured from this project's test machine with `virsh
 * domcapabilities --virttype kvm|qemu --machine q35`, test/data/hypervisor/),
 * and the plan deciding from them: domain type, CPU mode, the Hyper-V set
 * reduced to what is supported (with one warning naming the rest), firmware
 * and TPM, and accelerator=auto|kvm|tcg. "Not reported" keeps DKVM's
 * defaults; "reported unsupported" leaves the thing out.
 */
#include <string.h>

#include "domain-xml.h"
#include "hypervisor.h"
#include "test-plan-common.h"

#define GIB (G_GUINT64_CONSTANT(1024) * 1024)

static DkvmHypervisor *
load_hypervisor(const gchar *name)
{
	g_autofree gchar *path = plan_test_data("hypervisor", name, NULL);
	g_autofree gchar *xml = NULL;
	g_autoptr(GError) error = NULL;
	DkvmHypervisor *hv;

	if (!g_file_get_contents(path, &xml, NULL, &error))
		g_error("%s", error->message);
	hv = dkvm_hypervisor_from_xml(xml, &error);
	g_assert_no_error(error);
	g_assert_nonnull(hv);
	return hv;
}

static DkvmHypervisor *
parse(const gchar *xml)
{
	g_autoptr(GError) error = NULL;
	DkvmHypervisor *hv = dkvm_hypervisor_from_xml(xml, &error);

	g_assert_no_error(error);
	return hv;
}

static gchar *
join(const GPtrArray *list)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; list != NULL && i < list->len; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? "," : "",
		                       (const gchar *)g_ptr_array_index(list, i));
	return g_string_free(s, FALSE);
}

/* The warnings that contain @needle. */
static guint
count_warnings(const DkvmPlan *plan, const gchar *needle)
{
	guint n = 0;
	for (guint i = 0; i < plan->warnings->len; i++)
		n += strstr(g_ptr_array_index(plan->warnings, i), needle) != NULL;
	return n;
}

static const gchar *
warning_with(const DkvmPlan *plan, const gchar *needle)
{
	for (guint i = 0; i < plan->warnings->len; i++) {
		const gchar *w = g_ptr_array_index(plan->warnings, i);
		if (strstr(w, needle) != NULL)
			return w;
	}
	return NULL;
}

static DkvmPlan *
plan_with(const DkvmHypervisor *hv, DkvmSpec *spec, DkvmAccelerator accelerator,
          const gchar *host_name, GError **error)
{
	g_autoptr(DkvmHostFacts) host = plan_test_host(host_name);
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();

	settings->accelerator = accelerator;
	return dkvm_plan_new(host, hv, spec, settings, error);
}

static DkvmPlan *
plan_ok(const DkvmHypervisor *hv, DkvmSpec *spec, DkvmAccelerator accelerator)
{
	g_autoptr(GError) error = NULL;
	DkvmPlan *plan = plan_with(hv, spec, accelerator, "amd-16c-2ccd", &error);

	g_assert_no_error(error);
	g_assert_nonnull(plan);
	return plan;
}

static void
test_parse_kvm(void)
{
	g_autoptr(DkvmHypervisor) hv = load_hypervisor("kvm-q35.xml");
	g_autofree gchar *modes = join(hv->cpu_modes);
	g_autofree gchar *hyperv = join(hv->hyperv);
	g_autofree gchar *tpm = join(hv->tpm_models);
	g_autofree gchar *versions = join(hv->tpm_backend_versions);

	g_assert_cmpstr(hv->domain_type, ==, "kvm");
	g_assert_true(dkvm_hypervisor_offers_kvm(hv));
	g_assert_cmpstr(hv->machine, ==, "pc-q35-7.2");
	g_assert_cmpuint(hv->max_vcpus, ==, 288);
	g_assert_cmpstr(modes, ==, "host-passthrough,maximum,host-model,custom");
	g_assert_cmpstr(hyperv, ==, "spinlocks,vendor_id");
	g_assert_cmpint(hv->efi, ==, DKVM_CAPABILITY_YES);
	g_assert_cmpint(hv->secure_boot, ==, DKVM_CAPABILITY_YES);
	g_assert_cmpstr(tpm, ==, "tpm-tis,tpm-crb");
	g_assert_cmpstr(versions, ==, "1.2,2.0");
	g_assert_cmpint(dkvm_hypervisor_lists(hv->tpm_backend_models, "emulator"), ==,
	                DKVM_CAPABILITY_YES);
}

static void
test_parse_qemu(void)
{
	g_autoptr(DkvmHypervisor) hv = load_hypervisor("qemu-q35.xml");

	g_assert_cmpstr(hv->domain_type, ==, "qemu");
	g_assert_false(dkvm_hypervisor_offers_kvm(hv));
	/* supported='no' is not a supported mode */
	g_assert_cmpint(dkvm_hypervisor_lists(hv->cpu_modes, "host-passthrough"), ==,
	                DKVM_CAPABILITY_NO);
	g_assert_cmpint(dkvm_hypervisor_lists(hv->cpu_modes, "maximum"), ==, DKVM_CAPABILITY_YES);
	g_assert_cmpint(hv->efi, ==, DKVM_CAPABILITY_YES);
}

/* Nothing reported (a driver with no domain capabilities but the root):
 * every field "not known", distinct from "unsupported". */
static void
test_parse_not_reported(void)
{
	g_autoptr(DkvmHypervisor) hv = parse("<domainCapabilities/>");

	g_assert_null(hv->domain_type);
	g_assert_null(hv->cpu_modes);
	g_assert_null(hv->hyperv);
	g_assert_null(hv->tpm_models);
	g_assert_cmpint(hv->efi, ==, DKVM_CAPABILITY_UNKNOWN);
	g_assert_cmpint(hv->secure_boot, ==, DKVM_CAPABILITY_UNKNOWN);
	g_assert_cmpint(dkvm_hypervisor_lists(hv->hyperv, "relaxed"), ==, DKVM_CAPABILITY_UNKNOWN);
}

static void
test_parse_unsupported(void)
{
	g_autoptr(DkvmHypervisor) hv =
	        parse("<domainCapabilities><domain>kvm</domain>"
	              "<os supported='yes'><enum name='firmware'/>"
	              "<loader supported='yes'><enum name='secure'><value>no</value></enum>"
	              "</loader></os>"
	              "<devices><tpm supported='no'/></devices>"
	              "<features><hyperv supported='no'/></features></domainCapabilities>");

	g_assert_nonnull(hv->hyperv);
	g_assert_cmpuint(hv->hyperv->len, ==, 0);
	g_assert_cmpint(dkvm_hypervisor_lists(hv->hyperv, "relaxed"), ==, DKVM_CAPABILITY_NO);
	g_assert_nonnull(hv->tpm_models);
	g_assert_cmpuint(hv->tpm_models->len, ==, 0);
	g_assert_cmpint(hv->efi, ==, DKVM_CAPABILITY_NO);
	g_assert_cmpint(hv->secure_boot, ==, DKVM_CAPABILITY_NO);
}

static void
test_parse_invalid(void)
{
	const gchar *bad[] = { "", "not xml", "<capabilities/>" };

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmHypervisor) hv = dkvm_hypervisor_from_xml(bad[i], &error);
		g_assert_null(hv);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	}
}

/* This machine's KVM: only spinlocks and vendor_id. A Windows 11 VM gets
 * type='kvm', host-passthrough, spinlocks (+ vendor_id when asked), the
 * hypervclock, and one warning naming every enlightenment left out. */
static void
test_plan_kvm_reduced_hyperv(void)
{
	g_autoptr(DkvmHypervisor) hv = load_hypervisor("kvm-q35.xml");
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 * GIB);
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *hyperv = NULL;
	g_autofree gchar *xml = NULL;
	g_autofree gchar *text = NULL;
	g_autofree gchar *json = NULL;
	const gchar *warning;

	spec->hyperv_vendor_id = g_strdup("dkvmdkvm");
	plan = plan_ok(hv, spec, DKVM_ACCELERATOR_AUTO);
	hyperv = join(plan->hyperv);
	g_assert_true(plan->kvm);
	g_assert_true(plan->from_capabilities);
	g_assert_cmpstr(plan->cpu_mode, ==, "host-passthrough");
	g_assert_cmpstr(hyperv, ==, "spinlocks");
	g_assert_true(plan->hyperv_vendor_id);
	g_assert_false(plan->hypervclock);
	g_assert_cmpstr(plan->tpm_model, ==, "tpm-crb");
	g_assert_cmpuint(count_warnings(plan, "Hyper-V"), ==, 1);
	warning = warning_with(plan, "Hyper-V");
	g_assert_cmpstr(warning, ==,
	                "Hyper-V enlightenments left out: relaxed, vapic, vpindex, runtime, "
	                "synic, stimer, reset, frequencies, reenlightenment, tlbflush, ipi "
	                "(not supported by this hypervisor); the hypervclock timer (KVM offers "
	                "it with vpindex)");

	/* the domain holds exactly that */
	xml = dkvm_domain_create_xml(spec, plan, host, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(xml, "<domain type=\"kvm\""));
	g_assert_nonnull(strstr(xml, "mode=\"host-passthrough\""));
	g_assert_nonnull(strstr(xml, "<spinlocks state=\"on\" retries=\"8191\"/>"));
	g_assert_nonnull(strstr(xml, "<vendor_id state=\"on\" value=\"dkvmdkvm\"/>"));
	g_assert_null(strstr(xml, "<relaxed"));
	g_assert_null(strstr(xml, "<vpindex"));
	g_assert_null(strstr(xml, "<synic"));
	g_assert_null(strstr(xml, "hypervclock"));
	g_assert_nonnull(strstr(xml, "model=\"tpm-crb\""));

	/* the words and the JSON say what was decided and why */
	text = dkvm_plan_to_text(plan);
	g_assert_nonnull(
	        strstr(text, "Virtualization: KVM (type='kvm'), CPU mode host-passthrough\n"));
	g_assert_nonnull(strstr(text, "Hyper-V: spinlocks, vendor_id\n"));
	g_assert_nonnull(strstr(text, "  - type='kvm': libvirt offers KVM for q35\n"));
	g_assert_nonnull(strstr(text, "  - Hyper-V enlightenments: spinlocks, vendor_id (those of "
	                              "DKVM's set libvirt reports supported)\n"));
	g_assert_nonnull(strstr(text, "  - firmware: OVMF with Secure Boot"));
	g_assert_nonnull(strstr(text, "  - TPM: tpm-crb"));
	json = dkvm_plan_to_json(plan);
	g_assert_nonnull(strstr(json, "\"from_capabilities\" : true"));
	g_assert_nonnull(strstr(json, "\"cpu_mode\" : \"host-passthrough\""));
	g_assert_nonnull(strstr(json, "\"tpm_model\" : \"tpm-crb\""));
}

/* No /dev/kvm: libvirt answers for qemu only. auto gives type='qemu',
 * maximum, no Hyper-V, no hypervclock. */
static void
test_plan_qemu_only(void)
{
	g_autoptr(DkvmHypervisor) hv = load_hypervisor("qemu-q35.xml");
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 * GIB);
	g_autoptr(DkvmPlan) plan = plan_ok(hv, spec, DKVM_ACCELERATOR_AUTO);
	g_autoptr(DkvmPlan) refused = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_false(plan->kvm);
	g_assert_cmpstr(plan->cpu_mode, ==, "maximum");
	g_assert_cmpuint(plan->hyperv->len, ==, 0);
	g_assert_false(plan->hypervclock);
	g_assert_cmpuint(count_warnings(plan, "libvirt offers no KVM"), ==, 1);
	g_assert_cmpuint(count_warnings(plan, "Hyper-V"), ==, 0);

	/* accelerator=kvm where KVM is not offered: refused, exit 4 */
	refused = plan_with(hv, spec, DKVM_ACCELERATOR_KVM, "amd-16c-2ccd", &error);
	g_assert_null(refused);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpint(dkvm_error_exit_code(error), ==, 4);
	g_assert_nonnull(strstr(error->message, "accelerator=kvm"));
	g_clear_error(&error);

	/* without capabilities (--host-json), a saved host without /dev/kvm */
	g_clear_pointer(&refused, dkvm_plan_free);
	refused = plan_with(NULL, spec, DKVM_ACCELERATOR_KVM, "intel-6c-nosmt", &error);
	g_assert_null(refused);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_nonnull(strstr(error->message, "this host (/dev/kvm) offers no KVM"));
}

/* accelerator=tcg on a KVM hypervisor: type='qemu', maximum, no Hyper-V. */
static void
test_plan_forced_tcg(void)
{
	g_autoptr(DkvmHypervisor) hv = load_hypervisor("qemu-q35.xml");
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 * GIB);
	g_autoptr(DkvmPlan) plan = plan_ok(hv, spec, DKVM_ACCELERATOR_TCG);
	g_autoptr(DkvmPlan) no_caps = plan_ok(NULL, spec, DKVM_ACCELERATOR_TCG);
	g_autoptr(DkvmPlan) kvm = plan_ok(NULL, spec, DKVM_ACCELERATOR_KVM);
	g_autofree gchar *text = dkvm_plan_to_text(plan);

	g_assert_false(plan->kvm);
	g_assert_cmpstr(plan->cpu_mode, ==, "maximum");
	g_assert_cmpuint(plan->hyperv->len, ==, 0);
	g_assert_false(plan->hypervclock);
	g_assert_cmpuint(count_warnings(plan, "accelerator=tcg"), ==, 1);
	g_assert_nonnull(strstr(text, "type='qemu' (TCG): accelerator=tcg in dkvm.conf"));
	g_assert_nonnull(strstr(text, "Hyper-V enlightenments: none under TCG"));
	/* from host facts alone too (the host has /dev/kvm) */
	g_assert_false(no_caps->kvm);
	g_assert_cmpstr(no_caps->cpu_mode, ==, "maximum");
	g_assert_cmpuint(no_caps->hyperv->len, ==, 0);
	/* accelerator=kvm on a host with /dev/kvm and no capabilities */
	g_assert_true(kvm->kvm);
	g_assert_cmpstr(kvm->cpu_mode, ==, "host-passthrough");
}

/* Not reported (NULL, or a document without those parts): today's defaults. */
static void
test_plan_not_reported(void)
{
	g_autoptr(DkvmHypervisor) empty = parse("<domainCapabilities/>");
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 * GIB);
	const DkvmHypervisor *cases[] = { NULL, empty };

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(DkvmPlan) plan = plan_ok(cases[i], spec, DKVM_ACCELERATOR_AUTO);
		g_assert_true(plan->kvm);
		g_assert_cmpstr(plan->cpu_mode, ==, "host-passthrough");
		g_assert_cmpuint(plan->hyperv->len, ==,
		                 g_strv_length((gchar **)dkvm_hyperv_enlightenments()));
		g_assert_true(plan->hypervclock);
		g_assert_cmpstr(plan->tpm_model, ==, "tpm-crb");
		g_assert_cmpuint(count_warnings(plan, "Hyper-V"), ==, 0);
	}
}

/* vpindex missing: what depends on it goes too, and is named with why. */
static void
test_plan_hyperv_dependencies(void)
{
	g_autoptr(DkvmHypervisor) hv =
	        parse("<domainCapabilities><domain>kvm</domain><features><hyperv supported='yes'>"
	              "<enum name='features'><value>relaxed</value><value>vapic</value>"
	              "<value>spinlocks</value><value>runtime</value><value>synic</value>"
	              "<value>stimer</value><value>reset</value><value>frequencies</value>"
	              "<value>reenlightenment</value><value>tlbflush</value><value>ipi</value>"
	              "<value>vendor_id</value></enum></hyperv></features></domainCapabilities>");
	g_autoptr(DkvmHypervisor) none = parse("<domainCapabilities><domain>kvm</domain>"
	                                       "<features><hyperv supported='no'/></features>"
	                                       "</domainCapabilities>");
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 * GIB);
	g_autoptr(DkvmSpec) linux_spec = dkvm_spec_new("l", DKVM_PRESET_LINUX);
	g_autoptr(DkvmPlan) plan = plan_ok(hv, spec, DKVM_ACCELERATOR_AUTO);
	g_autoptr(DkvmPlan) bare = plan_ok(none, spec, DKVM_ACCELERATOR_AUTO);
	g_autoptr(DkvmPlan) linux_plan = plan_ok(none, linux_spec, DKVM_ACCELERATOR_AUTO);
	g_autofree gchar *kept = join(plan->hyperv);

	g_assert_cmpstr(kept, ==,
	                "relaxed,vapic,spinlocks,runtime,reset,frequencies,reenlightenment");
	g_assert_cmpstr(warning_with(plan, "Hyper-V"), ==,
	                "Hyper-V enlightenments left out: vpindex (not supported by this "
	                "hypervisor); synic (needs vpindex), stimer (needs synic), tlbflush "
	                "(needs vpindex), ipi (needs vpindex), the hypervclock timer (KVM "
	                "offers it with vpindex)");
	g_assert_false(plan->hypervclock);
	/* hyperv supported='no': none at all, all named once */
	g_assert_cmpuint(bare->hyperv->len, ==, 0);
	g_assert_cmpuint(count_warnings(bare, "Hyper-V"), ==, 1);
	g_assert_nonnull(strstr(warning_with(bare, "Hyper-V"), "relaxed, vapic, spinlocks"));
	/* Linux guests get no Hyper-V and hear nothing about it */
	g_assert_cmpuint(linux_plan->hyperv->len, ==, 0);
	g_assert_false(linux_plan->hypervclock);
	g_assert_cmpuint(count_warnings(linux_plan, "Hyper-V"), ==, 0);
}

/* CPU modes: host-passthrough only when supported, else maximum, else none. */
static void
test_plan_cpu_modes(void)
{
	g_autoptr(DkvmHypervisor) max_only =
	        parse("<domainCapabilities><domain>kvm</domain><cpu>"
	              "<mode name='host-passthrough' supported='no'/>"
	              "<mode name='maximum' supported='yes'/></cpu></domainCapabilities>");
	g_autoptr(DkvmHypervisor) neither =
	        parse("<domainCapabilities><domain>kvm</domain><cpu>"
	              "<mode name='host-passthrough' supported='no'/>"
	              "<mode name='maximum' supported='no'/>"
	              "<mode name='custom' supported='yes'/></cpu></domainCapabilities>");
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 * GIB);
	g_autoptr(DkvmPlan) max_plan = plan_ok(max_only, spec, DKVM_ACCELERATOR_AUTO);
	g_autoptr(DkvmPlan) none_plan = plan_ok(neither, spec, DKVM_ACCELERATOR_AUTO);
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *xml = NULL;

	g_assert_cmpstr(max_plan->cpu_mode, ==, "maximum");
	g_assert_cmpuint(count_warnings(max_plan, "no host-passthrough"), ==, 1);
	g_assert_null(none_plan->cpu_mode);
	g_assert_cmpuint(count_warnings(none_plan, "neither host-passthrough nor maximum"), ==, 1);
	xml = dkvm_domain_create_xml(spec, none_plan, host, &error);
	g_assert_no_error(error);
	g_assert_null(strstr(xml, "<cpu mode="));
	g_assert_null(strstr(xml, "migratable"));
}

/* Firmware: Secure Boot or UEFI asked where libvirt reports none is refused. */
static void
test_plan_firmware(void)
{
	g_autoptr(DkvmHypervisor) no_secure =
	        parse("<domainCapabilities><domain>kvm</domain><os supported='yes'>"
	              "<enum name='firmware'><value>efi</value></enum>"
	              "<loader supported='yes'><value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>"
	              "<enum name='secure'><value>no</value></enum></loader></os>"
	              "</domainCapabilities>");
	g_autoptr(DkvmHypervisor) no_efi =
	        parse("<domainCapabilities><domain>kvm</domain><os supported='yes'>"
	              "<enum name='firmware'/><loader supported='yes'/></os>"
	              "</domainCapabilities>");
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 * GIB);
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(GError) error = NULL;

	plan = plan_with(no_secure, spec, DKVM_ACCELERATOR_AUTO, "amd-16c-2ccd", &error);
	g_assert_null(plan);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_nonnull(strstr(error->message, "Secure Boot asked"));
	g_assert_nonnull(strstr(error->message, "hint: "));
	g_clear_error(&error);

	spec->secure_boot = FALSE;
	plan = plan_with(no_secure, spec, DKVM_ACCELERATOR_AUTO, "amd-16c-2ccd", &error);
	g_assert_no_error(error);
	g_assert_nonnull(plan);
	g_clear_pointer(&plan, dkvm_plan_free);

	plan = plan_with(no_efi, spec, DKVM_ACCELERATOR_AUTO, "amd-16c-2ccd", &error);
	g_assert_null(plan);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_nonnull(strstr(error->message, "no EFI firmware"));
	g_clear_error(&error);

	spec->uefi = FALSE;
	plan = plan_with(no_efi, spec, DKVM_ACCELERATOR_AUTO, "amd-16c-2ccd", &error);
	g_assert_no_error(error);
	g_assert_nonnull(plan);
}

/* TPM: tpm-crb preferred, tpm-tis otherwise, none reported refused. */
static void
test_plan_tpm(void)
{
	g_autoptr(DkvmHypervisor) tis =
	        parse("<domainCapabilities><domain>kvm</domain><devices><tpm supported='yes'>"
	              "<enum name='model'><value>tpm-tis</value></enum>"
	              "<enum name='backendModel'><value>emulator</value></enum>"
	              "<enum name='backendVersion'><value>2.0</value></enum>"
	              "</tpm></devices></domainCapabilities>");
	g_autoptr(DkvmHypervisor) none =
	        parse("<domainCapabilities><domain>kvm</domain><devices>"
	              "<tpm supported='no'/></devices></domainCapabilities>");
	g_autoptr(DkvmSpec) spec = plan_test_spec(4, 4 * GIB);
	g_autoptr(DkvmPlan) tis_plan = plan_ok(tis, spec, DKVM_ACCELERATOR_AUTO);
	g_autoptr(DkvmPlan) refused = NULL;
	g_autoptr(DkvmPlan) no_tpm = NULL;
	g_autoptr(DkvmHostFacts) host = plan_test_host("amd-16c-2ccd");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *xml = NULL;

	g_assert_cmpstr(tis_plan->tpm_model, ==, "tpm-tis");
	xml = dkvm_domain_create_xml(spec, tis_plan, host, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(xml, "<tpm model=\"tpm-tis\">"));

	refused = plan_with(none, spec, DKVM_ACCELERATOR_AUTO, "amd-16c-2ccd", &error);
	g_assert_null(refused);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_nonnull(strstr(error->message, "a TPM was asked"));
	g_clear_error(&error);

	spec->tpm = FALSE;
	no_tpm = plan_ok(none, spec, DKVM_ACCELERATOR_AUTO);
	g_assert_null(no_tpm->tpm_model);
}

/* Issue 18: without pinning nothing else bounds the vCPUs; the machine
 * type's limit does, reported or not, before any other part plans. */
static void
test_plan_max_vcpus(void)
{
	g_autoptr(DkvmHypervisor) kvm = load_hypervisor("kvm-q35.xml");
	g_autoptr(DkvmHypervisor) small = load_hypervisor("kvm-q35.xml");
	g_autoptr(DkvmSpec) spec = dkvm_spec_new("vm", DKVM_PRESET_LINUX);
	g_autoptr(DkvmPlan) at_limit = NULL;

	spec->pinning = FALSE;
	spec->hugepages = FALSE;
	spec->vcpus = 288;
	at_limit = plan_ok(kvm, spec, DKVM_ACCELERATOR_AUTO);
	spec->vcpus = 289;
	for (guint i = 0; i < 2; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmPlan) plan = plan_with(i == 0 ? kvm : NULL, spec,
		                                     DKVM_ACCELERATOR_AUTO, "amd-16c-2ccd", &error);
		g_assert_null(plan);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		g_assert_cmpstr(
		        error->message, ==,
		        i == 0 ? "289 vCPUs: the q35 machine type holds at most 288 "
		                 "(libvirt's domain capabilities)"
		               : "289 vCPUs: the q35 machine type holds at most 288 (QEMU 7.2)");
	}
	/* a smaller limit reported is the one kept */
	small->max_vcpus = 255;
	spec->vcpus = 256;
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(DkvmPlan) plan =
		        plan_with(small, spec, DKVM_ACCELERATOR_AUTO, "amd-16c-2ccd", &error);
		g_assert_null(plan);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hypervisor/parse-kvm", test_parse_kvm);
	g_test_add_func("/hypervisor/parse-qemu", test_parse_qemu);
	g_test_add_func("/hypervisor/parse-not-reported", test_parse_not_reported);
	g_test_add_func("/hypervisor/parse-unsupported", test_parse_unsupported);
	g_test_add_func("/hypervisor/parse-invalid", test_parse_invalid);
	g_test_add_func("/hypervisor/plan-kvm-reduced-hyperv", test_plan_kvm_reduced_hyperv);
	g_test_add_func("/hypervisor/plan-qemu-only", test_plan_qemu_only);
	g_test_add_func("/hypervisor/plan-forced-tcg", test_plan_forced_tcg);
	g_test_add_func("/hypervisor/plan-not-reported", test_plan_not_reported);
	g_test_add_func("/hypervisor/plan-hyperv-dependencies", test_plan_hyperv_dependencies);
	g_test_add_func("/hypervisor/plan-cpu-modes", test_plan_cpu_modes);
	g_test_add_func("/hypervisor/plan-firmware", test_plan_firmware);
	g_test_add_func("/hypervisor/plan-tpm", test_plan_tpm);
	g_test_add_func("/hypervisor/plan-max-vcpus", test_plan_max_vcpus);
	return g_test_run();
}
