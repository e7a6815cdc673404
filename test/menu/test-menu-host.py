#!/usr/bin/env python3
"""The host screens, driven in tmux like a person at the keyboard:
- Host: IOMMU groups with their devices, the kernel options, and the
  warnings (one GPU only, a GPU whose group is not its own, IOMMU off), on
  several fixture hosts;
- CPU: the CPU map with the host reserve (H) and win11's pins from
  test/data/libvirt/node.xml (a) on a Ryzen, a hybrid Intel and the 2-node
  Xeon; changing the reserve (dkvm.conf written, persisted, the map drawn
  again) and invalid reserves refused with the reason, asking again;
- Hugepages: the pools with total and free pages, what the `huge` VM needs,
  resizing a pool and reserving a VM's pages now (numbers change on the
  screen and in the pool's files), reservation at boot switched
  (dkvm.conf's boot_hugepages).
The hugepage tests run the menu on a scratch copy of the fixture host named
by DKVM_SYSFS_ROOT (no umockdev): every pool file the menu reads or writes
is the copy's, never the machine's. Every screen at 80x24. Prints TAP.

Usage: test-menu-host.py DKVM
"""
import os
import re
import shutil
import sys
import tempfile
import time

from menutest import HOSTS, Menu, choose, list_rows
from tapcases import Cases

DKVM = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="dkvm-menu-host-")
POOL_2M = "sys/kernel/mm/hugepages/hugepages-2048kB"
NO_DAEMON = "qemu+unix:///system?socket=" + os.path.join(TMP, "no-libvirtd-sock")

test = Cases()


def config(name, **keys):
    """A dkvm.conf of the test's own; persisting touches a marker file."""
    path = os.path.join(TMP, name)
    keys.setdefault("persist_command", "touch " + path + ".persisted")
    with open(path, "w") as f:
        f.write("[host]\n" + "".join("%s=%s\n" % kv for kv in keys.items()))
    return path


def read(path):
    with open(path) as f:
        return f.read()


def menu(name, **kw):
    if "config" not in kw:
        kw["config"] = config(name + ".conf")
    return Menu(DKVM, **kw)


def wait_all(m, *texts):
    """Waits until every one of @texts is on the screen (a box's last line
    drawn too); returns the screen."""
    for text in texts:
        m.wait_for(text)
    return m.screen()


def flat(screen):
    """@screen's text as one line: box borders gone, wrapped lines joined."""
    return " ".join(" ".join(l.strip("│├┤┌┐└┘─ ").split()) for l in screen.splitlines())


def scroll_to(m, text, key="pgdn", tries=30):
    """Scrolls a text box with @key until @text shows (wrapped or not);
    returns the screen."""
    for _ in range(tries):
        screen = m.screen()
        if text in flat(screen):
            return screen
        m.send(key)
        deadline = time.monotonic() + 3
        while m.screen() == screen and time.monotonic() < deadline:
            time.sleep(0.05)
    raise AssertionError("%r not found scrolling; the screen:\n%s" % (text, m.screen()))


def scratch_host(name, host, **pool):
    """A copy of fixture @host for DKVM_SYSFS_ROOT, its 2 MiB pool set to @pool."""
    root = os.path.join(TMP, name)
    shutil.copytree(os.path.join(HOSTS, host), root, symlinks=True)
    set_pool(root, **pool)
    return root


def set_pool(root, **values):
    for key, value in values.items():
        with open(os.path.join(root, POOL_2M, key), "w") as f:
            f.write("%d\n" % value)


def pool_value(root, key):
    return int(read(os.path.join(root, POOL_2M, key)))


def open_host_screen(m, label, wait):
    m.wait_for("Exit")
    return choose(m, label, wait)


def clear_input(m, n=24):
    m.send(*["bs"] * n)


def fits(screen, width=80):
    for line in screen.splitlines():
        assert len(line) <= width, "line wider than %d: %r" % (width, line)


# ---- Host ----

@test
def host_screen_shows_groups_and_kernel_options():
    with menu("host-demo") as m:
        screen = open_host_screen(m, "Host", "IOMMU      on, 30 groups")
        fits(screen)
        assert "Kernel     amd_iommu=on iommu=pt" in screen, screen
        assert "Warnings" not in screen, screen  # two GPUs, the VM's alone in its group
        # the RTX 3070 alone with its audio function in group 15, further
        # down: the box scrolls
        screen = scroll_to(m, "group 15")
        screen = scroll_to(m, "GA104 [GeForce RTX 3070]")
        fits(screen)
        m.send("enter")
        m.wait_for("Exit")


