/*
 * domains/legacy-dkvm.c: the original DKVM's data partition (files in its
 * format under test/data/legacy/, see the README there) into specs for a
 * host (the demo host's JSON), with the domain XML of the main case as a
 * golden (test/data/legacy/partition-0.xml).
 */
#include "test-plan-common.h"

#include "domain-xml.h"
#include "legacy-dkvm.h"

static gchar *
read_data(const gchar *first, ...)
{
	const gchar *root = g_getenv("DKVM_TEST_DATA");
	g_autoptr(GString) path = g_string_new(root);
	g_autoptr(GError) error = NULL;
	gchar *text = NULL;
	va_list args;

	va_start(args, first);
	for (const gchar *part = first; part != NULL; part = va_arg(args, const gchar *)) {
		g_string_append_c(path, G_DIR_SEPARATOR);
		g_string_append(path, part);
	}
	va_end(args);
	if (!g_file_get_contents(path->str, &text, NULL, &error))
		return NULL;
	return text;
}

/* A partition of test/data/legacy/ read as frontend/vm reads it. */
typedef struct {
	gchar *texts[10];
	gboolean has_nvram[10], has_tpm[10];
	DkvmLegacyFolder folders[10];
	gchar *names[10];
	GPtrArray *list; /* DkvmLegacyFolder*, borrowed */
	gchar *pci, *usb, *flags, *topology, *script;
	DkvmLegacyGlobalFiles files;
} Partition;

static Partition *
partition_read(const gchar *name)
{
	Partition *p = g_new0(Partition, 1);
	const gchar *root = g_getenv("DKVM_TEST_DATA");

	p->list = g_ptr_array_new();
	for (guint i = 0; i <= 9; i++) {
		g_autofree gchar *dir = NULL;
		g_autofree gchar *nvram = NULL;
		g_autofree gchar *tpm = NULL;
		p->names[i] = g_strdup_printf("%u", i);
		dir = g_build_filename(root, "legacy", name, p->names[i], NULL);
		if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
			continue;
		p->texts[i] = read_data("legacy", name, p->names[i], "vm_config", NULL);
		nvram = g_build_filename(dir, "OVMF_VARS.fd", NULL);
		tpm = g_build_filename(dir, "tpm", NULL);
		p->folders[i].folder = p->names[i];
		p->folders[i].vm_config = p->texts[i];
		p->folders[i].vm_config_len = p->texts[i] != NULL ? strlen(p->texts[i]) : 0;
		p->folders[i].has_nvram = g_file_test(nvram, G_FILE_TEST_EXISTS);
		p->folders[i].has_tpm = g_file_test(tpm, G_FILE_TEST_IS_DIR);
		g_ptr_array_add(p->list, &p->folders[i]);
	}
	p->files.pci_devices = p->pci = read_data("legacy", name, "passthroughPCIDevices", NULL);
	p->files.usb_devices = p->usb = read_data("legacy", name, "passthroughUSBDevices", NULL);
	p->files.cpu_options = p->flags = read_data("legacy", name, "cpuOptions", NULL);
	p->files.cpu_topology = p->topology = read_data("legacy", name, "cpuTopology", NULL);
	p->files.start_stop_script = p->script =
	        read_data("legacy", name, "customStartStopScript", NULL);
	return p;
}

