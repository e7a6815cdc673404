/*
 * Early binding's choice (domains/early-bind.c) and its mark in DKVM's
 * metadata: which addresses the marked VMs pass through, the unmarked VMs'
 * devices left out, each address once; the mark survives a round trip
 * through the metadata and the spec (vm edit keeps it), and a bad value is
 * refused with the element's name.
 */
#include <glib.h>

#include "domain-metadata.h"
#include "domain-tree.h"
#include "domain-xml.h"
#include "dkvm-error.h"
#include "early-bind.h"

static gchar *
domain(const gchar *name, const gchar *mark, const gchar *const *buses)
{
	g_autoptr(GString) xml = g_string_new(NULL);

	g_string_append_printf(xml, "<domain type='kvm'><name>%s</name>", name);
	if (mark != NULL)
		g_string_append_printf(xml,
		                       "<metadata><dkvm:vm xmlns:dkvm='urn:dkvm:domain:1'>"
		                       "<dkvm:early-bind>%s</dkvm:early-bind></dkvm:vm></metadata>",
		                       mark);
	g_string_append(xml, "<memory unit='KiB'>1048576</memory><devices>");
	for (guint i = 0; buses[i] != NULL; i++)
		g_string_append_printf(xml,
		                       "<hostdev mode='subsystem' type='pci' managed='yes'><source>"
		                       "<address domain='0x0000' bus='%s' slot='0x00' "
		                       "function='0x0'/></source></hostdev>",
		                       buses[i]);
	g_string_append(xml, "</devices></domain>");
	return g_string_free(g_steal_pointer(&xml), FALSE);
}

static DkvmEarlyBindVm *
read_ok(const gchar *xml)
{
	g_autoptr(GError) error = NULL;
	DkvmEarlyBindVm *vm = dkvm_early_bind_read(xml, &error);

	g_assert_no_error(error);
	g_assert_nonnull(vm);
	return vm;
}

static void
test_marked_vms_only(void)
{
	const gchar *win_buses[] = { "0x01", "0x0b", NULL };
	const gchar *other_buses[] = { "0x09", NULL };
	const gchar *shared_buses[] = { "0x01", NULL };
	g_autofree gchar *win = domain("win11", "yes", win_buses);
	g_autofree gchar *other = domain("other", NULL, other_buses);
	g_autofree gchar *off = domain("off", "no", other_buses);
	g_autofree gchar *shared = domain("linux", "yes", shared_buses);
	g_autoptr(GPtrArray) vms =
	        g_ptr_array_new_with_free_func((GDestroyNotify)dkvm_early_bind_vm_free);
	g_autoptr(GPtrArray) addresses = NULL;

	g_ptr_array_add(vms, read_ok(shared));
	g_ptr_array_add(vms, read_ok(other));
	g_ptr_array_add(vms, read_ok(win));
	g_ptr_array_add(vms, read_ok(off));
	g_assert_cmpstr(((DkvmEarlyBindVm *)g_ptr_array_index(vms, 2))->name, ==, "win11");
	g_assert_true(((DkvmEarlyBindVm *)g_ptr_array_index(vms, 2))->marked);
	g_assert_false(((DkvmEarlyBindVm *)g_ptr_array_index(vms, 1))->marked);
	g_assert_false(((DkvmEarlyBindVm *)g_ptr_array_index(vms, 3))->marked);

	addresses = dkvm_early_bind_addresses(vms);
	g_assert_cmpuint(addresses->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(addresses, 0), ==, "0000:01:00.0");
	g_assert_cmpstr(g_ptr_array_index(addresses, 1), ==, "0000:0b:00.0");
}

static void
test_bad_mark_refused(void)
{
	const gchar *buses[] = { "0x01", NULL };
	g_autofree gchar *xml = domain("win11", "maybe", buses);
	g_autoptr(GError) error = NULL;
	g_autoptr(DkvmEarlyBindVm) vm = dkvm_early_bind_read(xml, &error);

	g_assert_null(vm);
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_assert_cmpstr(error->message, ==,
	                "invalid DKVM metadata: <dkvm:early-bind> must be yes or no, not 'maybe'");
	g_clear_error(&error);
	g_assert_null(dkvm_early_bind_read("<domain>", &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
}

static void
test_metadata_round_trip(void)
{
	const gchar *buses[] = { "0x01", NULL };
	g_autofree gchar *xml = domain("win11", "yes", buses);
	g_autoptr(GError) error = NULL;
	g_autoptr(xmlDoc) doc = dkvm_tree_read_domain(xml, &error);
	g_autoptr(DkvmMetadata) meta = NULL;
	g_autoptr(DkvmMetadata) again = NULL;
	g_autoptr(DkvmSpec) spec = NULL;
	g_autoptr(GPtrArray) found = NULL;
	xmlNode *root;

	g_assert_no_error(error);
	root = xmlDocGetRootElement(doc);
	meta = dkvm_metadata_read(root, &error);
	g_assert_no_error(error);
	g_assert_true(meta->early_bind);
	/* unset, it is not written at all: other VMs' XML stays as it was */
	meta->early_bind = FALSE;
	dkvm_metadata_write(meta, root);
	found = dkvm_tree_find(doc, "//dkvm:early-bind");
	g_assert_cmpuint(found->len, ==, 0);
	meta->early_bind = TRUE;
	dkvm_metadata_write(meta, root);
	again = dkvm_metadata_read(root, &error);
	g_assert_no_error(error);
	g_assert_true(again->early_bind);

	/* the spec read back from the domain carries it (vm edit keeps it) */
	spec = dkvm_domain_read_spec(xml, &error);
	g_assert_no_error(error);
	g_assert_true(spec->early_bind);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/early-bind/marked-vms-only", test_marked_vms_only);
	g_test_add_func("/early-bind/bad-mark-refused", test_bad_mark_refused);
	g_test_add_func("/early-bind/metadata-round-trip", test_metadata_round_trip);
	return g_test_run();
}
