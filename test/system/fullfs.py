#!/usr/bin/env python3
"""A full file system under the files DKVM changes (on a DKVM host /etc is
RAM, and a full tmpfs is a real way to fail): the command fails with one
line, and the old file is intact.

(a) dkvm.conf: `vm autostart NAME --default` writes default_vm into a
    dkvm.conf on a tiny full tmpfs: exit non-zero, one `dkvm:` line, the
    file's bytes as before, the VM's libvirt autostart as before (on: the
    default VM's is turned off, so the rollback must turn it on again); with
    room on the file system the same command makes it the default VM with
    libvirt's autostart off (the boot countdown starts it);
(b) the domain file: a tiny full tmpfs mounted over /etc/libvirt/qemu, so
    libvirtd cannot write the new definition: `vm edit NAME --vcpus 2` exits
    non-zero with one `dkvm:` line, libvirt's definition is the old one, and
    (the mount gone) the file on disk is the old one byte for byte.

usage: fullfs.py DKVM START_LIBVIRTD
"""

import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-fullfs"
LIBVIRT_QEMU = "/etc/libvirt/qemu"


class FullTmpfs:
    """A 16 KiB tmpfs on @path, filled up (files already there stay)."""

    def __init__(self, path, keep=None):
        self.path, self.keep = path, keep or {}

    def __enter__(self):
        r = run(["mount", "-t", "tmpfs", "-o", "size=16k,mode=0755", "dkvm-fullfs", self.path])
        if r.code != 0:
            raise RuntimeError("cannot mount a tmpfs: " + r.describe())
        for name, data in self.keep.items():
            with open(os.path.join(self.path, name), "wb") as f:
                f.write(data)
        try:
            with open(os.path.join(self.path, "filler"), "wb") as f:
                while True:
                    f.write(b"\0" * 512)
                    f.flush()
        except OSError:
            pass
        return self

    def __exit__(self, *exc):
        subprocess.run(["umount", self.path], check=False)


def autostart_of(name):
    return "enable" in virsh("dominfo", name).out.split("Autostart:")[-1].splitlines()[0]


def config_case(tap, dkvm, scratch):
    confdir = os.path.join(scratch, "etc-dkvm")
    os.mkdir(confdir)
    old = b"[host]\npersist_command=true\nreserve=none\naccelerator=tcg\n"
    config = os.path.join(confdir, "dkvm.conf")
    virsh("autostart", NAME)
    autostart = autostart_of(NAME)
    tap.check(autostart, "libvirt's autostart is on before the change", virsh("dominfo", NAME).out)
    with FullTmpfs(confdir, {"dkvm.conf": old}):
        r = run([dkvm, "--connect", systest.URI, "--config", config,
                 "vm", "autostart", NAME, "--default"])
        with open(config, "rb") as f:
            now = f.read()
        leftovers = sorted(e for e in os.listdir(confdir) if e not in ("dkvm.conf", "filler"))
    tap.check(r.code != 0 and systest.one_line(r.err) and "dkvm.conf" in r.err,
              "vm autostart --default on a full file system fails with one line naming "
              "dkvm.conf", r.describe())
    tap.check(now == old and not leftovers, "dkvm.conf is as it was, no temporary file left",
              f"now: {now!r}; leftovers: {leftovers}")
    tap.check(autostart_of(NAME) == autostart, "the VM's autostart is as it was",
              virsh("dominfo", NAME).out)
    with open(config, "wb") as f:  # the tmpfs is gone: the same file with room
        f.write(old)
    r = run([dkvm, "--connect", systest.URI, "--config", config,
             "vm", "autostart", NAME, "--default"])
    with open(config) as f:
        conf_text = f.read()
    tap.check(r.code == 0 and f"default_vm={NAME}\n" in conf_text and not autostart_of(NAME),
              "with room, it becomes the default VM and libvirt's autostart is off for it",
              r.describe() + conf_text)


def domain_case(tap, dkvm, config):
    path = os.path.join(LIBVIRT_QEMU, NAME + ".xml")
    with open(path, "rb") as f:
        file_before = f.read()
    xml_before = virsh("dumpxml", "--inactive", NAME).out
    with FullTmpfs(LIBVIRT_QEMU):
        r = run([dkvm, "--connect", systest.URI, "--config", config,
                 "vm", "edit", NAME, "--vcpus", "2"])
        xml_during = virsh("dumpxml", "--inactive", NAME).out
    with open(path, "rb") as f:
        file_after = f.read()
    tap.check(r.code != 0 and systest.one_line(r.err),
              "vm edit with libvirt's config directory full fails with one line", r.describe())
    tap.check(xml_during == xml_before, "libvirt keeps the old definition",
              xml_during[:1500])
    tap.check(file_after == file_before, "the domain file on disk is the old one, byte for byte")
    tap.check(virsh("dumpxml", "--inactive", NAME).out == xml_before,
              "after the disk has room again, the definition is still the old one")


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        config = systest.write_config(scratch, "true", "none", "tcg")
        r = run([dkvm, "--connect", systest.URI, "--config", config, "vm", "create", NAME,
                 "--preset", "linux", "--vcpus", "1", "--memory", "128M", "--network", "none"])
        if tap.check(r.code == 0, f"dkvm vm create {NAME}", r.describe()):
            try:
                config_case(tap, dkvm, scratch)
                domain_case(tap, dkvm, config)
            finally:
                systest.remove_domain(NAME)
    tap.finish()


if __name__ == "__main__":
    main()
