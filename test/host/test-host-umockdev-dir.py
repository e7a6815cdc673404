#!/usr/bin/env python3
"""The fixture directory spelled any way a user types it: relative, with a
trailing slash, through a symlink. umockdev maps libudev's resolved paths
back to /sys only when they start with $UMOCKDEV_DIR exactly, so before dkvm
canonicalized the variable (host-discover.c) these spellings made libudev see
no device: no USB devices and, silently, no boot-stick protection. Each
spelling must give the same report as the absolute path, and that report
must mark the boot stick and its controller as needed by the host.

Usage: test-host-umockdev-dir.py DKVM HOSTS_DIR"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

# fixture hosts whose model boots from a USB stick
HOSTS = ("demo", "ryzen-5950x", "intel-12900k")


def report(dkvm, fixture, cwd=None):
    out = hostlib.run_dkvm(dkvm, fixture, "host", "--json", cwd=cwd, as_given=True).stdout
    return json.loads(out)


def main():
    dkvm, hosts_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    errors = []
    tests = 0
    for name in HOSTS:
        absolute = os.path.join(hosts_dir, name)
        want = report(dkvm, absolute)
        stick = [u["port_path"] for u in want["usb"] if u["host_needed"]]
        controller = [p["address"] for p in want["pci"] if p["host_needed"]]
        tests += 1
        if not stick or not controller or not want["usb"]:
            errors.append("%s (absolute path): boot stick %s, controller %s, %d USB devices"
                          % (name, stick, controller, len(want["usb"])))
        with tempfile.TemporaryDirectory() as tmp:
            link = os.path.join(tmp, "fixture")
            os.symlink(absolute, link)
            spellings = [
                ("relative", name, hosts_dir),
                ("relative with ./ and a trailing slash", "./" + name + "/", hosts_dir),
                ("trailing slash", absolute + "/", None),
                ("relative with ..", os.path.join("..", os.path.basename(hosts_dir), name),
                 hosts_dir),
                ("through a symlink", link, None),
                ("through a symlink, trailing slash", link + "/", None),
            ]
            for what, spelled, cwd in spellings:
                tests += 1
                got = report(dkvm, spelled, cwd)
                if got != want:
                    got_stick = [u["port_path"] for u in got["usb"] if u["host_needed"]]
                    errors.append("%s, UMOCKDEV_DIR %s (%s): report differs from the "
                                  "absolute path's (%d USB devices, boot stick %s, notes %s)"
                                  % (name, spelled, what, len(got["usb"]), got_stick,
                                     got.get("notes")))
    for e in errors:
        print("FAIL: " + e)
    if errors:
        return 1
    print("%d reports equal to the absolute path's, boot stick marked" % tests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
