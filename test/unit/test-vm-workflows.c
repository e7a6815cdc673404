/*
 * The VM workflows of frontend/vm, driven directly as a frontend would (no
 * CLI in between), on libvirt's test driver (test:///default, one
 * connection for the whole run, so the cases run in order and build on each
 * other: create, start, monitor, edit while running, stop, kill, autostart with its
 * rollback, import, delete). The host is a fixture (the ryzen-5950x host
 * JSON, its 1 GiB pool emptied so the VM gets 2 MiB pages);
 * DKVM_SYSFS_ROOT points the hugepage pool and its records at a tree in a
 * temporary directory, never at this machine's; dkvm.conf is the test's own.
 */
#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "virt-connection.h" /* g_autoptr(virDomain) for the checks */
#include "vm-autostart.h"
#include "vm-common.h"
#include "vm-define.h"
#include "vm-delete.h"
#include "vm-import.h"
#include "vm-monitor.h"
#include "vm-plan.h"
#include "vm-power.h"
#include "vm-storage.h"
#include "test-tree.h"

static gchar *tmpdir;
static DkvmApp *app;

#define POOL_DIR "sys/kernel/mm/hugepages/hugepages-2048kB"
#define GIB      G_GUINT64_CONSTANT(1048576)

static void
write_file(const gchar *path, const gchar *contents)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *dir = g_path_get_dirname(path);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, contents, -1, &error));
	g_assert_no_error(error);
}

static void
write_pool(const gchar *file, guint64 value)
{
	g_autofree gchar *path = g_build_filename(tmpdir, "root", POOL_DIR, file, NULL);
	g_autofree gchar *text = g_strdup_printf("%" G_GUINT64_FORMAT "\n", value);
	write_file(path, text);
}

static guint64
read_pool(const gchar *file)
{
	g_autofree gchar *path = g_build_filename(tmpdir, "root", POOL_DIR, file, NULL);
	g_autofree gchar *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return g_ascii_strtoull(text, NULL, 10);
}

/* dkvm.conf with @persist_command and @default_vm (NULL: none); the app
 * reads it again on next use. */
static void
write_config(const gchar *persist_command, const gchar *default_vm)
{
	g_autofree gchar *text = g_strdup_printf(
	        "[host]\npersist_command=%s\n%s%s\n", persist_command,
	        default_vm != NULL ? "default_vm=" : "", default_vm != NULL ? default_vm : "");
	write_file(app->config_path, text);
	g_clear_pointer(&app->config, dkvm_config_free);
}

static gint
state_of(const gchar *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, &error);
	gint state = -1;

	g_assert_no_error(error);
	g_assert_cmpint(virDomainGetState(dom, &state, NULL, 0), ==, 0);
	return state;
}

static gboolean
autostart_of(const gchar *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, &error);
	gint on = -1;

	g_assert_no_error(error);
	g_assert_cmpint(virDomainGetAutostart(dom, &on), ==, 0);
	return on == 1;
}

/* The fixture host, its 2 MiB pools (global and node 0) set to @total
 * pages with @free free, and @available_kib of memory available. */
static DkvmHostFacts *
fixture_host(guint64 total, guint64 free, guint64 available_kib)
{
	g_autofree gchar *path = g_build_filename(g_getenv("DKVM_TEST_DATA"), "hosts-json",
	                                          "ryzen-5950x.json", NULL);
	g_autofree gchar *json = NULL;
	g_autoptr(GError) error = NULL;
	DkvmHostFacts *host;

	g_assert_true(g_file_get_contents(path, &json, NULL, &error));
	host = dkvm_host_facts_from_json(json, &error);
	g_assert_no_error(error);
	for (guint i = 0; i < host->hugepages->len; i++) {
		DkvmHugepagePool *pool = g_ptr_array_index(host->hugepages, i);
		/* no 1 GiB pages reserved at boot: the plan takes 2 MiB pages */
		pool->total = pool->size_kib == 2048 ? total : 0;
		pool->free = pool->size_kib == 2048 ? free : 0;
	}
	host->mem_available_kib = available_kib;
	for (guint i = 0; i < host->numa_nodes->len; i++)
		((DkvmNumaNode *)g_ptr_array_index(host->numa_nodes, i))->free_kib = available_kib;
	return host;
}

