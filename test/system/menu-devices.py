#!/usr/bin/env python3
"""The Create wizard's "new qcow2 image" on a real libvirtd: the menu (on the
demo host under umockdev, its data partition read from a scratch copy of the
tree through DKVM_SYSFS_ROOT) has libvirtd create the image through its
storage API. The file is a real qcow2 of the size asked (its header read
here), no storage pool is left behind, a second image of the same name is
refused with libvirt's reason, and leaving the wizard defines nothing.

usage: menu-devices.py DKVM START_LIBVIRTD
"""

import os
import shutil
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "menu"))
import systest  # noqa: E402
from menunav import go_to  # noqa: E402
from menutest import HOSTS, Menu, ScreenTimeout  # noqa: E402
from systest import virsh  # noqa: E402

NAME = "dkvm-devices-sys"
IMAGE = NAME + ".qcow2"


def to_new_image(m):
    """Main screen -> Create -> the disks step's new image, its name typed."""
    m.wait_for("Create")
    go_to(m, "Create a new VM")
    m.send("enter")
    m.wait_for("Create VM: Preset")
    m.send("enter")
    m.wait_for("Create VM: Name")
    m.send(NAME, "enter")
    for title in ("Create VM: Memory", "Create VM: vCPUs"):
        m.wait_for(title)
        m.send("enter")
    m.wait_for("CPU pinning:")
    m.send("enter")
    m.wait_for("Create VM: Network")
    m.send("enter")
    m.wait_for("Create VM: Disks")
    go_to(m, "Create a new qcow2 image")
    m.send("enter")
    m.wait_for("File name of the new image")
    m.send("end", *["bs"] * 40, IMAGE, "enter")
    m.wait_for("Its size")
    m.send("end", *["bs"] * 10, "1G", "enter")


def qcow2_header(path):
    with open(path, "rb") as f:
        head = f.read(32)
    return head[:4], struct.unpack(">Q", head[24:32])[0]


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        tree = os.path.join(scratch, "demo")
        shutil.copytree(os.path.join(HOSTS, "demo"), tree, symlinks=True)
        # libvirtd (another user on a real host) must reach the folder
        os.chmod(scratch, 0o755)
        image = os.path.join(tree, "media", "dkvmdata", "images", IMAGE)
        config = systest.write_config(scratch, "true")
        with Menu(dkvm, host=tree, connect=systest.URI, config=config,
                  env={"DKVM_SYSFS_ROOT": tree}) as m:
            try:
                to_new_image(m)
                screen = m.wait_for("The VM has 1 disk.")
                tap.check("images/" + IMAGE in screen, "the new image is the VM's disk",
                          screen)
            except ScreenTimeout as e:
                tap.check(False, "the menu creates the image", str(e))
            tap.check(os.path.exists(image), "libvirtd created " + image)
            if os.path.exists(image):
                magic, size = qcow2_header(image)
                tap.check(magic == b"QFI\xfb", "it is a qcow2 image", repr(magic))
                tap.check(size == 1 << 30, "of 1 GiB", str(size))
            pools = virsh("pool-list", "--all", "--name")
            tap.check(pools.code == 0 and "dkvm-new-image-" not in pools.out,
                      "no storage pool is left behind", pools.describe())
            # the same name again: libvirt's own refusal, shown; nothing replaced
            try:
                go_to(m, "Create a new qcow2 image")
                m.send("enter")
                m.wait_for("File name of the new image")
                m.send("end", *["bs"] * 40, IMAGE, "enter")
                m.wait_for("Its size")
                m.send("enter")
                screen = m.wait_for("cannot create the image")
                tap.check("already" in screen or "exists" in screen,
                          "a second image of that name is refused with libvirt's reason",
                          screen)
                m.send("enter")
                for _ in range(8):  # Back through the steps and out of the wizard
                    m.send("esc")
                m.wait_for("Create")
            except ScreenTimeout as e:
                tap.check(False, "a second image of that name is refused", str(e))
        tap.check(not systest.domain_exists(NAME), "leaving the wizard defines nothing")
        systest.remove_domain(NAME)
    tap.finish()


if __name__ == "__main__":
    main()
