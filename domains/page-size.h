/*
 * The x86-64 hugepage sizes DKVM plans with, in KiB (the unit of the kernel's
 * hugepages-<N>kB pools, of /proc/meminfo and of libvirt's <page size>).
 * One place, so that "2048" in a pool path and in a plan mean the same thing.
 */
#pragma once

#include <glib.h>

#define DKVM_PAGE_2M_KIB G_GUINT64_CONSTANT(2048)    /* 2 MiB */
#define DKVM_PAGE_1G_KIB G_GUINT64_CONSTANT(1048576) /* 1 GiB */
