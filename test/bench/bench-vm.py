#!/usr/bin/env python3
"""Benchmarks of the vm commands against virsh, same run, same connection:

  dkvm vm start win11   vs  virsh start win11      (goal: ratio <= 1.1)
  dkvm vm show win11    vs  virsh dominfo win11    (goal: ratio <= 1.1)
  dkvm vm list          vs  virsh list --all       (goal: ratio <= 1.0)

Both open libvirt's test driver on the same node file (a fresh in-process
host per process, no daemon), so each start starts the same shut-off VM and
the numbers compare the tools, not a daemon's mood. The node file is NODE_XML
with copies of its plain VM added until 8 VMs are defined (issue 13's
condition: listing cost grows with the VMs). Runs alternate between
the two tools; the median wall time and the median CPU time (user + system,
from the child's rusage: robust when the machine is busy) of each are
printed with their ratios.
Asserts no time: it reports, and fails only when a command fails or a
reference tool is missing.

Usage: bench-vm.py DKVM NODE_XML [RUNS]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET

VMS = 8


def node_with_vms(node_xml, path, count):
    """NODE_XML with copies of its first domain without devices, renamed
    bench-N, until @count domains are defined; written to @path."""
    tree = ET.parse(node_xml)
    root = tree.getroot()
    domains = root.findall("domain")
    plain = next(d for d in domains if d.find("devices") is None)
    for n in range(count - len(domains)):
        copy = ET.fromstring(ET.tostring(plain))
        copy.find("name").text = "bench-%d" % (n + 1)
        copy.find("uuid").text = str(uuid.uuid5(uuid.NAMESPACE_DNS, "bench-%d" % (n + 1)))
        root.append(copy)
    tree.write(path)
    return len(root.findall("domain"))


def timed(cmd, env):
    """Wall time and CPU time (user + system, from the child's rusage) in s."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        print("FAIL: %s exited %d: %s" % (" ".join(cmd), proc.returncode, err[-2000:]))
        sys.exit(1)
    return elapsed, usage.ru_utime + usage.ru_stime


def compare(label, ours, ref, env, runs, goal):
    timed(ours, env)  # warm the page cache for both
    timed(ref, env)
    ours_t, ref_t = [], []
    for _ in range(runs):
        ours_t.append(timed(ours, env))
        ref_t.append(timed(ref, env))
    name = " ".join([os.path.basename(ref[0])] + ref[4:])
    # wall time is what a person waits; CPU time is the same work measured
    # without the noise of whatever else the machine runs
    for what, i in (("wall", 0), ("cpu", 1)):
        m_ours = statistics.median(t[i] for t in ours_t)
        m_ref = statistics.median(t[i] for t in ref_t)
        ratio = m_ours / m_ref
        print("%-15s %-4s dkvm %7.2f ms  %-17s %7.2f ms  ratio %.2f (goal <= %.1f: %s)"
              % (label, what, m_ours * 1000, name, m_ref * 1000, ratio, goal,
                 "met" if ratio <= goal else "NOT met"))


def main():
    dkvm, source = sys.argv[1], os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    virsh = shutil.which("virsh")
    if virsh is None:
        print("FAIL: virsh not found: install libvirt-clients")
        return 1
    env = dict(os.environ, LC_ALL="C", ASAN_OPTIONS="detect_leaks=0")
    env.pop("LIBVIRT_DEFAULT_URI", None)
    with tempfile.TemporaryDirectory() as tmp:
        node = os.path.join(tmp, "node.xml")
        defined = node_with_vms(source, node, VMS)
        uri = "test://" + node
        conf = os.path.join(tmp, "dkvm.conf")
        with open(conf, "w") as f:
            f.write("[host]\npersist_command=\n")
        base = [dkvm, "--connect", uri, "--config", conf]
        print("%d runs each, alternating, on the test driver with %d VMs defined (%d CPUs)"
              % (runs, defined, os.cpu_count()))
        compare("vm start win11", base + ["vm", "start", "win11"],
                [virsh, "-q", "-c", uri, "start", "win11"], env, runs, 1.1)
        compare("vm show win11", base + ["vm", "show", "win11"],
                [virsh, "-q", "-c", uri, "dominfo", "win11"], env, runs, 1.1)
        compare("vm list", base + ["vm", "list"],
                [virsh, "-q", "-c", uri, "list", "--all"], env, runs, 1.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
