/*
 * A VM's backup bundle (vm-bundle.h): written from a staging folder that
 * holds exactly what goes in, and read back into one, so the copying into
 * libvirt's places is the same code as the import of the original DKVM's
 * folders (vm-state-define.c).
 */
#include "vm-bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "dkvm-config.h"
#include "dkvm-error.h"
#include "domain-xml-read.h"
#include "file-copy.h"
#include "file-read.h"
#include "quote.h"
#include "string-order.h"
#include "virt-domain.h"
#include "virt-state.h"
#include "vm-common.h"
#include "vm-state-define.h"

#define MANIFEST      "dkvm-bundle.ini"
#define DOMAIN_FILE   "domain.xml"
#define NVRAM_FILE    "nvram.fd"
#define TPM_DIR       "tpm"
#define BUNDLE_FORMAT 1
/* An OVMF variable store is at most 4 MiB, swtpm's state some KiB, a domain
 * file well under virsh's 10 MiB: a bundle past this is not DKVM's. */
#define MAX_BUNDLE_BYTES   (G_GUINT64_CONSTANT(64) << 20)
#define MAX_BUNDLE_ENTRIES 1000

typedef struct archive DkvmArchive;
typedef struct archive_entry DkvmArchiveEntry;
/* archive_free() is libarchive's one freer for readers and writers */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmArchive, archive_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmArchiveEntry, archive_entry_free)

void
dkvm_vm_bundle_free(DkvmVmBundle *self)
{
	if (self == NULL)
		return;
	g_free(self->vm_name);
	g_free(self->path);
	g_free(self->nvram_to);
	g_free(self->tpm_to);
	g_clear_error(&self->not_saved);
	g_free(self);
}

/* A staging folder, removed with everything in it when it goes out of scope. */
typedef gchar DkvmStagingDir;
static void
staging_dir_remove(DkvmStagingDir *path)
{
	dkvm_dir_remove(path);
	g_free(path);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DkvmStagingDir, staging_dir_remove)

static DkvmStagingDir *
staging_dir_new(GError **error)
{
	g_autoptr(GError) local_error = NULL;
	gchar *dir = g_dir_make_tmp("dkvm-bundle-XXXXXX", &local_error);

	if (dir == NULL)
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot make a staging folder: %s",
		            local_error->message);
	return dir;
}

/* The relative paths of the regular files under @root/@rel, sorted. */
static gboolean
list_files(const gchar *root, const gchar *rel, GPtrArray *out, GError **error)
{
	g_autofree gchar *dir_path = g_build_filename(root, rel, NULL);
	g_autoptr(GError) local_error = NULL;
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, &local_error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	if (dir == NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read %s: %s", dir_path,
		            local_error->message);
		return FALSE;
	}
	while ((name = g_dir_read_name(dir)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, dkvm_compare_strings);
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *child = *rel != '\0'
		                                  ? g_build_filename(rel, names->pdata[i], NULL)
		                                  : g_strdup(names->pdata[i]);
		g_autofree gchar *full = g_build_filename(root, child, NULL);

		if (g_file_test(full, G_FILE_TEST_IS_DIR)) {
			if (!list_files(root, child, out, error))
				return FALSE;
		} else
			g_ptr_array_add(out, g_steal_pointer(&child));
	}
	return TRUE;
}

static gchar *
file_sha256(const gchar *path, GError **error)
{
	g_autofree gchar *data = NULL;
	gsize length = 0;
	g_autoptr(GError) local_error = NULL;

	if (!g_file_get_contents(path, &data, &length, &local_error)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read %s: %s", path,
		            local_error->message);
		return NULL;
	}
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, length);
}

/* ---- export ---- */