static void
partition_free(Partition *p)
{
	for (guint i = 0; i <= 9; i++) {
		g_free(p->texts[i]);
		g_free(p->names[i]);
	}
	g_ptr_array_unref(p->list);
	g_free(p->pci);
	g_free(p->usb);
	g_free(p->flags);
	g_free(p->topology);
	g_free(p->script);
	g_free(p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Partition, partition_free)

static DkvmHostFacts *
demo_host(void)
{
	g_autofree gchar *path = plan_test_data("hosts-json", "demo.json", NULL);
	return plan_test_host_from_file(path);
}

static gboolean
has_line_with(const GPtrArray *lines, const gchar *needle)
{
	for (guint i = 0; i < lines->len; i++)
		if (strstr(g_ptr_array_index((GPtrArray *)lines, i), needle) != NULL)
			return TRUE;
	return FALSE;
}

static void
test_vm_config(void)
{
	g_autofree gchar *text = read_data("legacy", "partition", "0", "vm_config", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmLegacyVmConfig) c = dkvm_legacy_vm_config_parse(text, strlen(text), &error);

	g_assert_no_error(error);
	g_assert_cmpstr(c->name, ==, "Win 11");
	g_assert_cmpuint(c->disks->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(c->disks, 0), ==,
	                "/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_2TB_S6B0NL0T654321");
	g_assert_cmpstr(g_ptr_array_index(c->disks, 1), ==, "/media/dkvmdata/disks/games.raw");
	/* the commented #CDROM= line is a comment */
	g_assert_cmpuint(c->cdroms->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(c->cdroms, 0), ==, "/media/dkvmdata/isos/virtio-win.iso");
	g_assert_cmpstr(c->gpu_rom, ==, "/media/dkvmdata/gpu.rom");
	g_assert_cmpstr(c->vnc_listen, ==, "0.0.0.0:0");
	g_assert_cmpstr(c->mac, ==, DKVM_LEGACY_TEMPLATE_MAC);
	g_assert_cmpuint(c->warnings->len, ==, 0);
}

static void
test_vm_config_keys(void)
{
	const gchar *text = "NAME=a b  c\r\nFOO=1\nCPUOPTS=x\n#HARDDISK=/x\nHARDDISK=/a\n"
	                    "HARDDISK=/b\nNAME=second\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmLegacyVmConfig) c = dkvm_legacy_vm_config_parse(text, strlen(text), &error);

	g_assert_no_error(error);
	g_assert_cmpstr(c->name, ==, "a b  c"); /* spaces kept, DOS line end not */
	g_assert_cmpuint(c->disks->len, ==, 2);
	g_assert_cmpuint(c->warnings->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(c->warnings, 0), ==,
	                "vm_config: unknown key FOO ignored");
}

static void
test_vm_config_corrupt(void)
{
	g_autofree gchar *text = read_data("legacy", "partition", "2", "vm_config", NULL);
	const gchar binary[] = { 'N', 'A', 'M', 'E', '=', 'x', '\0', 'y', '\n' };
	g_autoptr(GError) error = NULL;
	DkvmLegacyVmConfig *c = dkvm_legacy_vm_config_parse(text, strlen(text), &error);

	g_assert_null(c);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(
	        error->message, ==,
	        "vm_config line 2: not KEY=VALUE: 'HARDDISK /media/dkvmdata/disks/broken.raw'");
	g_clear_error(&error);
	c = dkvm_legacy_vm_config_parse(binary, sizeof(binary), &error);
	g_assert_null(c);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_clear_error(&error);
	c = dkvm_legacy_vm_config_parse("name=lower\n", 11, &error);
	g_assert_null(c);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
}

static void
test_globals(void)
{
	g_autoptr(Partition) p = partition_read("partition");
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmLegacyGlobals) g = dkvm_legacy_globals_parse(&p->files, &error);
	g_autofree gchar *host = NULL;
	const DkvmUsbSelection *usb;

	g_assert_no_error(error);
	/* the PCI domain added, the order kept (the planner puts GPUs first) */
	g_assert_cmpuint(g->pci->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(g->pci, 0), ==, "0000:06:00.3");
	g_assert_cmpstr(g_ptr_array_index(g->pci, 1), ==, "0000:01:00.0");
	g_assert_cmpstr(g_ptr_array_index(g->pci, 2), ==, "0000:01:00.1");
	g_assert_cmpuint(g->usb->len, ==, 2);
	usb = g_ptr_array_index(g->usb, 1);
	g_assert_cmphex(usb->vendor_id, ==, 0x046d);
	g_assert_cmphex(usb->product_id, ==, 0xc52b);
	g_assert_true(usb->optional);
	g_assert_true(g->kvm_hidden);
	g_assert_cmpstr(g->hyperv_vendor_id, ==, "dkvm");
	/* hv-relaxed, hv-spinlocks=0x1fff, topoext=on... silently; invtsc listed */
	g_assert_cmpuint(g->unknown_flags->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(g->unknown_flags, 0), ==, "invtsc=on");
	host = plan_test_join(g->host_cpus);
	g_assert_cmpstr(host, ==, "0,8");
	g_assert_cmpuint(g->vm_cpus->len, ==, 14);
	g_assert_cmpuint(g->warnings->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(g->warnings, 0), ==,
	                "cpuOptions not carried over (DKVM has no setting for them): invtsc=on");
	g_assert_true(has_line_with(g->warnings, "customStartStopScript is not run (it cycled "
	                                         "the GPU through the amdgpu driver"));
}

