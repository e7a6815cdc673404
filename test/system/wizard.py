#!/usr/bin/env python3
"""The menu's Create wizard on a real libvirtd makes the VM `dkvm vm create`
makes for the same choices: the wizard defines a VM (windows11, 128 MiB,
pinned vCPUs, no network, real-time on), its `virsh dumpxml` is kept, the VM
is undefined, and the XML of `dkvm vm create NAME --preset windows11
--memory 128M --vcpus N --network none --realtime --print-xml` is defined
under the same name: libvirt's two definitions are equal but for the UUID
and MAC addresses. Then the rest of the journey in the menu, each step
checked on the real domain: Edit changes its memory and turns real-time off
(real-time vCPU threads under TCG would starve a small test machine), Start
runs it, Monitor shows its vCPU threads, Shut down stops it (forcing it off
when the guest, firmware with no disk, ignores the button within
shutdown_timeout), and Delete undefines it with its NVRAM and TPM state.
First, a Create that libvirt refuses (a VM of
that name appeared while the person read the summary) is shown and leads
back to the summary, the other VM untouched.

dkvm.conf says accelerator=tcg, as journey.py's, so the domain is the same
on machines with and without /dev/kvm.

usage: wizard.py DKVM START_LIBVIRTD
"""

import os
import re
import sys
import time
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "menu"))
import systest  # noqa: E402
from menunav import go_to  # noqa: E402
from menutest import Menu, choose, flat, type_input, wait_text  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-wizard"
MEMORY = "128M"
def normalized(xml):
    """The domain without what differs between two definitions of one VM:
    its UUID and the MAC addresses libvirt chose."""
    root = ET.fromstring(xml)
    for uuid in root.findall("uuid"):
        root.remove(uuid)
    for parent in root.iter():
        for mac in parent.findall("mac"):
            parent.remove(mac)
    return ET.tostring(root, encoding="unicode")


def vm_names(screen):
    """The VMs the main screen lists, in order."""
    return [line.strip("│ ").split()[0] for line in screen.splitlines()
            if re.match(r"^│ │\s+\S+\s+\S+\s+\d+\s", line)]


def wizard_to_summary(m, vcpus):
    wait_text(m, "Create a new VM")
    screen = wait_text(m, "<Refresh>")
    # Create is the first row under the VMs (this test's and any other's)
    m.send("home", *(["down"] * len(vm_names(screen))), "enter")
    wait_text(m, "Create VM: Preset")
    m.send("enter")  # windows11, chosen
    wait_text(m, "Create VM: Name")
    type_input(m, NAME)
    wait_text(m, "The VM's memory")
    type_input(m, MEMORY)
    wait_text(m, "Number of vCPUs")
    type_input(m, str(vcpus))
    wait_text(m, "pinned like this")
    m.send("enter")
    wait_text(m, "How does the VM reach the network?")
    m.send("end", "space", "enter")  # none
    # the device steps, when they are there, keep their defaults (none)
    for _ in range(5):
        screen = flat(m.screen())
        if "Create VM: Switches" in screen:
            break
        if any(t in screen for t in ("Create VM: Disks", "Create VM: CD-ROMs",
                                     "Create VM: PCI", "Create VM: USB")):
            m.send("enter")
        time.sleep(0.3)
    wait_text(m, "Create VM: Switches")
    go_to(m, "Real-time")
    m.send("space", "enter")  # real-time on; TPM and Secure Boot stay
    return wait_text(m, "VM '%s' (windows11)" % NAME)


def wizard_create(m, vcpus):
    wizard_to_summary(m, vcpus)
    m.send("enter")  # Create
    wait_text(m, "VM '%s' is created" % NAME, timeout=60)
    m.send("enter")
    wait_text(m, "Create a new VM")


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    online = len(os.sched_getaffinity(0))
    vcpus = 2 if online >= 2 else 1
    reserve = None if online >= 3 else "none"
    with systest.scratch_dir() as scratch:
        config = systest.write_config(scratch, "true", reserve)
        with open(config, "a") as f:
            # the guest (firmware, no disk) may ignore the power button: the
            # journey's Shut down then forces it off after 5 s
            f.write("accelerator=tcg\nshutdown_timeout=5\n")
        try:
            cases(tap, dkvm, config, vcpus)
        finally:
            systest.remove_domain(NAME)
    tap.finish()


def refused_create(tap, m, vcpus, scratch):
    """A VM of the name appears while the person reads the summary: Create
    is refused with libvirt's reason, the person is back at the summary,
    and the other VM is untouched."""
    wizard_to_summary(m, vcpus)
    path = os.path.join(scratch, "other.xml")
    with open(path, "w") as f:
        f.write(systest.diskless_domain(NAME, 1))
    r = virsh("define", path)
    assert r.code == 0, r.describe()
    m.send("enter")  # Create
    wait_text(m, "a VM named '%s' already exists" % NAME, timeout=60)
    m.send("enter")
    screen = wait_text(m, "VM '%s' (windows11)" % NAME)
    assert "<Create>" in screen, screen
    xml = virsh("dumpxml", "--inactive", NAME).out
    assert "<vcpu placement='static'>1</vcpu>" in xml and "<hugepages" not in xml, xml
    # Back from the summary and every step: the menu's main screen again
    for _ in range(12):
        if "Create a new VM" in flat(m.screen()):
            break
        m.send("esc")
        time.sleep(0.5)
    wait_text(m, "Create a new VM")
    systest.remove_domain(NAME)


