/*
 * Domain XML from specs and plans: golden files per preset and host,
 * applying twice gives the same text, reading a domain back gives the
 * spec, the templates parse, and refusals carry their exact messages with
 * nothing returned.
 */
#include <string.h>

#include "dkvm-error.h"
#include "domain-template.h"
#include "domain-xml-read.h"
#include "domain-xml.h"
#include "hugepage-boot.h"
#include "spec.h"
#include "test-domain-cases.h"

static void
test_golden(gconstpointer data)
{
	const DkvmDomainCase *c = data;
	g_autofree gchar *xml = dkvm_test_create(c, NULL, NULL, NULL);
	g_autofree gchar *rel = g_strdup_printf("domains/%s.xml", c->name);

	dkvm_test_assert_golden(xml, rel);
}

static void
test_idempotent(gconstpointer data)
{
	const DkvmDomainCase *c = data;
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(DkvmHostFacts) host = NULL;
	g_autofree gchar *xml = dkvm_test_create(c, &spec, &plan, &host);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *again = dkvm_domain_apply_xml(xml, spec, plan, host, &error);
	g_autofree gchar *third = NULL;

	g_assert_no_error(error);
	g_assert_cmpstr(again, ==, xml);
	third = dkvm_domain_apply_xml(again, spec, plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(third, ==, xml);
}

static void
test_read_back(gconstpointer data)
{
	const DkvmDomainCase *c = data;
	g_autoptr(DkvmSpec) spec = NULL;
	g_autofree gchar *xml = dkvm_test_create(c, &spec, NULL, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmSpec) back = dkvm_domain_read_spec(xml, &error);
	g_autofree gchar *want = NULL;
	g_autofree gchar *got = NULL;

	g_assert_no_error(error);
	want = dkvm_test_spec_to_string(spec);
	got = dkvm_test_spec_to_string(back);
	g_assert_cmpstr(got, ==, want);
}

/* A change of spec on an existing DKVM domain gives exactly the domain a
 * fresh create of the new spec gives (same uuid): edit == create. */
static void
test_edit_equals_create(void)
{
	const DkvmDomainCase *c = &dkvm_domain_cases[0];
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(DkvmHostFacts) host = NULL;
	g_autofree gchar *xml = dkvm_test_create(c, &spec, &plan, &host);
	g_autoptr(DkvmSpec) plain = dkvm_spec_copy(spec);
	g_autoptr(DkvmPlan) plain_plan = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *edited = NULL;
	g_autofree gchar *created = NULL;
	g_autofree gchar *back_again = NULL;

	/* drop the GPU, the USB devices and the evdev keyboard, 4 vCPUs */
	g_ptr_array_set_size(plain->pci, 0);
	g_ptr_array_set_size(plain->usb, 0);
	g_ptr_array_set_size(plain->evdev, 0);
	plain->vcpus = 4;
	plain_plan = dkvm_test_plan(host, plain);
	edited = dkvm_domain_apply_xml(xml, plain, plain_plan, host, &error);
	g_assert_no_error(error);
	created = dkvm_domain_create_xml(plain, plain_plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(edited, ==, created);
	g_assert_null(strstr(edited, "<hostdev"));
	g_assert_nonnull(strstr(edited, "<graphics type=\"vnc\""));

	/* and back: the GPU domain again, identical to the first create */
	back_again = dkvm_domain_apply_xml(edited, spec, plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(back_again, ==, xml);
}

static void
test_templates_parse(void)
{
	for (DkvmPreset p = DKVM_PRESET_WINDOWS11; p <= DKVM_PRESET_LINUX; p++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *xml = dkvm_domain_template(p, &error);
		g_autoptr(DkvmSpec) spec = NULL;

		g_assert_no_error(error);
		spec = dkvm_domain_read_spec(xml, &error);
		g_assert_no_error(error);
		/* the template alone says what the preset is */
		g_assert_cmpint(spec->preset, ==, p);
		g_assert_cmpint(spec->tpm, ==, p == DKVM_PRESET_WINDOWS11);
		g_assert_cmpint(spec->secure_boot, ==, p == DKVM_PRESET_WINDOWS11);
		g_assert_true(spec->uefi);
	}
}

typedef struct {
	const gchar *what;
	const gchar *xml;
	const gchar *message;
} Refusal;

static void
test_refusals(void)
{
	g_autoptr(DkvmHostFacts) host = dkvm_test_load_host("amd-16c-gpu");
	g_autoptr(DkvmSpec) spec = dkvm_spec_new("vm", DKVM_PRESET_LINUX);
	g_autoptr(DkvmPlan) plan = dkvm_test_plan(host, spec);
	const Refusal refusals[] = {
		{ "empty", "", "invalid domain XML: the document is empty" },
		{ "not xml", "hello",
		  "invalid domain XML: line 1: Start tag expected, '<' not found" },
		{ "unclosed", "<domain type='kvm'><name>x</name>",
		  "invalid domain XML: line 1: Premature end of data in tag domain line 1" },
		/* libxml2's message has two lines here: DKVM's is one (found by fuzz-domain-apply)
		 */
		{ "not utf-8", "<domain type=\"\xff\xff\xff\x7fkvm\"><name>x</name></domain>",
		  "invalid domain XML: line 1: Input is not proper UTF-8, indicate encoding ! "
		  "Bytes: 0xFF 0xFF 0xFF 0x7F" },
		{ "network", "<network><name>default</name></network>",
		  "invalid domain XML: the root element is <network>, not <domain>" },
		{ "xen", "<domain type='xen'><name>x</name><memory>1</memory></domain>",
		  "invalid domain XML: DKVM manages QEMU/KVM domains, this one is type 'xen'" },
		{ "uuid",
		  "<domain type='kvm'><name>vm</name>"
		  "<uuid>00000000-0000-4000-8000-000000000001</uuid></domain>",
		  NULL /* set below */ },
		{ "metadata",
		  "<domain type='kvm'><name>vm</name><metadata>"
		  "<dkvm:vm xmlns:dkvm='urn:dkvm:domain:1'><dkvm:pinning>maybe"
		  "</dkvm:pinning></dkvm:vm></metadata></domain>",
		  "invalid DKVM metadata: <dkvm:pinning> must be yes or no, not 'maybe'" },
	};

	spec->uuid = g_strdup("00000000-0000-4000-8000-000000000002");
	for (guint i = 0; i < G_N_ELEMENTS(refusals); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree gchar *out =
		        dkvm_domain_apply_xml(refusals[i].xml, spec, plan, host, &error);
		const gchar *want = refusals[i].message != NULL
		                            ? refusals[i].message
		                            : "uuid 00000000-0000-4000-8000-000000000002 does not "
		                              "match the domain's uuid "
		                              "00000000-0000-4000-8000-000000000001";
		g_test_message("refusal: %s", refusals[i].what);
		g_assert_null(out);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		g_assert_cmpstr(error->message, ==, want);
	}
}

static void
test_refused_specs(void)
{
	g_autoptr(DkvmHostFacts) host = dkvm_test_load_host("amd-16c-gpu");
	struct {
		const gchar *disk;
		gboolean bios_with_secure_boot;
		const gchar *message;
	} cases[] = {
		{ "/dev/sda", FALSE,
		  "invalid disk '/dev/sda': kernel device names change between boots; use its "
		  "/dev/disk/by-id/ link" },
		{ "/dev/nvme0n1", FALSE,
		  "invalid disk '/dev/nvme0n1': kernel device names change between boots; use its "
		  "/dev/disk/by-id/ link" },
		{ "images/win.img", FALSE,
		  "invalid disk 'images/win.img': the path must be absolute" },
		{ NULL, TRUE, "Secure Boot needs UEFI firmware, not legacy BIOS (SeaBIOS)" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(DkvmSpec) spec = dkvm_spec_new("vm", DKVM_PRESET_WINDOWS11);
		g_autoptr(DkvmPlan) plan = NULL;
		g_autoptr(GError) error = NULL;
		g_autofree gchar *xml = NULL;

		plan = dkvm_test_plan(host, spec);
		if (cases[i].disk != NULL)
			g_ptr_array_add(spec->disks, dkvm_disk_new(cases[i].disk));
		if (cases[i].bios_with_secure_boot)
			spec->uefi = FALSE;
		xml = dkvm_domain_create_xml(spec, plan, host, &error);
		g_assert_null(xml);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
		g_assert_cmpstr(error->message, ==, cases[i].message);
	}
}

/* A domain DKVM never saw: read back as a best guess, owning no devices. */
static void
test_read_foreign(void)
{
	const gchar *xml = "<domain type='kvm'><name>old</name>"
	                   "<memory unit='GiB'>16</memory><vcpu>6</vcpu>"
	                   "<cputune><vcpupin vcpu='0' cpuset='2'/></cputune>"
	                   "<os><type>hvm</type><loader readonly='yes' secure='yes' "
	                   "type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</loader></os>"
	                   "<features><hyperv><relaxed state='on'/><vendor_id state='on' "
	                   "value='none'/></hyperv><kvm><hidden state='on'/></kvm></features>"
	                   "<devices><disk type='file' device='disk'><source "
	                   "file='/a.img'/><target dev='vda'/></disk></devices></domain>";
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmSpec) spec = dkvm_domain_read_spec(xml, &error);

	g_assert_no_error(error);
	g_assert_cmpstr(spec->name, ==, "old");
	g_assert_cmpint(spec->preset, ==, DKVM_PRESET_WINDOWS10);
	g_assert_cmpuint(spec->memory_kib, ==, 16 * 1024 * 1024);
	g_assert_cmpuint(spec->vcpus, ==, 6);
	g_assert_true(spec->pinning);
	g_assert_false(spec->hugepages);
	g_assert_true(spec->uefi);
	g_assert_true(spec->secure_boot);
	g_assert_true(spec->kvm_hidden);
	g_assert_cmpstr(spec->hyperv_vendor_id, ==, "none");
	g_assert_cmpuint(spec->disks->len, ==, 0);
}

/* <locked/> is off by default; --lock-memory adds it to pinned hugepage
 * memory with a warning about CAP_SYS_RESOURCE, and both read back. */
static void
test_lock_memory(void)
{
	g_autoptr(DkvmHostFacts) host = dkvm_test_load_host("amd-16c-gpu");
	g_autoptr(DkvmSpec) spec = dkvm_spec_new("locked", DKVM_PRESET_LINUX);
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(DkvmPlan) locked_plan = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *unlocked = NULL;
	g_autofree gchar *locked = NULL;
	g_autoptr(DkvmSpec) back_unlocked = NULL;
	g_autoptr(DkvmSpec) back_locked = NULL;
	gboolean warned = FALSE;

	g_assert_false(spec->lock_memory);
	spec->memory_kib = 4 * 1024 * 1024;
	plan = dkvm_test_plan(host, spec);
	for (guint i = 0; i < plan->warnings->len; i++)
		g_assert_null(strstr(g_ptr_array_index(plan->warnings, i), "CAP_SYS_RESOURCE"));
	unlocked = dkvm_domain_create_xml(spec, plan, host, &error);
	g_assert_no_error(error);
	g_assert_null(strstr(unlocked, "<locked/>"));
	g_assert_nonnull(strstr(unlocked, "<hugepages>"));
	back_unlocked = dkvm_domain_read_spec(unlocked, &error);
	g_assert_no_error(error);
	g_assert_false(back_unlocked->lock_memory);
	g_assert_true(back_unlocked->hugepages);
	g_assert_true(back_unlocked->pinning);

	spec->lock_memory = TRUE;
	locked_plan = dkvm_test_plan(host, spec);
	for (guint i = 0; i < locked_plan->warnings->len; i++)
		warned |= strstr(g_ptr_array_index(locked_plan->warnings, i),
		                 "libvirtd needs CAP_SYS_RESOURCE") != NULL;
	g_assert_true(warned);
	locked = dkvm_domain_apply_xml(unlocked, spec, locked_plan, host, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(locked, "<locked/>"));
	back_locked = dkvm_domain_read_spec(locked, &error);
	g_assert_no_error(error);
	g_assert_true(back_locked->lock_memory);
}

/* vm edit --memory on a hand-made domain: the memory changes, the CPU model
 * and Hyper-V set the person chose stay; a hand-made guest NUMA cell keeps
 * its vCPUs and takes the new size (libvirt sizes the guest from the cells),
 * and the note says so. With the CPUs too, the cells come from the plan
 * (here: none, one host node holds the 4 vCPUs). */
static void
test_edit_areas(void)
{
	const gchar *handmade =
	        "<domain type='kvm'><name>old</name><memory unit='GiB'>16</memory>"
	        "<vcpu>4</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os>"
	        "<features><acpi/><hyperv mode='custom'><relaxed state='on'/></hyperv></features>"
	        "<cpu mode='custom' match='exact'><model fallback='forbid'>EPYC</model>%s</cpu>"
	        "<devices/></domain>";
	g_autoptr(DkvmHostFacts) host = dkvm_test_load_host("amd-16c-gpu");
	g_autofree gchar *plain = g_strdup_printf(handmade, "");
	g_autofree gchar *numa = g_strdup_printf(
	        handmade, "<numa><cell id='0' cpus='0-3' memory='16' unit='GiB'/></numa>");
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmSpec) spec = dkvm_domain_read_spec(plain, &error);
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *rewritten = NULL;
	g_autofree gchar *note = NULL;

	g_assert_no_error(error);
	spec->memory_kib = 12 * 1024 * 1024;
	plan = dkvm_test_plan(host, spec);
	out = dkvm_domain_apply_xml_areas(plain, spec, plan, host, DKVM_DOMAIN_AREA_MEMORY, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(out, "<memory unit=\"KiB\">12582912</memory>"));
	g_assert_nonnull(strstr(out, "<model fallback=\"forbid\">EPYC</model>"));
	g_assert_nonnull(strstr(out, "<hyperv mode=\"custom\">"));
	g_assert_null(strstr(out, "vpindex"));
	g_assert_null(dkvm_domain_numa_note(plain, out));

	rewritten = dkvm_domain_apply_xml_areas(numa, spec, plan, host, DKVM_DOMAIN_AREA_MEMORY,
	                                        &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(rewritten, "<cell id=\"0\" cpus=\"0-3\" memory=\"12582912\" "
	                                   "unit=\"KiB\"/>"));
	g_assert_nonnull(strstr(rewritten, "<memory unit=\"KiB\">12582912</memory>"));
	g_assert_nonnull(strstr(rewritten, "<model fallback=\"forbid\">EPYC</model>"));
	note = dkvm_domain_numa_note(numa, rewritten);
	g_assert_cmpstr(note, ==,
	                "DKVM rewrote the guest NUMA cells (<cpu><numa>): were cell 0: vCPUs 0-3, "
	                "16384 MiB; now cell 0: vCPUs 0-3, 12288 MiB");
	g_clear_pointer(&note, g_free);
	g_clear_pointer(&rewritten, g_free);

	rewritten = dkvm_domain_apply_xml_areas(
	        numa, spec, plan, host, DKVM_DOMAIN_AREA_MEMORY | DKVM_DOMAIN_AREA_CPU, &error);
	g_assert_no_error(error);
	g_assert_null(strstr(rewritten, "<numa>"));
	note = dkvm_domain_numa_note(numa, rewritten);
	g_assert_cmpstr(note, ==,
	                "DKVM rewrote the guest NUMA cells (<cpu><numa>): were cell 0: vCPUs 0-3, "
	                "16384 MiB; now none (one host node holds the vCPUs, or they are not "
	                "pinned)");
}

/* domains/' one reader of a domain document: what a start checks comes out
 * of one parse; units in any case, as libvirt reads them. */
static void
test_read_facts(void)
{
	static const gchar *xml =
	        "<domain type='test'><name>facts</name><memory unit='kib'>4194304</memory>"
	        "<memoryBacking><hugepages><page size='1' unit='g'/></hugepages></memoryBacking>"
	        "<devices>"
	        "<disk type='file' device='disk'><source file='/v/a.qcow2'/><target "
	        "dev='vda'/></disk>"
	        "<disk type='file' device='cdrom'><source file='/v/b.iso' "
	        "startupPolicy='optional'/>"
	        "<target dev='sda'/></disk>"
	        "<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x01' "
	        "slot='0x00' function='0x1'/></source><rom file='/v/gpu.rom'/></hostdev>"
	        "<input type='evdev'><source dev='/dev/input/kbd'/></input>"
	        "<interface type='network'><source network='default'/></interface>"
	        "<interface type='network'><source network='lab'/></interface>"
	        "<interface type='network'><source network='default'/></interface>"
	        "</devices></domain>";
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDomainXml) d = dkvm_domain_xml_parse(xml, &error);
	const DkvmDomainDisk *disk;

	g_assert_no_error(error);
	g_assert_cmpuint(d->memory_kib, ==, 4194304);
	g_assert_cmpuint(d->hugepage_size_kib, ==, DKVM_PAGE_1G_KIB);
	g_assert_cmpuint(dkvm_domain_xml_hugepages_needed(d), ==, 4);
	g_assert_cmpuint(d->disks->len, ==, 2);
	disk = g_ptr_array_index(d->disks, 0);
	g_assert_cmpstr(disk->source, ==, "/v/a.qcow2");
	g_assert_false(disk->optional);
	disk = g_ptr_array_index(d->disks, 1);
	g_assert_cmpstr(disk->device, ==, "cdrom");
	g_assert_true(disk->optional);
	g_assert_cmpuint(d->pci_hostdevs->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(d->pci_hostdevs, 0), ==, "0000:01:00.1");
	g_assert_cmpuint(d->rom_files->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(d->rom_files, 0), ==, "/v/gpu.rom");
	g_assert_cmpuint(d->evdev_paths->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(d->evdev_paths, 0), ==, "/dev/input/kbd");
	/* each network once, in document order */
	g_assert_cmpuint(d->networks->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(d->networks, 0), ==, "default");
	g_assert_cmpstr(g_ptr_array_index(d->networks, 1), ==, "lab");

	/* the same reader and messages as dkvm_domain_apply_xml's */
	g_clear_error(&error);
	g_assert_null(dkvm_domain_xml_parse("<domain><name>x</domain>", &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_true(g_str_has_prefix(error->message, "invalid domain XML: line 1: "));
}

static gchar *
pins_of(const gchar *cputune, GError **error)
{
	g_autofree gchar *xml = g_strdup_printf(
	        "<domain type='test'><name>p</name><memory>1024</memory><vcpu>4</vcpu>"
	        "<cputune>%s</cputune></domain>",
	        cputune);
	g_autoptr(DkvmDomainXml) d = dkvm_domain_xml_parse(xml, error);
	g_autofree gchar *vcpus = NULL, *emulator = NULL;

	if (d == NULL)
		return NULL;
	vcpus = dkvm_format_cpu_list(d->vcpu_pins);
	emulator = dkvm_format_cpu_list(d->emulator_pins);
	return g_strdup_printf("%s|%s", vcpus, emulator);
}

/* The host CPUs a domain's vCPUs and emulator are pinned to (the menu's CPU
 * map marks them): every vcpupin's cpuset, each CPU once, libvirt's "^"
 * exclusions applied; a domain without <cputune> has none. */
static void
test_read_pins(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDomainXml) plain = dkvm_domain_xml_parse(
	        "<domain type='test'><name>p</name><memory>1024</memory></domain>", &error);
	g_autofree gchar *one = NULL, *ranges = NULL, *excluded = NULL;

	g_assert_no_error(error);
	g_assert_cmpuint(plain->vcpu_pins->len, ==, 0);
	g_assert_cmpuint(plain->emulator_pins->len, ==, 0);
	one = pins_of("<vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='6'/>"
	              "<vcpupin vcpu='2' cpuset='3'/><vcpupin vcpu='3' cpuset='7'/>"
	              "<emulatorpin cpuset='0,4'/>",
	              &error);
	g_assert_no_error(error);
	g_assert_cmpstr(one, ==, "2-3,6-7|0,4");
	ranges = pins_of("<vcpupin vcpu='0' cpuset='4-5'/><vcpupin vcpu='1' cpuset='5,12'/>",
	                 &error);
	g_assert_no_error(error);
	g_assert_cmpstr(ranges, ==, "4-5,12|");
	excluded = pins_of("<vcpupin vcpu='0' cpuset='0-7,^3'/>", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(excluded, ==, "0-2,4-7|");
	g_assert_null(pins_of("<vcpupin vcpu='0' cpuset='x'/>", &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_true(g_str_has_prefix(error->message, "cputune/vcpupin/@cpuset: cpuset 'x': "));
}

static DkvmDomainXml *
parse_or_fail(const gchar *xml)
{
	g_autoptr(GError) error = NULL;
	DkvmDomainXml *d = dkvm_domain_xml_parse(xml, &error);

	g_assert_no_error(error);
	return d;
}

/* The kernel options reserving every VM's hugepages at boot (the menu's
 * Hugepages screen, dkvm.conf's boot_hugepages): one pair per page size,
 * 1 GiB first; pages bound to host nodes in the per-node form; VMs of the
 * same size add up; no VM with hugepages, no options. */
/* dkvm_hugepage_boot_needs as "SIZE_KIB@NODE:PAGES ..." */
static gchar *
boot_needs_text(const GPtrArray *domains)
{
	g_autoptr(GArray) needs = dkvm_hugepage_boot_needs(domains);
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < needs->len; i++) {
		const DkvmHugepageBootNeed *n = &g_array_index(needs, DkvmHugepageBootNeed, i);
		g_string_append_printf(out, "%s%" G_GUINT64_FORMAT "@%d:%" G_GUINT64_FORMAT,
		                       out->len > 0 ? " " : "", n->size_kib, n->node, n->pages);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
test_hugepage_boot_options(void)
{
	g_autoptr(GPtrArray) domains =
	        g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_domain_xml_free);
	g_autofree gchar *none = NULL, *options = NULL, *mixed = NULL;
	g_autofree gchar *none_needs = NULL, *needs = NULL, *mixed_needs = NULL;

	g_ptr_array_add(domains, parse_or_fail("<domain type='kvm'><name>plain</name>"
	                                       "<memory unit='GiB'>4</memory></domain>"));
	none = dkvm_hugepage_boot_options(domains);
	g_assert_null(none);
	none_needs = boot_needs_text(domains);
	g_assert_cmpstr(none_needs, ==, "");
	g_ptr_array_add(domains,
	                parse_or_fail("<domain type='kvm'><name>small</name>"
	                              "<memory unit='GiB'>1</memory><memoryBacking><hugepages/>"
	                              "</memoryBacking></domain>"));
	g_ptr_array_add(domains,
	                parse_or_fail("<domain type='kvm'><name>numa</name>"
	                              "<memory unit='GiB'>8</memory><memoryBacking><hugepages>"
	                              "<page size='1' unit='GiB'/></hugepages></memoryBacking>"
	                              "<numatune><memory mode='strict' nodeset='0-1'/>"
	                              "<memnode cellid='0' mode='strict' nodeset='0'/>"
	                              "<memnode cellid='1' mode='strict' nodeset='1'/></numatune>"
	                              "<cpu><numa><cell id='0' cpus='0-1' memory='3' unit='GiB'/>"
	                              "<cell id='1' cpus='2-3' memory='5' unit='GiB'/></numa></cpu>"
	                              "</domain>"));
	options = dkvm_hugepage_boot_options(domains);
	g_assert_cmpstr(options, ==, "hugepagesz=1G hugepages=0:3,1:5 hugepagesz=2M hugepages=512");
	/* the same as numbers (dkvm host boot-hugepages reserves them) */
	needs = boot_needs_text(domains);
	g_assert_cmpstr(needs, ==, "1048576@0:3 1048576@1:5 2048@-1:512");
	/* a second 1 GiB VM on any node: the total, the per-node form cannot say "any" */
	g_ptr_array_add(
	        domains,
	        parse_or_fail("<domain type='kvm'><name>big</name>"
	                      "<memory unit='GiB'>2</memory><memoryBacking><hugepages>"
	                      "<page size='1048576'/></hugepages></memoryBacking></domain>"));
	mixed = dkvm_hugepage_boot_options(domains);
	g_assert_cmpstr(mixed, ==, "hugepagesz=1G hugepages=10 hugepagesz=2M hugepages=512");
	mixed_needs = boot_needs_text(domains);
	g_assert_cmpstr(mixed_needs, ==, "1048576@-1:10 2048@-1:512");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (const DkvmDomainCase *c = dkvm_domain_cases; c->name != NULL; c++) {
		g_autofree gchar *golden = g_strdup_printf("/domain-xml/golden/%s", c->name);
		g_autofree gchar *idem = g_strdup_printf("/domain-xml/idempotent/%s", c->name);
		g_autofree gchar *back = g_strdup_printf("/domain-xml/read-back/%s", c->name);
		g_test_add_data_func(golden, c, test_golden);
		g_test_add_data_func(idem, c, test_idempotent);
		g_test_add_data_func(back, c, test_read_back);
	}
	g_test_add_func("/domain-xml/edit-equals-create", test_edit_equals_create);
	g_test_add_func("/domain-xml/templates", test_templates_parse);
	g_test_add_func("/domain-xml/refusals", test_refusals);
	g_test_add_func("/domain-xml/refused-specs", test_refused_specs);
	g_test_add_func("/domain-xml/read-foreign", test_read_foreign);
	g_test_add_func("/domain-xml/lock-memory", test_lock_memory);
	g_test_add_func("/domain-xml/edit-areas", test_edit_areas);
	g_test_add_func("/domain-xml/read-facts", test_read_facts);
	g_test_add_func("/domain-xml/read-pins", test_read_pins);
	g_test_add_func("/domain-xml/hugepage-boot-options", test_hugepage_boot_options);
	return g_test_run();
}
