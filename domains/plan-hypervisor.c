/*
 * What the hypervisor really offers decides the domain type, the CPU mode,
 * the Hyper-V enlightenments, whether the firmware asked for exists and the
 * TPM model. The facts come from libvirt's domain capabilities
 * (DkvmHypervisor); what libvirt does not report keeps DKVM's defaults.
 *
 * The rules:
 * - Domain type: accelerator=tcg gives 'qemu'; accelerator=kvm gives 'kvm'
 *   or refuses to plan when KVM is not offered; auto gives 'kvm' exactly
 *   when libvirt offers kvm for q35 (without capabilities: /dev/kvm).
 * - CPU mode: host-passthrough under KVM when supported, else maximum when
 *   supported, else no mode at all (QEMU's default model) with a warning.
 *   Under TCG host-passthrough is refused by libvirt: maximum, or no mode.
 * - Hyper-V (Windows guests): under TCG none: QEMU builds the Hyper-V
 *   CPUID leaves only with KVM, so under TCG they would do nothing but
 *   can stop QEMU. Under KVM, DKVM's set reduced to the features libvirt
 *   reports supported, then to those whose QEMU dependencies remain (synic,
 *   ipi and tlbflush need vpindex; stimer needs synic). One warning names
 *   everything left out and why. hypervclock (QEMU's hv-time) is a timer,
 *   not in libvirt's list: KVM offers its MSRs together with vpindex's, so
 *   it is written under KVM when vpindex is supported (or nothing is
 *   reported). Measured on nested KVM that lists only spinlocks and
 *   vendor_id: QEMU aborts at start with hypervclock ("failed to set MSR
 *   0x40000021").
 * - Firmware: UEFI asked but no EFI firmware reported, or Secure Boot
 *   asked but no Secure Boot firmware reported, is an error (refused,
 *   exit 4), never a silent downgrade: a Windows 11 guest installed
 *   without Secure Boot stays that way.
 * - vCPUs: at most what the machine type holds (<vcpu max> in the domain
 *   capabilities; without them QEMU 7.2's q35 limit, 288). Without pinning
 *   nothing else bounds the count, and libvirt would define a domain QEMU
 *   cannot start.
 * - TPM: tpm-crb when reported (or nothing is reported), else tpm-tis; a
 *   TPM asked where libvirt reports no model, no emulator backend or no
 *   TPM 2.0 is an error (refused).
 */
#include "plan-hypervisor.h"

#include "dkvm-error.h"
#include "plan-util.h"

static const gchar *const hyperv_enlightenments[] = {
	"relaxed", "vapic",       "spinlocks",       "vpindex",  "runtime", "synic", "stimer",
	"reset",   "frequencies", "reenlightenment", "tlbflush", "ipi",     NULL,
};

/* A function, not an exported array: the libvirt module links its own copy
 * of domains/, and two copies of one global are an ODR violation (ASan). */
const gchar *const *
dkvm_hyperv_enlightenments(void)
{
	return hyperv_enlightenments;
}

/* QEMU's dependencies between enlightenments (target/i386/kvm/kvm.c,
 * kvm_hyperv_properties): one without what it needs stops QEMU. */
static const struct {
	const gchar *feature;
	const gchar *needs;
} hyperv_needs[] = {
	{ "synic", "vpindex" },
	{ "stimer", "synic" },
	{ "ipi", "vpindex" },
	{ "tlbflush", "vpindex" },
};

