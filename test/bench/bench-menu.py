#!/usr/bin/env python3
"""Benchmark of `dkvm menu`: the time from start to the first drawn main
screen, and the menu's peak RSS, on the large fixture host (make-hosts.py
--large: 256 CPUs, 150 PCI devices) with libvirt's test driver holding the
four VMs of test/data/libvirt/node.xml.

Each run starts the menu on a pseudo-terminal of 80x24 and reads what it
draws until the main screen's last row and buttons are out; the menu's peak
RSS is the kernel's VmHWM of the process at that moment. References in the
same run, alternating:
  - time: the dialog program drawing a menu of the same rows on the same
    terminal (what any dialog screen costs);
  - memory: `virsh list --all` on the same node (what any libvirt client
    costs: libvirt's client library and its dependencies).
Prints medians, the ratios and the goals (first screen < 150 ms, peak RSS
< 16 MiB). Asserts no time: it reports, and fails only if a run fails.

Usage: bench-menu.py LAUNCHER DKVM MAKE_HOSTS_PY NODE_XML [RUNS]
LAUNCHER is bench-host-run (peak RSS of a child started from a small process).
"""
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

LAST_ROW = b"Refresh"  # the main screen's last button; dialog's reference has it too


def peak_rss_kib(pid):
    return memory_kib(pid)["VmHWM"]


def memory_kib(pid):
    """VmHWM (peak RSS), RssAnon (the process's own memory) and RssFile (pages
    of mapped files: the shared libraries, shared with every other process
    that maps them) from /proc/PID/status."""
    found = {"VmHWM": 0, "RssAnon": 0, "RssFile": 0}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key = line.split(":")[0]
            if key in found:
                found[key] = int(line.split()[1])
    return found


def first_screen(cmd, env, until):
    """Seconds from start until @until is drawn, and the VmHWM then (KiB)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        while until not in seen:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                raise RuntimeError("%s drew no %r in 30 s: %r" % (cmd[0], until, seen[-500:]))
            try:
                seen += os.read(master, 65536)
            except OSError:
                raise RuntimeError("%s ended before drawing %r: %r" % (cmd, until, seen[-800:]))
        elapsed = time.monotonic() - start
        rss = memory_kib(proc.pid)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        os.close(master)
    return elapsed, rss


def launcher_rss(launcher, cmd, env):
    proc = subprocess.run([launcher] + cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), proc.stderr[-1000:]))
    return int(proc.stdout.strip().splitlines()[-1].split()[1])


def main():
    launcher, dkvm, make_hosts, node = sys.argv[1:5]
    runs = int(sys.argv[5]) if len(sys.argv) > 5 else 7
    for tool in ("umockdev-wrapper", "dialog", "virsh"):
        if shutil.which(tool) is None:
            print("FAIL: %s not found: scripts/install-deps installs it" % tool)
            return 1
    with tempfile.TemporaryDirectory() as tmp:
        large = os.path.join(tmp, "large")
        subprocess.run([sys.executable, make_hosts, "--large", large], check=True,
                       capture_output=True)
        conf = os.path.join(tmp, "dkvm.conf")
        with open(conf, "w") as f:
            f.write("[host]\npersist_command=true\n")
        env = dict(os.environ, UMOCKDEV_DIR=large, TERM="linux", LANG="C.UTF-8",
                   ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=0")
        ours = ["umockdev-wrapper", dkvm, "--connect", "test://" + node, "--config", conf,
                "menu", "--log", os.path.join(tmp, "menu.log")]
        rows = []
        for name in ("huge", "linux", "passthrough", "win11", "Exit"):
            rows += ["vm:" + name, "%-16s shut off       4    8.0 GiB  GeForce RTX 3070" % name]
        ref = ["dialog", "--no-tags", "--ok-label", "Select", "--cancel-label", "Refresh",
               "--backtitle", "DKVM", "--menu", "VM  STATE  VCPUS  MEMORY  GPU", "0", "0",
               "0"] + rows
        virsh = ["virsh", "-c", "test://" + node, "list", "--all"]
        first_screen(ours, env, LAST_ROW)  # warm the page cache
        first_screen(ref, env, LAST_ROW)
        t_ours, t_ref, rss_ours, rss_virsh, split = [], [], [], [], []
        for _ in range(runs):
            t, mem = first_screen(ours, env, LAST_ROW)
            t_ours.append(t)
            rss_ours.append(mem["VmHWM"])
            split.append(mem)
            t_ref.append(first_screen(ref, env, LAST_ROW)[0])
            rss_virsh.append(launcher_rss(launcher, virsh, dict(os.environ)))
    m_ours, m_ref = statistics.median(t_ours), statistics.median(t_ref)
    peak, virsh_peak = max(rss_ours) / 1024.0, max(rss_virsh) / 1024.0
    print("first main screen, large host, 80x24: median %.1f ms over %d runs "
          "(goal < 150 ms)%s" % (m_ours * 1000, runs, "" if m_ours < 0.150 else "  MISSED"))
    print("dialog drawing the same menu:         median %.1f ms; ratio menu/dialog %.2f"
          % (m_ref * 1000, m_ours / m_ref))
    print("menu peak RSS: %.1f MiB (goal < 16 MiB)%s" % (peak, "" if peak < 16 else "  MISSED"))
    print("virsh list --all peak RSS: %.1f MiB (libvirt's client library alone); "
          "ratio menu/virsh %.2f" % (virsh_peak, peak / virsh_peak))
    # where the RSS is: the menu's own memory, and the pages of the shared
    # libraries it maps (libvirt's client pulls in ~50, libcrypto, gnutls,
    # libxml2 and ICU among them), which other processes share
    print("menu RSS at the first screen: %.1f MiB its own (anonymous), %.1f MiB mapped "
          "library files (medians)"
          % (statistics.median(m["RssAnon"] for m in split) / 1024.0,
             statistics.median(m["RssFile"] for m in split) / 1024.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
