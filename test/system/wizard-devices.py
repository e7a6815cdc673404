#!/usr/bin/env python3
"""The Create wizard's "new qcow2 image" on a real libvirtd: the menu (on the
demo host under umockdev, its data partition read from a scratch copy of the
tree through DKVM_SYSFS_ROOT) has libvirtd create the image through its
storage API. The file is a real qcow2 of the size asked (its header read
here), no storage pool is left behind, a second image of the same name is
refused with libvirt's reason. The wizard then goes on with a by-id disk,
an ISO, the GPU (and its audio) and a USB mouse, and the domain libvirtd
holds has them all (virsh dumpxml); leaving the wizard defines nothing.

usage: wizard-devices.py DKVM START_LIBVIRTD
"""

import os
import shutil
import struct
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "menu"))
import systest  # noqa: E402
from menunav import demo_devices_to_summary, go_to, settle  # noqa: E402
from menutest import HOSTS, Menu, ScreenTimeout  # noqa: E402
from systest import virsh  # noqa: E402

NAME = "dkvm-devices-sys"
IMAGE = NAME + ".qcow2"


def to_new_image_step(m):
    """Main screen -> Create -> the disks step."""
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


def to_new_image(m):
    """... and its new image, named and sized."""
    to_new_image_step(m)
    go_to(m, "Create a new qcow2 image")
    m.send("enter")
    m.wait_for("File name of the new image")
    m.send("end", *["bs"] * 40, IMAGE, "enter")
    m.wait_for("Its size")
    m.send("end", *["bs"] * 10, "1G", "enter")


def define_with_devices(m):
    """The rest of the wizard: the SATA SSD, the Windows ISO, the RTX 3070 (with
    its audio), the mouse; then Create."""
    go_to(m, "Add a block device")
    m.send("enter")
    m.wait_for("Create VM: Add a block device")
    go_to(m, "S6PNNX0T123456B")
    m.send("enter")
    demo_devices_to_summary(m, "The VM has 2 disks.")
    m.send("enter")
    m.wait_for("is created", timeout=120)
    m.send("enter")


def check_domain(tap, image):
    """The domain libvirtd holds has the disks, the ISO and the host devices."""
    r = virsh("dumpxml", NAME)
    if not tap.check(r.code == 0, "virsh dumpxml the new VM", r.describe()):
        return
    dom = ET.fromstring(r.out)
    disks = [(d.get("device"), d.get("type"), d.find("source"))
             for d in dom.findall("./devices/disk")]
    sources = {(dev, typ, (src.get("file") or src.get("dev")) if src is not None else None)
               for dev, typ, src in disks}
    iso = os.path.join(os.path.dirname(os.path.dirname(image)), "isos",
                       "Win11_23H2_English_x64.iso")
    tap.check(("disk", "file", image) in sources, "the new qcow2 image is a disk", str(sources))
    tap.check(("disk", "block", "/dev/disk/by-id/ata-Samsung_SSD_870_EVO_2TB_S6PNNX0T123456B")
              in sources, "the SATA SSD is a block disk by its by-id name", str(sources))
    tap.check(("cdrom", "file", iso) in sources, "the ISO is a CD-ROM", str(sources))
    pci = sorted("%s:%s.%s" % (a.get("bus"), a.get("slot"), a.get("function"))
                 for a in dom.findall("./devices/hostdev[@type='pci']/source/address"))
    tap.check(pci == ["0x01:0x00.0x0", "0x01:0x00.0x1"],
              "the GPU and its HDMI audio are PCI host devices", str(pci))
    usb = [(h.find("source/vendor").get("id"), h.find("source/product").get("id"))
           for h in dom.findall("./devices/hostdev[@type='usb']")]
    tap.check(usb == [("0x046d", "0xc08b")], "the mouse is a USB host device", str(usb))


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
                m.send("esc")  # the name again: Back to the disks
                m.wait_for("The VM has 1 disk.")
            except ScreenTimeout as e:
                tap.check(False, "a second image of that name is refused", str(e))
            try:
                define_with_devices(m)
                check_domain(tap, image)
            except ScreenTimeout as e:
                tap.check(False, "the wizard defines the VM with its devices", str(e))
            systest.remove_domain(NAME)
        # a wizard left before Create defines nothing
        with Menu(dkvm, host=tree, connect=systest.URI, config=config,
                  env={"DKVM_SYSFS_ROOT": tree}) as m:
            try:
                to_new_image_step(m)
                for _ in range(10):  # Back through the steps and out of the wizard
                    if "Create a new VM" in m.screen():
                        break
                    m.send("esc")
                    settle(m)
                m.wait_for("Create a new VM")
            except ScreenTimeout as e:
                tap.check(False, "Back leaves the wizard", str(e))
        tap.check(not systest.domain_exists(NAME), "leaving the wizard defines nothing")
        systest.remove_domain(NAME)
    tap.finish()


if __name__ == "__main__":
    main()
