#!/usr/bin/env python3
"""The Create wizard's device steps, driven in tmux like a person at the
keyboard: disks (the demo host's /dev/disk/by-id disks with model and size,
the boot stick left out, the disk holding the mounted data partition refused,
image files on the data partition, a new qcow2 image through libvirt's
storage API), CD-ROMs (the ISO files on the data partition), PCI devices
(IOMMU groups, drivers, why a device cannot be chosen, a GPU pulling in its
HDMI audio) and USB devices (the boot stick refused, the list following a
device plugged in and out). The VM the wizard defines is then read back by
Edit, whose list shows each step's value from the domain libvirt holds.

The demo host (test/data/hosts/demo) runs under umockdev; its data partition
DKVMDATA is mounted at /media/dkvmdata (its proc/mounts), and that folder is
read under DKVM_SYSFS_ROOT, the same copy of the tree, so the ISOs and images
are the fixture's. Hot-plug: the USB test runs the menu in a live umockdev
testbed (usb-testbed.c, a helper process, since the test machines' Python
may lack GObject introspection) holding a copy of the demo host; devices
plugged in and out there send real uevents, which the menu's udev monitor
receives through umockdev's preload. Prints TAP.

Usage: test-menu-devices.py DKVM USB-TESTBED
"""
import os
import re
import shutil
import subprocess
import tarfile
import sys
import tempfile
import time

from menunav import cursor_line, demo_devices_to_summary, go_to, settle
from menutest import HOSTS, Menu, flat as text_of
from tapcases import Cases

DKVM = sys.argv[1]
USB_TESTBED = sys.argv[2]
TMP = tempfile.mkdtemp(prefix="dkvm-menu-devices-")
test = Cases()

CONFIG = os.path.join(TMP, "dkvm.conf")
with open(CONFIG, "w") as f:
    f.write("[host]\npersist_command=true\n")


def menu(host="demo", **kw):
    """The menu on a copy of @host, its data partition read from that copy."""
    root = tempfile.mkdtemp(prefix="host-", dir=TMP)
    tree = os.path.join(root, host)
    shutil.copytree(os.path.join(HOSTS, host), tree, symlinks=True)
    kw.setdefault("config", CONFIG)
    return Menu(DKVM, host=tree, env={"DKVM_SYSFS_ROOT": tree}, **kw)


def to_step(m, title, name="devtest"):
    """From the main screen through the wizard's first steps to @title."""
    m.wait_for("Create")
    go_to(m, "Create")
    m.send("enter")
    m.wait_for("Create VM: Preset")
    m.send("enter")
    m.wait_for("Create VM: Name")
    m.send(name, "enter")
    m.wait_for("Create VM: Memory")
    m.send("enter")
    m.wait_for("Create VM: vCPUs")
    m.send("enter")
    m.wait_for("CPU pinning:")
    m.send("enter")
    m.wait_for("Create VM: Network")
    m.send("enter")
    steps = ["Create VM: Disks", "Create VM: CD-ROMs", "Create VM: PCI devices",
             "Create VM: USB devices"]
    for step in steps:
        m.wait_for(step)
        if step == title:
            settle(m)  # the whole list drawn, not only its title
            return m.screen()
        if step == "Create VM: Disks":
            go_to(m, "Done: go on")
        m.send("enter")
    raise AssertionError("no step " + title)


@test
def disks_offer_by_id_devices_with_model_and_size():
    with menu() as m:
        to_step(m, "Create VM: Disks")
        go_to(m, "Add a block device")
        m.send("enter")
        screen = m.wait_for("Create VM: Add a block device")
        # model, size, by-id name; each disk once, under its readable name
        assert re.search(r"Samsung SSD 870 +1863\.0 GiB +\S*870_EVO_2TB_S6PNNX0T123456B",
                         screen), screen
        assert re.search(r"Samsung SSD 970 EVO +931\.5 GiB +\S*S4EWNX0R123456A \[in use\]",
                         screen), screen
        for hidden in ("SanDisk", "Cruzer", "wwn-", "eui.", "part1", "sdb"):
            assert hidden not in screen, (hidden, screen)
        # the NVMe holds the mounted data partition: refused, with the mount
        go_to(m, "S4EWNX0R123456A")
        m.send("enter")
        screen = text_of(m.wait_for("the host uses it"))
        assert "the host uses it: /dev/nvme0n1p1 is mounted at /media/dkvmdata" in screen, screen
        m.send("enter")
        m.wait_for("Create VM: Add a block device")
        go_to(m, "S6PNNX0T123456B")
        m.send("enter")
        screen = m.wait_for("The VM has 1 disk.")
        assert "device ata-Samsung_SSD_870_EVO_2TB_S6PNNX0T123456B" in screen, screen


