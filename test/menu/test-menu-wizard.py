#!/usr/bin/env python3
"""The menu's Create wizard and Edit, driven as a person drives them: the
real `dkvm menu` in tmux (menutest.Menu) on a fixture host under umockdev,
against libvirt's test driver opened on test/data/libvirt/node.xml. The
test driver keeps what the menu defines inside the menu's process, so every
result is read where a person reads it: on the main screen and in the Edit
list. Prints TAP.

Usage: test-menu-wizard.py DKVM
"""
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "libvirt"))

from menunav import go_to  # noqa: E402
from menutest import Menu, clear_input, flat, type_input, wait_for_any, wait_text  # noqa: E402
from tapcases import Cases  # noqa: E402

DKVM = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="dkvm-menu-wizard-")
CONF = os.path.join(TMP, "dkvm.conf")
with open(CONF, "w") as f:
    # this test's own dkvm.conf (never the machine's): persisting succeeds
    f.write("[host]\npersist_command=true\n")

test = Cases()

# the steps in the order Create asks them, each by what its first widget
# shows; the device steps (disks, CD-ROMs, PCI, USB) come from another part
# of the menu and are walked with Enter when they are there
STEP_TITLES = ["Create VM: Preset", "Create VM: Memory", "Create VM: vCPUs",
               "Create VM: Network", "Create VM: Switches", "Create VM: Summary"]
DEVICE_TITLES = ["Create VM: Disks", "Create VM: CD-ROMs", "Create VM: PCI",
                 "Create VM: USB"]


def menu(**kwargs):
    return Menu(DKVM, host=kwargs.pop("host", "demo"), config=CONF, **kwargs)


def vm_rows(screen):
    """The main screen's VM rows: name -> (state, vcpus, memory)."""
    rows = {}
    for line in screen.splitlines():
        m = re.search(r"│\s+(\S+)\s+(running|shutoff|paused|\S+)\s+(\d+)\s+([\d.]+ \wiB)", line)
        if m:
            rows[m.group(1)] = (m.group(2), int(m.group(3)), m.group(4))
    return rows


def wait_row(m, name, expected, timeout=20):
    """Waits until the main screen's row of @name reads @expected
    ((state, vcpus, memory)); returns the screen."""
    deadline = time.monotonic() + timeout
    while True:
        screen = m.screen()
        if vm_rows(screen).get(name) == expected:
            return screen
        if time.monotonic() > deadline:
            raise AssertionError("%s is not %r on the main screen:\n%s"
                                 % (name, expected, screen))
        time.sleep(0.05)


def main_screen(m):
    """The main screen, drawn to its buttons (the VM rows come first)."""
    wait_text(m, "Create a new VM")
    return wait_text(m, "<Refresh>")


def open_create(m):
    """From the main screen into the wizard's first step."""
    screen = main_screen(m)
    # Create is the first row under the VMs
    m.send("home", *(["down"] * len(vm_rows(screen))), "enter")
    wait_text(m, "Create VM: Preset")


def choose_name(m, name):
    wait_text(m, "Create VM: Preset")
    m.send("enter")
    wait_text(m, "Create VM: Name")
    type_input(m, name)


def walk_devices(m, until):
    """Enter through the device steps (when they exist) until @until shows."""
    for _ in range(len(DEVICE_TITLES) + 1):
        screen = wait_for_any(m, [until] + DEVICE_TITLES)
        if until in screen:
            return screen
        step = next(t for t in DEVICE_TITLES if t in screen)
        m.send("enter")
        # the next step drawn, before the next key (one Enter per step)
        wait_gone(m, step)
    return wait_text(m, until)


def wait_gone(m, text, timeout=20):
    deadline = time.monotonic() + timeout
    while text in m.screen():
        if time.monotonic() > deadline:
            raise AssertionError("%r still on the screen:\n%s" % (text, m.screen()))
        time.sleep(0.05)




