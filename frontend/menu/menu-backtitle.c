/*
 * The backtitle (menu-backtitle.h): "DKVM 0.1.0 on gamer (192.168.1.20,
 * fd00::20)". Addresses come from getifaddrs(): IPv4 first, then global
 * IPv6; loopback and link-local addresses cannot be reached from another
 * machine and are left out.
 */
#include "menu-backtitle.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

static gboolean
reachable(const struct ifaddrs *ifa)
{
	if (ifa->ifa_addr == NULL || (ifa->ifa_flags & IFF_LOOPBACK) || !(ifa->ifa_flags & IFF_UP))
		return FALSE;
	if (ifa->ifa_addr->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
		return !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_LOOPBACK(a);
	}
	return ifa->ifa_addr->sa_family == AF_INET;
}

static void
add_addresses(GPtrArray *out, const struct ifaddrs *list, gint family)
{
	for (const struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next) {
		gchar text[INET6_ADDRSTRLEN];
		const void *addr;

		if (!reachable(ifa) || ifa->ifa_addr->sa_family != family)
			continue;
		addr = family == AF_INET
		               ? (const void *)&((const struct sockaddr_in *)ifa->ifa_addr)
		                         ->sin_addr
		               : (const void *)&((const struct sockaddr_in6 *)ifa->ifa_addr)
		                         ->sin6_addr;
		if (inet_ntop(family, addr, text, sizeof text) != NULL)
			g_ptr_array_add(out, g_strdup(text));
	}
}

gchar *
dkvm_menu_backtitle_new(void)
{
	g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func(g_free);
	struct ifaddrs *list = NULL;
	g_autofree gchar *joined = NULL;

	if (getifaddrs(&list) == 0) {
		add_addresses(addresses, list, AF_INET);
		add_addresses(addresses, list, AF_INET6);
		freeifaddrs(list);
	}
	g_ptr_array_add(addresses, NULL);
	joined = g_strjoinv(", ", (gchar **)addresses->pdata);
	return g_strdup_printf("DKVM %s on %s (%s)", DKVM_VERSION, g_get_host_name(),
	                       *joined != '\0' ? joined : "no network address");
}