static void
test_globals_flags(void)
{
	DkvmLegacyGlobalFiles files = {
		.cpu_options = "hv_relaxed\nhv-evmcs\nhv-vendor-id=waytoolongvendor\n"
		               "# a comment\nmigratable=on,hv-time\n",
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmLegacyGlobals) g = dkvm_legacy_globals_parse(&files, &error);

	g_assert_no_error(error);
	g_assert_false(g->kvm_hidden);
	g_assert_null(g->hyperv_vendor_id);
	g_assert_cmpuint(g->unknown_flags->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(g->unknown_flags, 0), ==, "hv-evmcs");
	g_assert_cmpstr(g_ptr_array_index(g->unknown_flags, 1), ==,
	                "hv-vendor-id=waytoolongvendor");
	g_assert_cmpstr(g_ptr_array_index(g->unknown_flags, 2), ==, "migratable=on");
	g_assert_null(g->host_cpus);
}

static void
test_globals_bad(void)
{
	DkvmLegacyGlobalFiles pci = { .pci_devices = "01:00.0\nnot-an-address\n" };
	DkvmLegacyGlobalFiles usb = { .usb_devices = "046d\n" };
	DkvmLegacyGlobalFiles topology = { .cpu_topology = "HOSTCPU=zero\n" };
	g_autoptr(GError) error = NULL;

	g_assert_null(dkvm_legacy_globals_parse(&pci, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_true(g_str_has_prefix(error->message, "passthroughPCIDevices: "));
	g_clear_error(&error);
	g_assert_null(dkvm_legacy_globals_parse(&usb, &error));
	g_assert_true(g_str_has_prefix(error->message, "passthroughUSBDevices: "));
	g_clear_error(&error);
	g_assert_null(dkvm_legacy_globals_parse(&topology, &error));
	g_assert_true(g_str_has_prefix(error->message, "cpuTopology line 1: HOSTCPU: "));
}

static DkvmLegacyBuild *
build_partition(const gchar *name, const DkvmHostFacts *host, const DkvmHostSettings *settings,
                guint64 memory_kib)
{
	g_autoptr(Partition) p = partition_read(name);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmLegacyGlobals) g = dkvm_legacy_globals_parse(&p->files, &error);
	DkvmLegacyBuildOptions options = { host, settings, memory_kib };

	g_assert_no_error(error);
	return dkvm_legacy_build(p->list, g, &options);
}

static const DkvmLegacyVm *
vm_at(const DkvmLegacyBuild *b, guint i)
{
	return g_ptr_array_index(b->vms, i);
}

static void
test_build(void)
{
	g_autoptr(DkvmHostFacts) host = demo_host();
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(DkvmLegacyBuild) b = build_partition("partition", host, settings, 0);
	g_autofree gchar *reserve = plan_test_join(b->host_reserve);
	const DkvmLegacyVm *win11 = vm_at(b, 0);
	const DkvmSpec *s = win11->spec;
	const DkvmNic *nic;

	g_assert_cmpuint(b->vms->len, ==, 5);
	/* HOSTCPU as the reserve (dkvm.conf sets none), and the output says so */
	g_assert_cmpstr(reserve, ==, "0,8");
	g_assert_true(has_line_with(b->notes, "host reserve: CPUs 0,8, the original's HOSTCPU, "
	                                      "as dkvm.conf sets none"));
	g_assert_no_error(win11->error);
	g_assert_cmpstr(s->name, ==, "Win-11");
	g_assert_cmpstr(s->title, ==, "Win 11");
	g_assert_cmpint(s->preset, ==, DKVM_PRESET_WINDOWS11);
	g_assert_false(s->secure_boot);
	g_assert_true(s->uefi);
	g_assert_true(s->tpm);
	g_assert_true(s->kvm_hidden);
	g_assert_cmpstr(s->hyperv_vendor_id, ==, "dkvm");
	/* the demo host has 16 threads; VMCPU gave the VM all but HOSTCPU's 2 */
	g_assert_cmpuint(s->vcpus, ==, 14);
	/* the original's rule: MemTotal minus 4 GiB, down to an even MiB */
	g_assert_cmpuint(s->memory_kib, ==, dkvm_legacy_memory_kib(host->mem_total_kib));
	g_assert_cmpuint(s->memory_kib % 2048, ==, 0);
	g_assert_cmpuint(s->disks->len, ==, 2);
	g_assert_true(((DkvmDisk *)g_ptr_array_index(s->disks, 0))->is_block);
	g_assert_cmpuint(s->cdroms->len, ==, 1);
	g_assert_cmpstr(s->vnc_listen, ==, "0.0.0.0");
	g_assert_cmpint(s->vnc_display, ==, 0);
	nic = g_ptr_array_index(s->nics, 0);
	g_assert_null(nic->mac); /* the template MAC: libvirt gives a fresh one */
	g_assert_true(has_line_with(win11->warnings, "MAC DE:AD:BE:EF:66:61 is the original's "
	                                             "template default"));
	g_assert_true(has_line_with(win11->warnings, "VNC listens on 0.0.0.0 (port 5900)"));
	g_assert_cmpuint(s->pci->len, ==, 3);
	g_assert_cmpstr(((DkvmPciSelection *)g_ptr_array_index(s->pci, 1))->rom_file, ==,
	                "/media/dkvmdata/gpu.rom");
	g_assert_null(((DkvmPciSelection *)g_ptr_array_index(s->pci, 0))->rom_file);
	g_assert_cmpuint(s->usb->len, ==, 2);

	/* the same NAME twice: distinct names; the template MAC again */
	g_assert_cmpstr(vm_at(b, 1)->spec->name, ==, "Win-11-1");
	g_assert_cmpstr(vm_at(b, 1)->spec->title, ==, "Win 11");
	g_assert_null(((DkvmNic *)g_ptr_array_index(vm_at(b, 1)->spec->nics, 0))->mac);
	g_assert_true(has_line_with(vm_at(b, 1)->warnings, "template default"));
	g_assert_true(has_line_with(vm_at(b, 1)->warnings, "no OVMF_VARS.fd"));
	/* a corrupt vm_config fails alone */
	g_assert_null(vm_at(b, 2)->spec);
	g_assert_error(vm_at(b, 2)->error, DKVM_ERROR, DKVM_ERROR_INVALID);
	/* a MAC of its own is kept */
	g_assert_cmpstr(((DkvmNic *)g_ptr_array_index(vm_at(b, 3)->spec->nics, 0))->mac, ==,
	                "52:54:00:12:34:56");
	/* an empty NAME: the folder number */
	g_assert_cmpstr(vm_at(b, 4)->spec->name, ==, "4");
	g_assert_null(vm_at(b, 4)->spec->title);
}

static void
test_build_settings(void)
{
	g_autoptr(DkvmHostFacts) host = demo_host();
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(DkvmLegacyBuild) b = NULL;

	/* dkvm.conf's reserve wins over HOSTCPU; --memory over the rule */
	settings->host_reserve = dkvm_parse_cpu_list("0-1,8-9", NULL);
	b = build_partition("partition", host, settings, 8 * 1024 * 1024);
	g_assert_null(b->host_reserve);
	g_assert_true(has_line_with(b->notes, "cpuTopology's HOSTCPU=0,8 not used: dkvm.conf "
	                                      "sets the host reserve"));
	g_assert_cmpuint(vm_at(b, 0)->spec->vcpus, ==, 12);
	g_assert_cmpuint(vm_at(b, 0)->spec->memory_kib, ==, 8 * 1024 * 1024);
}

static void
test_build_no_zero(void)
{
	g_autoptr(DkvmHostFacts) host = demo_host();
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(DkvmLegacyBuild) b = build_partition("no-zero", host, settings, 0);

	g_assert_cmpuint(b->vms->len, ==, 2);
	g_assert_cmpstr(vm_at(b, 0)->folder, ==, "1");
	g_assert_cmpstr(vm_at(b, 0)->spec->name, ==, "Gaming");
	g_assert_cmpstr(vm_at(b, 1)->folder, ==, "2");
	g_assert_cmpstr(vm_at(b, 1)->spec->name, ==, "Work");
	/* no cpuTopology: the planner's reserve, every other CPU to the VM */
	g_assert_null(b->host_reserve);
	g_assert_cmpuint(vm_at(b, 0)->spec->pci->len, ==, 0);
	g_assert_cmpuint(vm_at(b, 0)->spec->vcpus, ==, dkvm_plan_cpu_max_vcpus(host, settings));
}

static void
test_memory_rule(void)
{
	/* 10 GiB + 3 MiB: 10243 MiB - 4096 = 6147, down to 6146 MiB */
	g_assert_cmpuint(dkvm_legacy_memory_kib(10 * 1024 * 1024 + 3 * 1024 + 512), ==,
	                 6146 * 1024);
	g_assert_cmpuint(dkvm_legacy_memory_kib(4 * 1024 * 1024), ==, 0);
	g_assert_cmpuint(dkvm_legacy_memory_kib(1024), ==, 0);
}

static void
test_names(void)
{
	const struct {
		const gchar *in, *out;
	} cases[] = {
		{ "Win 11", "Win-11" },
		{ "Spiel/Büro", "Spiel-B-ro" },
		{ " -Gaming PC", "Gaming-PC" },
		{ "a.b_c-d", "a.b_c-d" },
		{ "", NULL },
		{ "---", NULL },
		/* not UTF-8: a lead byte with its continuation missing at the end
		 * (read past the end before; found by fuzz-legacy) */
		{ "Nddo\xae\xaa\xac\xf8", "Nddo--" },
		{ "a\xf8", "a-" },
		{ "\xe2\x82", NULL },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *name = dkvm_legacy_sanitize_name(cases[i].in);
		g_assert_cmpstr(name, ==, cases[i].out);
		if (name != NULL)
			g_assert_true(dkvm_spec_validate_name(name, NULL));
	}
}

/* The domain the main case's folder 0 becomes on the demo host: VNC on the
 * original's address beside the GPU, the title, plain UEFI, the TPM. */
static void
test_golden_xml(void)
{
	g_autoptr(DkvmHostFacts) host = demo_host();
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(DkvmLegacyBuild) b = build_partition("partition", host, settings, 0);
	g_autoptr(DkvmHostSettings) plan_settings = dkvm_host_settings_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *xml = NULL;
	g_autoptr(DkvmSpec) back = NULL;

	plan_settings->host_reserve = g_array_copy(b->host_reserve);
	plan = dkvm_plan_new(host, NULL, vm_at(b, 0)->spec, plan_settings, &error);
	g_assert_no_error(error);
	xml = dkvm_domain_create_xml(vm_at(b, 0)->spec, plan, host, &error);
	g_assert_no_error(error);
	plan_test_golden("../legacy/partition-0.xml", xml);
	/* read back, the title and the VNC display stay (an edit keeps them) */
	back = dkvm_domain_read_spec(xml, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(back->title, ==, "Win 11");
	g_assert_cmpstr(back->vnc_listen, ==, "0.0.0.0");
	g_assert_cmpint(back->vnc_display, ==, 0);
	g_assert_cmpuint(dkvm_spec_diff_areas(vm_at(b, 0)->spec, back) & DKVM_DOMAIN_AREA_DEVICES,
	                 ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/legacy/vm-config", test_vm_config);
	g_test_add_func("/legacy/vm-config-keys", test_vm_config_keys);
	g_test_add_func("/legacy/vm-config-corrupt", test_vm_config_corrupt);
	g_test_add_func("/legacy/globals", test_globals);
	g_test_add_func("/legacy/globals-flags", test_globals_flags);
	g_test_add_func("/legacy/globals-bad", test_globals_bad);
	g_test_add_func("/legacy/build", test_build);
	g_test_add_func("/legacy/build-settings", test_build_settings);
	g_test_add_func("/legacy/build-no-zero", test_build_no_zero);
	g_test_add_func("/legacy/memory-rule", test_memory_rule);
	g_test_add_func("/legacy/names", test_names);
	g_test_add_func("/legacy/golden-xml", test_golden_xml);
	return g_test_run();
}