static gboolean
plan_domain_type(DkvmPlan *plan, const DkvmHostFacts *host, const DkvmHypervisor *hv,
                 DkvmAccelerator accelerator, GError **error)
{
	gboolean known = hv != NULL && hv->domain_type != NULL;
	gboolean offered = known ? dkvm_hypervisor_offers_kvm(hv) : host->kvm_available;
	const gchar *source = known ? "libvirt" : "this host (/dev/kvm)";

	switch (accelerator) {
	case DKVM_ACCELERATOR_TCG:
		plan->kvm = FALSE;
		dkvm_plan_line(plan->rationale, "type='qemu' (TCG): accelerator=tcg in dkvm.conf");
		dkvm_plan_line(plan->warnings, "accelerator=tcg: the VM runs under TCG emulation, "
		                               "far from native speed");
		return TRUE;
	case DKVM_ACCELERATOR_KVM:
		if (!offered) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
			            "accelerator=kvm in dkvm.conf, but %s offers no KVM\n"
			            "hint: load the kvm module (and enable virtualization in the "
			            "firmware), or set accelerator=auto",
			            source);
			return FALSE;
		}
		plan->kvm = TRUE;
		dkvm_plan_line(plan->rationale,
		               "type='kvm': accelerator=kvm in dkvm.conf, and %s "
		               "offers KVM",
		               source);
		return TRUE;
	case DKVM_ACCELERATOR_AUTO:
	default:
		plan->kvm = offered;
		if (known)
			dkvm_plan_line(plan->rationale,
			               offered ? "type='kvm': libvirt offers KVM for q35"
			                       : "type='qemu' (TCG): libvirt offers no KVM here");
		if (!offered)
			dkvm_plan_line(plan->warnings,
			               known ? "libvirt offers no KVM: the VM runs under TCG "
			                       "emulation, far from native speed"
			                     : "no /dev/kvm: the VM runs under TCG emulation, far "
			                       "from native speed");
		return TRUE;
	}
}

static void
plan_cpu_mode(DkvmPlan *plan, const DkvmHypervisor *hv)
{
	const GPtrArray *modes = hv != NULL ? hv->cpu_modes : NULL;
	DkvmCapability passthrough = dkvm_hypervisor_lists(modes, "host-passthrough");
	DkvmCapability maximum = dkvm_hypervisor_lists(modes, "maximum");

	if (plan->kvm && passthrough != DKVM_CAPABILITY_NO) {
		plan->cpu_mode = "host-passthrough";
	} else if (maximum != DKVM_CAPABILITY_NO) {
		plan->cpu_mode = "maximum";
		if (plan->kvm)
			dkvm_plan_line(plan->warnings,
			               "libvirt reports no host-passthrough CPU mode: the guest "
			               "gets mode='maximum'");
	} else {
		plan->cpu_mode = NULL;
		dkvm_plan_line(plan->warnings,
		               "libvirt reports neither host-passthrough nor maximum CPU mode: "
		               "the <cpu> names no mode (QEMU's default CPU model)");
	}
	if (modes == NULL)
		return;
	if (plan->cpu_mode != NULL)
		dkvm_plan_line(plan->rationale, "CPU mode %s: %s", plan->cpu_mode,
		               plan->kvm ? "the host's own CPU, as libvirt supports it"
		                         : "every feature TCG emulates (host-passthrough "
		                           "needs KVM)");
}

static gboolean
in_plan(const DkvmPlan *plan, const gchar *feature)
{
	for (guint i = 0; i < plan->hyperv->len; i++) {
		if (g_strcmp0(g_ptr_array_index(plan->hyperv, i), feature) == 0)
			return TRUE;
	}
	return FALSE;
}

static const gchar *
needs_of(const gchar *feature)
{
	for (guint i = 0; i < G_N_ELEMENTS(hyperv_needs); i++) {
		if (g_strcmp0(hyperv_needs[i].feature, feature) == 0)
			return hyperv_needs[i].needs;
	}
	return NULL;
}

