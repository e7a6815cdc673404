#!/bin/sh
# The reference for `dkvm host --json`: what a shell menu runs to draw the same
# picture of the host (the original bash DKVM did this): lspci -nnk for the PCI
# devices with names and drivers, lsusb for USB, and cat of the CPU topology,
# cache, NUMA, hugepage and IOMMU files. Run under umockdev-wrapper on the same
# fixture as dkvm, in the same benchmark run.
lspci -nnk >/dev/null 2>&1
lsusb >/dev/null 2>&1
cat /proc/cpuinfo /proc/meminfo /proc/cmdline >/dev/null
for c in /sys/devices/system/cpu/cpu[0-9]*; do
    cat "$c/topology/physical_package_id" "$c/topology/die_id" "$c/topology/core_id" \
        "$c/topology/thread_siblings_list" "$c/cache/index3/shared_cpu_list" \
        "$c/cache/index3/size" 2>/dev/null
done >/dev/null
cat /sys/devices/system/node/node*/cpulist /sys/devices/system/node/node*/meminfo \
    /sys/kernel/mm/hugepages/*/nr_hugepages /sys/kernel/mm/hugepages/*/free_hugepages \
    /sys/devices/cpu_core/cpus /sys/devices/cpu_atom/cpus >/dev/null 2>&1
for g in /sys/kernel/iommu_groups/*; do
    ls "$g/devices"
done >/dev/null 2>&1
exit 0