def create(m, name, memory="4G", vcpus="6"):
    """The whole journey with the given choices, up to the summary."""
    open_create(m)
    choose_name(m, name)
    wait_text(m, "Create VM: Memory")
    type_input(m, memory)
    wait_text(m, "Create VM: vCPUs")
    type_input(m, vcpus)
    wait_text(m, "pinned like this")
    m.send("enter")
    wait_text(m, "Create VM: Network")
    m.send("enter")
    walk_devices(m, "Create VM: Switches")
    m.send("enter")
    wait_text(m, "Create VM: Summary")
    return wait_text(m, "VM '%s' (" % name)


@test
def create_journey_every_step():
    with menu() as m:
        before = vm_rows(main_screen(m))
        open_create(m)
        # the presets, windows11 chosen
        screen = wait_text(m, "Windows 11")
        assert "Windows 10" in flat(screen) and "Linux" in screen, screen
        m.send("down", "space", "enter")  # windows10
        wait_text(m, "Create VM: Name")
        type_input(m, "wiz-new")
        screen = wait_text(m, "Create VM: Memory")
        # what the host can give: the demo host's RAM and headroom
        assert "This host: 31.4 GiB of RAM" in flat(screen), screen
        assert "30.6 GiB available; it keeps 1.6 GiB" in flat(screen), screen
        assert "can have up to about" in flat(screen), screen
        type_input(m, "3G")
        screen = wait_text(m, "Create VM: vCPUs")
        assert "up to 14 vCPUs" in flat(screen), screen
        type_input(m, "4")
        # the pinning plan: host threads, L3 group, what the host keeps
        screen = wait_text(m, "pinned like this")
        assert "vCPU host CPU core L3" in flat(screen), screen
        m.send("end")
        # the planner's Why lines end the preview
        wait_text(m, "- host reserve: CPUs 0,8")
        m.send("home")
        screen = wait_text(m, "host keeps:")
        assert re.search(r"host keeps:\s+0,8", screen), screen
        m.send("enter")
        wait_text(m, "Create VM: Network")
        m.send("down", "down", "space", "enter")  # none
        walk_devices(m, "Create VM: Switches")
        screen = m.screen()
        # windows10's defaults: no TPM, no Secure Boot
        assert re.search(r"\[ \] TPM 2.0", screen), screen
        m.send("space", "enter")  # TPM on
        screen = wait_text(m, "VM 'wiz-new' (windows10)")
        assert re.search(r"Memory\s+3.0 GiB", screen), screen
        assert re.search(r"vCPUs\s+4, pinned", screen), screen
        assert re.search(r"Network\s+none", screen), screen
        assert re.search(r"Switches\s+tpm", screen), screen
        assert "CPU pinning: 4 vCPUs" in flat(screen), screen
        # the plan's Why lines, as `dkvm plan` prints them, to the end
        m.send("end")
        wait_text(m, "- the host keeps 1.6 GiB (max(1 GiB, 5 % of RAM))")
        m.send("enter")
        screen = wait_text(m, "is created")
        assert "VM 'wiz-new' is created" in flat(screen), screen
        m.send("enter")
        rows = vm_rows(wait_row(m, "wiz-new", ("shutoff", 4, "3.0 GiB")))
        del rows["wiz-new"]
        assert rows == before, (rows, before)


@test
def vcpu_preview_names_the_l3_group():
    # two CCDs of 8 cores: 8 vCPUs fit one L3 group, the one without the
    # host's reserve
    with menu(host="ryzen-5950x") as m:
        open_create(m)
        choose_name(m, "wiz-l3")
        wait_text(m, "The VM's memory")
        m.send("enter")
        screen = wait_text(m, "Number of vCPUs")
        assert "up to 28 vCPUs" in flat(screen), screen
        type_input(m, "8")
        screen = wait_text(m, "pinned like this")
        rows = re.findall(r"│\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+│", screen)
        assert rows and all(row[3] == "1" for row in rows), screen
        m.send("end")
        wait_text(m, "- all 8 vCPUs in L3 group 1 (32 MiB, free CPUs 8-15,24-31)")
        wait_text(m, "host reserve: CPUs 0-1,16-17")


