/*
 * The golden cases (see test-domain-cases.h). Each spec is what a person
 * would ask with the CLI; the hosts are JSON fixtures of real machine
 * shapes (AMD two-CCD with two GPUs, Intel without KVM, a two-node Xeon
 * with its GPU on node 1), planned by the real planners.
 */
#include "test-domain-cases.h"

#include <stdarg.h>
#include <string.h>

#include "domain-xml.h"

static void
add_usb(DkvmSpec *spec, guint16 vendor, guint16 product, gboolean optional)
{
	DkvmUsbSelection *usb = g_new0(DkvmUsbSelection, 1);
	usb->vendor_id = vendor;
	usb->product_id = product;
	usb->optional = optional;
	g_ptr_array_add(spec->usb, usb);
}

/* Windows 11 gaming VM: GPU with a ROM file, NVMe by-id, two ISOs, USB,
 * evdev keyboard, everything DKVM tunes on. */
static DkvmSpec *
build_win11_gpu(void)
{
	DkvmSpec *spec = dkvm_spec_new("win11", DKVM_PRESET_WINDOWS11);
	DkvmPciSelection *gpu = dkvm_pci_selection_new("0000:0b:00.0");

	spec->uuid = g_strdup("6f1c2a9e-8f4b-4f8e-9d2a-3b7c5e1d0a42");
	spec->vcpus = 8;
	spec->memory_kib = 16 * 1024 * 1024;
	gpu->rom_file = g_strdup("/var/lib/dkvm/vbios/rtx3080.rom");
	g_ptr_array_add(spec->pci, gpu);
	g_ptr_array_add(
	        spec->disks,
	        dkvm_disk_new("/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R123456"));
	g_ptr_array_add(spec->cdroms, g_strdup("/var/lib/dkvm/iso/Win11_23H2_English_x64.iso"));
	g_ptr_array_add(spec->cdroms, g_strdup("/var/lib/dkvm/iso/virtio-win-0.1.240.iso"));
	add_usb(spec, 0x046d, 0xc52b, FALSE);
	add_usb(spec, 0x1532, 0x0084, TRUE);
	g_ptr_array_add(spec->evdev, g_strdup("/dev/input/by-id/usb-Corsair_K70_RGB-event-kbd"));
	return spec;
}

/* Windows 10 on a two-node Xeon: GPU on node 1, bridge, hidden hypervisor,
 * real-time vCPUs, two iothreads over two image files. */
static DkvmSpec *
build_win10_xeon(void)
{
	DkvmSpec *spec = dkvm_spec_new("win10-work", DKVM_PRESET_WINDOWS10);

	spec->uuid = g_strdup("0d7e4b1a-2c3f-4a5b-8c6d-9e0f1a2b3c4d");
	spec->vcpus = 12;
	spec->memory_kib = 32 * 1024 * 1024;
	spec->hugepages = FALSE;
	spec->realtime = TRUE;
	spec->kvm_hidden = TRUE;
	spec->hyperv_vendor_id = g_strdup("1234567890ab");
	spec->iothreads = 2;
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new("0000:81:00.0"));
	g_ptr_array_add(spec->disks, dkvm_disk_new("/var/lib/libvirt/images/win10.qcow2"));
	g_ptr_array_add(spec->disks, dkvm_disk_new("/var/lib/libvirt/images/data.raw"));
	g_ptr_array_set_size(spec->nics, 0);
	g_ptr_array_add(spec->nics, dkvm_nic_new(DKVM_NET_BRIDGE, "br0"));
	return spec;
}

/* Linux on an Intel host without KVM (TCG): no GPU, VNC on localhost, a
 * named NAT network, no TPM, BIOS firmware. */
