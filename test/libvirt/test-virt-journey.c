/*
 * The VM journey through frontend/virt on libvirt's test driver. The test
 * driver keeps its state only inside one connection (test:///default is
 * fresh in every process), so the whole journey runs in this one process on
 * one shared connection, and the cases run in order: define, look up, list,
 * start, monitor, stop, kill, autostart, device checks, hugepages, import,
 * export, delete. DKVM_SYSFS_ROOT points the hugepage pools and their
 * records at a tree in the temporary directory, never at this machine's. Files (disks, import and
 * export directories) live in a temporary directory removed at the end.
 */
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "dkvm-error.h"
#include "virt-connection.h"
#include "domain-xml-read.h"
#include "virt-domain.h"
#include "virt-import.h"
#include "virt-list.h"
#include "virt-monitor.h"
#include "virt-power.h"
#include "test-tree.h"

static virConnectPtr conn;
static gchar *tmpdir;

#define GAME_UUID "8f0f6b2e-2b1c-4a55-9d0e-6f1f7c3a0b11"

/* A desktop VM the way DKVM defines one, on the test driver's type. */
static gchar *
game_xml(const gchar *name, const gchar *uuid, const gchar *disk)
{
	return g_strdup_printf(
	        "<domain type='test'>\n"
	        "  <name>%s</name>\n"
	        "  <uuid>%s</uuid>\n"
	        "  <memory unit='GiB'>4</memory>\n"
	        "  <vcpu placement='static'>4</vcpu>\n"
	        "  <iothreads>1</iothreads>\n"
	        "  <cputune>\n"
	        "    <vcpupin vcpu='0' cpuset='2'/>\n"
	        "    <vcpupin vcpu='1' cpuset='3'/>\n"
	        "    <vcpupin vcpu='2' cpuset='4'/>\n"
	        "    <vcpupin vcpu='3' cpuset='5'/>\n"
	        "    <emulatorpin cpuset='0-1'/>\n"
	        "    <iothreadpin iothread='1' cpuset='0-1'/>\n"
	        "  </cputune>\n"
	        "  <os><type arch='x86_64'>hvm</type></os>\n"
	        "  <devices>\n"
	        "    <disk type='file' device='disk'>\n"
	        "      <source file='%s'/><target dev='vda' bus='virtio'/>\n"
	        "    </disk>\n"
	        "    <disk type='file' device='cdrom'>\n"
	        "      <source file='%s/install.iso'/><target dev='sda' bus='sata'/>\n"
	        "      <readonly/>\n"
	        "    </disk>\n"
	        "  </devices>\n"
	        "</domain>\n",
	        name, uuid, disk, tmpdir);
}

static virDomainPtr
lookup(const gchar *name)
{
	g_autoptr(GError) error = NULL;
	virDomainPtr dom = dkvm_virt_domain_lookup(conn, name, &error);
	g_assert_no_error(error);
	g_assert_nonnull(dom);
	return dom;
}

static gint
state_of(virDomainPtr dom)
{
	g_autoptr(GError) error = NULL;
	gint state = -1;
	g_assert_true(dkvm_virt_domain_get_state(dom, &state, &error));
	g_assert_no_error(error);
	return state;
}

static void
write_file(const gchar *path, const gchar *contents)
{
	g_autoptr(GError) error = NULL;
	g_assert_true(g_file_set_contents(path, contents, -1, &error));
	g_assert_no_error(error);
}

static void
test_define(void)
{
	g_autofree gchar *disk = g_build_filename(tmpdir, "game.qcow2", NULL);
	g_autofree gchar *xml = game_xml("game", GAME_UUID, disk);
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = NULL;
	g_autoptr(virDomain) bad = NULL;
	g_autofree gchar *back = NULL;
	g_autoptr(DkvmDomainXml) parsed = NULL;

	write_file(disk, "disk image");
	dom = dkvm_virt_domain_define(conn, xml, &error);
	g_assert_no_error(error);
	g_assert_nonnull(dom);
	g_assert_cmpstr(virDomainGetName(dom), ==, "game");
	g_assert_cmpint(state_of(dom), ==, VIR_DOMAIN_SHUTOFF);

	/* the inactive XML reads back into what was defined */
	back = dkvm_virt_domain_get_xml(dom, &error);
	g_assert_no_error(error);
	parsed = dkvm_domain_xml_parse(back, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(parsed->name, ==, "game");
	g_assert_cmpstr(parsed->uuid, ==, GAME_UUID);
	g_assert_cmpuint(parsed->memory_kib, ==, 4 * 1024 * 1024);
	g_assert_cmpuint(parsed->vcpus, ==, 4);
	g_assert_false(parsed->hugepages);
	g_assert_cmpuint(parsed->disks->len, ==, 2);

	/* libvirt's schema validation refuses a bad document with its reason */
	bad = dkvm_virt_domain_define(conn,
	                              "<domain type='test'><name>bad</name>"
	                              "<memory>lots</memory><os><type>hvm</type></os></domain>",
	                              &error);
	g_assert_null(bad);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_true(g_str_has_prefix(error->message, "libvirt refused the domain: "));
	g_assert_nonnull(strstr(error->message, "memory"));
}

static void
test_lookup(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) by_name = lookup("game");
	g_autoptr(virDomain) by_uuid = lookup(GAME_UUID);
	g_autoptr(virDomain) missing = NULL;
	g_autoptr(virDomain) invalid = NULL;
	g_autoptr(virDomain) missing_uuid = NULL;

	g_assert_cmpstr(virDomainGetName(by_name), ==, "game");
	g_assert_cmpstr(virDomainGetName(by_uuid), ==, "game");

	missing = dkvm_virt_domain_lookup(conn, "nope", &error);
	g_assert_null(missing);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==, "no VM named 'nope'");
	g_clear_error(&error);

	missing_uuid =
	        dkvm_virt_domain_lookup(conn, "00000000-0000-0000-0000-000000000001", &error);
	g_assert_null(missing_uuid);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==, "no VM with UUID 00000000-0000-0000-0000-000000000001");
	g_clear_error(&error);

	invalid = dkvm_virt_domain_lookup(conn, "bad/name", &error);
	g_assert_null(invalid);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==,
	                "invalid VM name 'bad/name': use letters, digits, '-', '_' and '.'");
}