def back_to_main(m, presses):
    for _ in range(presses):
        m.send("esc")
    return main_screen(m)


@test
def back_at_each_step_defines_nothing():
    with menu() as m:
        before = vm_rows(main_screen(m))
        # Back at the preset: out at once
        open_create(m)
        m.send("esc")
        assert vm_rows(main_screen(m)) == before
        # Back at the name: the preset, then out
        open_create(m)
        m.send("enter")
        wait_text(m, "Create VM: Name")
        m.send("esc")
        wait_text(m, "Create VM: Preset")
        m.send("esc")
        assert vm_rows(main_screen(m)) == before
        # Back at the memory: the name's step again (its preset first)
        open_create(m)
        choose_name(m, "wiz-back")
        wait_text(m, "Create VM: Memory")
        m.send("esc")
        wait_text(m, "Create VM: Preset")
        m.send("esc")
        assert vm_rows(main_screen(m)) == before
        # Back at the vCPUs and at the pinning preview
        open_create(m)
        choose_name(m, "wiz-back")
        wait_text(m, "Create VM: Memory")
        m.send("enter")
        wait_text(m, "Create VM: vCPUs")
        m.send("enter")
        wait_text(m, "pinned like this")
        m.send("esc")
        wait_text(m, "Number of vCPUs")
        m.send("esc")
        wait_text(m, "The VM's memory")
        m.send("esc")
        wait_text(m, "Create VM: Preset")
        m.send("esc")
        assert vm_rows(main_screen(m)) == before
        # Back at the network, the switches and the summary: step by step
        # back to the first, which leaves
        create(m, "wiz-back")
        m.send("esc")  # summary -> switches
        wait_text(m, "Create VM: Switches")
        m.send("esc")
        walk_back = ["Create VM: Network", "Create VM: vCPUs", "Create VM: Memory",
                     "Create VM: Preset"]
        for title in walk_back:
            screen = wait_for_any(m, [title] + DEVICE_TITLES)
            for _ in range(len(DEVICE_TITLES)):
                if title in screen:
                    break
                # a device step (there are four): Back again until the title shows
                m.send("esc")
                screen = wait_for_any(m, [title] + [t for t in DEVICE_TITLES
                                                    if t not in screen])
            wait_text(m, title)
            if title == "Create VM: vCPUs":
                wait_text(m, "Number of vCPUs")
            m.send("esc")
        assert vm_rows(main_screen(m)) == before
        assert "wiz-back" not in main_screen(m)


@test
def invalid_memory_is_refused_and_asked_again():
    with menu() as m:
        open_create(m)
        choose_name(m, "wiz-mem")
        wait_text(m, "Create VM: Memory")
        type_input(m, "lots")
        screen = wait_text(m, "invalid size 'lots'")
        assert "expected a number with K, M, G or T" in flat(screen), screen
        m.send("enter")
        wait_text(m, "The VM's memory")
        # more than the host's hugepages can back: the planner's reason
        type_input(m, "900G")
        screen = wait_text(m, "not enough memory")
        assert "hugepages" in flat(screen), screen
        m.send("enter")
        wait_text(m, "The VM's memory")
        type_input(m, "2G")
        wait_text(m, "Number of vCPUs")


@test
def invalid_vcpus_are_refused_with_the_reason():
    with menu() as m:
        open_create(m)
        choose_name(m, "wiz-cpu")
        wait_text(m, "Create VM: Memory")
        m.send("enter")
        wait_text(m, "Number of vCPUs")
        type_input(m, "four")
        screen = wait_text(m, "is not a number of vCPUs")
        m.send("enter")
        wait_text(m, "Number of vCPUs")
        # the demo host has 16 threads and keeps one core: 14 at most
        type_input(m, "32")
        wait_text(m, "not enough host CPUs for 32 vCPUs: this host can give at most 14 "
                     "(16 CPUs, 2 kept for the host: 0,8)")
        m.send("enter")
        wait_text(m, "Number of vCPUs")
        type_input(m, "2")
        wait_text(m, "pinned like this")