@test
def host_screen_warns_about_one_gpu():
    with menu("host-9600k", host="intel-9600k") as m:
        screen = open_host_screen(m, "Host", "Warnings")
        assert "Only one GPU" in screen, screen
        fits(screen)


@test
def host_screen_warns_about_a_group_that_is_not_isolated():
    with menu("host-8700k", host="intel-8700k") as m:
        screen = open_host_screen(m, "Host", "Warnings")
        assert "GPU 0000:01:00.0 is not isolated (no ACS)" in flat(screen), screen
        assert "0000:02:00.0" in flat(screen), screen  # the I210 NIC sharing group 1
        assert "vfio-pci.ids=10de:1b80,10de:10f0" in screen, screen


@test
def host_screen_warns_when_the_iommu_is_off():
    with menu("host-partial", host="partial") as m:
        screen = open_host_screen(m, "Host", "Warnings")
        assert "IOMMU off: no device can be passed through" in screen, screen
        assert "IOMMU      off" in screen, screen


# ---- CPU ----

@test
def cpu_map_on_the_demo_ryzen():
    with menu("cpu-demo") as m:
        open_host_screen(m, "CPU", "CPU map")
        screen = wait_all(m, "Package 0", "win11 (shutoff)")
        fits(screen)
        assert "AMD Ryzen 7 5800X" in screen, screen
        assert "L3 group 0 (32 MiB), CPUs 0-15" in screen, screen
        # the planner's reserve: CPU 0's core; win11's pins 2,3,6,7 (not whole cores)
        assert "[ 0H  8H] [ 1.  9.] [ 2a 10.] [ 3a 11.]" in screen, screen
        assert "host reserve: CPUs 0,8, auto" in screen, screen
        assert "win11 (shutoff): vCPUs on 2-3,6-7; emulator on 0,4" in screen, screen
        assert "linux (running): not pinned" in screen, screen
        m.send("enter")  # Back
        m.wait_for("Exit")


@test
def cpu_map_on_a_hybrid_intel():
    with menu("cpu-12900k", host="intel-12900k") as m:
        open_host_screen(m, "CPU", "CPU map")
        screen = wait_all(m, "E-cores", "win11 (shutoff)")
        fits(screen)
        assert "16 cores, 24 threads (P- and E-cores)" in screen, screen
        # adjacent SMT siblings; win11 pinned to P-cores 2-3 and 6-7
        assert "P-cores [ 0H  1H] [ 2a  3a] [ 4.  5.] [ 6a  7a]" in screen, screen
        assert "E-cores [16H] [17.]" in screen, screen


@test
def cpu_map_on_the_two_node_xeon():
    with menu("cpu-xeon", host="xeon-numa") as m:
        open_host_screen(m, "CPU", "CPU map")
        screen = wait_all(m, "Package 0", "[13. 41.]")
        fits(screen)
        assert "2 packages, 28 cores, 56 threads, 2 NUMA nodes" in screen, screen
        assert "Package 0, NUMA node 0" in screen, screen
        assert "[ 0H 28H] [ 1H 29H] [ 2a 30.] [ 3a 31.]" in screen, screen
        screen = scroll_to(m, "[14. 42.]")
        assert "Package 1, NUMA node 1" in screen, screen
        screen = scroll_to(m, "win11 (shutoff)")
        fits(screen)


@test
def cpu_map_whole_on_a_large_screen():
    with menu("cpu-large", host="xeon-numa", width=200, height=60) as m:
        open_host_screen(m, "CPU", "CPU map")
        # no scrolling: both packages and the VM list in one box
        screen = wait_all(m, "Package 1, NUMA node 1", "win11 (shutoff)")
        assert "[ 0H 28H]" in screen and "[27. 55.]" in screen, screen
        assert "%" not in screen, screen  # dialog shows a percentage only when it scrolls


