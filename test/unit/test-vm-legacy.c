/*
 * frontend/vm's import of the original DKVM's data partition, driven as a
 * frontend would, on libvirt's test driver (test:///default, one connection
 * for the run, so a second import sees the first): a preview defines
 * nothing, an import defines every good folder and reports the bad one, a
 * second import changes nothing, and the original's files are never
 * changed. The host is the demo host's JSON. And the byte-for-byte copies
 * of state files (frontend/system/file-copy.c) the import uses on
 * qemu:///system.
 */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "dkvm-error.h"
#include "file-copy.h"
#include "string-order.h"
#include "virt-connection.h"
#include "vm-common.h"
#include "vm-list.h"
#include "vm-legacy-folder.h"
#include "vm-legacy.h"

static gchar *tmpdir;
static gchar *partition;
static DkvmApp *app;
static DkvmHostFacts *host;

/* Every file under @dir with its bytes, to tell that nothing changed. */
static void
snapshot(const gchar *dir, const gchar *rel, GString *out)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, dkvm_compare_strings);
	for (guint i = 0; i < names->len; i++) {
		const gchar *n = g_ptr_array_index(names, i);
		g_autofree gchar *path = g_build_filename(dir, n, NULL);
		g_autofree gchar *sub = g_build_filename(rel, n, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
			g_string_append_printf(out, "%s/\n", sub);
			snapshot(path, sub, out);
		} else {
			g_autofree gchar *data = NULL;
			gsize len = 0;
			g_autofree gchar *sum = NULL;
			g_assert_true(g_file_get_contents(path, &data, &len, NULL));
			sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data,
			                                  len);
			g_string_append_printf(out, "%s %s\n", sub, sum);
		}
	}
}

static gchar *
snapshot_of(const gchar *dir)
{
	GString *out = g_string_new(NULL);
	snapshot(dir, "", out);
	return g_string_free(out, FALSE);
}

static void
copy_tree(const gchar *from, const gchar *to)
{
	g_autoptr(GError) error = NULL;
	g_assert_true(dkvm_dir_copy(from, to, &error));
	g_assert_no_error(error);
}

static DkvmVmLegacyImport *
import(gboolean dry_run)
{
	DkvmVmLegacyOptions options = { 0, host, DKVM_VM_HYPERVISOR_NONE, dry_run };
	g_autoptr(GError) error = NULL;
	DkvmVmLegacyImport *result = dkvm_vm_import_legacy(app, partition, &options, &error);

	g_assert_no_error(error);
	g_assert_nonnull(result);
	return result;
}

static const DkvmVmLegacyVm *
vm_at(const DkvmVmLegacyImport *r, guint i)
{
	return g_ptr_array_index(r->vms, i);
}

static gint
domain_count(void)
{
	g_autoptr(GError) error = NULL;
	virConnectPtr conn = dkvm_app_get_connection(app, &error);
	g_assert_no_error(error);
	return virConnectNumOfDefinedDomains(conn) + virConnectNumOfDomains(conn);
}

static gchar *
domain_xml(const gchar *name)
{
	g_autoptr(GError) error = NULL;
	gchar *xml = dkvm_vm_get_xml(app, name, &error);
	g_assert_no_error(error);
	return xml;
}

static gboolean
has_note(const DkvmVmLegacyImport *r, const gchar *note)
{
	for (guint i = 0; i < r->notes->len; i++)
		if (g_strcmp0(g_ptr_array_index(r->notes, i), note) == 0)
			return TRUE;
	return FALSE;
}