static void
plan_hyperv(DkvmPlan *plan, const DkvmHypervisor *hv, const DkvmSpec *spec)
{
	const GPtrArray *supported = hv != NULL ? hv->hyperv : NULL;
	g_autoptr(GString) unsupported = g_string_new(NULL);
	g_autoptr(GString) dependent = g_string_new(NULL);
	g_autoptr(GString) kept = g_string_new(NULL);

	if (!dkvm_preset_is_windows(spec->preset))
		return;
	if (!plan->kvm) {
		if (hv != NULL || plan->rationale->len > 0)
			dkvm_plan_line(plan->rationale,
			               "Hyper-V enlightenments: none under TCG (QEMU gives them "
			               "to the guest only with KVM)");
		return;
	}
	for (guint i = 0; hyperv_enlightenments[i] != NULL; i++) {
		const gchar *feature = hyperv_enlightenments[i];
		const gchar *needs = needs_of(feature);

		if (dkvm_hypervisor_lists(supported, feature) == DKVM_CAPABILITY_NO) {
			g_string_append_printf(unsupported, "%s%s", unsupported->len ? ", " : "",
			                       feature);
			continue;
		}
		if (needs != NULL && !in_plan(plan, needs)) {
			g_string_append_printf(dependent, "%s%s (needs %s)",
			                       dependent->len ? ", " : "", feature, needs);
			continue;
		}
		g_ptr_array_add(plan->hyperv, (gpointer)feature);
		g_string_append_printf(kept, "%s%s", kept->len ? ", " : "", feature);
	}
	plan->hypervclock = dkvm_hypervisor_lists(supported, "vpindex") != DKVM_CAPABILITY_NO;
	if (!plan->hypervclock)
		g_string_append_printf(dependent,
		                       "%sthe hypervclock timer (KVM offers it with "
		                       "vpindex)",
		                       dependent->len ? ", " : "");
	if (spec->hyperv_vendor_id != NULL) {
		if (dkvm_hypervisor_lists(supported, "vendor_id") == DKVM_CAPABILITY_NO) {
			g_string_append_printf(unsupported, "%svendor_id",
			                       unsupported->len ? ", " : "");
		} else {
			plan->hyperv_vendor_id = TRUE;
			g_string_append_printf(kept, "%svendor_id", kept->len ? ", " : "");
		}
	}
	if (supported != NULL)
		dkvm_plan_line(plan->rationale,
		               "Hyper-V enlightenments: %s (those of DKVM's set libvirt reports "
		               "supported)",
		               kept->len > 0 ? kept->str : "none");
	if (unsupported->len > 0 || dependent->len > 0) {
		g_autoptr(GString) left = g_string_new(NULL);
		if (unsupported->len > 0)
			g_string_append_printf(left, "%s (not supported by this hypervisor)",
			                       unsupported->str);
		if (dependent->len > 0)
			g_string_append_printf(left, "%s%s", left->len > 0 ? "; " : "",
			                       dependent->str);
		dkvm_plan_line(plan->warnings, "Hyper-V enlightenments left out: %s", left->str);
	}
}

/* Secure Boot needs Microsoft's keys in the firmware's variables to boot
 * Windows (and shim): libvirt then picks a firmware with the enrolled-keys
 * feature, and a domain asking for it does not start where none is
 * installed. So without one, Secure Boot goes off, with a warning. */
static void
plan_secure_boot_keys(DkvmPlan *plan, const DkvmHypervisor *hv)
{
	if (!plan->secure_boot)
		return;
	if (hv->secure_boot_keys == DKVM_CAPABILITY_NO) {
		plan->secure_boot = FALSE;
		dkvm_plan_line(plan->warnings,
		               "Secure Boot is off: none of the %u QEMU firmware descriptors "
		               "offers Secure Boot with Microsoft's keys enrolled (the "
		               "enrolled-keys feature); install such a firmware (Debian: ovmf, "
		               "OVMF_CODE_4M.ms.fd) and edit the VM with --secure-boot",
		               hv->firmware_descriptors);
	} else if (hv->secure_boot_keys == DKVM_CAPABILITY_YES) {
		dkvm_plan_line(plan->rationale,
		               "Secure Boot keys: %s has Microsoft's keys enrolled (its QEMU "
		               "firmware descriptor lists enrolled-keys)",
		               hv->secure_boot_keys_firmware);
	}
}