static gboolean
write_manifest(const gchar *staging, const gchar *name, const gchar *uuid, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *path = g_build_filename(staging, MANIFEST, NULL);
	g_autofree gchar *data = NULL;
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree gchar *created = g_date_time_format_iso8601(now);

	if (!list_files(staging, "", files, error))
		return FALSE;
	g_key_file_set_integer(kf, "bundle", "format", BUNDLE_FORMAT);
	g_key_file_set_string(kf, "bundle", "name", name);
	g_key_file_set_string(kf, "bundle", "uuid", uuid);
	g_key_file_set_string(kf, "bundle", "dkvm", DKVM_VERSION);
	g_key_file_set_string(kf, "bundle", "created", created);
	for (guint i = 0; i < files->len; i++) {
		const gchar *rel = files->pdata[i];
		g_autofree gchar *full = g_build_filename(staging, rel, NULL);
		g_autofree gchar *sum = file_sha256(full, error);

		if (sum == NULL)
			return FALSE;
		g_key_file_set_string(kf, "sha256", rel, sum);
	}
	data = g_key_file_to_data(kf, NULL, NULL);
	if (!g_file_set_contents(path, data, -1, NULL)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s", path);
		return FALSE;
	}
	return TRUE;
}

static gboolean
archive_failed(DkvmArchive *ar, const gchar *what, const gchar *path, GError **error)
{
	gint saved = archive_errno(ar);

	g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot %s %s: %s", what, path,
	            saved > 0 ? g_strerror(saved) : archive_error_string(ar));
	return FALSE;
}

static gboolean
add_file(DkvmArchive *ar, const gchar *staging, const gchar *rel, const gchar *out, GError **error)
{
	g_autofree gchar *full = g_build_filename(staging, rel, NULL);
	g_autofree gchar *data = NULL;
	gsize length = 0;
	g_autoptr(DkvmArchiveEntry) entry = archive_entry_new();

	if (!g_file_get_contents(full, &data, &length, NULL)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot read %s", full);
		return FALSE;
	}
	archive_entry_set_pathname(entry, rel);
	archive_entry_set_filetype(entry, AE_IFREG);
	archive_entry_set_perm(entry, 0600);
	archive_entry_set_size(entry, (la_int64_t)length);
	archive_entry_set_mtime(entry, g_get_real_time() / G_USEC_PER_SEC, 0);
	if (archive_write_header(ar, entry) != ARCHIVE_OK ||
	    (length > 0 && archive_write_data(ar, data, length) != (la_ssize_t)length))
		return archive_failed(ar, "write", out, error);
	return TRUE;
}

/* Packs the files under @staging (the manifest first) into the new file @out. */
static gboolean
pack(const gchar *staging, const gchar *out, GError **error)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *dir = g_path_get_dirname(out);
	g_autofree gchar *tmp = NULL;
	gboolean ok = TRUE;

	if (!list_files(staging, "", files, error))
		return FALSE;
	{
		g_autofree gchar *base = g_path_get_basename(out);
		g_autofree gchar *tmp_name = g_strdup_printf(".%s.XXXXXX", base);
		gint fd;

		tmp = g_build_filename(dir, tmp_name, NULL);
		fd = g_mkstemp_full(tmp, O_WRONLY, 0600);
		if (fd < 0) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s: %s", out,
			            g_strerror(errno));
			return FALSE;
		}
		{
			g_autoptr(DkvmArchive) ar = archive_write_new();

			if (archive_write_add_filter_gzip(ar) != ARCHIVE_OK ||
			    archive_write_set_format_pax_restricted(ar) != ARCHIVE_OK ||
			    archive_write_open_fd(ar, fd) != ARCHIVE_OK)
				ok = archive_failed(ar, "write", out, error);
			if (ok)
				ok = add_file(ar, staging, MANIFEST, out, error);
			for (guint i = 0; ok && i < files->len; i++) {
				if (g_strcmp0(files->pdata[i], MANIFEST) != 0)
					ok = add_file(ar, staging, files->pdata[i], out, error);
			}
			if (ok && archive_write_close(ar) != ARCHIVE_OK)
				ok = archive_failed(ar, "write", out, error);
		}
		if (ok && fsync(fd) != 0) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s: %s", out,
			            g_strerror(errno));
			ok = FALSE;
		}
		close(fd);
	}
	/* link() refuses an existing name, where rename() would replace it */
	if (ok && link(tmp, out) != 0) {
		g_set_error(error, DKVM_ERROR, errno == EEXIST ? DKVM_ERROR_INVALID : DKVM_ERROR_IO,
		            "cannot write %s: %s", out, g_strerror(errno));
		ok = FALSE;
	}
	g_unlink(tmp);
	return ok;
}

