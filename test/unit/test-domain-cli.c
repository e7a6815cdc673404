/*
 * `dkvm plan` and `dkvm vm create --print-xml` as a person runs them: the
 * real binary (DKVM_BIN) against saved host JSONs. The XML printed must be
 * the library's golden domain for the same request (the goldens carry a
 * uuid; the CLI leaves it to libvirt), the plan the library's plan, and bad
 * input one `dkvm: ...` line (and a hint) with the documented exit code.
 */
#include <string.h>
#include <sys/wait.h>

#include "domain-xml.h"
#include "test-domain-cases.h"

typedef struct {
	gchar *out;
	gchar *err;
	gint status;
} Run;

static void
run_clear(Run *r)
{
	g_free(r->out);
	g_free(r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Run, run_clear)

static void
run_dkvm(Run *r, const gchar *const *args)
{
	const gchar *bin = g_getenv("DKVM_BIN");
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	gint wait_status = 0;

	g_assert_nonnull(bin);
	g_ptr_array_add(argv, g_strdup(bin));
	/* no dkvm.conf from this machine: one with every default */
	g_ptr_array_add(argv, g_strdup("--config"));
	g_ptr_array_add(argv, dkvm_test_data_path("dkvm-defaults.conf", NULL));
	for (guint i = 0; args[i] != NULL; i++) {
		if (g_str_has_prefix(args[i], "HOSTS-JSON:")) {
			/* the host helper's reviewed goldens, test/data/hosts-json */
			g_autofree gchar *file = g_strdup_printf("%s.json", args[i] + 11);
			g_ptr_array_add(argv, g_strdup("--host-json"));
			g_ptr_array_add(argv, dkvm_test_data_path("hosts-json", file, NULL));
		} else if (g_str_has_prefix(args[i], "HOST:")) {
			g_autofree gchar *file = g_strdup_printf("%s.json", args[i] + 5);
			g_ptr_array_add(argv, g_strdup("--host-json"));
			g_ptr_array_add(argv, dkvm_test_data_path("domains", "hosts", file, NULL));
		} else {
			g_ptr_array_add(argv, g_strdup(args[i]));
		}
	}
	g_ptr_array_add(argv, NULL);
	g_assert_true(g_spawn_sync(NULL, (gchar **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
	                           &r->out, &r->err, &wait_status, &error));
	g_assert_no_error(error);
	g_assert_true(WIFEXITED(wait_status));
	r->status = WEXITSTATUS(wait_status);
}

/* The golden domain without its <uuid> line. */
static gchar *
golden_without_uuid(const gchar *name)
{
	g_autofree gchar *file = g_strdup_printf("%s.xml", name);
	g_autofree gchar *path = dkvm_test_data_path("domains", file, NULL);
	g_autofree gchar *xml = NULL;
	g_auto(GStrv) lines = NULL;
	GString *out = g_string_new(NULL);

	g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
	lines = g_strsplit(xml, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		if (strstr(lines[i], "<uuid>") != NULL)
			continue;
		g_string_append(out, lines[i]);
		if (lines[i + 1] != NULL)
			g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}

static void
test_create_win11_gpu(void)
{
	const gchar *args[] = {
		"vm",
		"create",
		"win11",
		"--vcpus",
		"8",
		"--memory",
		"16G",
		"--pci",
		"0b:00.0",
		"--rom",
		"0b:00.0=/var/lib/dkvm/vbios/rtx3080.rom",
		"--disk",
		"/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R123456",
		"--cdrom",
		"/var/lib/dkvm/iso/Win11_23H2_English_x64.iso",
		"--cdrom",
		"/var/lib/dkvm/iso/virtio-win-0.1.240.iso",
		"--usb",
		"046d:c52b",
		"--usb-optional",
		"1532:0084",
		"--evdev",
		"/dev/input/by-id/usb-Corsair_K70_RGB-event-kbd",
		"HOST:amd-16c-gpu",
		"--print-xml",
		NULL,
	};
	g_auto(Run) r = { 0 };
	g_autofree gchar *want = golden_without_uuid("win11-gpu-amd");

	run_dkvm(&r, args);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.out, ==, want);
	/* the plan goes to stderr, never into the XML */
	g_assert_true(g_str_has_prefix(r.err, "Virtualization: KVM\n"));
	g_assert_nonnull(strstr(r.err, "guest 0000:10:00 <- host 0000:0b:00"));
}

static void
test_create_linux_tcg(void)
{
	const gchar *args[] = {
		"vm",
		"create",
		"fedora",
		"--preset",
		"linux",
		"--vcpus",
		"4",
		"--memory",
		"1G",
		"--bios",
		"--disk",
		"/var/lib/libvirt/images/fedora.qcow2",
		"--cdrom",
		"/var/lib/libvirt/images/Fedora-39.iso",
		"--network",
		"nat:lan",
		"HOST:intel-6c-tcg",
		"--print-xml",
		NULL,
	};
	g_auto(Run) r = { 0 };
	g_autofree gchar *want = golden_without_uuid("linux-tcg-intel");

	run_dkvm(&r, args);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.out, ==, want);
	g_assert_true(g_str_has_prefix(r.err, "Virtualization: TCG"));
}

/* On the reviewed ryzen-5950x host JSON: 1 GiB pages, the RTX 3080 slot. */
static void
test_create_5950x(void)
{
	const gchar *args[] = {
		"vm",
		"create",
		"gaming",
		"--vcpus",
		"12",
		"--memory",
		"8G",
		"--pci",
		"01:00.0",
		"--disk",
		"/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_2TB_S6B0NL0T654321",
		"--usb",
		"046d:c52b",
		"--usb-optional",
		"045e:02ea",
		"--lock-memory",
		"HOSTS-JSON:ryzen-5950x",
		"--print-xml",
		NULL,
	};
	g_auto(Run) r = { 0 };
	g_autofree gchar *want = golden_without_uuid("win11-ryzen-5950x");

	run_dkvm(&r, args);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.out, ==, want);
}

