/*
 * The domain is read by domains/' reader (never libvirt's parser: these
 * checks also run before a document is defined); a start reads it once and
 * passes the result to each check. Every error names what is
 * missing and what the domain wanted it for, so the user knows which option
 * or element to fix.
 */
#include "virt-preflight.h"

#include <string.h>

#include "dkvm-error.h"
#include "format-size.h"
#include "host-path.h"
#include "hugetlbfs-mounts.h"
#include "virt-connection.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetwork, virNetworkFree)

DkvmVirtLocal
dkvm_virt_connection_local_qemu(virConnectPtr conn)
{
	char *uri = virConnectGetURI(conn);
	g_autoptr(GUri) parsed = NULL;
	DkvmVirtLocal local = DKVM_VIRT_NOT_LOCAL;

	if (uri == NULL)
		return DKVM_VIRT_NOT_LOCAL;
	parsed = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL);
	free(uri);
	if (parsed == NULL)
		return DKVM_VIRT_NOT_LOCAL;
	/* qemu:///system, qemu+unix:///system; qemu+ssh://host/system is remote */
	if (g_strcmp0(g_uri_get_scheme(parsed), "qemu") != 0 &&
	    g_strcmp0(g_uri_get_scheme(parsed), "qemu+unix") != 0)
		return DKVM_VIRT_NOT_LOCAL;
	if (g_uri_get_host(parsed) != NULL && *g_uri_get_host(parsed) != '\0')
		return DKVM_VIRT_NOT_LOCAL;
	if (g_strcmp0(g_uri_get_path(parsed), "/system") == 0)
		local = DKVM_VIRT_LOCAL_SYSTEM;
	else if (g_strcmp0(g_uri_get_path(parsed), "/session") == 0)
		local = DKVM_VIRT_LOCAL_SESSION;
	return local;
}

static gboolean
require_file(const gchar *path, const gchar *what, GError **error)
{
	if (g_file_test(path, G_FILE_TEST_EXISTS))
		return TRUE;
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_NOT_FOUND, "%s does not exist (%s)", path, what);
	return FALSE;
}