@test
def disks_take_image_files_and_make_a_new_qcow2():
    with menu() as m:
        to_step(m, "Create VM: Disks")
        go_to(m, "Add an image file")
        m.send("enter")
        screen = m.wait_for("Image files on the data partition DKVMDATA (/media/dkvmdata)")
        assert "images/games.qcow2" in screen, screen
        assert ".iso" not in screen, screen
        m.send("enter")
        screen = m.wait_for("The VM has 1 disk.")
        assert "image  images/games.qcow2" in screen, screen
        go_to(m, "Create a new qcow2 image")
        m.send("enter")
        screen = text_of(m.wait_for("File name of the new image"))
        assert "(in /media/dkvmdata/images)" in screen, screen
        assert "devtest-2.qcow2" in screen, screen
        m.send("enter")
        m.wait_for("Its size")
        m.send("bs", "bs", "bs", "lots", "enter")
        screen = m.wait_for("invalid size")
        m.send("enter")
        m.wait_for("File name of the new image")
        m.send("enter")
        m.wait_for("Its size")
        m.send("bs", "bs", "bs", "bs", "32G", "enter")
        screen = m.wait_for("The VM has 2 disks.")
        assert "image  images/devtest-2.qcow2" in screen, screen
        # Back leaves the spec as it was: the disks are asked again from none
        m.send("esc")
        m.wait_for("Create VM: Network")
        m.send("enter")
        m.wait_for("The VM has 0 disks.")


@test
def cdroms_list_the_isos_of_the_data_partition():
    with menu() as m:
        screen = to_step(m, "Create VM: CD-ROMs")
        assert "ISO files on the data partition DKVMDATA (/media/dkvmdata)" in screen, screen
        assert "[ ] isos/Win11_23H2_English_x64.iso" in screen, screen
        assert "[ ] isos/debian-12.5.0-amd64-netinst.iso" in screen, screen
        assert "games.qcow2" not in screen, screen


@test
def without_a_data_partition_the_steps_say_why():
    # ryzen-5950x has no partition labelled DKVMDATA
    with menu(host="ryzen-5950x") as m:
        screen = text_of(to_step(m, "Create VM: CD-ROMs"))
        assert "No ISO files to offer: no data partition: no partition is labelled " \
            "DKVMDATA" in screen, screen
        assert "Go on without a CD-ROM" in screen, screen
        m.send("esc")
        m.wait_for("Create VM: Disks")
        go_to(m, "Add an image file")
        m.send("enter")
        screen = text_of(m.wait_for("hint: label a partition DKVMDATA"))
        assert "no data partition: no partition is labelled DKVMDATA" in screen, screen
        m.send("enter")
        m.wait_for("The VM has 0 disks.")
        go_to(m, "Done: go on")
        m.send("enter")
        m.wait_for("Create VM: CD-ROMs")
        settle(m)
        m.send("enter")
        m.wait_for("Create VM: PCI devices")


@test
def pci_shows_groups_drivers_and_why_not():
    with menu() as m:
        screen = to_step(m, "Create VM: PCI devices")
        # the cursor starts on the GPU a VM would get
        assert "01:00.0 GA104 [GeForce RTX 3070] (nouveau) +.1" in cursor_line(m), screen
        line = go_to(m, "0b:00.3")
        assert re.search(r"28 0b:00\.3 .*\(xhci_hcd\) \[host needs it\]", line), line
        m.send("tab", "enter")  # Why?
        screen = text_of(m.wait_for("It cannot be given to a VM:"))
        assert "the host needs it: controller of the DKVM boot medium" in screen, screen
        m.send("enter")
        # the NVMe under the mounted data partition is the host's
        line = go_to(m, "02:00.0")
        assert "(nvme) [host needs it]" in line, line
        m.send("tab", "enter")
        screen = text_of(m.wait_for("It cannot be given to a VM:"))
        assert "controller of /dev/nvme0n1p1, mounted at /media/dkvmdata" in screen, screen
        m.send("enter")
        line = go_to(m, "00:14.0")
        assert "[bridge]" in line, line
        m.send("tab", "enter")
        screen = text_of(m.wait_for("It cannot be given to a VM:"))
        assert "its slot holds the bridge 00:14.3 (FCH LPC Bridge)" in screen, screen
        m.send("enter")
        # a bridge ticked anyway is unticked with its reason
        go_to(m, "00:14.0")
        m.send("space", "enter")
        screen = text_of(m.wait_for("Not given to the VM (unticked):"))
        assert "00:14.0 FCH SMBus Controller: its slot holds the bridge" in screen, screen
        m.send("enter")
        m.wait_for("Not given to the VM", gone=True)
        settle(m)
        screen = m.screen()
        assert "00:14.0 FCH SMBus Controller" in screen and "[*]" not in screen, screen