@test
def looking_glass_switch_asks_its_resolution():
    # ticked, the switch asks the resolution; a bad one is refused with the
    # reason and asked again; the summary shows what the VM gets
    with menu() as m:
        open_create(m)
        choose_name(m, "wiz-lg")
        wait_text(m, "Create VM: Memory")
        type_input(m, "4G")
        wait_text(m, "Create VM: vCPUs")
        type_input(m, "4")
        wait_text(m, "pinned like this")
        m.send("enter")
        wait_text(m, "Create VM: Network")
        m.send("enter")
        screen = walk_devices(m, "Create VM: Switches")
        assert re.search(r"\[ \] Looking Glass", screen), screen
        m.send("end", "space", "enter")
        screen = wait_text(m, "WIDTHxHEIGHT")
        assert "1920x1080" in screen, screen
        type_input(m, "2560x")
        screen = wait_text(m, "expected WIDTHxHEIGHT in pixels")
        m.send("enter")
        # back at the list, the tick kept; the resolution asked again
        screen = wait_text(m, "Create VM: Switches")
        assert re.search(r"\[\*\] Looking Glass", screen), screen
        m.send("enter")
        wait_text(m, "WIDTHxHEIGHT")
        type_input(m, "2560x1440")
        screen = wait_text(m, "VM 'wiz-lg' (")
        assert re.search(r"Switches\s+.*looking-glass 2560x1440", screen), screen


@test
def invalid_and_taken_names_are_refused():
    with menu() as m:
        open_create(m)
        m.send("enter")
        wait_text(m, "Create VM: Name")
        type_input(m, "no spaces/here")
        screen = wait_text(m, "invalid VM name")
        m.send("enter")
        wait_text(m, "Create VM: Name")
        type_input(m, "win11")
        screen = wait_text(m, "already exists")
        assert "a VM named 'win11' already exists" in flat(screen), screen
        m.send("enter")
        wait_text(m, "Create VM: Name")
        type_input(m, "")
        wait_text(m, "the VM needs a name")
        m.send("enter")
        wait_text(m, "Create VM: Name")
        type_input(m, "wiz-ok")
        wait_text(m, "Create VM: Memory")


@test
def bridge_name_is_asked_and_checked():
    with menu() as m:
        open_create(m)
        choose_name(m, "wiz-br")
        wait_text(m, "Create VM: Memory")
        m.send("enter")
        wait_text(m, "Number of vCPUs")
        m.send("enter")
        wait_text(m, "pinned like this")
        m.send("enter")
        wait_text(m, "Create VM: Network")
        m.send("down", "space", "enter")
        wait_text(m, "host bridge to join")
        type_input(m, "a/b")
        wait_text(m, "is not a bridge name")
        m.send("enter")
        wait_text(m, "host bridge to join")
        type_input(m, "br7")
        walk_devices(m, "Create VM: Switches")
        m.send("enter")
        wait_text(m, "Create VM: Summary")
        screen = wait_text(m, "VM 'wiz-br' (windows11)")
        assert re.search(r"Network\s+bridge br7", screen), screen


def open_edit(m, name):
    """The Edit list of @name, chosen on the main screen."""
    screen = main_screen(m)
    rows = list(vm_rows(screen))
    m.send("home", *(["down"] * rows.index(name)), "enter")
    wait_text(m, "What should happen to this VM?")
    m.send("E", "enter")
    return wait_text(m, "Edit '%s'" % name)