static gboolean
check_disks(const DkvmDomainXml *domain, GError **error)
{
	for (guint i = 0; i < domain->disks->len; i++) {
		const DkvmDomainDisk *disk = g_ptr_array_index(domain->disks, i);
		const gboolean block = g_strcmp0(disk->type, "block") == 0;
		g_autofree gchar *what = NULL;

		/* an empty CD-ROM drive, a source that is no local path, or one
		 * libvirt may start without */
		if (disk->source == NULL || disk->optional ||
		    (!block && g_strcmp0(disk->type, "file") != 0))
			continue;
		what = g_strdup_printf(
		        "%s %s%s", g_strcmp0(disk->device, "cdrom") == 0 ? "CD-ROM" : "disk",
		        disk->target != NULL ? disk->target : "", block ? ", a block device" : "");
		if (!require_file(disk->source, what, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
check_all(const GPtrArray *paths, const gchar *what, GError **error)
{
	for (guint i = 0; i < paths->len; i++)
		if (!require_file(g_ptr_array_index(paths, i), what, error))
			return FALSE;
	return TRUE;
}

gboolean
dkvm_virt_preflight_domain_files(const DkvmDomainXml *domain, GError **error)
{
	return check_disks(domain, error) &&
	       check_all(domain->rom_files, "ROM file of a passed-through device", error) &&
	       check_all(domain->evdev_paths, "evdev input device", error);
}

gboolean
dkvm_virt_preflight_files(const gchar *xml, GError **error)
{
	g_autoptr(DkvmDomainXml) domain = dkvm_domain_xml_parse(xml, error);

	return domain != NULL && dkvm_virt_preflight_domain_files(domain, error);
}

gboolean
dkvm_virt_preflight_local_domain_files(virConnectPtr conn, const DkvmDomainXml *domain,
                                       GError **error)
{
	if (dkvm_virt_connection_local_qemu(conn) == DKVM_VIRT_NOT_LOCAL)
		return TRUE;
	return dkvm_virt_preflight_domain_files(domain, error);
}

gboolean
dkvm_virt_preflight_local_files(virConnectPtr conn, const gchar *xml, GError **error)
{
	if (dkvm_virt_connection_local_qemu(conn) == DKVM_VIRT_NOT_LOCAL)
		return TRUE;
	return dkvm_virt_preflight_files(xml, error);
}

gboolean
dkvm_virt_preflight_hugetlbfs(virConnectPtr conn, guint64 page_kib, GError **error)
{
	g_autofree gchar *mount_point = NULL;
	g_autofree gchar *pool_rel = NULL;
	g_autofree gchar *pool = NULL;
	g_autofree gchar *size = NULL;
	g_autofree gchar *hint = NULL;

	if (dkvm_virt_connection_local_qemu(conn) == DKVM_VIRT_NOT_LOCAL)
		return TRUE;
	pool_rel = dkvm_host_hugepage_pool_relpath(page_kib, -1);
	pool = dkvm_host_path(pool_rel);
	if (!g_file_test(pool, G_FILE_TEST_IS_DIR))
		return TRUE;
	if (!dkvm_hugetlbfs_find_mount(page_kib, &mount_point, error))
		return FALSE;
	if (mount_point != NULL)
		return TRUE;
	size = dkvm_format_kib(page_kib);
	hint = dkvm_hugetlbfs_mount_hint(page_kib);
	g_set_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
	            "no hugetlbfs is mounted for %s pages, and QEMU maps the VM's memory from "
	            "one (the hugepage pool was left as it is)\n"
	            "hint: %s, then restart libvirtd (it reads the mounts when it starts)",
	            size, hint);
	return FALSE;
}

/* libvirt's reason for a failed `default` start, plus what usually causes it. */
static void
set_default_network_error(GError **error, const virError *err)
{
	g_autofree gchar *reason = dkvm_virt_error_reason(err);

	g_set_error(
	        error, DKVM_ERROR, DKVM_ERROR_LIBVIRT,
	        "libvirt's network 'default' is inactive and cannot start: %s%s", reason,
	        strstr(reason, "dnsmasq") != NULL
	                ? "\nhint: its NAT needs dnsmasq (Debian: dnsmasq-base, Alpine: dnsmasq)"
	                : "");
}

static gboolean
check_network(virConnectPtr conn, const gchar *name, DkvmVirtNoticeFunc notice, gpointer user_data,
              GError **error)
{
	g_autoptr(virNetwork) net = virNetworkLookupByName(conn, name);
	gint active;

	if (net == NULL) {
		g_autoptr(virError) err = dkvm_virt_save_error();
		g_autofree gchar *what = NULL;
		if (err->code == VIR_ERR_NO_NETWORK) {
			g_set_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
			            "its network '%s' does not exist in libvirt\n"
			            "hint: virsh net-list --all shows the networks",
			            name);
			return FALSE;
		}
		what = g_strdup_printf("cannot look up network '%s'", name);
		dkvm_virt_set_saved_error(error, DKVM_ERROR_LIBVIRT, err, what);
		return FALSE;
	}
	active = virNetworkIsActive(net);
	if (active < 0) {
		g_autofree gchar *what = g_strdup_printf("cannot read network '%s'", name);
		dkvm_virt_set_error(error, DKVM_ERROR_LIBVIRT, what);
		return FALSE;
	}
	if (active == 1)
		return TRUE;
	if (g_strcmp0(name, "default") != 0) {
		g_set_error(error, DKVM_ERROR, DKVM_ERROR_INSUFFICIENT,
		            "its network '%s' is not active\nhint: virsh net-start %s", name, name);
		return FALSE;
	}
	/* libvirt's own NAT network, which virt-install starts too: a VM on it
	 * is what the user asked for, and nothing else depends on it being off */
	if (virNetworkCreate(net) < 0) {
		g_autoptr(virError) err = dkvm_virt_save_error();
		set_default_network_error(error, err);
		return FALSE;
	}
	if (notice != NULL)
		notice("libvirt's network 'default' was inactive: started it", user_data);
	return TRUE;
}

gboolean
dkvm_virt_preflight_domain_networks(virConnectPtr conn, const DkvmDomainXml *domain,
                                    DkvmVirtNoticeFunc notice, gpointer user_data, GError **error)
{
	/* each network once: the reader lists every name once */
	for (guint i = 0; i < domain->networks->len; i++)
		if (!check_network(conn, g_ptr_array_index(domain->networks, i), notice, user_data,
		                   error))
			return FALSE;
	return TRUE;
}

gboolean
dkvm_virt_preflight_networks(virConnectPtr conn, const gchar *xml, DkvmVirtNoticeFunc notice,
                             gpointer user_data, GError **error)
{
	g_autoptr(DkvmDomainXml) domain = dkvm_domain_xml_parse(xml, error);

	return domain != NULL &&
	       dkvm_virt_preflight_domain_networks(conn, domain, notice, user_data, error);
}