static void
test_detect(void)
{
	g_autofree gchar *no_zero =
	        g_build_filename(g_getenv("DKVM_TEST_DATA"), "legacy", "no-zero", NULL);
	g_autoptr(GError) error = NULL;

	g_assert_true(dkvm_vm_legacy_detect(partition));
	g_assert_true(dkvm_vm_legacy_detect(no_zero));
	g_assert_false(dkvm_vm_legacy_detect(tmpdir));
	g_assert_false(dkvm_vm_legacy_detect("/nonexistent"));
	g_assert_null(dkvm_vm_legacy_read(tmpdir, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
}

static void
test_preview(void)
{
	g_autofree gchar *before = snapshot_of(partition);
	g_autofree gchar *after = NULL;
	gint domains = domain_count();
	g_autoptr(DkvmVmLegacyImport) r = import(TRUE);

	g_assert_cmpuint(r->vms->len, ==, 5);
	g_assert_cmpuint(r->failed, ==, 1);
	g_assert_cmpuint(r->existed, ==, 0);
	g_assert_cmpstr(vm_at(r, 0)->vm_name, ==, "Win-11");
	g_assert_cmpstr(vm_at(r, 0)->title, ==, "Win 11");
	g_assert_false(vm_at(r, 0)->defined);
	g_assert_nonnull(strstr(vm_at(r, 0)->xml, "<title>Win 11</title>"));
	g_assert_nonnull(vm_at(r, 0)->plan);
	g_assert_error(vm_at(r, 2)->error, DKVM_ERROR, DKVM_ERROR_INVALID);
	/* the test driver keeps no files: the state is not copied, and a note says so */
	g_assert_null(vm_at(r, 0)->nvram);
	g_assert_null(vm_at(r, 0)->tpm_dir);
	g_assert_true(has_note(r, "NVRAM and TPM state not copied: DKVM puts them where libvirt "
	                          "looks on qemu:///system only"));
	/* HOSTCPU: a preview says that importing keeps it in dkvm.conf */
	g_assert_true(has_note(r, "importing saves reserve=0,8 in dkvm.conf's [host] group"));
	g_assert_cmpint(domain_count(), ==, domains);
	after = snapshot_of(partition);
	g_assert_cmpstr(after, ==, before);
}

static void
test_import_twice(void)
{
	g_autofree gchar *before = snapshot_of(partition);
	g_autofree gchar *after = NULL;
	g_autofree gchar *xml_first = NULL;
	g_autofree gchar *xml_second = NULL;
	gint domains = domain_count();
	g_autoptr(DkvmVmLegacyImport) first = import(FALSE);
	g_autoptr(DkvmVmLegacyImport) second = NULL;
	g_autofree gchar *conf = NULL;

	g_assert_cmpuint(first->failed, ==, 1);
	g_assert_cmpuint(first->existed, ==, 0);
	g_assert_no_error(first->not_saved);
	for (guint i = 0; i < 5; i++)
		g_assert_cmpint(vm_at(first, i)->defined, ==, i != 2);
	g_assert_cmpint(domain_count(), ==, domains + 4);
	/* HOSTCPU is the host's reserve from now on */
	g_assert_true(has_note(first, "reserve=0,8 saved in dkvm.conf's [host] group"));
	g_assert_true(g_file_get_contents(app->config_path, &conf, NULL, NULL));
	g_assert_nonnull(strstr(conf, "reserve=0,8\n"));
	g_assert_true(g_strcmp0(dkvm_vm_legacy_import_first_error(first)->message,
	                        vm_at(first, 2)->error->message) == 0);
	xml_first = domain_xml("Win-11");
	g_assert_nonnull(strstr(xml_first, "<title>Win 11</title>"));
	g_assert_nonnull(strstr(xml_first, "address='0.0.0.0'"));

	/* the second import leaves every VM alone and reports them */
	second = import(FALSE);
	g_assert_cmpuint(second->existed, ==, 4);
	g_assert_cmpuint(second->failed, ==, 1);
	for (guint i = 0; i < 5; i++) {
		g_assert_false(vm_at(second, i)->defined);
		g_assert_cmpint(vm_at(second, i)->existed, ==, i != 2);
	}
	g_assert_cmpint(domain_count(), ==, domains + 4);
	xml_second = domain_xml("Win-11");
	g_assert_cmpstr(xml_second, ==, xml_first);
	after = snapshot_of(partition);
	g_assert_cmpstr(after, ==, before);
}

static void
test_not_a_partition(void)
{
	g_autoptr(GError) error = NULL;
	g_assert_null(dkvm_vm_import_legacy(app, tmpdir, NULL, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND);
}

static void
test_copy(void)
{
	g_autofree gchar *src = g_build_filename(partition, "0", NULL);
	g_autofree gchar *nvram = g_build_filename(src, "OVMF_VARS.fd", NULL);
	g_autofree gchar *tpm = g_build_filename(src, "tpm", NULL);
	g_autofree gchar *nvram_to = g_build_filename(tmpdir, "state", "nvram", "x_VARS.fd", NULL);
	g_autofree gchar *tpm_to = g_build_filename(tmpdir, "state", "swtpm", "uuid", "tpm2", NULL);
	g_autofree gchar *a = NULL;
	g_autofree gchar *b = NULL;
	g_autofree gchar *tpm_before = snapshot_of(tpm);
	g_autofree gchar *tpm_after = NULL;
	g_autoptr(GError) error = NULL;
	gsize alen = 0, blen = 0;
	GStatBuf st;

	g_assert_true(dkvm_file_copy(nvram, nvram_to, &error));
	g_assert_no_error(error);
	g_assert_true(g_file_get_contents(nvram, &a, &alen, NULL));
	g_assert_true(g_file_get_contents(nvram_to, &b, &blen, NULL));
	g_assert_cmpmem(a, alen, b, blen);
	g_assert_cmpint(g_stat(nvram_to, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	/* never over a file that is there */
	g_assert_false(dkvm_file_copy(nvram, nvram_to, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_clear_error(&error);

	g_assert_true(dkvm_dir_copy(tpm, tpm_to, &error));
	g_assert_no_error(error);
	tpm_after = snapshot_of(tpm_to);
	g_assert_cmpstr(tpm_after, ==, tpm_before);
	g_assert_false(dkvm_dir_copy(tpm, tpm_to, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_INVALID);
	g_clear_error(&error);
	/* a source that cannot be read: nothing left behind */
	dkvm_dir_remove(tpm_to);
	g_assert_false(g_file_test(tpm_to, G_FILE_TEST_EXISTS));
	g_assert_false(dkvm_dir_copy("/nonexistent/tpm", tpm_to, &error));
	g_assert_error(error, DKVM_ERROR, DKVM_ERROR_IO);
	g_assert_false(g_file_test(tpm_to, G_FILE_TEST_EXISTS));
}

int
main(int argc, char **argv)
{
	g_autofree gchar *source = NULL;
	g_autofree gchar *json = NULL;
	g_autofree gchar *json_path = NULL;
	gint rc;

	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("dkvm-legacy-XXXXXX", NULL);
	g_assert_nonnull(tmpdir);
	/* a copy: the test driver is in-process, but the check that the
	 * original's files stay untouched must not depend on the source tree */
	source = g_build_filename(g_getenv("DKVM_TEST_DATA"), "legacy", "partition", NULL);
	partition = g_build_filename(tmpdir, "dkvmdata", NULL);
	copy_tree(source, partition);
	json_path = g_build_filename(g_getenv("DKVM_TEST_DATA"), "hosts-json", "demo.json", NULL);
	g_assert_true(g_file_get_contents(json_path, &json, NULL, NULL));
	host = dkvm_host_facts_from_json(json, NULL);
	g_assert_nonnull(host);
	app = dkvm_app_new();
	app->connect_uri = g_strdup("test:///default");
	app->config_path = g_build_filename(tmpdir, "dkvm.conf", NULL);
	app->get_hypervisor = dkvm_vm_get_hypervisor;
	g_assert_true(
	        g_file_set_contents(app->config_path, "[host]\npersist_command=true\n", -1, NULL));
	g_test_add_func("/vm-legacy/detect", test_detect);
	g_test_add_func("/vm-legacy/preview", test_preview);
	g_test_add_func("/vm-legacy/import-twice", test_import_twice);
	g_test_add_func("/vm-legacy/not-a-partition", test_not_a_partition);
	g_test_add_func("/vm-legacy/copy", test_copy);
	rc = g_test_run();
	dkvm_app_free(app);
	dkvm_host_facts_free(host);
	dkvm_dir_remove(tmpdir);
	g_free(partition);
	g_free(tmpdir);
	return rc;
}