static gchar *
bundle_path(const gchar *output, const gchar *name)
{
	g_autofree gchar *file = g_strdup_printf("%s.dkvm.tar.gz", name);

	if (output == NULL)
		return g_steal_pointer(&file);
	if (g_file_test(output, G_FILE_TEST_IS_DIR))
		return g_build_filename(output, file, NULL);
	return g_strdup(output);
}

DkvmVmBundle *
dkvm_vm_export_bundle(DkvmApp *app, const gchar *name, const gchar *output, GError **error)
{
	g_autoptr(virDomain) dom = dkvm_vm_lookup(app, name, error);
	g_autoptr(DkvmVmBundle) bundle = g_new0(DkvmVmBundle, 1);
	g_autoptr(DkvmDomainXml) parsed = NULL;
	g_autoptr(DkvmStagingDir) staging = NULL;
	g_autofree gchar *xml = NULL;
	g_autofree gchar *default_nvram = NULL;
	g_autofree gchar *tpm_dir = NULL;
	g_autofree gchar *domain_path = NULL;
	const gchar *nvram;
	gint state = VIR_DOMAIN_NOSTATE;

	if (dom == NULL || !dkvm_virt_domain_get_state(dom, &state, error))
		return NULL;
	bundle->vm_name = g_strdup(virDomainGetName(dom));
	if (state != VIR_DOMAIN_SHUTOFF) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "cannot export VM '%s': it is %s, and its NVRAM and TPM state change "
		            "while it runs\nhint: shut it down first (`dkvm vm stop %s`)",
		            bundle->vm_name, dkvm_virt_state_to_string(state), bundle->vm_name);
		return NULL;
	}
	xml = dkvm_virt_domain_get_xml(dom, error);
	if (xml == NULL)
		return NULL;
	parsed = dkvm_domain_xml_parse(xml, error);
	if (parsed == NULL)
		return NULL;
	bundle->path = bundle_path(output, bundle->vm_name);
	if (g_file_test(bundle->path, G_FILE_TEST_EXISTS)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID,
		            "cannot export VM '%s': %s exists (a bundle is never overwritten)",
		            bundle->vm_name, bundle->path);
		return NULL;
	}
	dkvm_virt_state_paths(virDomainGetConnect(dom), bundle->vm_name, parsed->uuid,
	                      &default_nvram, &tpm_dir);
	nvram = parsed->nvram != NULL ? parsed->nvram : default_nvram;

	staging = staging_dir_new(error);
	if (staging == NULL)
		return NULL;
	domain_path = g_build_filename(staging, DOMAIN_FILE, NULL);
	if (!g_file_set_contents(domain_path, xml, -1, NULL)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s", domain_path);
		return NULL;
	}
	if (nvram != NULL && g_file_test(nvram, G_FILE_TEST_IS_REGULAR)) {
		g_autofree gchar *to = g_build_filename(staging, NVRAM_FILE, NULL);
		if (!dkvm_file_copy(nvram, to, error))
			return NULL;
		bundle->nvram = TRUE;
	}
	if (tpm_dir != NULL && g_file_test(tpm_dir, G_FILE_TEST_IS_DIR)) {
		g_autofree gchar *to = g_build_filename(staging, TPM_DIR, NULL);
		if (!dkvm_dir_copy(tpm_dir, to, error))
			return NULL;
		bundle->tpm = TRUE;
	}
	if (!write_manifest(staging, bundle->vm_name, parsed->uuid, error) ||
	    !pack(staging, bundle->path, error)) {
		g_prefix_error(error, "cannot export VM '%s': ", bundle->vm_name);
		return NULL;
	}
	return g_steal_pointer(&bundle);
}