/* `dkvm plan` prints the library's plan for the same request. */
static void
test_plan_text_and_json(void)
{
	const gchar *text_args[] = {
		"plan",         "--vcpus",          "6", "--memory", "8G", "--pci",
		"0000:0b:00.0", "HOST:amd-16c-gpu", NULL
	};
	const gchar *json_args[] = {
		"plan",         "--vcpus",          "6",      "--memory", "8G", "--pci",
		"0000:0b:00.0", "HOST:amd-16c-gpu", "--json", NULL
	};
	g_auto(Run) text = { 0 };
	g_auto(Run) json = { 0 };
	g_autoptr(DkvmHostFacts) host = dkvm_test_load_host("amd-16c-gpu");
	g_autoptr(DkvmSpec) spec = dkvm_spec_new("plan", DKVM_PRESET_WINDOWS11);
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *want_text = NULL;
	g_autofree gchar *want_json = NULL;

	spec->vcpus = 6;
	spec->memory_kib = 8 * 1024 * 1024;
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new("0000:0b:00.0"));
	plan = dkvm_test_plan(host, spec);
	want_text = dkvm_plan_to_text(plan);
	want_json = dkvm_plan_to_json(plan);

	run_dkvm(&text, text_args);
	g_assert_cmpint(text.status, ==, 0);
	g_assert_true(g_str_has_prefix(text.out, want_text));
	run_dkvm(&json, json_args);
	g_assert_cmpint(json.status, ==, 0);
	g_assert_true(g_str_has_prefix(json.out, want_json));
	g_assert_cmpstr(json.err, ==, "");
}

typedef struct {
	const gchar *args[12];
	gint status;
	const gchar *err;
} Refusal;

static void
test_refusals(void)
{
	const Refusal refusals[] = {
		{ { "vm", "create", "x", "--tpm", "--no-tpm", "HOST:amd-16c-gpu", "--print-xml" },
		  2,
		  "dkvm: --tpm and --no-tpm contradict each other\n" },
		{ { "vm", "create", "x", "--rom", "0b:00.0=/r.rom", "HOST:amd-16c-gpu",
		    "--print-xml" },
		  2,
		  "dkvm: --rom 0000:0b:00.0: PCI device 0000:0b:00.0 is not selected for the VM\n"
		  "hint: add --pci 0000:0b:00.0\n" },
		{ { "vm", "create", "x", "--network", "wifi", "HOST:amd-16c-gpu", "--print-xml" },
		  2,
		  "dkvm: --network 'wifi': expected nat, nat:NAME, bridge:BR or none\n" },
		{ { "vm", "create", "x", "--disk", "/dev/sda", "HOST:amd-16c-gpu", "--print-xml" },
		  2,
		  "dkvm: --disk: invalid disk '/dev/sda': kernel device names change between "
		  "boots; "
		  "use "
		  "its "
		  "/dev/disk/by-id/ link\n" },
		{ { "vm", "create", "x", "--bios", "--secure-boot", "HOST:amd-16c-gpu",
		    "--print-xml" },
		  2,
		  "dkvm: Secure Boot needs UEFI firmware, not legacy BIOS (SeaBIOS)\n" },
		{ { "vm", "create", "x", "--preset", "macos", "HOST:amd-16c-gpu", "--print-xml" },
		  2,
		  "dkvm: --preset: unknown preset 'macos' (windows11, windows10 or linux)\n" },
		{ { "vm", "create", "x", "--hyperv-vendor-id", "0123456789abc", "HOST:amd-16c-gpu",
		    "--print-xml" },
		  2,
		  "dkvm: --hyperv-vendor-id: invalid Hyper-V vendor id '0123456789abc': 1 to 12 "
		  "printable ASCII characters, no comma\n" },
		{ { "vm", "create", "bad name", "HOST:amd-16c-gpu", "--print-xml" },
		  2,
		  "dkvm: invalid VM name 'bad name': use letters, digits, '-', '_' and '.'\n" },
		/* create never replaces a VM: libvirt's test driver has one named "test" */
		{ { "--connect=test:///default", "vm", "create", "test", "HOST:amd-16c-gpu" },
		  2,
		  "dkvm: vm create: a VM named 'test' already exists\n"
		  "hint: change it with `dkvm vm edit test ...`\n" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(refusals); i++) {
		g_auto(Run) r = { 0 };
		run_dkvm(&r, refusals[i].args);
		g_assert_cmpstr(r.err, ==, refusals[i].err);
		g_assert_cmpint(r.status, ==, refusals[i].status);
		g_assert_cmpstr(r.out, ==, "");
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/domain-cli/create-win11-gpu", test_create_win11_gpu);
	g_test_add_func("/domain-cli/create-linux-tcg", test_create_linux_tcg);
	g_test_add_func("/domain-cli/create-5950x", test_create_5950x);
	g_test_add_func("/domain-cli/plan", test_plan_text_and_json);
	g_test_add_func("/domain-cli/refusals", test_refusals);
	return g_test_run();
}