@test
def changing_the_reserve_writes_dkvm_conf_and_redraws_the_map():
    path = config("reserve.conf")
    with menu("reserve", config=path) as m:
        open_host_screen(m, "CPU", "CPU map")
        m.send("right", "enter")  # Change reserve
        screen = m.wait_for("CPUs the host keeps")
        assert "auto" in screen, screen
        clear_input(m)
        m.send("0-1,8-9", "enter")
        screen = wait_all(m, "from dkvm.conf", "win11 (shutoff)")
        assert "[ 0H  8H] [ 1H  9H] [ 2a 10.]" in screen, screen
        assert "host reserve: CPUs 0-1,8-9, from dkvm.conf" in screen, screen
        assert re.search(r"^reserve=0-1,8-9$", read(path), re.M), read(path)
        assert os.path.exists(path + ".persisted")
        # part of a core: widened to the whole core, and said so
        m.send("right", "enter")
        m.wait_for("CPUs the host keeps")
        clear_input(m)
        m.send("3", "enter")
        screen = m.wait_for("covers part of a core")
        m.send("enter")
        screen = wait_all(m, "host reserve: CPUs 3,11", "win11 (shutoff)")
        assert "[ 3* 11H]" in screen, screen  # win11 still pinned on CPU 3: claimed twice
        assert re.search(r"^reserve=3$", read(path), re.M), read(path)
        # none
        m.send("right", "enter")
        m.wait_for("CPUs the host keeps")
        clear_input(m)
        m.send("none", "enter")
        m.wait_for("no host reserve (reserve=none in dkvm.conf)")  # the planner's warning
        m.send("enter")
        screen = wait_all(m, "host reserve: none", "win11 (shutoff)")
        assert "[ 0.  8.]" in screen, screen
        assert re.search(r"^reserve=none$", read(path), re.M), read(path)


@test
def an_invalid_reserve_is_refused_with_the_reason():
    path = config("invalid.conf", reserve="0,8")
    before = read(path)
    with menu("invalid", config=path) as m:
        open_host_screen(m, "CPU", "CPU map")
        m.send("right", "enter")
        screen = m.wait_for("CPUs the host keeps")
        assert "0,8" in screen, screen
        for value, why in (("0-", "invalid CPU list '0-'"),
                           ("64", "CPU 64 is not an online CPU of this host"),
                           ("0-15", "leaves no CPU for VMs")):
            clear_input(m)
            m.send(value, "enter")
            screen = m.wait_for("cannot be the host reserve")
            assert why in flat(screen), screen
            m.send("enter")
            screen = m.wait_for("CPUs the host keeps")  # asked again, with the value kept
            assert value in screen, screen
        m.send("esc")
        screen = wait_all(m, "CPU map", "win11 (shutoff)")
        assert "host reserve: CPUs 0,8, from dkvm.conf" in screen, screen
    assert read(path) == before
    assert not os.path.exists(path + ".persisted")


@test
def cpu_map_without_libvirt():
    """libvirtd away: the host's map is still drawn, the VMs said missing."""
    with menu("cpu-nolibvirt", connect=NO_DAEMON) as m:
        open_host_screen(m, "CPU", "CPU map")
        screen = wait_all(m, "host reserve: CPUs 0,8", "VMs not shown:")
        assert "[ 0H  8H] [ 1.  9.]" in screen, screen
        assert "win11" not in screen, screen


# ---- Hugepages ----

def hugepages_menu(name, root, **kw):
    env = {"DKVM_SYSFS_ROOT": root}
    return menu(name, host=None, umockdev=False, env=env, **kw)


@test
def hugepages_shows_pools_needs_and_boot():
    root = scratch_host("huge-show", "demo", nr_hugepages=100, free_hugepages=40)
    with hugepages_menu("huge-show", root) as m:
        screen = open_host_screen(m, "Hugepages", "Reserve at boot")
        fits(screen)
        rows = list_rows(screen)
        assert "2 MiB pages 100 total 40 free (200 MiB)" in [" ".join(r.split()) for r in rows], rows
        assert "huge needs 512 x 2 MiB (1 GiB)" in [" ".join(r.split()) for r in rows], rows
        assert "Reserve at boot off" in [" ".join(r.split()) for r in rows], rows
        assert "At boot: hugepagesz=2M hugepages=512" in screen, screen


@test
def resizing_a_pool_changes_it_now():
    root = scratch_host("huge-resize", "demo", nr_hugepages=100, free_hugepages=40)
    with hugepages_menu("huge-resize", root) as m:
        open_host_screen(m, "Hugepages", "Reserve at boot")
        screen = choose(m, "2", "How many pages should it hold?")
        assert "holds 100 pages, 40 free" in flat(screen), screen
        clear_input(m)
        m.send("lots", "enter")
        m.wait_for("'lots' is not a number of pages")
        m.send("enter")
        m.wait_for("How many pages should it hold?")
        clear_input(m)
        m.send("600", "enter")
        m.wait_for("600 total")
        assert pool_value(root, "nr_hugepages") == 600
        # the kernel would count the 500 new pages free; the tree is told so
        set_pool(root, free_hugepages=540)
        choose(m, "2", "How many pages should it hold?")
        clear_input(m)
        m.send("100", "enter")
        screen = m.wait_for("100 total")
        assert pool_value(root, "nr_hugepages") == 100