static void
test_list(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) vms = dkvm_virt_list(conn, &error);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree gchar *json = NULL;
	const DkvmVmSummary *game;
	const DkvmVmSummary *test;
	JsonArray *array;
	JsonObject *first;

	g_assert_no_error(error);
	/* test:///default brings its own running "test"; sorted by name */
	g_assert_cmpuint(vms->len, ==, 2);
	game = g_ptr_array_index(vms, 0);
	test = g_ptr_array_index(vms, 1);
	g_assert_cmpstr(game->name, ==, "game");
	g_assert_cmpstr(game->uuid, ==, GAME_UUID);
	g_assert_cmpint(game->state, ==, VIR_DOMAIN_SHUTOFF);
	g_assert_cmpint(game->id, ==, -1);
	g_assert_cmpuint(game->vcpus, ==, 4);
	g_assert_cmpuint(game->memory_kib, ==, 4 * 1024 * 1024);
	g_assert_false(game->autostart);
	g_assert_true(game->persistent);
	g_assert_cmpstr(test->name, ==, "test");
	g_assert_cmpint(test->state, ==, VIR_DOMAIN_RUNNING);
	g_assert_cmpint(test->id, >, 0);

	json = dkvm_virt_list_to_json(vms, "game");
	g_assert_true(json_parser_load_from_data(parser, json, -1, &error));
	g_assert_no_error(error);
	array = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)),
	                                     "vms");
	g_assert_cmpuint(json_array_get_length(array), ==, 2);
	first = json_array_get_object_element(array, 0);
	g_assert_cmpstr(json_object_get_string_member(first, "name"), ==, "game");
	g_assert_cmpstr(json_object_get_string_member(first, "state"), ==, "shutoff");
	g_assert_true(json_object_get_null_member(first, "id"));
	g_assert_cmpint(json_object_get_int_member(first, "vcpus"), ==, 4);
	g_assert_cmpint(json_object_get_int_member(first, "memory_kib"), ==, 4194304);
	g_assert_false(json_object_get_boolean_member(first, "autostart"));
	g_assert_true(json_object_get_boolean_member(first, "persistent"));
	g_assert_true(json_object_get_boolean_member(first, "default"));
}

/* The list's autostart and persistence come from libvirt's filtered lists:
 * one autostart domain and one transient domain among persistent ones. */
static void
test_list_autostart_and_transient(void)
{
	const gchar *transient_xml = "<domain type='test'><name>scratch</name>"
	                             "<memory>65536</memory><vcpu>1</vcpu>"
	                             "<os><type>hvm</type></os></domain>";
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) vms = NULL;
	virDomainPtr test_dom = virDomainLookupByName(conn, "test");
	virDomainPtr scratch = virDomainCreateXML(conn, transient_xml, 0);
	guint seen = 0;

	g_assert_nonnull(test_dom);
	g_assert_nonnull(scratch);
	g_assert_cmpint(virDomainSetAutostart(test_dom, 1), ==, 0);
	vms = dkvm_virt_list(conn, &error);
	g_assert_no_error(error);
	for (guint i = 0; i < vms->len; i++) {
		const DkvmVmSummary *vm = g_ptr_array_index(vms, i);
		if (g_strcmp0(vm->name, "test") == 0) {
			g_assert_true(vm->autostart);
			g_assert_true(vm->persistent);
			seen++;
		} else if (g_strcmp0(vm->name, "scratch") == 0) {
			g_assert_false(vm->autostart);
			g_assert_false(vm->persistent);
			g_assert_cmpint(vm->state, ==, VIR_DOMAIN_RUNNING);
			seen++;
		} else {
			g_assert_false(vm->autostart);
			g_assert_true(vm->persistent);
		}
	}
	g_assert_cmpuint(seen, ==, 2);
	g_assert_cmpint(virDomainSetAutostart(test_dom, 0), ==, 0);
	g_assert_cmpint(virDomainDestroy(scratch), ==, 0);
	virDomainFree(scratch);
	virDomainFree(test_dom);
}

