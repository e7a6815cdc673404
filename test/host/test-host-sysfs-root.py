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
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

KEYS = ("cpus", "numa_nodes", "l3_groups", "memory", "hugepages", "pci", "iommu_groups",
        "iommu_enabled", "cmdline")


def run_rooted(dkvm, root, *args):
    env = dict(os.environ)
    env.update(hostlib.SAN_ENV)
    env.update({"DKVM_SYSFS_ROOT": root, "LC_ALL": "C"})
    return subprocess.run([dkvm] + list(args), env=env, capture_output=True, text=True)


def comparable(report):
    for dev in report.get("pci", []):
        dev.pop("host_needed", None)
        dev.pop("host_needed_reason", None)
    return {key: report.get(key) for key in KEYS}


def check_capture(dkvm, root, errors):
    """`dkvm host --capture` reads through the root too: the archive, unpacked,
    reads as the tree it came from."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = os.path.join(tmp, "host.tar.gz")
        proc = run_rooted(dkvm, root, "host", "--capture", archive)
        if proc.returncode != 0:
            errors.append("capture: exit %d: %s" % (proc.returncode, proc.stderr))
            return
        unpacked = os.path.join(tmp, "unpacked")
        with tarfile.open(archive) as tar:
            tar.extractall(unpacked)
        before = run_rooted(dkvm, root, "host", "--json")
        after = run_rooted(dkvm, unpacked, "host", "--json")
        if before.returncode != 0 or after.returncode != 0:
            errors.append("capture: host --json failed: %s%s" % (before.stderr, after.stderr))
        elif comparable(json.loads(before.stdout)) != comparable(json.loads(after.stdout)):
            errors.append("capture through DKVM_SYSFS_ROOT does not read back the same")


def main():
    dkvm, hosts_dir = sys.argv[1:3]
    names = hostlib.fixture_names(hosts_dir)
    if not names:
        hostlib.fail("no fixture hosts in %s" % hosts_dir)
    errors = []
    for name in names:
        root = os.path.abspath(os.path.join(hosts_dir, name))
        wanted = hostlib.host_json(dkvm, root)
        proc = run_rooted(dkvm, root, "host", "--json")
        if proc.returncode != 0:
            errors.append("%s: exit %d: %s" % (name, proc.returncode, proc.stderr))
            continue
        got = json.loads(proc.stdout)
        comparable(got)
        comparable(wanted)
        for key in KEYS:
            if key not in wanted:
                errors.append("%s: no %s in dkvm host --json" % (name, key))
            elif got.get(key) != wanted[key]:
                errors.append("%s: %s differs under DKVM_SYSFS_ROOT" % (name, key))
    check_capture(dkvm, os.path.abspath(os.path.join(hosts_dir, names[0])), errors)
    if errors:
        hostlib.fail("\n".join(errors))
    print("ok: %d fixture hosts read the same through DKVM_SYSFS_ROOT" % len(names))


if __name__ == "__main__":
    main()
