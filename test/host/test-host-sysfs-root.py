#!/usr/bin/env python3
"""One root for host paths: every kernel file host discovery reads hangs from
DKVM_SYSFS_ROOT (default "/"). Run on a fixture tree through DKVM_SYSFS_ROOT
alone (no umockdev), `dkvm host --json` reports the same CPUs, NUMA nodes,
memory, hugepage pools, PCI devices (libpci included) and IOMMU groups as
under umockdev, which redirects the real paths. USB (libudev), the boot
medium found through libudev (a PCI device's host_needed) and /dev/kvm are
not files under the root and are left out of the comparison.

Usage: test-host-sysfs-root.py DKVM HOSTS_DIR"""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

KEYS = ("cpus", "numa_nodes", "l3_groups", "memory", "hugepages", "pci", "iommu_groups",
        "iommu_enabled", "cmdline")


def main():
    dkvm, hosts_dir = sys.argv[1:3]
    names = hostlib.fixture_names(hosts_dir)
    if not names:
        hostlib.fail("no fixture hosts in %s" % hosts_dir)
    errors = []
    for name in names:
        root = os.path.abspath(os.path.join(hosts_dir, name))
        wanted = hostlib.host_json(dkvm, root)
        env = dict(os.environ)
        env.update(hostlib.SAN_ENV)
        env.update({"DKVM_SYSFS_ROOT": root, "LC_ALL": "C"})
        proc = subprocess.run([dkvm, "host", "--json"], env=env, capture_output=True,
                              text=True)
        if proc.returncode != 0:
            errors.append("%s: exit %d: %s" % (name, proc.returncode, proc.stderr))
            continue
        got = json.loads(proc.stdout)
        for report in (got, wanted):
            for dev in report.get("pci", []):
                dev.pop("host_needed", None)
                dev.pop("host_needed_reason", None)
        for key in KEYS:
            if key not in wanted:
                errors.append("%s: no %s in dkvm host --json" % (name, key))
            elif got.get(key) != wanted[key]:
                errors.append("%s: %s differs under DKVM_SYSFS_ROOT" % (name, key))
    if errors:
        hostlib.fail("\n".join(errors))
    print("ok: %d fixture hosts read the same through DKVM_SYSFS_ROOT" % len(names))


if __name__ == "__main__":
    main()