/* The app's host (as if discovered): what the workflows plan on. */
static void
use_host(DkvmHostFacts *host)
{
	g_clear_pointer(&app->host, dkvm_host_facts_free);
	app->host = host;
}

static DkvmSpec *
linux_spec(const gchar *name)
{
	DkvmSpec *spec = dkvm_spec_new(name, DKVM_PRESET_LINUX);

	spec->vcpus = 2;
	spec->memory_kib = GIB;
	/* no network: the test driver's is not the point here */
	g_ptr_array_set_size(spec->nics, 0);
	return spec;
}

static void
test_create(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmSpec) spec = linux_spec("vm-made");
	g_autoptr(DkvmVmBuild) build = NULL;
	g_autoptr(DkvmVmBuild) again = NULL;
	g_autoptr(DkvmVmBuild) preview = NULL;
	g_autoptr(DkvmSpec) other = linux_spec("vm-preview");
	g_autoptr(DkvmSpec) bad = linux_spec("vm-bad");
	g_autoptr(virDomain) none = NULL;
	DkvmVmDefineOptions options = { .hypervisor = DKVM_VM_HYPERVISOR_REQUIRED };

	/* no options: this machine (the app's host), libvirt's hypervisor */
	build = dkvm_vm_create(app, spec, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(build);
	g_assert_true(build->defined);
	g_assert_null(build->not_saved);
	g_assert_cmpstr(build->name, ==, "vm-made");
	g_assert_nonnull(strstr(build->xml, "<hugepages>"));
	g_assert_cmpuint(build->plan->hugepages->pages, ==, 512);
	g_assert_cmpint(state_of("vm-made"), ==, VIR_DOMAIN_SHUTOFF);

	/* a name that is taken: refused before anything is planned, the fact
	 * only (the CLI names `vm edit`) */
	again = dkvm_vm_create(app, spec, &options, &error);
	g_assert_null(again);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==, "a VM named 'vm-made' already exists");
	g_clear_error(&error);

	/* a dry run plans and builds the XML, and defines nothing */
	options.dry_run = TRUE;
	preview = dkvm_vm_create(app, other, &options, &error);
	g_assert_no_error(error);
	g_assert_false(preview->defined);
	g_assert_nonnull(strstr(preview->xml, "<name>vm-preview</name>"));
	none = virDomainLookupByName(dkvm_app_get_connection(app, NULL), "vm-preview");
	g_assert_null(none);

	/* a spec that breaks a rule is refused, nothing defined */
	options.dry_run = FALSE;
	bad->vcpus = 0;
	g_assert_null(dkvm_vm_create(app, bad, &options, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_clear_error(&error);
	none = virDomainLookupByName(dkvm_app_get_connection(app, NULL), "vm-bad");
	g_assert_null(none);
}

typedef struct {
	GPtrArray *notices;
	guint steps;
	gchar *last_step;
} Heard;

static void
hear(const gchar *what, guint done, guint total, gpointer user_data)
{
	Heard *heard = user_data;

	if (total == 0)
		g_ptr_array_add(heard->notices, g_strdup(what));
	else {
		heard->steps++;
		g_free(heard->last_step);
		heard->last_step = g_strdup_printf("%s (%u of %u)", what, done, total);
	}
}

/* start grows the pool by what the VM lacks and records it */
static void
test_start(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *name = NULL;
	g_autofree gchar *record =
	        g_build_filename(tmpdir, "root", "run", "dkvm", "hugepages", "vm-made", NULL);
	Heard heard = { g_ptr_array_new_with_free_func(g_free), 0, NULL };

	/* the host keeps 100 pages, 20 of them free */
	write_pool("nr_hugepages", 100);
	write_pool("free_hugepages", 20);
	write_pool("resv_hugepages", 0);
	g_assert_true(dkvm_vm_start(app, "vm-made", hear, &heard, &name, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(name, ==, "vm-made");
	g_assert_cmpint(state_of("vm-made"), ==, VIR_DOMAIN_RUNNING);
	/* no PCI devices: the start is its only step, and nothing to note */
	g_assert_cmpuint(heard.steps, ==, 1);
	g_assert_cmpstr(heard.last_step, ==, "starting VM 'vm-made' (3 of 3)");
	g_assert_cmpuint(heard.notices->len, ==, 0);
	/* 1 GiB in 2 MiB pages is 512; 20 were free, so the pool grew by 492 */
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 592);
	g_assert_true(g_file_test(record, G_FILE_TEST_EXISTS));
	/* QEMU took the pages: what the kernel would show now */
	write_pool("free_hugepages", 0);

	/* a second start is refused and changes nothing */
	g_assert_false(dkvm_vm_start(app, "vm-made", hear, &heard, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_clear_error(&error);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 592);
	g_ptr_array_unref(heard.notices);
	g_free(heard.last_step);
}

/* the watcher reads a fresh snapshot each time; a script's JSON line holds
 * no newline */
static void
test_monitor(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmWatcher) watcher = dkvm_vm_watcher_new(app, "vm-made", &error);
	g_autofree gchar *line = NULL;
	g_autofree gchar *pretty = NULL;
	g_autofree gchar *text = NULL;

	g_assert_no_error(error);
	line = dkvm_vm_watcher_read(watcher, DKVM_VM_MONITOR_JSON, &error);
	g_assert_no_error(error);
	g_assert_true(g_str_has_prefix(line, "{\"name\":\"vm-made\",\"state\":\"running\""));
	g_assert_null(strchr(line, '\n'));
	pretty = dkvm_vm_watcher_read(watcher, DKVM_VM_MONITOR_JSON_PRETTY, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strchr(pretty, '\n'));
	text = dkvm_vm_watcher_read(watcher, DKVM_VM_MONITOR_TEXT, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(text, "vm-made"));
	g_assert_null(dkvm_vm_watcher_new(app, "vm-nowhere", &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
}

/*
 * Edit of the running VM: the host now has only 80 free pages and 3.5 GiB
 * available (the headroom of this 64 GiB host is 5 %, 3.2 GiB). The VM's
 * own 512 pages count as free again, so the same 1 GiB plans without growing
 * the pool; the same edit on a host where they are not its own (a preview
 * of the shut-off VM) is refused for lack of memory.
 */
static gboolean
set_vcpus_3(DkvmSpec *spec, gpointer user_data, GError **error)
{
	spec->vcpus = 3;
	return TRUE;
}

static gboolean
refuse_change(DkvmSpec *spec, gpointer user_data, GError **error)
{
	spec->vcpus = 4;
	g_set_error_literal(error, DKVM_ERROR, DKVM_ERROR_INVALID, "not today");
	return FALSE;
}

static void
test_edit_running(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmBuild) build = NULL;
	g_autoptr(DkvmVmBuild) refused = NULL;
	g_autoptr(virDomain) dom = NULL;
	g_autofree gchar *inactive = NULL;
	g_autoptr(DkvmHostFacts) edit_host = NULL;
	DkvmVmDefineOptions options = { .hypervisor = DKVM_VM_HYPERVISOR_REQUIRED };

	use_host(fixture_host(592, 80, 3584 * 1024));
	/* the host a frontend checks its steps against: the running VM's 512
	 * pages are free again in it, as the edit below counts them */
	edit_host = dkvm_vm_edit_get_host(app, "vm-made", &options, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(dkvm_host_facts_get_hugepage_pool(edit_host, 2048)->free, ==, 80 + 512);
	g_assert_cmpuint(dkvm_host_facts_get_hugepage_pool(app->host, 2048)->free, ==, 80);
	build = dkvm_vm_edit(app, "vm-made", set_vcpus_3, NULL, &options, &error);
	g_assert_no_error(error);
	g_assert_nonnull(build);
	g_assert_true(build->running);
	g_assert_true(build->defined);
	g_assert_null(build->not_saved);
	g_assert_cmpuint(build->plan->hugepages->pages, ==, 512);
	g_assert_cmpuint(build->plan->hugepages->pages_to_add, ==, 0);
	/* the definition changed; the running VM keeps its vCPUs until restarted */
	dom = dkvm_vm_lookup(app, "vm-made", &error);
	g_assert_no_error(error);
	inactive = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
	g_assert_nonnull(strstr(inactive, ">3</vcpu>"));
	g_assert_cmpint(state_of("vm-made"), ==, VIR_DOMAIN_RUNNING);

	/* a change the frontend refuses stops the edit; nothing is defined */
	refused = dkvm_vm_edit(app, "vm-made", refuse_change, NULL, &options, &error);
	g_assert_null(refused);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_clear_error(&error);
	g_free(inactive);
	inactive = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
	g_assert_nonnull(strstr(inactive, ">3</vcpu>"));
}

/* stop gives back exactly what start grew; stopping a VM that is off
 * still gives back pages a guest that powered itself off left taken */
static void
test_stop_and_kill(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *record =
	        g_build_filename(tmpdir, "root", "run", "dkvm", "hugepages", "vm-made", NULL);
	DkvmVmStopOutcome outcome = DKVM_VM_STOP_TIMED_OUT;
	gboolean was_running = FALSE;

	/* when QEMU exits the kernel frees its pages (the test driver has no
	 * QEMU: the tree says so in advance) */
	write_pool("free_hugepages", 512);
	g_assert_true(dkvm_vm_stop(app, "vm-made", 10, FALSE, NULL, NULL, &outcome, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpint(outcome, ==, DKVM_VM_STOP_SHUT_DOWN);
	g_assert_cmpint(state_of("vm-made"), ==, VIR_DOMAIN_SHUTOFF);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 100);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));

	/* already off */
	g_assert_true(dkvm_vm_stop(app, "vm-made", 10, FALSE, NULL, NULL, &outcome, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpint(outcome, ==, DKVM_VM_STOP_WAS_OFF);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 100);

	/* kill after a start gives the pages back the same way */
	write_pool("free_hugepages", 20);
	g_assert_true(dkvm_vm_start(app, "vm-made", NULL, NULL, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 592);
	write_pool("free_hugepages", 512);
	g_assert_true(dkvm_vm_kill(app, "vm-made", &was_running, NULL, &error));
	g_assert_no_error(error);
	g_assert_true(was_running);
	g_assert_cmpint(state_of("vm-made"), ==, VIR_DOMAIN_SHUTOFF);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 100);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));
	write_pool("free_hugepages", 20);

	/* a VM that is not there */
	g_assert_false(dkvm_vm_start(app, "vm-nowhere", NULL, NULL, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
}

/* Edit of the shut-off VM on the tight host: its pages are not its own
 * now, so the plan must grow the pool and the host cannot give it. */
static void
test_edit_shut_off_counts_no_pages(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmBuild) build = NULL;
	g_autoptr(DkvmHostFacts) edit_host = NULL;
	DkvmVmDefineOptions options = { .hypervisor = DKVM_VM_HYPERVISOR_REQUIRED,
		                        .dry_run = TRUE };

	use_host(fixture_host(592, 80, 3584 * 1024));
	edit_host = dkvm_vm_edit_get_host(app, "vm-made", &options, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(dkvm_host_facts_get_hugepage_pool(edit_host, 2048)->free, ==, 80);
	build = dkvm_vm_edit(app, "vm-made", set_vcpus_3, NULL, &options, &error);
	g_assert_null(build);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_clear_error(&error);
	use_host(fixture_host(0, 0, 48 * GIB));
}

static const gchar *passthrough_xml =
        "<domain type='test'>\n"
        "  <name>vm-passthrough</name>\n"
        "  <memory unit='MiB'>512</memory>\n"
        "  <vcpu>1</vcpu>\n"
        "  <os><type arch='x86_64'>hvm</type></os>\n"
        "  <devices>\n"
        "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
        "      <source><address domain='0x0000' bus='0x0f' slot='0x1f' "
        "function='0x7'/></source>\n"
        "    </hostdev>\n"
        "  </devices>\n"
        "</domain>\n";

/* a VM with a PCI device: its devices are checked first (a missing card is
 * the fact, no command named), then the host's, then it starts */
static void
test_start_passthrough(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom =
	        virDomainDefineXML(dkvm_app_get_connection(app, NULL), passthrough_xml);
	g_autofree gchar *device = g_build_filename(tmpdir, "root", "sys", "bus", "pci", "devices",
	                                            "0000:0f:1f.7", NULL);
	Heard heard = { g_ptr_array_new_with_free_func(g_free), 0, NULL };

	g_assert_nonnull(dom);
	g_assert_false(dkvm_vm_start(app, "vm-passthrough", hear, &heard, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==,
	                "cannot start VM 'vm-passthrough': PCI device 0000:0f:1f.7 is not in "
	                "this host");
	g_clear_error(&error);
	g_assert_cmpuint(heard.steps, ==, 1);
	g_assert_cmpstr(heard.last_step, ==, "checking the VM's PCI devices (1 of 3)");
	g_assert_cmpint(state_of("vm-passthrough"), ==, VIR_DOMAIN_SHUTOFF);

	g_assert_cmpint(g_mkdir_with_parents(device, 0755), ==, 0);
	heard.steps = 0;
	g_assert_true(dkvm_vm_start(app, "vm-passthrough", hear, &heard, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(heard.steps, ==, 3);
	g_assert_cmpstr(heard.last_step, ==, "starting VM 'vm-passthrough' (3 of 3)");
	g_assert_cmpint(state_of("vm-passthrough"), ==, VIR_DOMAIN_RUNNING);
	g_assert_true(dkvm_vm_kill(app, "vm-passthrough", NULL, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpint(virDomainUndefine(dom), ==, 0);
	g_ptr_array_unref(heard.notices);
	g_free(heard.last_step);
}

/* autostart and default VM, never both for one VM (libvirtd would start
 * the default VM before the boot countdown could be cancelled); when
 * dkvm.conf cannot be written, autostart is put back as it was */
static void
test_autostart(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmAutostartResult) on = NULL;
	g_autoptr(DkvmVmAutostartResult) plain = NULL;
	g_autoptr(DkvmVmAutostartResult) off = NULL;
	g_autoptr(DkvmVmAutostartResult) failed = NULL;
	g_autofree gchar *backup = g_strconcat(app->config_path, ".bak", NULL);
	const gchar *default_vm = NULL;

	write_config("true", NULL);
	on = dkvm_vm_set_autostart(app, "vm-made", TRUE, TRUE, &error);
	g_assert_no_error(error);
	g_assert_true(on->default_changed);
	g_assert_false(on->autostart);
	g_assert_null(on->not_saved);
	g_assert_false(autostart_of("vm-made"));
	g_assert_true(dkvm_vm_get_default_name(app, &default_vm, &error));
	g_assert_cmpstr(default_vm, ==, "vm-made");

	/* libvirt's autostart instead: no longer the default VM */
	plain = dkvm_vm_set_autostart(app, "vm-made", TRUE, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(plain->default_changed);
	g_assert_true(plain->autostart);
	g_assert_true(autostart_of("vm-made"));
	g_assert_true(dkvm_vm_get_default_name(app, &default_vm, &error));
	g_assert_null(default_vm);

	off = dkvm_vm_set_autostart(app, "vm-made", FALSE, FALSE, &error);
	g_assert_no_error(error);
	g_assert_false(off->default_changed);
	g_assert_false(autostart_of("vm-made"));

	/* dkvm.conf's backup cannot be written (a directory is in its way):
	 * the autostart flag, on before and turned off by --default, is put back */
	g_clear_pointer(&plain, dkvm_vm_autostart_result_free);
	plain = dkvm_vm_set_autostart(app, "vm-made", TRUE, FALSE, &error);
	g_assert_no_error(error);
	g_unlink(backup);
	g_assert_cmpint(g_mkdir(backup, 0755), ==, 0);
	failed = dkvm_vm_set_autostart(app, "vm-made", TRUE, TRUE, &error);
	g_assert_null(failed);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
	g_assert_true(g_str_has_prefix(error->message, "cannot back up "));
	g_clear_error(&error);
	g_assert_true(autostart_of("vm-made"));
	g_assert_true(dkvm_vm_get_default_name(app, &default_vm, &error));
	g_assert_null(default_vm);
	g_assert_cmpint(g_rmdir(backup), ==, 0);

	/* a persist command that fails: the change stands, reported unsaved */
	write_config("false", NULL);
	g_clear_pointer(&on, dkvm_vm_autostart_result_free);
	on = dkvm_vm_set_autostart(app, "vm-made", TRUE, FALSE, &error);
	g_assert_no_error(error);
	g_assert_true(autostart_of("vm-made"));
	g_assert_error(on->not_saved, DKVM_ERROR, DKVM_ERROR_NOT_SAVED);
	g_assert_null(strstr(on->not_saved->message, "hint:"));
	write_config("true", NULL);
}

/* saving again: the command run, or none (nothing saved, no error) */
static void
test_save(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *command = NULL;

	g_assert_true(dkvm_vm_save(app, &command, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(command, ==, "true");
	g_clear_pointer(&command, g_free);

	write_config("", NULL);
	g_assert_true(dkvm_vm_save(app, &command, &error));
	g_assert_no_error(error);
	g_assert_null(command);

	write_config("false", NULL);
	g_assert_false(dkvm_vm_save(app, &command, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_SAVED);
	g_assert_null(command);
	write_config("true", NULL);
}

static const gchar *import_xml = "<domain type='test'>\n"
                                 "  <name>vm-imported</name>\n"
                                 "  <memory unit='MiB'>512</memory>\n"
                                 "  <vcpu>1</vcpu>\n"
                                 "  <os><type arch='x86_64'>hvm</type></os>\n"
                                 "</domain>\n";

/* a bad file is skipped and reported while the good one is imported and
 * persisted */
static void
test_import(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmImport) import = NULL;
	g_autoptr(DkvmVmImport) unsaved = NULL;
	g_autofree gchar *dir = g_build_filename(tmpdir, "domains", NULL);
	g_autofree gchar *good = g_build_filename(dir, "a-good.xml", NULL);
	g_autofree gchar *bad = g_build_filename(dir, "b-bad.xml", NULL);
	const DkvmVmImportFile *first;
	const DkvmVmImportFile *second;

	write_file(good, import_xml);
	write_file(bad, "<domain type='test'><name>vm-broken</name><memory>lots</memory>");
	import = dkvm_vm_import(app, dir, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(import->files->len, ==, 2);
	g_assert_cmpuint(import->failed, ==, 1);
	g_assert_null(import->not_saved);
	first = g_ptr_array_index(import->files, 0);
	second = g_ptr_array_index(import->files, 1);
	g_assert_cmpstr(first->file, ==, good);
	g_assert_cmpstr(first->vm_name, ==, "vm-imported");
	g_assert_false(first->updated);
	g_assert_null(first->error);
	g_assert_cmpstr(second->file, ==, bad);
	g_assert_nonnull(second->error);
	g_assert_true(dkvm_vm_import_first_error(import) == second->error);
	g_assert_cmpint(state_of("vm-imported"), ==, VIR_DOMAIN_SHUTOFF);

	/* the same file again updates the VM; a failing persist command leaves
	 * it imported and says so */
	write_config("false", NULL);
	unsaved = dkvm_vm_import(app, good, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(unsaved->failed, ==, 0);
	g_assert_true(((DkvmVmImportFile *)g_ptr_array_index(unsaved->files, 0))->updated);
	g_assert_error(unsaved->not_saved, DKVM_ERROR, DKVM_ERROR_NOT_SAVED);
	write_config("true", NULL);

	/* a path that is not there */
	g_assert_null(dkvm_vm_import(app, "/nonexistent/dkvm-domains", &error));
	g_assert_nonnull(error);
}

/* delete refuses a running VM (the fact only) and deletes a stopped one */
static void
test_delete(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmVmDeleteResult) refused = NULL;
	g_autoptr(DkvmVmDeleteResult) deleted = NULL;
	g_autoptr(virDomain) gone = NULL;
	g_autofree gchar *name = NULL;

	g_assert_true(dkvm_vm_start(app, "vm-imported", NULL, NULL, NULL, &error));
	g_assert_no_error(error);
	refused = dkvm_vm_delete(app, "vm-imported", FALSE, &error);
	g_assert_null(refused);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(error->message, ==, "cannot delete VM 'vm-imported': it is running");
	g_clear_error(&error);
	g_assert_true(dkvm_vm_kill(app, "vm-imported", NULL, &name, &error));
	g_assert_cmpstr(name, ==, "vm-imported");

	deleted = dkvm_vm_delete(app, "vm-imported", FALSE, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(deleted->name, ==, "vm-imported");
	g_assert_null(deleted->not_saved);
	gone = virDomainLookupByName(dkvm_app_get_connection(app, NULL), "vm-imported");
	g_assert_null(gone);
}

/* New qcow2 images through libvirt's storage API: in a directory no pool
 * covers (a transient pool, gone afterwards), and in the test driver's own
 * pool (used as it is: a second image of the same name is refused there). */
static void
test_storage_create_qcow2(void)
{
	virConnectPtr conn = dkvm_app_get_connection(app, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *fresh = dkvm_vm_storage_create_qcow2(app, "/dkvm-test-images", "win11",
	                                                       32ULL << 30, &error);
	g_autofree gchar *in_pool = NULL;
	g_autofree gchar *again = NULL;
	g_autofree gchar *bad = NULL;
	g_autoptr(virStoragePool) pool = NULL;
	g_autoptr(virStorageVol) vol = NULL;
	g_autofree gchar *vol_xml = NULL;
	virStoragePoolPtr *pools = NULL;
	int count;

	g_assert_no_error(error);
	g_assert_cmpstr(fresh, ==, "/dkvm-test-images/win11.qcow2");
	/* the transient pool is gone again */
	count = virConnectListAllStoragePools(conn, &pools, 0);
	for (int i = 0; i < count; i++) {
		g_assert_false(
		        g_str_has_prefix(virStoragePoolGetName(pools[i]), "dkvm-new-image-"));
		virStoragePoolFree(pools[i]);
	}
	free(pools);

	in_pool = dkvm_vm_storage_create_qcow2(app, "/default-pool", "games.qcow2", 1ULL << 30,
	                                       &error);
	g_assert_no_error(error);
	g_assert_cmpstr(in_pool, ==, "/default-pool/games.qcow2");
	pool = virStoragePoolLookupByName(conn, "default-pool");
	vol = virStorageVolLookupByName(pool, "games.qcow2");
	g_assert_nonnull(vol);
	vol_xml = virStorageVolGetXMLDesc(vol, 0);
	g_assert_nonnull(strstr(vol_xml, "<format type='qcow2'/>"));
	g_assert_nonnull(strstr(vol_xml, "<capacity unit='bytes'>1073741824</capacity>"));

	again = dkvm_vm_storage_create_qcow2(app, "/default-pool", "games", 1ULL << 30, &error);
	g_assert_null(again);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_LIBVIRT);
	g_assert_true(g_str_has_prefix(error->message,
	                               "cannot create the image games.qcow2 in /default-pool: "));
	g_clear_error(&error);

	bad = dkvm_vm_storage_create_qcow2(app, "/default-pool", "../x", 1ULL << 30, &error);
	g_assert_null(bad);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	int status;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("dkvm-vm-XXXXXX", &error);
	g_assert_no_error(error);
	{
		g_autofree gchar *root = g_build_filename(tmpdir, "root", NULL);
		g_setenv("DKVM_SYSFS_ROOT", root, TRUE);
	}
	app = dkvm_app_new();
	app->connect_uri = g_strdup("test:///default");
	app->config_path = g_build_filename(tmpdir, "dkvm.conf", NULL);
	/* this program links libvirt: the hypervisor is asked directly */
	app->get_hypervisor = dkvm_vm_get_hypervisor;
	write_config("true", NULL);
	use_host(fixture_host(0, 0, 48 * GIB));

	/* in order: each case builds on the previous one */
	g_test_add_func("/vm/create", test_create);
	g_test_add_func("/vm/start", test_start);
	g_test_add_func("/vm/monitor", test_monitor);
	g_test_add_func("/vm/edit-running", test_edit_running);
	g_test_add_func("/vm/stop-and-kill", test_stop_and_kill);
	g_test_add_func("/vm/edit-shut-off-counts-no-pages", test_edit_shut_off_counts_no_pages);
	g_test_add_func("/vm/start-passthrough", test_start_passthrough);
	g_test_add_func("/vm/autostart", test_autostart);
	g_test_add_func("/vm/save", test_save);
	g_test_add_func("/vm/import", test_import);
	g_test_add_func("/vm/delete", test_delete);
	g_test_add_func("/vm/storage-create-qcow2", test_storage_create_qcow2);
	status = g_test_run();

	dkvm_app_free(app);
	dkvm_test_remove_tree(tmpdir);
	g_free(tmpdir);
	return status;
}
