#!/usr/bin/env python3
"""Benchmark of `dkvm host --json` on the large fixture host (256 CPUs, 150 PCI
devices, 40 USB devices, written by make-hosts.py --large at bench time)
against the shell reference a bash menu runs for the same picture
(bench-host-reference.sh: lspci -nnk, lsusb, cat of the topology files), both
under umockdev-wrapper on the same tree, in the same run, alternating.

Prints the median wall time of each, the ratio dkvm/reference (goal <= 1) and
dkvm's peak RSS from the kernel's rusage of the child (goal < 10 MiB). Asserts
no time: it reports, and fails only if a command fails.

Usage: bench-host.py LAUNCHER DKVM MAKE_HOSTS_PY [RUNS]
LAUNCHER is bench-host-run (built by meson): a child forked from Python would
start with the interpreter's pages and inflate its ru_maxrss."""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


LAUNCHER = None  # bench-host-run: fork/exec/wait4 from a small process


def run(cmd, env):
    """Wall time (s) and peak RSS (KiB) of one run of @cmd, measured by the launcher."""
    proc = subprocess.run([LAUNCHER] + cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        print("FAIL: %s exited %d: %s" % (" ".join(cmd), proc.returncode, proc.stderr[-2000:]))
        sys.exit(1)
    ns, rss = proc.stdout.strip().splitlines()[-1].split()
    return int(ns) / 1e9, int(rss)


def main():
    global LAUNCHER
    LAUNCHER, dkvm, make_hosts = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    wrapper = shutil.which("umockdev-wrapper")
    if wrapper is None:
        print("FAIL: umockdev-wrapper not found: install umockdev")
        return 1
    for tool in ("lspci", "lsusb"):
        if shutil.which(tool) is None:
            print("FAIL: %s not found: install %s" % (tool, "pciutils" if tool == "lspci"
                                                        else "usbutils"))
            return 1
    with tempfile.TemporaryDirectory() as tmp:
        large = os.path.join(tmp, "large")
        gen = subprocess.run([sys.executable, make_hosts, "--large", large],
                             capture_output=True, text=True)
        if gen.returncode != 0:
            print("FAIL: make-hosts.py --large: %s" % gen.stderr[-2000:])
            return 1
        env = dict(os.environ, UMOCKDEV_DIR=large, LC_ALL="C",
                   ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=0")
        ours = [wrapper, dkvm, "host", "--json"]
        ref = [wrapper, "sh", os.path.join(HERE, "bench-host-reference.sh")]
        # what the large host holds, read back through dkvm itself
        out = subprocess.run(ours, env=env, capture_output=True, text=True, check=True).stdout
        base = [wrapper, dkvm, "--version"]
        import json
        host = json.loads(out)
        print("large host: %d CPUs, %d L3 groups, %d PCI devices, %d USB devices"
              % (len(host["cpus"]), len(host["l3_groups"]), len(host["pci"]), len(host["usb"])))
        run(ours, env)  # warm the page cache for both
        run(ref, env)
        t_ours, t_ref, rss, base_rss = [], [], [], []
        for _ in range(runs):
            t, r = run(ours, env)
            t_ours.append(t)
            rss.append(r)
            t, _ = run(ref, env)
            t_ref.append(t)
            base_rss.append(run(base, env)[1])
    m_ours, m_ref = statistics.median(t_ours), statistics.median(t_ref)
    peak_mib = max(rss) / 1024.0
    print("dkvm host --json : median %.1f ms over %d runs" % (m_ours * 1000, runs))
    print("shell reference  : median %.1f ms (lspci -nnk, lsusb, cat of topology files)"
          % (m_ref * 1000))
    print("ratio dkvm/reference: %.2f (goal <= 1)%s" % (m_ours / m_ref,
                                                       "" if m_ours <= m_ref else "  MISSED"))
    print("dkvm peak RSS: %.1f MiB (goal < 10 MiB; includes the umockdev preload)%s"
          % (peak_mib, "" if peak_mib < 10 else "  MISSED"))
    print("  of which the binary's start-up (dkvm --version, same wrapper): %.1f MiB; "
          "host discovery itself: %.1f MiB" % (max(base_rss) / 1024.0,
                                               peak_mib - max(base_rss) / 1024.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