@test
def reserving_a_vms_pages_now():
    root = scratch_host("huge-vm", "demo", nr_hugepages=100, free_hugepages=40)
    with hugepages_menu("huge-vm", root) as m:
        open_host_screen(m, "Hugepages", "Reserve at boot")
        choose(m, "huge", "Reserve now the pages huge needs")
        m.send("enter")  # Yes
        screen = m.wait_for("added now")
        # 40 were free: 472 more make the 512 it needs
        assert "512 pages of 2 MiB free (472 added now)" in flat(screen), screen
        assert pool_value(root, "nr_hugepages") == 572
        m.send("enter")
        m.wait_for("572 total")


@test
def reservation_at_boot_switches_in_dkvm_conf():
    """dkvm.conf's key and the boot stick's kernel options (a fixture boot
    directory with test/data/boot's Alpine-style files) switch together."""
    root = scratch_host("huge-boot", "demo", nr_hugepages=0, free_hugepages=0)
    path = config("boot.conf")
    usb = os.path.join(TMP, "huge-boot-usb")
    data = os.path.join(os.path.dirname(HOSTS), "boot")
    for rel, name in (("boot/syslinux/syslinux.cfg", "alpine-syslinux.cfg"),
                      ("boot/grub/grub.cfg", "alpine-grub.cfg")):
        os.makedirs(os.path.dirname(os.path.join(usb, rel)), exist_ok=True)
        shutil.copyfile(os.path.join(data, name), os.path.join(usb, rel))
    stick = [os.path.join(usb, "boot/syslinux/syslinux.cfg"),
             os.path.join(usb, "boot/grub/grub.cfg")]
    with hugepages_menu("huge-boot", root, config=path, args=["--boot-dir", usb]) as m:
        open_host_screen(m, "Hugepages", "Reserve at boot")
        choose(m, "Reserve", "syslinux.cfg and grub.cfg are changed")
        m.send("enter")
        screen = m.wait_for("Reserve at boot      on")
        assert re.search(r"^boot_hugepages=on$", read(path), re.M), read(path)
        assert os.path.exists(path + ".persisted")
        for f in stick:
            assert "usb-storage quiet" in read(f) and \
                " hugepagesz=2M hugepages=512\n" in read(f), read(f)
        choose(m, "Reserve", "syslinux.cfg and grub.cfg are changed")
        m.send("enter")
        m.wait_for("Reserve at boot      off")
        assert re.search(r"^boot_hugepages=off$", read(path), re.M), read(path)
        for f in stick:
            assert "hugepage" not in read(f), read(f)


@test
def reservation_at_boot_without_a_stick_says_so():
    root = scratch_host("huge-nostick", "demo", nr_hugepages=0, free_hugepages=0)
    path = config("nostick.conf")
    with hugepages_menu("huge-nostick", root, config=path,
                        args=["--boot-dir", os.path.join(TMP, "no-stick")]) as m:
        open_host_screen(m, "Hugepages", "Reserve at boot")
        screen = choose(m, "Reserve", "kernel options are not changed")
        assert "is the boot partition mounted at" in flat(screen), screen
        m.send("enter")
        m.wait_for("Reserve at boot      on")
        assert re.search(r"^boot_hugepages=on$", read(path), re.M), read(path)


@test
def hugepages_without_libvirt():
    """libvirtd away: the pools are shown and can be changed, the VMs are said missing."""
    root = scratch_host("huge-nolibvirt", "demo", nr_hugepages=10, free_hugepages=10)
    with hugepages_menu("huge-nolibvirt", root, connect=NO_DAEMON) as m:
        screen = open_host_screen(m, "Hugepages", "Reserve at boot")
        assert "VMs not shown (see above)" in screen, screen
        assert "VMs not shown:" in flat(screen), screen
        choose(m, "2", "How many pages should it hold?")
        clear_input(m)
        m.send("20", "enter")
        m.wait_for("20 total")
        assert pool_value(root, "nr_hugepages") == 20


@test
def hugepages_per_node_on_the_xeon():
    root = scratch_host("huge-xeon", "xeon-numa")
    with hugepages_menu("huge-xeon", root) as m:
        screen = open_host_screen(m, "Hugepages", "Reserve at boot")
        fits(screen)
        rows = [" ".join(r.split()) for r in list_rows(screen)]
        assert "2 MiB pages, node 0 1024 total 1024 free (2 GiB)" in rows, rows
        assert "1 GiB pages, node 1 32 total 32 free (32 GiB)" in rows, rows


sys.exit(test.run(scratch=TMP))