@test
def pci_gpu_pulls_in_its_audio_function():
    with menu() as m:
        to_step(m, "Create VM: PCI devices")
        go_to(m, "01:00.0")
        m.send("space", "enter")
        screen = text_of(m.wait_for("takes the other functions of its slot"))
        assert "01:00.0 GA104 [GeForce RTX 3070]" in screen, screen
        assert "01:00.1 GA104 High Definition Audio Controller" in screen, screen
        m.send("enter")
        m.wait_for("takes the other functions", gone=True)
        line = go_to(m, "01:00.1")
        assert "[*]" in line, line
        m.send("enter")
        m.wait_for("Create VM: USB devices")


@test
def pci_names_a_group_that_is_not_isolated():
    # the Z370's x8/x8 PEG ports share group 1 with an unrelated I210 NIC
    with menu(host="intel-8700k") as m:
        to_step(m, "Create VM: PCI devices")
        line = go_to(m, "GP104 [GeForce GTX 1080]")
        assert "[group shared]" in line, line
        m.send("tab", "enter")
        screen = text_of(m.wait_for("It cannot be given to a VM:"))
        assert "IOMMU group 1 is not isolated: it also holds" in screen, screen
        assert "I210" in screen, screen


# the demo host's first USB controller, where the mouse (1-3) hangs
USB1 = "/sys/devices/pci0000:00/0000:00:08.1/0000:0b:00.3/usb1"
# Without udev's events the list is read again every 5 s; with them a device
# shows at once. Each wait below is well under those 5 s, so a list that only
# polled would fail most of them (and says so in the log, checked as well).
EVENT_WAIT = 2.5


class Testbed:
    """usb-testbed (a umockdev testbed in its own process) holding a copy of
    a fixture host: the menu runs in its directory, and devices plugged in
    and out here reach the menu's udev monitor as uevents."""

    def __init__(self, host="demo", unplugged=False):
        # under the preload: umockdev checks a parent device in /sys, and sends
        # uevents, only where /sys is the testbed's
        self.proc = subprocess.Popen(["umockdev-wrapper", USB_TESTBED], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, universal_newlines=True)
        self.root = self.proc.stdout.readline().strip()
        if not self.root:
            raise AssertionError("usb-testbed did not start")
        shutil.copytree(os.path.join(HOSTS, host), self.root, symlinks=True,
                        dirs_exist_ok=True)
        if unplugged:
            # the host with its USB devices gone (root hubs stay)
            devices = os.path.join(self.root, "sys", "bus", "usb", "devices")
            for name in os.listdir(devices):
                if re.match(r"^\d+-[1-9]", name):
                    path = os.path.join(devices, name)
                    shutil.rmtree(os.path.realpath(path), ignore_errors=True)
                    os.unlink(path)

    def _ask(self, *fields):
        self.proc.stdin.write("\t".join(fields) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if not answer:
            raise AssertionError("usb-testbed could not do %r" % (fields,))
        return answer

    def plug(self, port, vendor, product, manufacturer, name):
        """A device on the first controller; umockdev sends its "add". Its
        sysfs path comes back."""
        return self._ask("add", USB1, port, vendor, product, manufacturer, name)

    def unplug(self, syspath):
        """Its "remove", then the device goes from sysfs."""
        self._ask("remove", syspath)

    def menu(self):
        return Menu(DKVM, umockdev_dir=self.root, config=CONFIG,
                    env={"DKVM_SYSFS_ROOT": self.root})

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=20)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@test
def usb_refuses_the_boot_stick_and_follows_hotplug():
    with Testbed() as tb, tb.menu() as m:
        screen = to_step(m, "Create VM: USB devices")
        assert "046d:c34b 1-1    Logitech G105 Gaming Keyboard" in screen, screen
        assert "046d:c08b 1-3    Logitech G502 HERO Gaming Mouse" in screen, screen
        assert "045e:0b12 1-4    Microsoft Controller" in screen, screen
        assert "0781:5567 1-2    SanDisk Cruzer Blade [host needs it]" in screen, screen
        # tick the mouse; plug in a Razer mouse: it appears, the tick stays
        go_to(m, "046d:c08b")
        m.send("space")
        m.wait_for("[*] 046d:c08b")
        razer = tb.plug("1-5", "1532", "0084", "Razer", "DeathAdder V2")
        screen = m.wait_for("1532:0084 1-5    Razer DeathAdder V2", timeout=EVENT_WAIT)
        assert "[*] 046d:c08b" in screen, screen
        # the cursor stayed on the mouse
        assert "046d:c08b" in cursor_line(m), screen
        # a device plugged in and out unticked: gone, the mouse's tick kept
        pad = tb.plug("1-6", "2dc8", "3106", "8BitDo", "Ultimate Wired")
        m.wait_for("2dc8:3106 1-6    8BitDo Ultimate Wired", timeout=EVENT_WAIT)
        tb.unplug(pad)
        screen = m.wait_for("2dc8:3106", gone=True, timeout=EVENT_WAIT)
        assert "[*] 046d:c08b" in screen, screen
        assert "1532:0084 1-5" in screen, screen
        screen = tick_then_unplug(m, tb, razer, "1532:0084")
        assert "[*] 046d:c08b" in screen, screen
        # plugged in again (another port): the tick is carried by vendor:product
        tb.plug("1-7", "1532", "0084", "Razer", "DeathAdder V2")
        screen = m.wait_for("1532:0084 1-7    Razer DeathAdder V2", timeout=EVENT_WAIT)
        assert "[*] 1532:0084 1-7" in screen, screen
        # the list followed events, not a timer
        assert "no hot-plug events" not in m.log_text(), m.log_text()
        # the boot stick ticked anyway: unticked with the planner's reason
        go_to(m, "0781:5567")
        m.send("space", "enter")
        screen = text_of(m.wait_for("Not given to the VM (unticked):"))
        assert "the host needs it: DKVM boot medium (/dev/sdb1)" in screen, screen
        m.send("enter")
        m.wait_for("Not given to the VM", gone=True)
        screen = m.wait_for("[ ] 0781:5567")
        assert "[*] 046d:c08b" in screen, screen
        m.send("enter")
        m.wait_for("Create VM: Switches")


