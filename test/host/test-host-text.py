#!/usr/bin/env python3
"""`dkvm host`'s text: counts in the singular when there is one (a host with
one USB device says "USB        1 device", not "1 devices"). The demo
fixture is copied and all but one of its USB devices removed. Prints TAP.

Usage: test-host-text.py DKVM HOSTS_DIR
"""
import glob
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

DKVM, HOSTS = sys.argv[1], sys.argv[2]


def main():
    print("1..3")
    tmp = tempfile.mkdtemp(prefix="dkvm-host-text-")
    try:
        fixture = os.path.join(tmp, "one-usb")
        shutil.copytree(os.path.join(HOSTS, "demo"), fixture, symlinks=True)
        for link in glob.glob(os.path.join(fixture, "sys/bus/usb/devices/1-[234]*")):
            os.unlink(link)
        lines = hostlib.run_dkvm(DKVM, fixture, "host").stdout.splitlines()
        usb = [line for line in lines if line.startswith("USB ")]
        if usb == ["USB        1 device"]:
            print("ok 1 - one USB device in the singular")
        else:
            print(f"not ok 1 - one USB device in the singular\n# got {usb}")
        lines = hostlib.run_dkvm(DKVM, os.path.join(HOSTS, "demo"), "host").stdout.splitlines()
        plural = [line for line in lines if line.startswith(("USB ", "PCI ", "IOMMU "))]
        expected = ["IOMMU      on, 30 groups", "PCI        44 devices, by IOMMU group",
                    "USB        4 devices"]
        if plural == expected:
            print("ok 2 - several in the plural")
        else:
            print(f"not ok 2 - several in the plural\n# got {plural}")
        # libarchive writes FILE.tmp and renames it: an error names FILE
        target = os.path.join(tmp, "no-such-dir", "host.tar.gz")
        r = hostlib.run_dkvm(DKVM, os.path.join(HOSTS, "demo"), "host", "--capture", target,
                             check=False)
        want = f"dkvm: capturing the host: writing {target}: No such file or directory\n"
        if r.returncode == 1 and r.stderr == want:
            print("ok 3 - a capture error names the file asked for")
        else:
            print(f"not ok 3 - a capture error names the file asked for\n"
                  f"# exit {r.returncode}, stderr {r.stderr!r}")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
