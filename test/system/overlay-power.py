#!/usr/bin/env python3
"""The DKVM host's power button end to end on a real libvirtd: the acpid
handler of alpine-overlay (etc/acpi/handler.sh), run as acpid runs it for
a power button event, with the built dkvm on PATH, asks the running VM to
shut down, and the VM receives the ACPI power button and powers itself off.
Pressed again with no VM running, it powers the host off (a fake `poweroff`
first in PATH records the call: the machine is never powered off).

The guest is a 512-byte boot sector (written here) that does what an OS's
ACPI code does with the button: it enables the power button event in the
PM1 registers (at the base the firmware gave q35's LPC bridge), waits for its
status bit, then writes S5 (SLP_EN, SLP_TYP 0: QEMU's soft off) to PM1
control. SeaBIOS without a disk (power.py's guest) ignores the button; this
one shuts down only when the button reaches it.

`dkvm power button` acts on every running VM, so this refuses to run while a
VM that is not this suite's runs.

usage: overlay-power.py DKVM START_LIBVIRTD
"""

import os
import stat
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-overlay-power"
HANDLER = os.path.join(HERE, "..", "..", "alpine-overlay", "etc", "acpi", "handler.sh")


def boot_sector():
    """Real-mode code: finds the PM registers' I/O base in the LPC bridge
    (00:1f.0, PMBASE at 0x40), sets PWRBTN_EN in PM1_EN, waits for
    PWRBTN_STS in PM1_STS, then writes SLP_EN | SLP_TYP 0 (QEMU's soft off)
    to PM1_CNT, and halts."""
    def word(v):
        return bytes([v & 0xFF, v >> 8])

    head = (b"\xfa"                                  # cli
            + b"\x66\xb8" + (0x8000F840).to_bytes(4, "little")  # mov eax, cfg(0,1f,0,0x40)
            + b"\xba" + word(0xCF8)                   # mov dx, 0xcf8
            + b"\x66\xef"                             # out dx, eax
            + b"\xb2\xfc"                             # mov dl, 0xfc
            + b"\x66\xed"                             # in eax, dx
            + b"\x25" + word(0xFF80)                  # and ax, PMBASE mask
            + b"\x89\xc3"                             # mov bx, ax
            + b"\x8d\x57\x02"                         # lea dx, [bx+2]: PM1_EN
            + b"\xb8" + word(0x0100)                  # mov ax, PWRBTN_EN
            + b"\xef")                                 # out dx, ax
    wait = (b"\x89\xda"                               # wait: mov dx, bx: PM1_STS
            + b"\xed"                                  # in ax, dx
            + b"\xa9" + word(0x0100))                 # test ax, PWRBTN_STS
    jump = bytes([0x74, (-(len(wait) + 2)) & 0xFF])   # jz wait
    tail = (b"\x8d\x57\x04"                           # lea dx, [bx+4]: PM1_CNT
            + b"\xb8" + word(0x2000)                  # mov ax, SLP_EN | SLP_TYP 0 (S5)
            + b"\xef"                                  # out dx, ax
            + b"\xf4"                                  # hlt
            + b"\xeb\xfe")                             # jmp $
    code = head + wait + jump + tail
    return code + b"\0" * (510 - len(code)) + b"\x55\xaa"


def domain(disk):
    return f"""<domain type='qemu'>
  <name>{NAME}</name>
  <memory unit='MiB'>64</memory>
  <vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/></os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='{disk}'/>
      <target dev='sda' bus='sata'/>
    </disk>
    <memballoon model='none'/>
  </devices>
</domain>
"""


def state(name):
    r = virsh("domstate", name)
    return r.out.strip() if r.code == 0 else None


def wait_state(name, want, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if state(name) == want:
            return True
        time.sleep(0.2)
    return state(name) == want


def others_running():
    r = virsh("list", "--name")
    return [n for n in r.out.split() if n and not n.startswith(systest.SUITE_PREFIX)]


def read_calls(calls):
    try:
        with open(calls) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def main():
    dkvm, setup = os.path.abspath(sys.argv[1]), sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    systest.remove_domain(NAME)
    others = others_running()
    if others:
        tap.bail("VMs not of this suite run on qemu:///system (" + ", ".join(others) +
                 "): `dkvm power button` would shut them down; stop them and run again")
    with systest.scratch_dir() as scratch:
        os.chmod(scratch, 0o755)  # QEMU (libvirt's qemu user) reads the disk
        disk = os.path.join(scratch, "acpi-guest.img")
        with open(disk, "wb") as f:
            # a whole MiB: SeaBIOS does not boot a disk of one sector
            f.write(boot_sector().ljust(1 << 20, b"\0"))
        bindir = os.path.join(scratch, "bin")
        os.makedirs(bindir)
        calls = os.path.join(scratch, "calls")
        for fake in ("poweroff", "reboot"):
            path = os.path.join(bindir, fake)
            with open(path, "w") as f:
                f.write(f'#!/bin/sh\necho "{fake} $*" >> "{calls}"\n')
            os.chmod(path, stat.S_IRWXU)
        os.symlink(dkvm, os.path.join(bindir, "dkvm"))
        # acpid's environment: the handler finds dkvm and poweroff in PATH
        env = {"PATH": bindir + os.pathsep + "/usr/sbin:/usr/bin:/sbin:/bin",
               "LIBVIRT_DEFAULT_URI": systest.URI}
        xml = os.path.join(scratch, "domain.xml")
        with open(xml, "w") as f:
            f.write(domain(disk))
        r = virsh("define", xml)
        try:
            if not tap.check(r.code == 0, "virsh defines the VM with the ACPI guest", r.describe()):
                tap.finish()
            r = virsh("start", NAME)
            if not tap.check(r.code == 0 and state(NAME) == "running", "the VM runs",
                             r.describe()):
                tap.finish()
            # the guest must not power off by itself (no button yet)
            time.sleep(3)
            tap.check(state(NAME) == "running", "the guest waits for the button",
                      f"state: {state(NAME)}")

            r = run(["/bin/sh", HANDLER, "button/power", "PWRF", "00000080", "00000001"],
                    env=env, timeout=60)
            tap.check(r.code == 0, "the acpid handler runs for the power button", r.describe())
            tap.check(wait_state(NAME, "shut off", 60),
                      "the VM received the ACPI power button and shut down",
                      f"state: {state(NAME)}")
            tap.check(read_calls(calls) == [], "the host stayed on while a VM ran",
                      f"calls: {read_calls(calls)}")

            r = run(["/bin/sh", HANDLER, "button/power", "PWRF", "00000080", "00000002"],
                    env=env, timeout=60)
            tap.check(r.code == 0 and read_calls(calls) == ["poweroff "],
                      "pressed again with no VM running, it powers the host off (the fake)",
                      f"calls: {read_calls(calls)}\n{r.describe()}")
        finally:
            systest.remove_domain(NAME)
    tap.finish()


main()