def tick_then_unplug(m, tb, device, ids):
    """Ticks the row of @ids (vendor:product) and unplugs @device: a ticked
    device unplugged is kept for the VM, ticked, and said to be unplugged.
    Returns the screen."""
    go_to(m, ids)
    m.send("space")
    m.wait_for("[*] " + ids)
    tb.unplug(device)
    screen = m.wait_for(ids + "        (not plugged in)", timeout=EVENT_WAIT)
    assert "[*] " + ids in screen, screen
    return screen


@test
def usb_list_shows_the_first_device_plugged_in():
    with Testbed(unplugged=True) as tb, tb.menu() as m:
        to_step(m, "Create VM: USB devices")
        m.wait_for("No USB devices are plugged in.")
        keyboard = tb.plug("1-1", "046d", "c34b", "Logitech", "G105 Gaming Keyboard")
        screen = m.wait_for("046d:c34b 1-1    Logitech G105 Gaming Keyboard",
                            timeout=EVENT_WAIT)
        assert "Space ticks a device for the VM" in text_of(screen), screen
        tick_then_unplug(m, tb, keyboard, "046d:c34b")


@test
def the_defined_vm_has_the_devices():
    with menu() as m:
        to_step(m, "Create VM: Disks")
        go_to(m, "Add a block device")
        m.send("enter")
        m.wait_for("Create VM: Add a block device")
        go_to(m, "S6PNNX0T123456B")
        m.send("enter")
        m.wait_for("The VM has 1 disk.")
        go_to(m, "Add an image file")
        m.send("enter")
        m.wait_for("images/games.qcow2")
        m.send("enter")
        # the summary: each step's value, then the plan `dkvm plan` prints
        demo_devices_to_summary(m, "The VM has 2 disks.")
        screen = text_of(m.wait_for("USB devices"))
        assert "Disks ata-Samsung_SSD_870_EVO_2TB_S6PNNX0T123456B, games.qcow2" in screen, screen
        assert "CD-ROMs Win11_23H2_English_x64.iso" in screen, screen
        assert "PCI devices 01:00.0, 01:00.1" in screen, screen
        assert "USB devices 046d:c08b" in screen, screen
        for _ in range(20):
            if "PCI passthrough:" in screen:
                break
            m.send("pgdn")
            settle(m)
            screen = text_of(m.screen())
        assert "guest 0000:10:00 <- host 0000:01:00 (GA104 [GeForce RTX 3070], GPU): " \
            "0000:01:00.0, 0000:01:00.1" in screen, screen
        m.send("enter")
        screen = m.wait_for("is created")
        m.send("enter")
        # Edit reads the VM back from libvirt: each step's value
        screen = m.wait_for("devtest")
        go_to(m, "devtest")
        m.send("enter")
        m.wait_for("What should happen to this VM?")
        go_to(m, "Edit")
        m.send("enter")
        screen = m.wait_for("Edit 'devtest'")
        assert "ata-Samsung_SSD_870_EVO_2TB_S6PNNX0T123456B, games.qcow2" in screen, screen
        assert "Win11_23H2_English_x64.iso" in screen, screen
        assert "01:00.0" in screen, screen
        assert "046d:c08b" in screen, screen
        # Edit's steps start from the domain's devices; Back changes nothing
        go_to(m, "PCI devices")
        m.send("enter")
        m.wait_for("Edit 'devtest': PCI devices")
        settle(m)
        assert "[*]  15 01:00.0 GA104" in cursor_line(m), m.screen()
        m.send("esc")
        m.wait_for("Choose what to change")
        go_to(m, "USB devices")
        m.send("enter")
        screen = m.wait_for("Edit 'devtest': USB devices")
        settle(m)
        assert "[*] 046d:c08b" in m.screen(), m.screen()
        m.send("esc")
        screen = m.wait_for("Choose what to change")
        assert "USB devices 046d:c08b" in screen, screen


