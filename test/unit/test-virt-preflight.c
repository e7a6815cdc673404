/*
 * frontend/virt's checks before a start and the reading of QEMU's log:
 * - the files a domain names (disks, CD-ROMs, ROM files, evdev inputs), on
 *   files this test makes;
 * - the domain's networks, on libvirt's in-process test driver
 *   (test:///default has an active network `default`);
 * - a passed PCI device whose config space reads all ones (a stuck card) is
 *   refused by name, on a sysfs-like directory this test makes;
 * - QEMU's last error in logs libvirt 9.0 wrote on the test machines
 *   (test/data/qemu-logs: a KVM emulation failure, a refused Hyper-V set).
 */
#include <glib/gstdio.h>

#include "dkvm-error.h"
#include "virt-connection.h"
#include "virt-domain.h"
#include "virt-power.h"
#include "virt-preflight.h"
#include "virt-qemu-log.h"

static gchar *tmpdir;

static gchar *
domain_with(const gchar *devices)
{
	return g_strdup_printf("<domain type='kvm'><name>files</name><memory>65536</memory>"
	                       "<os><type>hvm</type></os><devices>%s</devices></domain>",
	                       devices);
}

static gchar *
make_file(const gchar *name)
{
	gchar *path = g_build_filename(tmpdir, name, NULL);
	g_autoptr(GError) error = NULL;

	g_file_set_contents(path, "x", -1, &error);
	g_assert_no_error(error);
	return path;
}

