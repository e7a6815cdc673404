#!/usr/bin/env python3
"""Bad or missing kernel files give a partial report with human notes, never a
crash or an error: a copy of a fixture host is damaged the ways real machines
are (offline CPUs, no cache directories, no IOMMU, no hugepage directories,
cpuinfo without flags, meminfo without MemAvailable, a PCI device without its
class file, one whose vendor file libpci cannot read, no NUMA directory) and `dkvm host` must still answer, saying what
it could not read. A host with no CPU directory at all is the one error.

Usage: test-host-partial.py DKVM HOSTS_DIR"""

import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


def rm(root, rel):
    p = os.path.join(root, rel)
    if os.path.islink(p) or os.path.isfile(p):
        os.remove(p)
    elif os.path.isdir(p):
        shutil.rmtree(p)


def write(root, rel, text):
    with open(os.path.join(root, rel), "w") as f:
        f.write(text)


def damage(root):
    cpu = "sys/devices/system/cpu"
    ncpu = len([n for n in os.listdir(os.path.join(root, cpu)) if re.fullmatch(r"cpu\d+", n)])
    # the two last CPUs go offline: the kernel drops their topology and cache dirs
    for n in (ncpu - 2, ncpu - 1):
        write(root, "%s/cpu%d/online" % (cpu, n), "0\n")
        rm(root, "%s/cpu%d/topology" % (cpu, n))
        rm(root, "%s/cpu%d/cache" % (cpu, n))
    write(root, cpu + "/online", "0-%d\n" % (ncpu - 3))
    # no cache information at all (some VMs and old kernels)
    for n in range(ncpu):
        rm(root, "%s/cpu%d/cache" % (cpu, n))
    # IOMMU off: no groups, no links
    rm(root, "sys/kernel/iommu_groups")
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, "sys/devices")):
        if "iommu_group" in filenames or os.path.islink(os.path.join(dirpath, "iommu_group")):
            os.remove(os.path.join(dirpath, "iommu_group"))
    # no hugepage directories: only /proc/meminfo's default pool is left
    rm(root, "sys/kernel/mm/hugepages")
    # cpuinfo without flags, meminfo without MemAvailable
    with open(os.path.join(root, "proc/cpuinfo")) as f:
        info = f.read()
    write(root, "proc/cpuinfo", "\n".join(l for l in info.splitlines()
                                          if not l.startswith("flags")) + "\n")
    with open(os.path.join(root, "proc/meminfo")) as f:
        mem = f.read()
    write(root, "proc/meminfo", "\n".join(l for l in mem.splitlines()
                                          if not l.startswith("MemAvailable")) + "\n")
    # one PCI device loses its class file
    pci = os.path.join(root, "sys/bus/pci/devices")
    victim = sorted(os.listdir(pci))[-1]
    target = os.path.realpath(os.path.join(pci, victim))
    os.remove(os.path.join(target, "class"))
    # another one's vendor file cannot be read (a directory: EISDIR), which
    # libpci reports through its error callback, the one that must not return
    unreadable = sorted(os.listdir(pci))[-2]
    target = os.path.realpath(os.path.join(pci, unreadable))
    os.remove(os.path.join(target, "vendor"))
    os.mkdir(os.path.join(target, "vendor"))
    # no NUMA directory
    rm(root, "sys/devices/system/node")
    return ncpu, victim, unreadable


def main():
    dkvm, hosts_dir = sys.argv[1:3]
    names = hostlib.fixture_names(hosts_dir)
    if not names:
        hostlib.fail("no fixture hosts in %s" % hosts_dir)
    src = os.path.join(hosts_dir, names[0])
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "partial")
        shutil.copytree(src, root, symlinks=True)
        ncpu, victim, unreadable = damage(root)
        proc = hostlib.run_dkvm(dkvm, root, "host", "--json", check=False)
        check(proc.returncode == 0, "damaged host: exit %d: %s" % (proc.returncode,
                                                                  proc.stderr))
        host = json.loads(proc.stdout) if proc.returncode == 0 else None
        if host is not None:
            notes = "\n".join(host["notes"])
            check(len(host["cpus"]) == ncpu - 2, "offline CPUs are listed")
            check("CPUs %d-%d are offline" % (ncpu - 2, ncpu - 1) in notes,
                  "no note on offline CPUs:\n" + notes)
            check(host["l3_groups"] == [] and all(c["l3"] is None for c in host["cpus"]),
                  "L3 groups without cache info")
            check("no L3 cache information" in notes, "no note on cache info")
            check(not host["iommu_enabled"] and host["iommu_groups"] == [] and
                  all(p["iommu_group"] is None for p in host["pci"]), "IOMMU without groups")
            check("no IOMMU groups" in notes, "no note on the IOMMU")
            check("only the default hugepage pool" in notes, "no note on hugepage dirs")
            check(len([p for p in host["hugepages"] if p["node"] is None]) == 1,
                  "the default pool from /proc/meminfo is missing")
            check("no flags line" in notes, "no note on cpuinfo flags")
            check(not host["virtualization"] and not host["pdpe1gb"], "flags invented")
            check("no MemAvailable" in notes, "no note on MemAvailable")
            check(host["memory"]["available_kib"] > 0, "MemFree does not stand in")
            check("PCI device %s has no class file: skipped" % victim in notes,
                  "no note on the broken PCI device")
            check(victim not in [p["address"] for p in host["pci"]], "broken device listed")
            check(re.search(r"PCI device %s cannot be read \(libpci: .*vendor.*\): skipped"
                            % re.escape(unreadable), notes) is not None,
                  "no note on the unreadable PCI device:\n" + notes)
            check(unreadable not in [p["address"] for p in host["pci"]],
                  "unreadable device listed")
            check(len(host["pci"]) > 0, "devices after the unreadable one are lost")
            check("NUMA nodes are unknown" in notes, "no note on NUMA")
            check(all(c["node"] is None for c in host["cpus"]), "NUMA node invented")
        # the summary says the same in words
        out = hostlib.run_dkvm(dkvm, root, "host", check=False)
        check(out.returncode == 0 and "Notes" in out.stdout and "offline" in out.stdout,
              "summary of the damaged host: %s" % out.stderr)
        # no CPU directory at all is the one error
        rm(root, "sys/devices/system/cpu")
        proc = hostlib.run_dkvm(dkvm, root, "host", "--json", check=False)
        check(proc.returncode == 1, "no CPUs: exit %d" % proc.returncode)
        check(proc.stderr.strip() == "dkvm: reading the CPUs: no CPU found in "
              "/sys/devices/system/cpu", "no CPUs: message %r" % proc.stderr)
        check(proc.stdout == "", "no CPUs: something on stdout")
    for e in errors:
        print("FAIL: " + e)
    if errors:
        return 1
    print("partial report of a damaged %s: ok" % names[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