@test
def back_up_writes_a_bundle_to_the_data_partition():
    """Back up (a VM screen) on the demo host: win11's bundle lands in
    backups/ on DKVMDATA with the date in its name; linux (running) is
    refused with the reason. Import offers the backup first,
    refuses it while win11 exists, and defines win11 again once deleted."""
    root = tempfile.mkdtemp(prefix="host-", dir=TMP)
    tree = os.path.join(root, "demo")
    shutil.copytree(os.path.join(HOSTS, "demo"), tree, symlinks=True)
    with Menu(DKVM, host=tree, env={"DKVM_SYSFS_ROOT": tree}, config=CONFIG) as m:
        m.wait_for("win11")
        go_to(m, "win11")
        m.send("enter")
        m.wait_for("What should happen to this VM?")
        go_to(m, "Back up")
        m.send("enter")
        screen = text_of(m.wait_for("Back VM 'win11' up to"))
        assert "/media/dkvmdata/backups/win11-" in screen, screen
        m.send("enter")  # Yes, the default
        screen = text_of(m.wait_for("is backed up to"))
        backups = os.path.join(tree, "media", "dkvmdata", "backups")
        files = os.listdir(backups)
        assert len(files) == 1 and re.match(r"win11-\d{8}-\d{6}\.dkvm\.tar\.gz$", files[0]), files
        with tarfile.open(os.path.join(backups, files[0])) as t:
            assert sorted(t.getnames()) == ["dkvm-bundle.ini", "domain.xml"], t.getnames()
        m.send("enter")
        m.wait_for("win11")
        go_to(m, "linux")
        m.send("enter")
        m.wait_for("What should happen to this VM?")
        go_to(m, "Back up")
        m.send("enter")
        m.wait_for("Back VM 'linux' up to")
        m.send("enter")
        screen = text_of(m.wait_for("shut it down first"))
        assert "it is running" in screen, screen
        m.send("enter")

        # Import offers the backup first; win11 exists: refused
        def restore():
            m.wait_for("Import")
            go_to(m, "Import")
            m.send("enter")
            m.wait_for("What should be imported?")
            m.send("enter")
            screen = text_of(m.wait_for("Which backup should become a VM again?"))
            assert "backups/" + files[0] in screen, screen
            m.send("enter")
            m.wait_for("again, with its NVRAM and TPM state?")
            m.send("enter")
        restore()
        screen = text_of(m.wait_for("a VM named 'win11' exists"))
        m.send("enter")
        # deleted, then restored
        m.wait_for("win11")
        go_to(m, "win11")
        m.send("enter")
        m.wait_for("What should happen to this VM?")
        go_to(m, "Delete")
        m.send("enter")
        m.wait_for("Delete VM 'win11'?")
        m.send("left", "enter")  # Yes
        m.wait_for("Also delete its disk image files?")
        m.send("enter")  # No
        m.wait_for("VM 'win11' is deleted.")
        m.send("enter")
        restore()
        m.wait_for("VM 'win11' is back.")
        m.send("enter")
        screen = m.wait_for("win11")
        assert any(l.strip("│ ").startswith("win11 ") for l in screen.splitlines()), screen


sys.exit(test.run(TMP))