@test
def edit_is_prefilled_and_changes_memory():
    with menu() as m:
        create(m, "wiz-edit", memory="4G", vcpus="2")
        m.send("enter")
        wait_text(m, "is created")
        m.send("enter")
        wait_row(m, "wiz-edit", ("shutoff", 2, "4.0 GiB"))
        screen = open_edit(m, "wiz-edit")
        # the list shows the VM's current values
        assert re.search(r"Memory\s+4.0 GiB", screen), screen
        assert re.search(r"vCPUs\s+2, pinned", screen), screen
        assert re.search(r"Network\s+NAT \(default\)", screen), screen
        assert re.search(r"Switches\s+tpm, secure-boot", screen), screen
        m.send("down", "enter")
        screen = wait_text(m, "Edit 'wiz-edit': Memory")
        # the input starts from the VM's memory
        assert re.search(r"│4G\s", screen), screen
        type_input(m, "6G")
        screen = wait_text(m, "6.0 GiB")
        assert re.search(r"Memory\s+6.0 GiB", screen), screen
        m.send("end", "enter")
        wait_text(m, "Edit 'wiz-edit': Summary")
        screen = wait_text(m, "VM 'wiz-edit' (windows11)")
        assert re.search(r"Memory\s+6.0 GiB", screen), screen
        assert "< Save >" in screen, screen
        m.send("enter")
        wait_text(m, "VM 'wiz-edit' is changed")
        m.send("enter")
        wait_row(m, "wiz-edit", ("shutoff", 2, "6.0 GiB"))


@test
def early_bind_switch_is_kept_with_the_vm():
    # ticked, early binding reaches the summary and the VM's DKVM metadata:
    # Edit, which reads the VM back from its domain XML, shows it on
    with menu() as m:
        open_create(m)
        choose_name(m, "wiz-early")
        wait_text(m, "Create VM: Memory")
        type_input(m, "4G")
        wait_text(m, "Create VM: vCPUs")
        type_input(m, "2")
        wait_text(m, "pinned like this")
        m.send("enter")
        wait_text(m, "Create VM: Network")
        m.send("enter")
        screen = walk_devices(m, "Create VM: Switches")
        assert re.search(r"\[ \] PCI devices to vfio-pci at boot", screen), screen
        go_to(m, "PCI devices to vfio-pci")
        m.send("space", "enter")
        screen = wait_text(m, "VM 'wiz-early' (")
        assert re.search(r"Switches\s+tpm, secure-boot, early-bind", screen), screen
        m.send("enter")
        wait_text(m, "is created")
        m.send("enter")
        wait_row(m, "wiz-early", ("shutoff", 2, "4.0 GiB"))
        screen = open_edit(m, "wiz-early")
        assert re.search(r"Switches\s+tpm, secure-boot, early-bind", screen), screen


@test
def edit_back_changes_nothing():
    with menu() as m:
        create(m, "wiz-keep", memory="4G", vcpus="2")
        m.send("enter")
        wait_text(m, "is created")
        m.send("enter")
        before = vm_rows(main_screen(m))
        open_edit(m, "wiz-keep")
        m.send("down", "enter")
        wait_text(m, "Edit 'wiz-keep': Memory")
        type_input(m, "6G")
        wait_text(m, "6.0 GiB")
        # Back from the list: no error box, nothing changed
        m.send("esc")
        screen = main_screen(m)
        assert "cancelled" not in screen, screen
        assert vm_rows(screen) == before, (vm_rows(screen), before)
        # the preset is fixed in Edit, and says so
        open_edit(m, "wiz-keep")
        m.send("enter")
        wait_text(m, "chosen when it is created")
        m.send("enter")
        wait_text(m, "Edit 'wiz-keep'")
        m.send("esc")
        assert vm_rows(main_screen(m)) == before


@test
def fits_80x24():
    with menu() as m:
        screen = create(m, "wiz-small")
        lines = screen.splitlines()
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines), screen
        assert "<Create>" in screen, screen


sys.exit(test.run(TMP))
