/*
 * What DKVM keeps: every row of the owned-XPath table is exercised by the
 * test domains, and applying a spec onto a domain a person edited changes
 * nothing outside those rows. The comparison strips the owned rows from the
 * document before and after and requires the rest to be identical, so a
 * row missing from the table (DKVM changing something it does not declare)
 * fails here.
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "domain-owned.h"
#include "domain-tree.h"
#include "domain-xml.h"
#include "test-domain-cases.h"
#include "test-domain-owned-strip.h"

static xmlDoc *
parse(const gchar *xml)
{
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL,
	                            XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	g_assert_nonnull(doc);
	return doc;
}

/* The document without anything DKVM owns, as text. */
static gchar *
strip_owned(const gchar *xml)
{
	g_autoptr(xmlDoc) doc = parse(xml);
	xmlBufferPtr buf;
	xmlSaveCtxtPtr save;
	gchar *out;

	dkvm_test_strip_owned(doc);
	buf = xmlBufferCreate();
	save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	xmlSaveDoc(save, doc);
	xmlSaveClose(save);
	out = g_strdup((const gchar *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return out;
}

static guint
count(const gchar *xml, const gchar *xpath)
{
	g_autoptr(xmlDoc) doc = parse(xml);
	g_autoptr(GPtrArray) nodes = dkvm_tree_find(doc, xpath);
	return nodes->len;
}

static gchar *
read_fixture(const gchar *name)
{
	g_autofree gchar *path = dkvm_test_data_path("domains", "edited", name, NULL);
	g_autoptr(GError) error = NULL;
	gchar *xml = NULL;

	g_assert_true(g_file_get_contents(path, &xml, NULL, &error));
	return xml;
}

static void
test_owned_rows_exercised(void)
{
	g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func(g_free);
	const DkvmOwnedXPath *rows = dkvm_domain_owned_xpaths();

	for (const DkvmDomainCase *c = dkvm_domain_cases; c->name != NULL; c++)
		g_ptr_array_add(docs, dkvm_test_create(c, NULL, NULL, NULL));
	/* the rows DKVM only ever removes show up in a hand-made domain */
	g_ptr_array_add(docs, read_fixture("win10-handmade.xml"));
	g_ptr_array_add(docs, read_fixture("threadripper-numa.xml"));
	for (guint i = 0; rows[i].xpath != NULL; i++) {
		guint hits = 0;
		for (guint j = 0; j < docs->len; j++)
			hits += count(g_ptr_array_index(docs, j), rows[i].xpath);
		g_test_message("%s: %u", rows[i].xpath, hits);
		g_assert_cmpuint(hits, >, 0);
	}
}

/* A domain DKVM never saw: DKVM adds its GPU, disk and USB device, tunes
 * the CPU, and leaves every hand edit in place. */
static void
test_preserve_handmade(void)
{
	g_autofree gchar *xml = read_fixture("win10-handmade.xml");
	g_autoptr(DkvmHostFacts) host = dkvm_test_load_host("amd-16c-gpu");
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmSpec) spec = dkvm_domain_read_spec(xml, &error);
	g_autoptr(DkvmPlan) plan = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *again = NULL;
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	g_autofree gchar *expected_xml = NULL;
	DkvmUsbSelection *usb = g_new0(DkvmUsbSelection, 1);

	g_assert_no_error(error);
	g_assert_cmpint(spec->preset, ==, DKVM_PRESET_WINDOWS10);
	g_assert_cmpuint(spec->memory_kib, ==, 12 * 1024 * 1024);
	spec->vcpus = 8;
	spec->hugepages = FALSE; /* the fixture host has no pages reserved */
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new("0000:0b:00.0"));
	g_ptr_array_add(spec->disks, dkvm_disk_new("/var/lib/libvirt/images/gaming-c.raw"));
	usb->vendor_id = 0x046d;
	usb->product_id = 0xc52b;
	g_ptr_array_add(spec->usb, usb);
	plan = dkvm_test_plan(host, spec);

	out = dkvm_domain_apply_xml(xml, spec, plan, host, &error);
	g_assert_no_error(error);
	dkvm_test_assert_golden(out, "domains/edited/win10-handmade.applied.xml");
	again = dkvm_domain_apply_xml(out, spec, plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(again, ==, out);

	/* the person's own hostdev for the GPU is replaced by DKVM's (a device
	 * cannot be passed twice); nothing else outside the owned rows moves */
	expected_xml = g_strdup(xml);
	{
		g_autoptr(xmlDoc) doc = parse(expected_xml);
		g_autoptr(GPtrArray) gpu =
		        dkvm_tree_find(doc, "/domain/devices/hostdev[source/address/@bus='0x0b']");
		xmlChar *mem = NULL;
		int len = 0;
		g_assert_cmpuint(gpu->len, ==, 1);
		dkvm_tree_remove(g_ptr_array_index(gpu, 0));
		xmlDocDumpMemory(doc, &mem, &len);
		g_free(expected_xml);
		expected_xml = g_strdup((const gchar *)mem);
		xmlFree(mem);
	}
	before = strip_owned(expected_xml);
	after = strip_owned(out);
	g_assert_cmpstr(after, ==, before);

	/* and the parts DKVM took on are there */
	g_assert_cmpuint(count(out, "/domain/devices/hostdev[@type='pci']"), ==, 3);
	g_assert_cmpuint(count(out, "/domain/devices/hostdev[source/address/@bus='0x0e']"), ==, 1);
	g_assert_cmpuint(count(out, "/domain/devices/disk[alias/@name='ua-dkvm-disk0']"
	                            "/target[@dev='vdb']"),
	                 ==, 1);
	g_assert_cmpuint(count(out, "/domain/iothreads[text()='2']"), ==, 1);
	g_assert_cmpuint(count(out, "/domain/cputune/vcpupin"), ==, 8);
	g_assert_cmpuint(count(out, "/domain/cputune/shares"), ==, 1);
	g_assert_cmpuint(count(out, "/domain/cpu/model"), ==, 0);
	g_assert_cmpuint(count(out, "/domain/devices/shmem[@name='looking-glass']"), ==, 1);
	g_assert_cmpuint(count(out, "/domain/qemu:commandline/qemu:arg"), ==, 2);
	g_assert_cmpuint(count(out, "/comment()"), ==, 2);
	g_assert_cmpuint(count(out, "/domain/devices/video/model[@type='none']"), ==, 1);
	g_assert_cmpuint(count(out, "/domain/devices/graphics[@type='spice']"), ==, 1);
	g_assert_cmpuint(count(out, "/domain/devices/memballoon[@model='none']"), ==, 1);
	/* firmware unchanged: the person's loader already is UEFI without SB */
	g_assert_cmpuint(
	        count(out, "/domain/os/loader[text()='/run/libvirt/nix-ovmf/OVMF_CODE.fd']"), ==,
	        1);
}

/* A hand-made domain with its own guest NUMA cell (modelled on a published
 * Threadripper domain), edited to 24 vCPUs on the two-node host: the cells
 * are rewritten from the plan, one per host node with a strict memnode
 * each, the note says what they were, and nothing outside the owned rows
 * moves. Then back to 16 vCPUs: one node holds them, the cells go. */
static void
test_rewrite_handmade_numa(void)
{
	g_autofree gchar *xml = read_fixture("threadripper-numa.xml");
	g_autoptr(DkvmHostFacts) host = dkvm_test_load_host("epyc-2node");
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmSpec) spec = dkvm_domain_read_spec(xml, &error);
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(DkvmPlan) small_plan = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *again = NULL;
	g_autofree gchar *small = NULL;
	g_autofree gchar *note = NULL;
	g_autofree gchar *small_note = NULL;
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;

	g_assert_no_error(error);
	/* the reader takes the size from <memory>, not from the cells */
	g_assert_cmpuint(spec->memory_kib, ==, 15360000);
	g_assert_cmpuint(spec->vcpus, ==, 16);
	spec->vcpus = 24;
	plan = dkvm_test_plan(host, spec);
	g_assert_cmpuint(plan->cpu->numa_cells->len, ==, 2);

	out = dkvm_domain_apply_xml(xml, spec, plan, host, &error);
	g_assert_no_error(error);
	dkvm_test_assert_golden(out, "domains/edited/threadripper-numa.applied.xml");
	again = dkvm_domain_apply_xml(out, spec, plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(again, ==, out);
	g_assert_cmpuint(count(out, "/domain/cpu/numa/cell"), ==, 2);
	g_assert_cmpuint(count(out, "/domain/cpu/numa/cell[@id='0' and @cpus='0-11' and "
	                            "@memory='7680000' and @unit='KiB']"),
	                 ==, 1);
	g_assert_cmpuint(count(out, "/domain/cpu/numa/cell[@id='1' and @cpus='12-23' and "
	                            "@memory='7680000' and @unit='KiB']"),
	                 ==, 1);
	g_assert_cmpuint(count(out, "/domain/numatune/memory[@mode='strict' and @nodeset='0-1']"),
	                 ==, 1);
	g_assert_cmpuint(count(out, "/domain/numatune/memnode[@cellid='0' and @mode='strict' and "
	                            "@nodeset='1']"),
	                 ==, 1);
	g_assert_cmpuint(count(out, "/domain/numatune/memnode[@cellid='1' and @mode='strict' and "
	                            "@nodeset='0']"),
	                 ==, 1);
	g_assert_cmpuint(count(out, "/domain/cpu/topology[@sockets='2' and @dies='1' and "
	                            "@cores='6' and @threads='2']"),
	                 ==, 1);
	g_assert_cmpuint(count(out, "/domain/memory[text()='15360000']"), ==, 1);
	note = dkvm_domain_numa_note(xml, out);
	g_assert_cmpstr(note, ==,
	                "DKVM rewrote the guest NUMA cells (<cpu><numa>): were cell 0: vCPUs 0-15, "
	                "15000 MiB; now cell 0: vCPUs 0-11, 7500 MiB; cell 1: vCPUs 12-23, 7500 "
	                "MiB");
	g_assert_null(dkvm_domain_numa_note(out, again));
	/* everything outside the owned rows stays */
	before = strip_owned(xml);
	after = strip_owned(out);
	g_assert_cmpstr(after, ==, before);

	/* memory alone (`vm edit --memory 20G`): the cells keep their vCPUs and
	 * nodes and share the new size, in whole 2 MiB pages */
	{
		g_autoptr(DkvmPlan) bigger_plan = NULL;
		g_autofree gchar *bigger = NULL;
		g_autofree gchar *bigger_note = NULL;
		spec->memory_kib = 20 * 1024 * 1024;
		bigger_plan = dkvm_test_plan(host, spec);
		bigger = dkvm_domain_apply_xml_areas(out, spec, bigger_plan, host,
		                                     DKVM_DOMAIN_AREA_MEMORY, &error);
		g_assert_no_error(error);
		g_assert_cmpuint(count(bigger, "/domain/cpu/numa/cell[@id='0' and @cpus='0-11' and "
		                               "@memory='10485760']"),
		                 ==, 1);
		g_assert_cmpuint(count(bigger,
		                       "/domain/cpu/numa/cell[@id='1' and @cpus='12-23' and "
		                       "@memory='10485760']"),
		                 ==, 1);
		g_assert_cmpuint(count(bigger, "/domain/numatune/memnode"), ==, 2);
		g_assert_cmpuint(count(bigger, "/domain/memory[text()='20971520']"), ==, 1);
		bigger_note = dkvm_domain_numa_note(out, bigger);
		g_assert_cmpstr(
		        bigger_note, ==,
		        "DKVM rewrote the guest NUMA cells (<cpu><numa>): were cell 0: vCPUs "
		        "0-11, 7500 MiB; cell 1: vCPUs 12-23, 7500 MiB; now cell 0: vCPUs "
		        "0-11, 10240 MiB; cell 1: vCPUs 12-23, 10240 MiB");
		spec->memory_kib = 15360000;
	}

	spec->vcpus = 16;
	small_plan = dkvm_test_plan(host, spec);
	small = dkvm_domain_apply_xml(out, spec, small_plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(count(small, "/domain/cpu/numa"), ==, 0);
	g_assert_cmpuint(count(small, "/domain/numatune/memnode"), ==, 0);
	g_assert_cmpuint(count(small, "/domain/numatune/memory[@nodeset='1']"), ==, 1);
	small_note = dkvm_domain_numa_note(out, small);
	g_assert_nonnull(small_note);
}

/* A domain DKVM made, then edited with `virsh edit`: DKVM's next apply keeps
 * the edits, also those inside DKVM's own devices (boot order, address). */
static void
test_preserve_after_edit(void)
{
	const DkvmDomainCase *c = &dkvm_domain_cases[0];
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(DkvmHostFacts) host = NULL;
	g_autofree gchar *xml = dkvm_test_create(c, &spec, &plan, &host);
	g_autoptr(GString) edited = g_string_new(xml);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *again = NULL;
	g_autofree gchar *before = NULL;
	g_autofree gchar *after = NULL;
	g_autoptr(DkvmPlan) plan12 = NULL;

	g_string_replace(edited, "<domain type=\"kvm\">",
	                 "<domain type=\"kvm\" "
	                 "xmlns:qemu=\"http://libvirt.org/schemas/domain/qemu/1.0\">",
	                 1);
	g_string_replace(edited, "<alias name=\"ua-dkvm-disk0\"/>",
	                 "<boot order=\"1\"/><alias name=\"ua-dkvm-disk0\"/>"
	                 "<address type=\"pci\" domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" "
	                 "function=\"0x0\"/>",
	                 1);
	g_string_replace(edited, "<alias name=\"ua-dkvm-net0\"/>",
	                 "<alias name=\"ua-dkvm-net0\"/><mac address=\"52:54:00:12:34:56\"/>"
	                 "<driver queues=\"8\"/>",
	                 1);
	g_string_replace(edited, "</devices>",
	                 "<!-- Looking Glass --><shmem name=\"looking-glass\"><model "
	                 "type=\"ivshmem-plain\"/><size unit=\"M\">64</size></shmem>"
	                 "<disk type=\"file\" device=\"disk\"><source file=\"/srv/extra.img\"/>"
	                 "<target dev=\"vdb\" bus=\"virtio\"/></disk></devices>"
	                 "<qemu:commandline><qemu:arg value=\"-no-hpet\"/></qemu:commandline>",
	                 1);
	g_string_replace(edited, "<cpu ",
	                 "<sysinfo type=\"smbios\"><bios><entry name=\"vendor\">"
	                 "AMI</entry></bios></sysinfo><cpu ",
	                 1);

	spec->vcpus = 12;
	plan12 = dkvm_test_plan(host, spec);
	out = dkvm_domain_apply_xml(edited->str, spec, plan12, host, &error);
	g_assert_no_error(error);
	again = dkvm_domain_apply_xml(out, spec, plan12, host, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(again, ==, out);

	before = strip_owned(edited->str);
	after = strip_owned(out);
	g_assert_cmpstr(after, ==, before);
	g_assert_cmpuint(count(out, "/domain/cputune/vcpupin"), ==, 12);
	g_assert_cmpuint(count(out, "/domain/devices/disk[alias/@name='ua-dkvm-disk0']/boot"), ==,
	                 1);
	g_assert_cmpuint(
	        count(out,
	              "/domain/devices/disk[alias/@name='ua-dkvm-disk0']/address[@bus='0x04']"),
	        ==, 1);
	g_assert_cmpuint(count(out, "/domain/devices/interface/mac[@address='52:54:00:12:34:56']"),
	                 ==, 1);
	g_assert_cmpuint(count(out, "/domain/devices/interface/driver[@queues='8']"), ==, 1);
	g_assert_cmpuint(count(out, "/domain/devices/disk[source/@file='/srv/extra.img']"), ==, 1);
	g_assert_cmpuint(count(out, "/domain/qemu:commandline"), ==, 1);
}

/* The MMIO window's two -fw_cfg arguments are DKVM's alone: a person's own
 * <qemu:commandline> arguments beside them stay when the large-BAR card goes,
 * and without any DKVM's own <qemu:commandline> goes too. Looking Glass:
 * turned off, DKVM's <shmem> goes and VNC with it (a GPU is the display
 * again). */
static void
test_fwcfg_and_looking_glass_edits(void)
{
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(DkvmPlan) plan = NULL;
	g_autoptr(DkvmHostFacts) host = NULL;
	g_autofree gchar *xml = NULL;
	g_autofree gchar *hand = NULL;
	g_autofree gchar *no_gpu = NULL;
	g_autofree gchar *no_gpu_hand = NULL;
	g_autofree gchar *again = NULL;
	g_autofree gchar *no_lg = NULL;
	g_autoptr(DkvmSpec) back = NULL;
	g_autoptr(DkvmPlan) plain_plan = NULL;
	g_autoptr(DkvmPlan) no_lg_plan = NULL;
	g_autoptr(GError) error = NULL;
	const DkvmDomainCase *c = dkvm_domain_cases;
	GString *edited;

	while (g_strcmp0(c->name, "win11-rebar-lg") != 0)
		c++;
	xml = dkvm_test_create(c, &spec, &plan, &host);
	g_assert_cmpuint(count(xml, "/domain/qemu:commandline/qemu:arg[@value='-fw_cfg']"), ==, 1);
	g_assert_cmpuint(count(xml, "/domain/qemu:commandline/qemu:arg"
	                            "[@value='name=opt/ovmf/X-PciMmio64Mb,string=65536']"),
	                 ==, 1);
	g_assert_cmpuint(count(xml, "/domain/sysinfo"), ==, 0);
	/* applied again: the same two arguments, not two more */
	again = dkvm_domain_apply_xml(xml, spec, plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(again, ==, xml);
	back = dkvm_domain_read_spec(xml, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(back->looking_glass_width, ==, 2560);
	g_assert_cmpuint(back->looking_glass_height, ==, 1440);

	/* a person's own argument beside DKVM's */
	edited = g_string_new(xml);
	g_string_replace(edited, "<qemu:arg value=\"-fw_cfg\"/>",
	                 "<qemu:arg value=\"-no-user-config\"/><qemu:arg value=\"-fw_cfg\"/>", 1);
	hand = g_string_free(edited, FALSE);

	g_ptr_array_set_size(spec->pci, 0);
	plain_plan = dkvm_test_plan(host, spec);
	g_assert_cmpuint(plain_plan->passthrough->mmio64_mb, ==, 0);
	no_gpu = dkvm_domain_apply_xml(xml, spec, plain_plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(count(no_gpu, "/domain/qemu:commandline"), ==, 0);
	no_gpu_hand = dkvm_domain_apply_xml(hand, spec, plain_plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(count(no_gpu_hand, "/domain/qemu:commandline/qemu:arg"), ==, 1);
	g_assert_cmpuint(
	        count(no_gpu_hand, "/domain/qemu:commandline/qemu:arg[@value='-no-user-config']"),
	        ==, 1);

	/* Looking Glass off, GPU kept: DKVM's shmem and the setup VNC go */
	g_ptr_array_add(spec->pci, dkvm_pci_selection_new("0000:01:00.0"));
	spec->looking_glass_width = 0;
	spec->looking_glass_height = 0;
	no_lg_plan = dkvm_test_plan(host, spec);
	no_lg = dkvm_domain_apply_xml(xml, spec, no_lg_plan, host, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(count(no_lg, "/domain/devices/shmem"), ==, 0);
	g_assert_cmpuint(count(no_lg, "/domain/devices/graphics"), ==, 0);
	g_assert_cmpuint(count(no_lg, "/domain/devices/video/model[@type='none']"), ==, 1);
	g_assert_cmpuint(count(no_lg, "/domain/metadata/dkvm:vm/dkvm:looking-glass"), ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/domain-edits/owned-rows-exercised", test_owned_rows_exercised);
	g_test_add_func("/domain-edits/preserve-handmade", test_preserve_handmade);
	g_test_add_func("/domain-edits/rewrite-handmade-numa", test_rewrite_handmade_numa);
	g_test_add_func("/domain-edits/preserve-after-edit", test_preserve_after_edit);
	g_test_add_func("/domain-edits/fwcfg-and-looking-glass",
	                test_fwcfg_and_looking_glass_edits);
	return g_test_run();
}