static void
expect_missing(const gchar *devices, const gchar *message)
{
	g_autofree gchar *xml = domain_with(devices);
	g_autoptr(GError) error = NULL;

	g_assert_false(dkvm_virt_preflight_files(xml, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
	g_assert_cmpstr(error->message, ==, message);
}

static void
test_files(void)
{
	g_autofree gchar *disk = make_file("disk.qcow2");
	g_autofree gchar *iso = make_file("install.iso");
	g_autofree gchar *rom = make_file("gpu.rom");
	g_autofree gchar *gone = g_build_filename(tmpdir, "gone.iso", NULL);
	g_autofree gchar *present = g_strdup_printf(
	        "<disk type='file' device='disk'><source file='%s'/><target dev='vda'/></disk>"
	        "<disk type='file' device='cdrom'><source file='%s'/><target dev='sda'/></disk>"
	        "<disk type='file' device='cdrom'><target dev='sdb'/></disk>"
	        "<disk type='file' device='cdrom'><source file='%s' startupPolicy='optional'/>"
	        "<target dev='sdc'/></disk>"
	        "<disk type='network' device='disk'><source protocol='nbd' name='x'/>"
	        "<target dev='vdb'/></disk>"
	        "<hostdev mode='subsystem' type='pci'><rom file='%s'/></hostdev>"
	        "<input type='evdev'><source dev='%s'/></input>",
	        disk, iso, gone, rom, disk);
	g_autofree gchar *xml = domain_with(present);
	g_autoptr(GError) error = NULL;

	/* present files, an empty drive, an optional ISO, a network disk: fine */
	g_assert_true(dkvm_virt_preflight_files(xml, &error));
	g_assert_no_error(error);

	{
		g_autofree gchar *devices = g_strdup_printf(
		        "<disk type='file' device='disk'><source file='%s'/><target dev='vda'/>"
		        "</disk><disk type='file' device='cdrom'><source file='%s'/>"
		        "<target dev='sda'/></disk>",
		        disk, gone);
		g_autofree gchar *message = g_strdup_printf("%s does not exist (CD-ROM sda)", gone);
		expect_missing(devices, message);
	}
	{
		g_autofree gchar *devices = g_strdup_printf(
		        "<disk type='file' device='disk'><source file='%s'/><target dev='vda'/>"
		        "</disk>",
		        gone);
		g_autofree gchar *message = g_strdup_printf("%s does not exist (disk vda)", gone);
		expect_missing(devices, message);
	}
	expect_missing("<disk type='block' device='disk'><source dev='/dev/disk/by-id/"
	               "nvme-dkvm-no-such-disk'/><target dev='vdb'/></disk>",
	               "/dev/disk/by-id/nvme-dkvm-no-such-disk does not exist (disk vdb, a block "
	               "device)");
	{
		g_autofree gchar *devices = g_strdup_printf(
		        "<hostdev mode='subsystem' type='pci'><rom file='%s'/></hostdev>", gone);
		g_autofree gchar *message = g_strdup_printf(
		        "%s does not exist (ROM file of a passed-through device)", gone);
		expect_missing(devices, message);
	}
	expect_missing("<input type='evdev'><source dev='/dev/input/by-id/dkvm-no-such-kbd'/>"
	               "</input>",
	               "/dev/input/by-id/dkvm-no-such-kbd does not exist (evdev input device)");

	g_assert_false(dkvm_virt_preflight_files("<network/>", &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_unlink(disk);
	g_unlink(iso);
	g_unlink(rom);
}

static void
remember(const gchar *text, gpointer user_data)
{
	g_ptr_array_add(user_data, g_strdup(text));
}

static gchar *
domain_on(const gchar *network)
{
	g_autofree gchar *iface = g_strdup_printf(
	        "<interface type='network'><source network='%s'/></interface>", network);
	return domain_with(iface);
}

/* networks through libvirt's test driver; its `default` is active */
static void
test_networks(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virConnect) conn = dkvm_virt_connect("test:///default", &error);
	g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *on_default = domain_on("default");
	g_autofree gchar *on_missing = domain_on("dkvm-nonet");
	g_autofree gchar *on_lab = domain_on("lab");
	virNetworkPtr def;
	virNetworkPtr lab;

	g_assert_no_error(error);
	g_assert_cmpint(dkvm_virt_connection_local_qemu(conn), ==, DKVM_VIRT_NOT_LOCAL);

	g_assert_true(dkvm_virt_preflight_networks(conn, on_default, remember, notices, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(notices->len, ==, 0);

	g_assert_false(dkvm_virt_preflight_networks(conn, on_missing, remember, notices, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_assert_true(g_str_has_prefix(
	        error->message, "its network 'dkvm-nonet' does not exist in libvirt\nhint: "));
	g_clear_error(&error);

	/* another inactive network: refused, naming the command that starts it */
	lab = virNetworkDefineXML(conn, "<network><name>lab</name><bridge name='virbr9'/>"
	                                "<ip address='192.168.199.1' netmask='255.255.255.0'/>"
	                                "</network>");
	g_assert_nonnull(lab);
	g_assert_false(dkvm_virt_preflight_networks(conn, on_lab, remember, notices, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT);
	g_assert_cmpstr(error->message, ==,
	                "its network 'lab' is not active\nhint: virsh net-start lab");
	g_clear_error(&error);
	g_assert_cmpint(virNetworkIsActive(lab), ==, 0);
	virNetworkUndefine(lab);
	virNetworkFree(lab);

	/* an inactive `default` is started, and the caller told so */
	def = virNetworkLookupByName(conn, "default");
	g_assert_nonnull(def);
	g_assert_cmpint(virNetworkDestroy(def), ==, 0);
	g_assert_true(dkvm_virt_preflight_networks(conn, on_default, remember, notices, &error));
	g_assert_no_error(error);
	g_assert_cmpint(virNetworkIsActive(def), ==, 1);
	g_assert_cmpuint(notices->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(notices, 0), ==,
	                "libvirt's network 'default' was inactive: started it");
	virNetworkFree(def);

	/* no files or mounts are checked on a connection that is not local QEMU */
	g_assert_true(dkvm_virt_preflight_local_files(conn, on_missing, &error));
	g_assert_true(dkvm_virt_preflight_hugetlbfs(conn, 1048576, &error));
	g_assert_no_error(error);
}

/* libvirt's last error survives the calls made to report it */
static void
test_error_kept(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virConnect) conn = dkvm_virt_connect("test:///default", &error);
	g_autoptr(virError) err = NULL;
	g_autofree gchar *reason = NULL;

	g_assert_no_error(error);
	g_assert_null(virNetworkLookupByName(conn, "dkvm-nonet"));
	err = dkvm_virt_save_error();
	/* any later call resets libvirt's last error; the saved copy keeps it */
	g_assert_nonnull(virConnectGetType(conn));
	g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_OK);
	dkvm_virt_set_saved_error(&error, DKVM_ERROR_LIBVIRT, err, "cannot look up");
	g_assert_nonnull(strstr(error->message, "dkvm-nonet"));
	g_assert_true(g_str_has_prefix(error->message, "cannot look up: "));
	g_clear_error(&error);
	/* each lifecycle call on a domain that is gone keeps libvirt's reason,
	 * although the message names the VM (virDomainGetName resets the error) */
	{
		g_autoptr(virDomain) dom = virDomainDefineXML(
		        conn, "<domain type='test'><name>gone</name><memory>65536</memory>"
		              "<os><type>hvm</type></os></domain>");
		gint state = 0;
		gboolean autostart = FALSE;
		g_autofree gchar *xml = NULL;

		g_assert_nonnull(dom);
		g_assert_cmpint(virDomainUndefine(dom), ==, 0);
		g_assert_false(dkvm_virt_domain_get_state(dom, &state, &error));
		g_assert_true(
		        g_str_has_prefix(error->message, "cannot read the state of VM 'gone': "));
		g_assert_nonnull(strstr(error->message, "gone"));
		g_assert_null(strstr(error->message, "no error"));
		g_assert_nonnull(strstr(error->message, "not found"));
		g_clear_error(&error);
		xml = dkvm_virt_domain_get_xml(dom, &error);
		g_assert_null(xml);
		g_assert_nonnull(strstr(error->message, "not found"));
		g_clear_error(&error);
		g_assert_false(dkvm_virt_domain_get_autostart(dom, &autostart, &error));
		g_assert_nonnull(strstr(error->message, "not found"));
		g_clear_error(&error);
		g_assert_false(dkvm_virt_domain_set_autostart(dom, TRUE, &error));
		g_assert_nonnull(strstr(error->message, "not found"));
		g_clear_error(&error);
	}
	/* with nothing saved the message says so, never libvirt's "no error" */
	reason = dkvm_virt_error_reason(NULL);
	g_assert_cmpstr(reason, ==, "libvirt gave no reason");
}

static gchar *
read_log(const gchar *name)
{
	g_autofree gchar *path =
	        g_build_filename(g_getenv("DKVM_TEST_DATA"), "qemu-logs", name, NULL);
	g_autoptr(GError) error = NULL;
	gchar *text = NULL;

	g_file_get_contents(path, &text, NULL, &error);
	g_assert_no_error(error);
	return text;
}

static void
test_qemu_log(void)
{
	g_autofree gchar *kvm = read_log("kvm-emulation-failure.log");
	g_autofree gchar *hyperv = read_log("hyperv-refused.log");
	g_autofree gchar *kvm_reason = dkvm_qemu_log_last_error(kvm);
	g_autofree gchar *hyperv_reason = dkvm_qemu_log_last_error(hyperv);
	g_autofree gchar *later = NULL;
	g_autofree gchar *later_reason = NULL;

	/* the block KVM prints, without its registers, and not libvirtd's signal 15 */
	g_assert_cmpstr(kvm_reason, ==, "KVM internal error. Suberror: 1, emulation failure");
	/* QEMU's own message without its time stamp */
	g_assert_cmpstr(hyperv_reason, ==,
	                "qemu-system-x86_64: kernel doesn't allow setting HyperV VP_INDEX");
	/* a later start without an error: the old error is not this start's */
	later = g_strconcat(hyperv,
	                    "2026-12-04 23:00:00.000+0000: starting up libvirt version: 9.0.0\n"
	                    "/usr/bin/qemu-system-x86_64 \\\n-drive file=x,werror=stop \\\n"
	                    "-msg timestamp=on\n",
	                    NULL);
	later_reason = dkvm_qemu_log_last_error(later);
	g_assert_null(later_reason);
}

/* `vm start` refuses a card that no longer answers, naming it */
static void
test_stuck_card(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(virConnect) conn = dkvm_virt_connect("test:///default", &error);
	g_autofree gchar *pci = g_build_filename(tmpdir, "pci", NULL);
	g_autofree gchar *stuck = g_build_filename(pci, "0000:01:00.0", NULL);
	g_autofree gchar *config = g_build_filename(stuck, "config", NULL);
	g_autofree gchar *ones = g_strnfill(256, '\xff');
	g_autoptr(DkvmHostFacts) host = dkvm_host_facts_new();
	DkvmPciDevice *card = dkvm_pci_device_new("0000:01:00.0");
	const gchar *xml = "<domain type='test'><name>stuck</name><memory>65536</memory>"
	                   "<os><type>hvm</type></os><devices><hostdev mode='subsystem' type='pci' "
	                   "managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' "
	                   "function='0x0'/></source></hostdev></devices></domain>";
	g_autoptr(DkvmDomainXml) parsed = NULL;
	virDomainPtr dom;

	g_assert_no_error(error);
	card->device_name = g_strdup("Navi 10 [Radeon RX 5600 OEM/5600 XT / 5700/5700 XT]");
	g_ptr_array_add(host->pci, card);
	g_assert_cmpint(g_mkdir_with_parents(stuck, 0755), ==, 0);
	g_assert_true(g_file_set_contents(config, ones, 256, NULL));
	parsed = dkvm_domain_xml_parse(xml, &error);
	g_assert_no_error(error);
	dom = virDomainDefineXML(conn, xml);
	g_assert_nonnull(dom);

	g_assert_false(dkvm_virt_check_domain_hostdevs(dom, parsed, host, pci, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED);
	g_assert_true(g_str_has_prefix(
	        error->message, "cannot start VM 'stuck': PCI device 0000:01:00.0 (Navi 10 [Radeon "
	                        "RX 5600 OEM/5600 XT / 5700/5700 XT]) does not answer (its config "
	                        "space reads all ones)"));
	g_clear_error(&error);
	/* the same card answering again (after a host reboot): no objection */
	g_assert_true(g_file_set_contents(config, "\x02\x10\x1f\x73", 4, NULL));
	g_assert_true(dkvm_virt_check_domain_hostdevs(dom, parsed, host, pci, &error));
	g_assert_no_error(error);
	virDomainUndefine(dom);
	virDomainFree(dom);
	g_unlink(config);
	g_rmdir(stuck);
	g_rmdir(pci);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	int status;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("dkvm-preflight-XXXXXX", &error);
	g_assert_no_error(error);
	g_test_add_func("/preflight/files", test_files);
	g_test_add_func("/preflight/networks", test_networks);
	g_test_add_func("/preflight/libvirt-error-kept", test_error_kept);
	g_test_add_func("/preflight/qemu-log", test_qemu_log);
	g_test_add_func("/preflight/stuck-card", test_stuck_card);
	status = g_test_run();
	g_rmdir(tmpdir);
	g_free(tmpdir);
	return status;
}