static DkvmSpec *
build_linux_tcg(void)
{
	DkvmSpec *spec = dkvm_spec_new("fedora", DKVM_PRESET_LINUX);

	spec->uuid = g_strdup("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
	spec->vcpus = 4;
	spec->memory_kib = 1024 * 1024;
	spec->uefi = FALSE;
	g_ptr_array_add(spec->disks, dkvm_disk_new("/var/lib/libvirt/images/fedora.qcow2"));
	g_ptr_array_add(spec->cdroms, g_strdup("/var/lib/libvirt/images/Fedora-39.iso"));
	g_ptr_array_set_size(spec->nics, 0);
	g_ptr_array_add(spec->nics, dkvm_nic_new(DKVM_NET_NAT, "lan"));
	return spec;
}

/* Windows 11 with every DKVM switch off: what a plain VM looks like. */
static DkvmSpec *
build_win11_plain(void)
{
	DkvmSpec *spec = dkvm_spec_new("win11-plain", DKVM_PRESET_WINDOWS11);

	spec->uuid = g_strdup("11111111-2222-4333-8444-555555555555");
	spec->pinning = FALSE;
	spec->hugepages = FALSE;
	spec->tpm = FALSE;
	spec->secure_boot = FALSE;
	g_ptr_array_set_size(spec->nics, 0);
	return spec;
}

/* Windows 11 on the reviewed ryzen-5950x host (hosts-json golden): 1 GiB
 * pages reserved at boot, the RTX 3080 with its audio function, 12 vCPUs,
 * and --lock-memory (off by default) for <locked/>. */
static DkvmSpec *
build_win11_5950x(void)
{
	DkvmSpec *spec = dkvm_spec_new("gaming", DKVM_PRESET_WINDOWS11);

	spec->uuid = g_strdup("c0ffee00-5950-4a00-8000-000000003080");
	spec->vcpus = 12;
	spec->memory_kib = 8 * 1024 * 1024;
	spec->lock_memory = TRUE;
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new("0000:01:00.0"));
	g_ptr_array_add(
	        spec->disks,
	        dkvm_disk_new("/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_2TB_S6B0NL0T654321"));
	add_usb(spec, 0x046d, 0xc52b, FALSE);
	add_usb(spec, 0x045e, 0x02ea, TRUE);
	return spec;
}

/* Linux workstation on the AMD host with the boot GPU (RTX 2070: VGA,
 * audio, USB and UCSI functions on one slot), a host bridge, no TPM. */
static DkvmSpec *
build_linux_gpu(void)
{
	DkvmSpec *spec = dkvm_spec_new("workstation", DKVM_PRESET_LINUX);

	spec->uuid = g_strdup("2b3c4d5e-6f70-4182-9394-a5b6c7d8e9f0");
	spec->vcpus = 6;
	spec->memory_kib = 12 * 1024 * 1024;
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new("0000:0c:00.0"));
	g_ptr_array_add(spec->disks, dkvm_disk_new("/dev/vg0/workstation"));
	g_ptr_array_set_size(spec->nics, 0);
	g_ptr_array_add(spec->nics, dkvm_nic_new(DKVM_NET_BRIDGE, "br0"));
	g_ptr_array_add(spec->evdev, g_strdup("/dev/input/by-id/usb-Logitech_G502-event-mouse"));
	return spec;
}

/* Windows 10 on the host without KVM: type qemu, cpu maximum, and no
 * Hyper-V enlightenments (QEMU refuses them under TCG). */
static DkvmSpec *
build_win10_tcg(void)
{
	DkvmSpec *spec = dkvm_spec_new("win10-tcg", DKVM_PRESET_WINDOWS10);

	spec->uuid = g_strdup("3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b");
	spec->vcpus = 2;
	spec->memory_kib = 1024 * 1024;
	spec->tpm = TRUE;
	g_ptr_array_add(spec->disks, dkvm_disk_new("/var/lib/libvirt/images/win10.raw"));
	return spec;
}

/* Linux on a two-node host (2 x 8 cores x 2 threads, 64 GiB per node), 24
 * vCPUs: more than one node holds, so the guest gets one NUMA cell per node,
 * each bound to its node with its hugepages there. */