static gboolean
plan_firmware(DkvmPlan *plan, const DkvmHypervisor *hv, const DkvmSpec *spec, GError **error)
{
	plan->secure_boot = spec->uefi && spec->secure_boot;
	if (hv == NULL || !spec->uefi)
		return TRUE;
	if (hv->efi == DKVM_CAPABILITY_NO) {
		g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		                    "UEFI firmware asked, but libvirt reports no EFI firmware "
		                    "(OVMF) for this hypervisor\n"
		                    "hint: install OVMF (Debian: ovmf), or use --bios");
		return FALSE;
	}
	if (spec->secure_boot && hv->secure_boot == DKVM_CAPABILITY_NO) {
		g_set_error_literal(
		        error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		        "Secure Boot asked, but libvirt reports no Secure Boot firmware "
		        "for this hypervisor\n"
		        "hint: install OVMF with Secure Boot (Debian: ovmf), or use "
		        "--no-secure-boot");
		return FALSE;
	}
	if (spec->secure_boot && hv->secure_boot == DKVM_CAPABILITY_YES)
		dkvm_plan_line(plan->rationale, "firmware: OVMF with Secure Boot (libvirt reports "
		                                "one)");
	else if (hv->efi == DKVM_CAPABILITY_YES)
		dkvm_plan_line(plan->rationale, "firmware: OVMF (libvirt reports EFI firmware)");
	plan_secure_boot_keys(plan, hv);
	return TRUE;
}

static gboolean
plan_tpm(DkvmPlan *plan, const DkvmHypervisor *hv, const DkvmSpec *spec, GError **error)
{
	const GPtrArray *models = hv != NULL ? hv->tpm_models : NULL;
	const gchar *missing = NULL;

	plan->tpm_model = spec->tpm ? "tpm-crb" : NULL;
	if (!spec->tpm || models == NULL)
		return TRUE;
	if (dkvm_hypervisor_lists(models, "tpm-crb") == DKVM_CAPABILITY_YES)
		plan->tpm_model = "tpm-crb";
	else if (dkvm_hypervisor_lists(models, "tpm-tis") == DKVM_CAPABILITY_YES)
		plan->tpm_model = "tpm-tis";
	else
		missing = "no TPM model DKVM knows (tpm-crb, tpm-tis)";
	if (missing == NULL &&
	    dkvm_hypervisor_lists(hv->tpm_backend_models, "emulator") == DKVM_CAPABILITY_NO)
		missing = "no emulated TPM (swtpm)";
	if (missing == NULL &&
	    dkvm_hypervisor_lists(hv->tpm_backend_versions, "2.0") == DKVM_CAPABILITY_NO)
		missing = "no TPM 2.0";
	if (missing != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "a TPM was asked, but libvirt reports %s for this hypervisor\n"
		            "hint: install swtpm, or use --no-tpm",
		            missing);
		return FALSE;
	}
	dkvm_plan_line(plan->rationale, "TPM: %s with an emulated TPM 2.0 (%s)", plan->tpm_model,
	               g_strcmp0(plan->tpm_model, "tpm-crb") == 0 ? "the model Windows 11 prefers"
	                                                          : "libvirt reports no tpm-crb");
	return TRUE;
}

gboolean
dkvm_plan_check_max_vcpus(const DkvmHypervisor *hv, const DkvmSpec *spec, GError **error)
{
	gboolean reported = hv != NULL && hv->max_vcpus > 0;
	guint max = reported ? hv->max_vcpus : DKVM_Q35_MAX_VCPUS;

	if (spec->vcpus <= max)
		return TRUE;
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
	            "%u vCPUs: the q35 machine type holds at most %u (%s)", spec->vcpus, max,
	            reported ? "libvirt's domain capabilities" : "QEMU 7.2");
	return FALSE;
}

gboolean
dkvm_plan_hypervisor(DkvmPlan *plan, const DkvmHostFacts *host, const DkvmHypervisor *hv,
                     const DkvmSpec *spec, const DkvmHostSettings *settings, GError **error)
{
	DkvmAccelerator accelerator =
	        settings != NULL ? settings->accelerator : DKVM_ACCELERATOR_AUTO;

	plan->from_capabilities = hv != NULL;
	plan->hyperv = g_ptr_array_new();
	if (!plan_domain_type(plan, host, hv, accelerator, error))
		return FALSE;
	plan_cpu_mode(plan, hv);
	plan_hyperv(plan, hv, spec);
	return plan_firmware(plan, hv, spec, error) && plan_tpm(plan, hv, spec, error);
}