/* ---- import ---- */

/* Only DKVM's own names: the manifest, the domain file, the NVRAM file, and
 * plain names under tpm/ (no "..", no absolute path, no other place). */
static gboolean
allowed_path(const gchar *path, gboolean is_dir)
{
	g_auto(GStrv) parts = NULL;

	if (!is_dir && (g_strcmp0(path, MANIFEST) == 0 || g_strcmp0(path, DOMAIN_FILE) == 0 ||
	                g_strcmp0(path, NVRAM_FILE) == 0))
		return TRUE;
	parts = g_strsplit(path, "/", -1);
	if (g_strcmp0(parts[0], TPM_DIR) != 0)
		return FALSE;
	for (guint i = 1; parts[i] != NULL; i++) {
		const gchar *p = parts[i];
		if (*p == '\0') /* "tpm/" of a folder entry, or "a//b" */
			return is_dir && parts[i + 1] == NULL;
		if (g_strcmp0(p, ".") == 0 || g_strcmp0(p, "..") == 0)
			return FALSE;
		for (const gchar *c = p; *c != '\0'; c++) {
			if (!g_ascii_isalnum(*c) && *c != '.' && *c != '_' && *c != '-')
				return FALSE;
		}
	}
	return parts[1] != NULL || is_dir;
}

static gboolean bad_bundle(const gchar *path, GError **error, const gchar *format, ...)
        G_GNUC_PRINTF(3, 4);

static gboolean
bad_bundle(const gchar *path, GError **error, const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *why = NULL;

	va_start(args, format);
	why = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INVALID, "%s is not a DKVM bundle: %s", path,
	            why);
	return FALSE;
}

static gboolean
write_new_file(const gchar *path, const gchar *data, gsize length, GError **error)
{
	gint fd = g_open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	gsize done = 0;

	if (fd < 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s: %s", path,
		            g_strerror(errno));
		return FALSE;
	}
	while (done < length) {
		gssize n = write(fd, data + done, length - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot write %s: %s", path,
			            g_strerror(errno));
			close(fd);
			return FALSE;
		}
		done += (gsize)n;
	}
	close(fd);
	return TRUE;
}

/* Unpacks bundle @path into @staging: regular files and folders under
 * DKVM's names only, within the size and entry caps. The bundle itself is
 * read by the project's reader of regular files (a FIFO or a device is
 * refused before any read). */