static DkvmSpec *
build_linux_numa(void)
{
	DkvmSpec *spec = dkvm_spec_new("compute", DKVM_PRESET_LINUX);

	spec->uuid = g_strdup("4e554d41-0000-4c00-8000-000000000024");
	spec->vcpus = 24;
	spec->memory_kib = 48 * 1024 * 1024;
	g_ptr_array_add(spec->disks, dkvm_disk_new("/var/lib/libvirt/images/compute.qcow2"));
	return spec;
}

/* Windows 11 with an RX 6800 XT whose resizable BAR is 16 GiB, and Looking
 * Glass at 2560x1440: the firmware's MMIO window through fw_cfg, the
 * 64 MiB IVSHMEM device, and VNC on 127.0.0.1 beside the GPU for setup. */
static DkvmSpec *
build_win11_rebar_lg(void)
{
	DkvmSpec *spec = dkvm_spec_new("win11-lg", DKVM_PRESET_WINDOWS11);

	spec->uuid = g_strdup("1c0ffee0-5a7e-4b1a-8e6d-000000016384");
	spec->vcpus = 8;
	spec->memory_kib = 16 * 1024 * 1024;
	spec->looking_glass_width = 2560;
	spec->looking_glass_height = 1440;
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new("0000:01:00.0"));
	g_ptr_array_add(spec->disks, dkvm_disk_new("/var/lib/libvirt/images/win11-lg.qcow2"));
	return spec;
}

const DkvmDomainCase dkvm_domain_cases[] = {
	{ "win11-gpu-amd", "amd-16c-gpu", build_win11_gpu },
	{ "win10-xeon-node1", "xeon-2node", build_win10_xeon },
	{ "linux-tcg-intel", "intel-6c-tcg", build_linux_tcg },
	{ "win11-plain-amd", "amd-16c-gpu", build_win11_plain },
	{ "win11-ryzen-5950x", "hosts-json/ryzen-5950x", build_win11_5950x },
	{ "linux-gpu-amd", "amd-16c-gpu", build_linux_gpu },
	{ "win10-tcg-intel", "intel-6c-tcg", build_win10_tcg },
	{ "linux-numa-2node", "epyc-2node", build_linux_numa },
	{ "win11-rebar-lg", "hosts-json/rebar-6800xt", build_win11_rebar_lg },
	{ NULL, NULL, NULL },
};

gchar *
dkvm_test_data_path(const gchar *first, ...)
{
	va_list args;
	g_autoptr(GPtrArray) parts = g_ptr_array_new();

	g_ptr_array_add(parts, (gpointer)DKVM_TEST_DATA);
	va_start(args, first);
	for (const gchar *p = first; p != NULL; p = va_arg(args, const gchar *))
		g_ptr_array_add(parts, (gpointer)p);
	va_end(args);
	g_ptr_array_add(parts, NULL);
	return g_build_filenamev((gchar **)parts->pdata);
}

DkvmHostFacts *
dkvm_test_load_host(const gchar *name)
{
	g_autofree gchar *file = g_strdup_printf("%s.json", name);
	/* "hosts-json/NAME": the host helper's reviewed goldens; else ours */
	g_autofree gchar *path = strchr(name, '/') != NULL
	                                 ? dkvm_test_data_path(file, NULL)
	                                 : dkvm_test_data_path("domains", "hosts", file, NULL);
	g_autofree gchar *json = NULL;
	g_autoptr(GError) error = NULL;
	DkvmHostFacts *host;

	g_assert_true(g_file_get_contents(path, &json, NULL, &error));
	host = dkvm_host_facts_from_json(json, &error);
	g_assert_no_error(error);
	return host;
}

DkvmPlan *
dkvm_test_plan(const DkvmHostFacts *host, const DkvmSpec *spec)
{
	g_autoptr(DkvmHostSettings) settings = dkvm_host_settings_new();
	g_autoptr(GError) error = NULL;
	DkvmPlan *plan = dkvm_plan_new(host, NULL, spec, settings, &error);

	g_assert_no_error(error);
	return plan;
}