static void
test_start(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = lookup("game");

	g_assert_true(dkvm_virt_start_vm(dom, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpint(state_of(dom), ==, VIR_DOMAIN_RUNNING);

	g_assert_false(dkvm_virt_start_vm(dom, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(error->message, ==, "cannot start VM 'game': it is already running");
	g_assert_cmpint(state_of(dom), ==, VIR_DOMAIN_RUNNING);
}

static void
test_monitor(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = lookup("game");
	g_autoptr(DkvmVmMonitor) mon = dkvm_virt_monitor_read(conn, dom, &error);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree gchar *json = NULL;
	g_autofree gchar *text = NULL;
	JsonObject *root;
	JsonArray *vcpus;
	gboolean qmp_note = FALSE;

	g_assert_no_error(error);
	g_assert_cmpint(mon->state, ==, VIR_DOMAIN_RUNNING);
	g_assert_cmpuint(mon->vcpus->len, ==, 4);
	for (guint i = 0; i < 4; i++) {
		const DkvmVcpuStat *v = g_ptr_array_index(mon->vcpus, i);
		g_autofree gchar *pin = g_strdup_printf("%u", i + 2);
		g_assert_cmpuint(v->number, ==, i);
		g_assert_cmpstr(v->pinning, ==, pin);
		/* the test driver has no QEMU, so no thread ids */
		g_assert_cmpint(v->thread_id, ==, -1);
	}
	g_assert_cmpstr(mon->emulator_pinning, ==, "0-1");
	g_assert_cmpuint(mon->iothreads->len, ==, 1);
	g_assert_cmpuint(((DkvmIOThreadStat *)g_ptr_array_index(mon->iothreads, 0))->id, ==, 1);
	g_assert_cmpstr(((DkvmIOThreadStat *)g_ptr_array_index(mon->iothreads, 0))->pinning, ==,
	                "0-1");
	g_assert_false(mon->hugepages);
	for (guint i = 0; i < mon->notes->len; i++)
		if (g_str_has_prefix(g_ptr_array_index(mon->notes, i), "vCPU threads: QMP"))
			qmp_note = TRUE;
	g_assert_true(qmp_note);

	json = dkvm_virt_monitor_to_json(mon, FALSE);
	g_assert_null(strchr(json, '\n'));
	g_assert_true(json_parser_load_from_data(parser, json, -1, &error));
	g_assert_no_error(error);
	root = json_node_get_object(json_parser_get_root(parser));
	g_assert_cmpstr(json_object_get_string_member(root, "name"), ==, "game");
	g_assert_cmpstr(json_object_get_string_member(root, "state"), ==, "running");
	vcpus = json_object_get_array_member(root, "vcpus");
	g_assert_cmpuint(json_array_get_length(vcpus), ==, 4);
	g_assert_cmpstr(
	        json_object_get_string_member(json_array_get_object_element(vcpus, 1), "pinning"),
	        ==, "3");
	g_assert_true(
	        json_object_get_null_member(json_array_get_object_element(vcpus, 1), "thread_id"));
	g_assert_cmpstr(json_object_get_string_member(root, "emulator_pinning"), ==, "0-1");
	g_assert_true(json_object_get_null_member(root, "hugepages"));

	text = dkvm_virt_monitor_to_text(mon);
	g_assert_true(g_str_has_prefix(text, "VM game: running, QEMU pid -\n"));
	g_assert_nonnull(strstr(text, "emulator pinned to: 0-1\n"));
	g_assert_nonnull(strstr(text, "I/O thread 1 pinned to: 0-1\n"));
}

static void
test_thread_last_cpu(void)
{
	g_autoptr(GError) error = NULL;
	gint64 tid = (gint64)syscall(SYS_gettid);
	gint cpu = dkvm_virt_thread_last_cpu(getpid(), tid, &error);

	/* this very thread runs on some CPU of this machine */
	g_assert_no_error(error);
	g_assert_cmpint(cpu, >=, 0);
	g_assert_cmpint(cpu, <, sysconf(_SC_NPROCESSORS_CONF));
	g_assert_cmpint(dkvm_virt_thread_last_cpu(-1, tid, &error), >=, 0);
	g_assert_no_error(error);

	g_assert_cmpint(dkvm_virt_thread_last_cpu(getpid(), 999999999, &error), ==, -1);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
}

/* vCPU threads as QEMU with debug-threads=on names them, read from a /proc
 * tree under DKVM_SYSFS_ROOT (the monitor on a local connection; no QMP). */
static void
test_vcpu_threads_from_proc(void)
{
	const struct {
		const gchar *tid, *comm;
	} tasks[] = {
		{ "4242", "qemu-system-x86\n" }, { "4250", "CPU 0/TCG\n" },
		{ "4251", "CPU 1/KVM\n" },       { "4252", "IO iothread1\n" },
		{ "4253", "CPU 12/KVM\n" },      { "4260", "vnc_worker\n" },
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) threads = NULL;
	guint vcpu = 99;

	g_assert_true(dkvm_virt_parse_vcpu_thread_name("CPU 3/KVM\n", &vcpu));
	g_assert_cmpuint(vcpu, ==, 3);
	g_assert_true(dkvm_virt_parse_vcpu_thread_name("CPU 1234/TCG", &vcpu));
	g_assert_cmpuint(vcpu, ==, 1234);
	g_assert_false(dkvm_virt_parse_vcpu_thread_name("CPU x/KVM", &vcpu));
	g_assert_false(dkvm_virt_parse_vcpu_thread_name("CPU 3", &vcpu));
	g_assert_false(dkvm_virt_parse_vcpu_thread_name("CPU 3/", &vcpu));
	g_assert_false(dkvm_virt_parse_vcpu_thread_name("qemu-system-x86", &vcpu));

	for (guint i = 0; i < G_N_ELEMENTS(tasks); i++) {
		g_autofree gchar *dir = g_build_filename(g_getenv("DKVM_SYSFS_ROOT"), "proc",
		                                         "4242", "task", tasks[i].tid, NULL);
		g_autofree gchar *comm = g_build_filename(dir, "comm", NULL);
		g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
		g_assert_true(g_file_set_contents(comm, tasks[i].comm, -1, &error));
	}
	threads = dkvm_virt_vcpu_threads_from_proc(4242, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_hash_table_size(threads), ==, 3);
	g_assert_cmpuint(GPOINTER_TO_SIZE(g_hash_table_lookup(threads, GUINT_TO_POINTER(0))), ==,
	                 4250);
	g_assert_cmpuint(GPOINTER_TO_SIZE(g_hash_table_lookup(threads, GUINT_TO_POINTER(1))), ==,
	                 4251);
	g_assert_cmpuint(GPOINTER_TO_SIZE(g_hash_table_lookup(threads, GUINT_TO_POINTER(12))), ==,
	                 4253);

	/* QEMU without debug-threads: said, not guessed */
	g_assert_null(dkvm_virt_vcpu_threads_from_proc(4260, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
	g_clear_error(&error);
	{
		g_autofree gchar *dir = g_build_filename(g_getenv("DKVM_SYSFS_ROOT"), "proc",
		                                         "4300", "task", "4300", NULL);
		g_autofree gchar *comm = g_build_filename(dir, "comm", NULL);
		g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
		g_assert_true(g_file_set_contents(comm, "qemu-system-x86\n", -1, &error));
	}
	g_assert_null(dkvm_virt_vcpu_threads_from_proc(4300, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
	g_assert_cmpstr(error->message, ==,
	                "no thread of QEMU (pid 4300) is named \"CPU n/...\" (QEMU runs without "
	                "debug-threads=on)");
}

static void
progress_count(guint elapsed_ms, guint timeout_ms, gpointer user_data)
{
	guint *calls = user_data;
	g_assert_cmpuint(elapsed_ms, <, timeout_ms);
	(*calls)++;
}

static void
test_stop_and_kill(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = lookup("game");
	gboolean timed_out = TRUE;
	guint calls = 0;
	gboolean ok;

	/* the test driver's guest obeys the power button at once, and says so
	 * with a lifecycle event: the wait ends on it, before the first
	 * one-second tick (which would call the progress callback) */
	ok = dkvm_virt_stop_vm(dom, 120, FALSE, progress_count, &calls, &timed_out, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_false(timed_out);
	g_assert_cmpuint(calls, ==, 0);
	g_assert_cmpint(state_of(dom), ==, VIR_DOMAIN_SHUTOFF);
	/* stopping a stopped VM is fine: the goal is met */
	g_assert_true(dkvm_virt_stop_vm(dom, 1, FALSE, NULL, NULL, &timed_out, &error));
	g_assert_no_error(error);

	g_assert_true(dkvm_virt_start_vm(dom, NULL, &error));
	g_assert_no_error(error);
	g_assert_true(dkvm_virt_kill_vm(dom, &error));
	g_assert_no_error(error);
	g_assert_cmpint(state_of(dom), ==, VIR_DOMAIN_SHUTOFF);
}

static void
test_autostart(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = lookup("game");
	gboolean enabled = TRUE;

	g_assert_true(dkvm_virt_domain_get_autostart(dom, &enabled, &error));
	g_assert_false(enabled);
	g_assert_true(dkvm_virt_domain_set_autostart(dom, TRUE, &error));
	g_assert_true(dkvm_virt_domain_get_autostart(dom, &enabled, &error));
	g_assert_true(enabled);
	g_assert_true(dkvm_virt_domain_set_autostart(dom, FALSE, &error));
	g_assert_true(dkvm_virt_domain_get_autostart(dom, &enabled, &error));
	g_assert_false(enabled);
	g_assert_no_error(error);
}

static const gchar *passthrough_xml =
        "<domain type='test'>\n"
        "  <name>passthrough</name>\n"
        "  <memory unit='MiB'>1024</memory>\n"
        "  <vcpu>2</vcpu>\n"
        "  <os><type arch='x86_64'>hvm</type></os>\n"
        "  <devices>\n"
        "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
        "      <source><address domain='0x0000' bus='0x0f' slot='0x1f' "
        "function='0x7'/></source>\n"
        "    </hostdev>\n"
        "  </devices>\n"
        "</domain>\n";

static void
test_hostdev_checks(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = dkvm_virt_domain_define(conn, passthrough_xml, &error);
	g_autofree gchar *sysfs = g_build_filename(tmpdir, "pci-devices", NULL);
	g_autofree gchar *device = g_build_filename(sysfs, "0000:0f:1f.7", NULL);
	g_autoptr(DkvmHostFacts) host = dkvm_host_facts_new();
	DkvmPciDevice *pci = g_new0(DkvmPciDevice, 1);

	g_assert_no_error(error);
	/* no such device in this machine: refused before anything changes */
	g_assert_false(dkvm_virt_start_vm(dom, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==,
	                "cannot start VM 'passthrough': PCI device 0000:0f:1f.7 is not in this "
	                "host");
	g_clear_error(&error);
	g_assert_cmpint(state_of(dom), ==, VIR_DOMAIN_SHUTOFF);

	/* present, and the host does not need it */
	g_assert_cmpint(g_mkdir_with_parents(device, 0755), ==, 0);
	g_assert_true(dkvm_virt_check_hostdevs(dom, NULL, sysfs, &error));
	g_assert_no_error(error);

	/* present, but the host needs it */
	pci->address = g_strdup("0000:0f:1f.7");
	pci->host_needed = TRUE;
	pci->host_needed_reason = g_strdup("the boot stick's USB controller");
	pci->functions = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(host->pci, pci);
	g_assert_false(dkvm_virt_check_hostdevs(dom, host, sysfs, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_cmpstr(error->message, ==,
	                "cannot start VM 'passthrough': the host needs PCI device 0000:0f:1f.7 "
	                "(the boot stick's USB controller)");
	g_clear_error(&error);
	/* the same checks on the domain read once, as a start does */
	{
		g_autoptr(DkvmDomainXml) parsed = dkvm_virt_domain_read(dom, &error);
		g_assert_no_error(error);
		g_assert_true(dkvm_virt_check_domain_hostdevs(dom, parsed, NULL, sysfs, &error));
		g_assert_no_error(error);
		g_assert_false(dkvm_virt_check_domain_hostdevs(dom, parsed, host, sysfs, &error));
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
		g_clear_error(&error);
		/* the start checks the host's own sysfs (DKVM_SYSFS_ROOT), where the
		 * device is not: refused before anything changes */
		g_assert_false(dkvm_virt_start_parsed_vm(dom, parsed, host, NULL, NULL, &error));
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
		g_clear_error(&error);
		g_assert_cmpint(state_of(dom), ==, VIR_DOMAIN_SHUTOFF);
	}

	g_assert_true(virDomainUndefine(dom) == 0);
}

static void
test_import(void)
{
	g_autofree gchar *dir = g_build_filename(tmpdir, "domains", NULL);
	g_autofree gchar *one = g_build_filename(dir, "one.xml", NULL);
	g_autofree gchar *two = g_build_filename(dir, "TWO.XML", NULL);
	g_autofree gchar *corrupt = g_build_filename(dir, "corrupt.xml", NULL);
	g_autofree gchar *invalid = g_build_filename(dir, "invalid.xml", NULL);
	g_autofree gchar *ignored = g_build_filename(dir, "notes.txt", NULL);
	g_autofree gchar *game_again = g_build_filename(dir, "game.xml", NULL);
	g_autofree gchar *game_disk = g_build_filename(tmpdir, "game.qcow2", NULL);
	g_autofree gchar *game = game_xml("game", GAME_UUID, game_disk);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) results = NULL;
	const DkvmImportResult *first = NULL;
	const DkvmImportResult *r;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	write_file(one, "<domain type='test'><name>one</name><memory>524288</memory>"
	                "<os><type>hvm</type></os></domain>");
	write_file(two, "<domain type='test'><name>two</name><memory>524288</memory>"
	                "<os><type>hvm</type></os></domain>");
	write_file(corrupt, "<domain type='test'><name>corrupt</name><memory>52");
	write_file(invalid, "<domain type='test'><name>invalid</name><memory>524288</memory>"
	                    "<os><type>hvm</type></os><on_poweroff>explode</on_poweroff>"
	                    "</domain>");
	write_file(ignored, "not a domain");
	write_file(game_again, game);

	results = dkvm_virt_import(conn, dir, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(results->len, ==, 5);
	g_assert_cmpuint(dkvm_import_results_failed(results, &first), ==, 2);
	g_assert_true(first == g_ptr_array_index(results, 1));

	/* sorted by path: TWO.XML, corrupt, game, invalid, one (byte order) */
	r = g_ptr_array_index(results, 0);
	g_assert_cmpstr(r->file, ==, two);
	g_assert_cmpstr(r->vm_name, ==, "two");
	g_assert_no_error(r->error);
	g_assert_false(r->updated);
	r = g_ptr_array_index(results, 1);
	g_assert_cmpstr(r->file, ==, corrupt);
	g_assert_error(r->error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_true(g_str_has_prefix(r->error->message, "invalid domain XML: line "));
	r = g_ptr_array_index(results, 2);
	g_assert_cmpstr(r->vm_name, ==, "game");
	g_assert_no_error(r->error);
	g_assert_true(r->updated);
	r = g_ptr_array_index(results, 3);
	g_assert_cmpstr(r->vm_name, ==, "invalid");
	g_assert_error(r->error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_true(g_str_has_prefix(r->error->message, "libvirt refused the domain: "));
	r = g_ptr_array_index(results, 4);
	g_assert_cmpstr(r->vm_name, ==, "one");
	g_assert_no_error(r->error);

	/* the good ones are there, the bad ones are not */
	g_autoptr(virDomain) d1 = lookup("one");
	g_autoptr(virDomain) d2 = lookup("two");
	g_assert_cmpint(state_of(d1), ==, VIR_DOMAIN_SHUTOFF);
	g_assert_cmpint(state_of(d2), ==, VIR_DOMAIN_SHUTOFF);
	g_assert_null(virDomainLookupByName(conn, "corrupt"));
	g_assert_null(virDomainLookupByName(conn, "invalid"));

	/* a single file works the same */
	g_clear_pointer(&results, g_ptr_array_unref);
	results = dkvm_virt_import(conn, one, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(results->len, ==, 1);
	g_assert_cmpuint(dkvm_import_results_failed(results, NULL), ==, 0);
	g_assert_true(((DkvmImportResult *)g_ptr_array_index(results, 0))->updated);

	g_clear_pointer(&results, g_ptr_array_unref);
	results = dkvm_virt_import(conn, "/nonexistent-dkvm-dir", &error);
	g_assert_null(results);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==,
	                "cannot import /nonexistent-dkvm-dir: no such file or directory");
}

static void
test_export_round_trip(void)
{
	g_autofree gchar *dir = g_build_filename(tmpdir, "export", "nested", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) written = dkvm_virt_export(conn, dir, &error);
	g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) results = NULL;
	const gchar *names[] = { "game", "one", "test", "two" };

	g_assert_no_error(error);
	g_assert_cmpuint(written->len, ==, G_N_ELEMENTS(names));
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree gchar *file = g_strdup_printf("%s.xml", names[i]);
		g_autofree gchar *path = g_build_filename(dir, file, NULL);
		g_autofree gchar *on_disk = NULL;
		g_autoptr(virDomain) dom = lookup(names[i]);
		gchar *xml = dkvm_virt_domain_get_xml(dom, &error);

		g_assert_cmpstr(g_ptr_array_index(written, i), ==, path);
		g_assert_true(g_file_get_contents(path, &on_disk, NULL, NULL));
		g_assert_cmpstr(on_disk, ==, xml);
		g_ptr_array_add(before, xml);
	}
	/* no temporary files left behind */
	{
		g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
		guint entries = 0;
		while (g_dir_read_name(d) != NULL)
			entries++;
		g_assert_cmpuint(entries, ==, G_N_ELEMENTS(names));
	}

	/* undefine the shut-off ones, import the export, get the same XML back */
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(virDomain) dom = lookup(names[i]);
		if (g_strcmp0(names[i], "test") != 0)
			g_assert_cmpint(virDomainUndefine(dom), ==, 0);
	}
	results = dkvm_virt_import(conn, dir, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(dkvm_import_results_failed(results, NULL), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(virDomain) dom = lookup(names[i]);
		g_autofree gchar *xml = dkvm_virt_domain_get_xml(dom, &error);
		g_assert_no_error(error);
		g_assert_cmpstr(xml, ==, g_ptr_array_index(before, i));
	}
}

static void
test_delete(void)
{
	g_autofree gchar *disk = g_build_filename(tmpdir, "game.qcow2", NULL);
	g_autofree gchar *shared = g_build_filename(tmpdir, "shared.img", NULL);
	g_autofree gchar *iso = g_build_filename(tmpdir, "install.iso", NULL);
	g_autofree gchar *xml_shared = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) game = lookup("game");
	g_autoptr(virDomain) running = lookup("test");
	g_autoptr(virDomain) one = NULL;
	g_autoptr(virDomain) two = NULL;
	g_autoptr(DkvmVirtUndefineReport) report = NULL;
	g_autoptr(DkvmVirtUndefineReport) refused = NULL;
	g_autoptr(DkvmVirtUndefineReport) report_one = NULL;

	write_file(iso, "iso");
	write_file(shared, "shared");
	/* "share-a" and "share-b" share a disk: deleting one with its storage keeps it */
	xml_shared = g_strdup_printf("<domain type='test'><name>%%s</name><memory>524288</memory>"
	                             "<os><type>hvm</type></os><devices>"
	                             "<disk type='file' device='disk'><source file='%s'/>"
	                             "<target dev='vda'/></disk>"
	                             "<disk type='block' device='disk'><source dev='/dev/sdz'/>"
	                             "<target dev='vdb'/></disk></devices></domain>",
	                             shared);
	{
		g_autofree gchar *x1 = g_strdup_printf(xml_shared, "share-a");
		g_autofree gchar *x2 = g_strdup_printf(xml_shared, "share-b");
		one = dkvm_virt_domain_define(conn, x1, &error);
		g_assert_no_error(error);
		two = dkvm_virt_domain_define(conn, x2, &error);
		g_assert_no_error(error);
	}

	/* a running VM is not deleted */
	refused = dkvm_virt_domain_undefine(conn, running, TRUE, &error);
	g_assert_null(refused);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	/* the fact only: the frontend names the command that stops it */
	g_assert_cmpstr(error->message, ==, "cannot delete VM 'test': it is running");
	g_clear_error(&error);
	g_assert_cmpint(state_of(running), ==, VIR_DOMAIN_RUNNING);

	/* its disk goes, the CD-ROM image stays */
	report = dkvm_virt_domain_undefine(conn, game, TRUE, &error);
	g_assert_no_error(error);
	g_assert_nonnull(report);
	g_assert_cmpuint(report->removed->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(report->removed, 0), ==, disk);
	g_assert_false(g_file_test(disk, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(iso, G_FILE_TEST_EXISTS));
	g_assert_cmpuint(report->kept->len, ==, 1);
	{
		g_autofree gchar *kept = g_strdup_printf("%s (cdrom image, not a disk)", iso);
		g_assert_cmpstr(g_ptr_array_index(report->kept, 0), ==, kept);
	}
	g_assert_null(virDomainLookupByName(conn, "game"));

	/* a shared file and a block device are kept, each with its reason */
	report_one = dkvm_virt_domain_undefine(conn, one, TRUE, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(report_one->removed->len, ==, 0);
	g_assert_cmpuint(report_one->kept->len, ==, 2);
	{
		g_autofree gchar *kept = g_strdup_printf("%s (another VM uses it)", shared);
		g_assert_cmpstr(g_ptr_array_index(report_one->kept, 0), ==, kept);
		g_assert_cmpstr(g_ptr_array_index(report_one->kept, 1), ==,
		                "/dev/sdz (block disk, not a file)");
	}
	g_assert_true(g_file_test(shared, G_FILE_TEST_EXISTS));
	g_assert_cmpint(virDomainUndefine(two), ==, 0);
}

static void
test_parse_hugepages(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDomainXml) two_meg =
	        dkvm_domain_xml_parse("<domain><name>a</name><memory unit='GiB'>16</memory>"
	                              "<memoryBacking><hugepages/></memoryBacking></domain>",
	                              &error);
	g_autoptr(DkvmDomainXml) one_gig = dkvm_domain_xml_parse(
	        "<domain><name>b</name><memory unit='MiB'>8300</memory>"
	        "<memoryBacking><hugepages><page size='1' unit='G' nodeset='1'/></hugepages>"
	        "</memoryBacking></domain>",
	        &error);
	g_autoptr(DkvmDomainXml) none = dkvm_domain_xml_parse(
	        "<domain><name>c</name><memory>1048576</memory></domain>", &error);
	g_autoptr(DkvmDomainXml) not_domain = NULL;

	g_assert_no_error(error);
	g_assert_true(two_meg->hugepages);
	g_assert_cmpuint(two_meg->hugepage_size_kib, ==, 2048);
	g_assert_cmpint(two_meg->hugepage_node, ==, -1);
	g_assert_cmpuint(dkvm_domain_xml_hugepages_needed(two_meg), ==, 8192);
	g_assert_cmpuint(one_gig->hugepage_size_kib, ==, 1048576);
	g_assert_cmpint(one_gig->hugepage_node, ==, 1);
	/* 8300 MiB needs 9 pages of 1 GiB: rounded up */
	g_assert_cmpuint(dkvm_domain_xml_hugepages_needed(one_gig), ==, 9);
	g_assert_false(none->hugepages);
	g_assert_cmpuint(dkvm_domain_xml_hugepages_needed(none), ==, 0);

	not_domain = dkvm_domain_xml_parse("<network/>", &error);
	g_assert_null(not_domain);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==,
	                "invalid domain XML: the root element is <network>, not <domain>");
}

#define POOL_DIR "sys/kernel/mm/hugepages/hugepages-2048kB"

static void
write_pool(const gchar *file, guint64 value)
{
	g_autofree gchar *path = g_build_filename(tmpdir, "root", POOL_DIR, file, NULL);
	g_autofree gchar *text = g_strdup_printf("%" G_GUINT64_FORMAT "\n", value);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
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

static const gchar *hugepages_xml =
        "<domain type='test'>\n"
        "  <name>huge</name>\n"
        "  <memory unit='MiB'>1024</memory>\n"
        "  <vcpu>2</vcpu>\n"
        "  <memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages>"
        "</memoryBacking>\n"
        "  <os><type arch='x86_64'>hvm</type></os>\n"
        "</domain>\n";

/* start grows the pool (here a sysfs tree under DKVM_SYSFS_ROOT, which the
 * kernel would be on a real host) by what the VM lacks and records it; stop
 * gives exactly that back; monitor reports the pool's numbers */
static void
test_hugepages(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = dkvm_virt_domain_define(conn, hugepages_xml, &error);
	g_autofree gchar *record =
	        g_build_filename(tmpdir, "root", "run", "dkvm", "hugepages", "huge", NULL);
	g_autoptr(DkvmVmMonitor) mon = NULL;
	gboolean ok;

	g_assert_no_error(error);
	/* the host keeps 100 pages, 20 of them free */
	write_pool("nr_hugepages", 100);
	write_pool("free_hugepages", 20);
	write_pool("resv_hugepages", 0);

	ok = dkvm_virt_start_vm(dom, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(state_of(dom), ==, VIR_DOMAIN_RUNNING);
	/* 1 GiB in 2 MiB pages is 512; 20 were free, so the pool grew by 492 */
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 592);
	g_assert_true(g_file_test(record, G_FILE_TEST_EXISTS));

	/* QEMU took the pages: what the kernel would show now */
	write_pool("free_hugepages", 0);
	mon = dkvm_virt_monitor_read(conn, dom, &error);
	g_assert_no_error(error);
	g_assert_true(mon->hugepages);
	g_assert_cmpuint(mon->hugepage_size_kib, ==, 2048);
	g_assert_cmpuint(mon->hugepages_vm, ==, 512);
	g_assert_cmpint(mon->pool_total, ==, 592);
	g_assert_cmpint(mon->pool_free, ==, 0);

	/* a second start changes nothing */
	g_assert_false(dkvm_virt_start_vm(dom, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_clear_error(&error);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 592);

	/* when QEMU exits the kernel frees its pages (the test driver has no
	 * QEMU: the tree says so in advance); stop gives back the 492 grown */
	write_pool("free_hugepages", 512);
	ok = dkvm_virt_stop_vm(dom, 10, FALSE, NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpint(state_of(dom), ==, VIR_DOMAIN_SHUTOFF);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 100);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));

	/* kill after start gives them back the same way */
	write_pool("free_hugepages", 20);
	ok = dkvm_virt_start_vm(dom, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 592);
	write_pool("free_hugepages", 512);
	ok = dkvm_virt_kill_vm(dom, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, 100);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));

	/* a host without a 1 GiB pool: refused before the VM starts */
	{
		g_autoptr(virDomain) gig = NULL;
		g_auto(GStrv) parts = g_strsplit(hugepages_xml, "size='2048' unit='KiB'", 2);
		g_autofree gchar *sized = g_strjoinv("size='1' unit='GiB'", parts);
		g_auto(GStrv) named = g_strsplit(sized, "<name>huge</name>", 2);
		g_autofree gchar *replaced = g_strjoinv("<name>huge1g</name>", named);
		gig = dkvm_virt_domain_define(conn, replaced, &error);
		g_assert_no_error(error);
		g_assert_false(dkvm_virt_start_vm(gig, NULL, &error));
		g_assert_nonnull(error);
		g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
		{
			g_autofree gchar *expected = g_strdup_printf(
			        "cannot start VM 'huge1g': hugepage pool of 1 GiB pages: the "
			        "kernel has none (%s/root/sys/kernel/mm/hugepages/"
			        "hugepages-1048576kB missing)",
			        tmpdir);
			g_assert_cmpstr(error->message, ==, expected);
		}
		g_clear_error(&error);
		g_assert_cmpint(state_of(gig), ==, VIR_DOMAIN_SHUTOFF);
		g_assert_cmpint(virDomainUndefine(gig), ==, 0);
	}
	g_assert_cmpint(virDomainUndefine(dom), ==, 0);
}

/* A guest with two NUMA cells bound to host nodes 1 and 0 (what DKVM writes
 * for a guest larger than one node): 2 GiB on node 1, 1 GiB on node 0. */
static const gchar *numa_hugepages_xml =
        "<domain type='test'>\n"
        "  <name>wide</name>\n"
        "  <memory unit='KiB'>3145728</memory>\n"
        "  <vcpu>3</vcpu>\n"
        "  <memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages>"
        "</memoryBacking>\n"
        "  <numatune><memory mode='strict' nodeset='0-1'/>"
        "<memnode cellid='0' mode='strict' nodeset='1'/>"
        "<memnode cellid='1' mode='strict' nodeset='0'/></numatune>\n"
        "  <os><type arch='x86_64'>hvm</type></os>\n"
        "  <cpu><numa><cell id='0' cpus='0-1' memory='2' unit='GiB'/>"
        "<cell id='1' cpus='2' memory='1048576' unit='KiB'/></numa></cpu>\n"
        "</domain>\n";

static gchar *
node_pool_path(gint node, const gchar *file)
{
	g_autofree gchar *rel =
	        g_strdup_printf("sys/devices/system/node/node%d/hugepages/hugepages-2048kB", node);
	return g_build_filename(tmpdir, "root", rel, file, NULL);
}

static void
write_node_pool(gint node, const gchar *file, guint64 value)
{
	g_autofree gchar *path = node_pool_path(node, file);
	g_autofree gchar *text = g_strdup_printf("%" G_GUINT64_FORMAT "\n", value);
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	write_file(path, text);
}

static guint64
read_node_pool(gint node, const gchar *file)
{
	g_autofree gchar *path = node_pool_path(node, file);
	g_autofree gchar *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return g_ascii_strtoull(text, NULL, 10);
}

/* Where a domain's pages come from: each cell's from the node its memnode
 * binds it to; one strictly bound node without cells; else the global pool. */
static void
test_parse_numa_hugepages(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmDomainXml) wide = dkvm_domain_xml_parse(numa_hugepages_xml, &error);
	g_autoptr(DkvmDomainXml) bound = dkvm_domain_xml_parse(
	        "<domain><name>b</name><memory unit='GiB'>4</memory>"
	        "<memoryBacking><hugepages/></memoryBacking>"
	        "<numatune><memory mode='strict' nodeset='1'/></numatune></domain>",
	        &error);
	g_autoptr(DkvmDomainXml) spread = dkvm_domain_xml_parse(
	        "<domain><name>c</name><memory unit='GiB'>4</memory>"
	        "<memoryBacking><hugepages/></memoryBacking>"
	        "<numatune><memory mode='interleave' nodeset='0-1'/></numatune></domain>",
	        &error);
	const DkvmHugepageNeed *need;

	g_assert_no_error(error);
	g_assert_cmpint(wide->hugepage_node, ==, -1);
	g_assert_cmpuint(dkvm_domain_xml_hugepages_needed(wide), ==, 1536);
	g_assert_cmpuint(wide->hugepage_needs->len, ==, 2);
	need = &g_array_index(wide->hugepage_needs, DkvmHugepageNeed, 0);
	g_assert_cmpint(need->node, ==, 0);
	g_assert_cmpuint(need->pages, ==, 512);
	need = &g_array_index(wide->hugepage_needs, DkvmHugepageNeed, 1);
	g_assert_cmpint(need->node, ==, 1);
	g_assert_cmpuint(need->pages, ==, 1024);

	g_assert_cmpint(bound->hugepage_node, ==, 1);
	g_assert_cmpuint(bound->hugepage_needs->len, ==, 1);
	need = &g_array_index(bound->hugepage_needs, DkvmHugepageNeed, 0);
	g_assert_cmpint(need->node, ==, 1);
	g_assert_cmpuint(need->pages, ==, 2048);

	g_assert_cmpint(spread->hugepage_node, ==, -1);
	need = &g_array_index(spread->hugepage_needs, DkvmHugepageNeed, 0);
	g_assert_cmpint(need->node, ==, -1);
	g_assert_cmpuint(need->pages, ==, 2048);
}

/* start of a guest with NUMA cells: each node's pool grows by what its cell
 * lacks there, the global pool stays; stop gives each node back its own */
static void
test_hugepages_numa(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virDomain) dom = dkvm_virt_domain_define(conn, numa_hugepages_xml, &error);
	g_autofree gchar *record =
	        g_build_filename(tmpdir, "root", "run", "dkvm", "hugepages", "wide", NULL);
	guint64 global_before;
	gboolean ok;

	g_assert_no_error(error);
	write_pool("nr_hugepages", 100);
	write_pool("free_hugepages", 20);
	write_pool("resv_hugepages", 0);
	write_node_pool(0, "nr_hugepages", 10);
	write_node_pool(0, "free_hugepages", 10);
	write_node_pool(1, "nr_hugepages", 0);
	write_node_pool(1, "free_hugepages", 0);
	global_before = read_pool("nr_hugepages");

	ok = dkvm_virt_start_vm(dom, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	/* node 0: cell 1's 512 pages, 10 free -> 502 added; node 1: 1024 added */
	g_assert_cmpuint(read_node_pool(0, "nr_hugepages"), ==, 512);
	g_assert_cmpuint(read_node_pool(1, "nr_hugepages"), ==, 1024);
	g_assert_cmpuint(read_pool("nr_hugepages"), ==, global_before);
	g_assert_true(g_file_test(record, G_FILE_TEST_EXISTS));

	/* QEMU exits: its pages are free again; stop gives back what was grown */
	write_node_pool(0, "free_hugepages", 512);
	write_node_pool(1, "free_hugepages", 1024);
	ok = dkvm_virt_stop_vm(dom, 10, FALSE, NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(read_node_pool(0, "nr_hugepages"), ==, 10);
	g_assert_cmpuint(read_node_pool(1, "nr_hugepages"), ==, 0);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));
	g_assert_cmpint(virDomainUndefine(dom), ==, 0);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	int status;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("dkvm-virt-XXXXXX", &error);
	g_assert_no_error(error);
	/* the hugepage pools and their records live in a tree of our own: the
	 * journey never touches this machine's pools */
	{
		g_autofree gchar *root = g_build_filename(tmpdir, "root", NULL);
		g_setenv("DKVM_SYSFS_ROOT", root, TRUE);
	}
	conn = dkvm_virt_connect("test:///default", &error);
	g_assert_no_error(error);

	/* the order is the journey: each case builds on the previous one */
	g_test_add_func("/virt/parse-hugepages", test_parse_hugepages);
	g_test_add_func("/virt/define", test_define);
	g_test_add_func("/virt/lookup", test_lookup);
	g_test_add_func("/virt/list", test_list);
	g_test_add_func("/virt/list-autostart-transient", test_list_autostart_and_transient);
	g_test_add_func("/virt/start", test_start);
	g_test_add_func("/virt/monitor", test_monitor);
	g_test_add_func("/virt/thread-last-cpu", test_thread_last_cpu);
	g_test_add_func("/virt/vcpu-threads-from-proc", test_vcpu_threads_from_proc);
	g_test_add_func("/virt/stop-and-kill", test_stop_and_kill);
	g_test_add_func("/virt/autostart", test_autostart);
	g_test_add_func("/virt/hostdev-checks", test_hostdev_checks);
	g_test_add_func("/virt/hugepages", test_hugepages);
	g_test_add_func("/virt/parse-numa-hugepages", test_parse_numa_hugepages);
	g_test_add_func("/virt/hugepages-numa", test_hugepages_numa);
	g_test_add_func("/virt/import", test_import);
	g_test_add_func("/virt/export-round-trip", test_export_round_trip);
	g_test_add_func("/virt/delete", test_delete);
	status = g_test_run();

	virConnectClose(conn);
	dkvm_test_remove_tree(tmpdir);
	g_free(tmpdir);
	return status;
}