static gboolean
unpack(const gchar *path, const gchar *staging, GError **error)
{
	g_autoptr(DkvmArchive) ar = archive_read_new();
	g_autoptr(GError) read_error = NULL;
	g_autofree gchar *bytes = NULL;
	struct archive_entry *entry;
	guint64 total = 0;
	guint entries = 0;
	gsize length = 0;
	gint r;

	bytes = dkvm_file_read_regular(path, MAX_BUNDLE_BYTES, &length, &read_error);
	if (bytes == NULL) {
		if (g_error_matches(read_error, DKVM_ERROR, DKVM_ERROR_INVALID))
			return bad_bundle(path, error, "%s", read_error->message);
		g_set_error(error, DKVM_ERROR, read_error->code, "cannot read %s: %s", path,
		            read_error->message);
		return FALSE;
	}
	archive_read_support_filter_gzip(ar);
	archive_read_support_format_tar(ar);
	if (archive_read_open_memory(ar, bytes, length) != ARCHIVE_OK)
		return bad_bundle(path, error, "%s", archive_error_string(ar));
	while ((r = archive_read_next_header(ar, &entry)) == ARCHIVE_OK) {
		const gchar *name = archive_entry_pathname(entry);
		gboolean is_dir = archive_entry_filetype(entry) == AE_IFDIR;
		la_int64_t size = archive_entry_size(entry);
		g_autofree gchar *to = NULL;
		g_autofree gchar *parent = NULL;
		g_autofree gchar *data = NULL;

		if (++entries > MAX_BUNDLE_ENTRIES)
			return bad_bundle(path, error, "more than %d entries", MAX_BUNDLE_ENTRIES);
		if (name == NULL || (!is_dir && archive_entry_filetype(entry) != AE_IFREG) ||
		    !allowed_path(name, is_dir)) {
			g_autofree gchar *shown = dkvm_quote(name != NULL ? name : "");
			return bad_bundle(path, error, "unexpected entry '%s'", shown);
		}
		to = g_build_filename(staging, name, NULL);
		parent = is_dir ? g_strdup(to) : g_path_get_dirname(to);
		if (g_mkdir_with_parents(parent, 0700) != 0) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_IO, "cannot create %s: %s",
			            parent, g_strerror(errno));
			return FALSE;
		}
		if (is_dir)
			continue;
		if (size < 0 || (guint64)size > MAX_BUNDLE_BYTES - total)
			return bad_bundle(path, error, "larger than %" G_GUINT64_FORMAT " MiB",
			                  MAX_BUNDLE_BYTES >> 20);
		total += (guint64)size;
		data = g_malloc(size > 0 ? (gsize)size : 1);
		if (size > 0 && archive_read_data(ar, data, (gsize)size) != size)
			return bad_bundle(path, error, "%s is cut short", name);
		if (!write_new_file(to, data, (gsize)size, error))
			return FALSE;
	}
	if (r != ARCHIVE_EOF)
		return bad_bundle(path, error, "%s", archive_error_string(ar));
	return TRUE;
}

/* Checks the manifest against the unpacked files: every file listed, with
 * its sum, and none besides. Gives the VM's name. */
static gboolean
check_manifest(const gchar *path, const gchar *staging, gchar **out_name, GError **error)
{
	g_autofree gchar *manifest = g_build_filename(staging, MANIFEST, NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) listed = NULL;
	gint format;

	if (!g_key_file_load_from_file(kf, manifest, G_KEY_FILE_NONE, NULL))
		return bad_bundle(path, error, "no readable %s", MANIFEST);
	format = g_key_file_get_integer(kf, "bundle", "format", NULL);
	if (format != BUNDLE_FORMAT)
		return bad_bundle(path, error, "format %d (this dkvm reads format %d)", format,
		                  BUNDLE_FORMAT);
	*out_name = g_key_file_get_string(kf, "bundle", "name", NULL);
	if (*out_name == NULL)
		return bad_bundle(path, error, "%s names no VM", MANIFEST);
	if (!list_files(staging, "", files, error))
		return FALSE;
	listed = g_key_file_get_keys(kf, "sha256", NULL, NULL);
	if (listed == NULL || !g_strv_contains((const gchar *const *)listed, DOMAIN_FILE))
		return bad_bundle(path, error, "no %s", DOMAIN_FILE);
	for (guint i = 0; listed[i] != NULL; i++) {
		g_autofree gchar *want = g_key_file_get_string(kf, "sha256", listed[i], NULL);
		g_autofree gchar *full = NULL;
		g_autofree gchar *got = NULL;

		if (!allowed_path(listed[i], FALSE))
			return bad_bundle(path, error, "the manifest lists '%s'", listed[i]);
		full = g_build_filename(staging, listed[i], NULL);
		if (!g_file_test(full, G_FILE_TEST_IS_REGULAR))
			return bad_bundle(path, error, "%s is missing", listed[i]);
		got = file_sha256(full, error);
		if (got == NULL)
			return FALSE;
		if (g_strcmp0(got, want) != 0)
			return bad_bundle(path, error, "%s does not match its sha256 (damaged?)",
			                  listed[i]);
	}
	for (guint i = 0; i < files->len; i++) {
		const gchar *rel = files->pdata[i];
		if (g_strcmp0(rel, MANIFEST) != 0 &&
		    !g_strv_contains((const gchar *const *)listed, rel))
			return bad_bundle(path, error, "%s is not in the manifest", rel);
	}
	return TRUE;
}