gchar *
dkvm_test_create(const DkvmDomainCase *c, DkvmSpec **spec_out, DkvmPlan **plan_out,
                 DkvmHostFacts **host_out)
{
	g_autoptr(DkvmHostFacts) host = dkvm_test_load_host(c->host);
	g_autoptr(DkvmSpec) spec = c->build();
	g_autoptr(DkvmPlan) plan = dkvm_test_plan(host, spec);
	g_autoptr(GError) error = NULL;
	gchar *xml = dkvm_domain_create_xml(spec, plan, host, &error);

	g_assert_no_error(error);
	g_assert_nonnull(xml);
	if (spec_out != NULL)
		*spec_out = g_steal_pointer(&spec);
	if (plan_out != NULL)
		*plan_out = g_steal_pointer(&plan);
	if (host_out != NULL)
		*host_out = g_steal_pointer(&host);
	return xml;
}

gchar *
dkvm_test_spec_to_string(const DkvmSpec *spec)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(
	        s, "name=%s uuid=%s preset=%s vcpus=%u memory=%" G_GUINT64_FORMAT "\n", spec->name,
	        spec->uuid, dkvm_preset_to_string(spec->preset), spec->vcpus, spec->memory_kib);
	g_string_append_printf(
	        s,
	        "pinning=%d hugepages=%d lock_memory=%d tpm=%d secure_boot=%d uefi=%d "
	        "realtime=%d kvm_hidden=%d vendor_id=%s iothreads=%u\n",
	        spec->pinning, spec->hugepages, spec->lock_memory, spec->tpm, spec->secure_boot,
	        spec->uefi, spec->realtime, spec->kvm_hidden, spec->hyperv_vendor_id,
	        spec->iothreads);
	for (guint i = 0; i < spec->disks->len; i++) {
		const DkvmDisk *d = g_ptr_array_index(spec->disks, i);
		g_string_append_printf(s, "disk %s target=%s block=%d\n", d->path, d->target,
		                       d->is_block);
	}
	for (guint i = 0; i < spec->cdroms->len; i++)
		g_string_append_printf(s, "cdrom %s\n",
		                       (const gchar *)g_ptr_array_index(spec->cdroms, i));
	for (guint i = 0; i < spec->nics->len; i++) {
		const DkvmNic *n = g_ptr_array_index(spec->nics, i);
		g_string_append_printf(s, "nic %d %s mac=%s model=%s\n", n->kind, n->source, n->mac,
		                       n->model);
	}
	for (guint i = 0; i < spec->pci->len; i++) {
		const DkvmPciSelection *p = g_ptr_array_index(spec->pci, i);
		g_string_append_printf(s, "pci %s rom=%s\n", p->address, p->rom_file);
	}
	for (guint i = 0; i < spec->usb->len; i++) {
		const DkvmUsbSelection *u = g_ptr_array_index(spec->usb, i);
		g_string_append_printf(s, "usb %04x:%04x optional=%d\n", u->vendor_id,
		                       u->product_id, u->optional);
	}
	for (guint i = 0; i < spec->evdev->len; i++)
		g_string_append_printf(s, "evdev %s\n",
		                       (const gchar *)g_ptr_array_index(spec->evdev, i));
	return g_string_free(s, FALSE);
}

void
dkvm_test_assert_golden(const gchar *actual, const gchar *relpath)
{
	g_autofree gchar *path = dkvm_test_data_path(relpath, NULL);
	g_autofree gchar *expected = NULL;
	g_autoptr(GError) error = NULL;

	if (g_strcmp0(g_getenv("DKVM_TEST_REGENERATE"), "1") == 0) {
		g_assert_true(g_file_set_contents(path, actual, -1, &error));
		g_test_message("regenerated %s", relpath);
		return;
	}
	if (!g_file_get_contents(path, &expected, NULL, &error)) {
		g_test_message("%s; run with DKVM_TEST_REGENERATE=1 and review the file",
		               error->message);
		g_test_fail();
		return;
	}
	g_assert_cmpstr(actual, ==, expected);
}
