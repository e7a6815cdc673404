/*
 * The x86-64 hugepage sizes DKVM plans with, in KiB (the unit of the kernel's
 * hugepages-<N>kB pools, of /proc/meminfo and of libvirt's <page size>).
 * One place, so that "2048" in a pool path and in a plan mean the same thing.
 */
#pragma once

#define DKVM_PAGE_4K_KIB 4ULL       /* the base page */
#define DKVM_PAGE_2M_KIB 2048ULL    /* 2 MiB */
#define DKVM_PAGE_1G_KIB 1048576ULL /* 1 GiB */