def cases(tap, dkvm, config, vcpus):
    with Menu(dkvm, host=None, umockdev=False, connect=systest.URI, config=config) as m:
        with systest.scratch_dir() as scratch:
            systest.step(tap, "a refused Create is shown and leads back to the summary",
                 lambda: refused_create(tap, m, vcpus, scratch))
        if not systest.step(tap, "the wizard creates %s" % NAME, lambda: wizard_create(m, vcpus)):
            return
    tap.check(systest.domain_exists(NAME), "libvirt has the wizard's VM")
    wizard_xml = virsh("dumpxml", "--inactive", NAME).out
    tap.check("<vcpusched" in wizard_xml and "<vcpupin" in wizard_xml
              and "<hugepages>" in wizard_xml and "version='2.0'" in wizard_xml,
              "the wizard's VM is pinned, real-time, in hugepages, with a TPM 2.0",
              wizard_xml[:3000])

    # the CLI's VM for the same choices, defined under the same name
    request = ["--preset", "windows11", "--memory", MEMORY, "--vcpus", str(vcpus),
               "--network", "none", "--realtime"]
    r = run([dkvm, "--connect", systest.URI, "--config", config, "vm", "create", NAME,
             *request, "--print-xml"])
    if not tap.check(r.code == 0, "dkvm vm create %s --print-xml" % " ".join(request),
                     r.describe()):
        return
    virsh("undefine", NAME, "--nvram", "--tpm")
    with systest.scratch_dir() as scratch:
        path = os.path.join(scratch, "cli.xml")
        with open(path, "w") as f:
            f.write(r.out)
        d = virsh("define", path)
    if not tap.check(d.code == 0, "virsh defines the CLI's XML", d.describe()):
        return
    cli_xml = virsh("dumpxml", "--inactive", NAME).out
    tap.check(normalized(wizard_xml) == normalized(cli_xml),
              "the wizard's domain is the CLI's, but for the UUID and MAC addresses",
              "wizard:\n%s\ncli:\n%s" % (wizard_xml, cli_xml))

    # the rest of the journey, on the real domain
    with Menu(dkvm, host=None, umockdev=False, connect=systest.URI, config=config) as m:
        journey(tap, m)


def open_vm(m, action, wait):
    """From the main screen: VM NAME's list, then its @action."""
    wait_text(m, "Create a new VM")
    choose(m, NAME, "What should happen to this VM?")
    return choose(m, action, wait)


def live_state():
    r = virsh("domstate", NAME)
    return r.out.strip() if r.code == 0 else None


def journey(tap, m):
    def edit():
        screen = open_vm(m, "Edit", "Edit '%s'" % NAME)
        assert re.search(r"Memory\s+128 MiB", screen), screen
        choose(m, "Memory", "The VM's memory")
        type_input(m, "256M")
        wait_text(m, "256 MiB")
        choose(m, "Switches", "Space ticks and unticks")
        go_to(m, "Real-time")
        m.send("space", "enter")  # real-time off
        wait_text(m, "Edit '%s'" % NAME)
        m.send("end", "enter")  # Save: the summary
        wait_text(m, "VM '%s' (windows11)" % NAME)
        m.send("enter")
        wait_text(m, "VM '%s' is changed" % NAME, timeout=60)
        m.send("enter")
    if not systest.step(tap, "Edit changes the real domain's memory and switches", edit):
        return
    xml = virsh("dumpxml", "--inactive", NAME).out
    memory = ET.fromstring(xml).find("memory") if xml else None
    tap.check(memory is not None and int(memory.text) == 256 * 1024
              and "<vcpusched" not in xml,
              "virsh reads 256 MiB back, and no real-time vCPUs", xml[:2000])

    def start():
        open_vm(m, "Start", "Start %s" % NAME)
        wait_text(m, "%s is running." % NAME, timeout=120)
        m.send("enter")
        assert live_state() == "running", live_state()
    if not systest.step(tap, "Start runs the edited VM", start):
        return
    live = virsh("dumpxml", NAME).out
    running = ET.fromstring(live) if live else None
    tap.check(running is not None and running.find("cputune/vcpupin") is not None
              and running.find("memoryBacking/hugepages") is not None
              and int(running.findtext("memory")) == 256 * 1024,
              "the running VM is pinned and in hugepages, with the edited memory", live[:2000])

    def monitor():
        screen = open_vm(m, "Monitor", "Monitor %s" % NAME)
        assert "CPU" in screen, screen
        m.send("q")
        wait_text(m, "Create a new VM")
    systest.step(tap, "Monitor shows its vCPU threads", monitor)

    def shut_down():
        open_vm(m, "Shut down", "Shut down")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            screen = flat(m.screen())
            if "The VM has shut down." in screen:
                m.send("enter")
                break
            if "did not shut down within" in screen:
                m.send("left", "enter")  # Yes: force it off
                break
            time.sleep(0.2)
        else:
            raise AssertionError("no end of the shut down:\n" + m.screen())
        wait_text(m, "Create a new VM")
        assert live_state() == "shut off", live_state()
    systest.step(tap, "Shut down stops it (forced off after the timeout if ignored)",
                 shut_down)

    def delete():
        nvram = ET.fromstring(virsh("dumpxml", "--inactive", NAME).out).findtext("os/nvram")
        open_vm(m, "Delete", "Delete VM '%s'?" % NAME)
        m.send("left", "enter")
        wait_text(m, "Also delete its disk image files?")
        m.send("enter")
        wait_text(m, "VM '%s' is deleted." % NAME)
        m.send("enter")
        assert not systest.domain_exists(NAME), "still defined"
        assert nvram is None or not os.path.exists(nvram.strip()), nvram
    systest.step(tap, "Delete undefines it with its NVRAM", delete)


if __name__ == "__main__":
    main()