DkvmVmBundle *
dkvm_vm_import_bundle(DkvmApp *app, const gchar *path, GError **error)
{
	g_autoptr(DkvmVmBundle) bundle = g_new0(DkvmVmBundle, 1);
	g_autoptr(DkvmStagingDir) staging = staging_dir_new(error);
	g_autoptr(DkvmDomainXml) parsed = NULL;
	g_autoptr(GError) lookup_error = NULL;
	g_autoptr(virDomain) existing = NULL;
	g_autofree gchar *manifest_name = NULL;
	g_autofree gchar *xml = NULL;
	g_autofree gchar *domain_path = NULL;
	g_autofree gchar *nvram_src = NULL;
	g_autofree gchar *tpm_src = NULL;
	g_autofree gchar *default_nvram = NULL;
	virConnectPtr conn;

	if (staging == NULL)
		return NULL;
	bundle->path = g_strdup(path);
	if (!unpack(path, staging, error) || !check_manifest(path, staging, &manifest_name, error))
		return NULL;
	domain_path = g_build_filename(staging, DOMAIN_FILE, NULL);
	if (!g_file_get_contents(domain_path, &xml, NULL, NULL)) {
		bad_bundle(path, error, "%s cannot be read", DOMAIN_FILE);
		return NULL;
	}
	parsed = dkvm_domain_xml_parse(xml, error);
	if (parsed == NULL) {
		g_prefix_error(error, "%s: %s: ", path, DOMAIN_FILE);
		return NULL;
	}
	if (g_strcmp0(parsed->name, manifest_name) != 0) {
		bad_bundle(path, error, "its manifest names VM '%s', its domain '%s'",
		           manifest_name, parsed->name);
		return NULL;
	}
	bundle->vm_name = g_strdup(parsed->name);
	existing = dkvm_vm_lookup(app, bundle->vm_name, &lookup_error);
	if (existing != NULL) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "cannot import %s: a VM named '%s' exists (its NVRAM and TPM state "
		            "are never replaced)\nhint: delete it first (`dkvm vm delete %s`) if "
		            "the bundle is to replace it",
		            path, bundle->vm_name, bundle->vm_name);
		return NULL;
	}
	if (!g_error_matches(lookup_error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND)) {
		g_propagate_error(error, g_steal_pointer(&lookup_error));
		return NULL;
	}
	conn = dkvm_app_get_connection(app, error);
	if (conn == NULL)
		return NULL;
	nvram_src = g_build_filename(staging, NVRAM_FILE, NULL);
	tpm_src = g_build_filename(staging, TPM_DIR, NULL);
	bundle->nvram = g_file_test(nvram_src, G_FILE_TEST_IS_REGULAR);
	bundle->tpm = g_file_test(tpm_src, G_FILE_TEST_IS_DIR);
	if (!dkvm_virt_state_paths(conn, bundle->vm_name, parsed->uuid, &default_nvram,
	                           &bundle->tpm_to) &&
	    (bundle->nvram || bundle->tpm)) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_REFUSED,
		            "cannot import %s: it carries NVRAM or TPM state, and this connection "
		            "(%s) keeps no state files on this host",
		            path, dkvm_app_get_connect_uri(app));
		return NULL;
	}
	if (bundle->nvram)
		bundle->nvram_to = g_strdup(parsed->nvram != NULL ? parsed->nvram : default_nvram);
	if (!bundle->tpm)
		g_clear_pointer(&bundle->tpm_to, g_free);
	if (!dkvm_vm_define_with_state(app, xml, bundle->nvram ? nvram_src : NULL, bundle->nvram_to,
	                               bundle->tpm ? tpm_src : NULL, bundle->tpm_to, error)) {
		g_prefix_error(error, "cannot import %s: ", path);
		return NULL;
	}
	dkvm_vm_persist(app, &bundle->not_saved);
	return g_steal_pointer(&bundle);
}
