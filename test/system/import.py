#!/usr/bin/env python3
"""`dkvm vm import` defines what the real libvirtd accepts: a domain file
written by a newer libvirt (<topology clusters='1'>, which libvirt 9.0's
schema does not know) is defined the way `virsh define` does, with a
one-line warning quoting the schema; a memory unit in another case
(`unit='kib'`) imports; a file libvirt itself refuses (an emulator that does
not exist) is refused with libvirt's reason and nothing is defined; a size
no libvirt can hold is refused by DKVM (exit 2), not wrapped.

usage: import.py DKVM START_LIBVIRTD
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

PREFIX = "dkvm-system-import"

# type='qemu' (TCG) defines on every machine, with or without /dev/kvm
DOMAIN = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='{unit}'>{size}</memory>
  <vcpu placement='static'>8</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <cpu mode='maximum'>{topology}</cpu>
  <devices>{devices}</devices>
</domain>
"""
OLD_TOPOLOGY = "<topology sockets='1' dies='1' cores='4' threads='2'/>"
NEW_TOPOLOGY = "<topology sockets='1' dies='1' clusters='1' cores='4' threads='2'/>"


def write(scratch, name, **fields):
    values = {"unit": "MiB", "size": "128", "topology": OLD_TOPOLOGY, "devices": ""}
    values.update(fields)
    path = os.path.join(scratch, f"{name}.xml")
    with open(path, "w") as f:
        f.write(DOMAIN.format(name=name, **values))
    return path


def schema_accepts(path):
    """Whether this machine's libvirt schema takes the file (a newer libvirt
    knows clusters: then no warning is due)."""
    r = subprocess.run(["virt-xml-validate", path, "domain"], capture_output=True, text=True)
    return r.returncode == 0


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 0)
    names = [f"{PREFIX}-{s}" for s in ("newer", "kib", "refused", "huge")]
    for name in names:
        systest.remove_domain(name)
    with systest.scratch_dir() as scratch:
        config = systest.write_config(scratch, "true")
        base = [dkvm, "--connect", systest.URI, "--config", config]
        try:
            cases(tap, base, scratch)
        finally:
            for name in names:
                systest.remove_domain(name)
    tap.finish()


def cases(tap, base, scratch):
    # written by a newer libvirt
    name = f"{PREFIX}-newer"
    path = write(scratch, name, topology=NEW_TOPOLOGY)
    newer_schema = schema_accepts(path)
    r = run(base + ["vm", "import", path])
    tap.check(r.code == 0 and r.out == f"imported VM '{name}' from {path}\n",
              "a file with <topology clusters='1'> imports", r.describe())
    tap.check(systest.domain_exists(name), "it is defined", virsh("list", "--all").out)
    if newer_schema:
        tap.note("this libvirt's schema knows clusters: no warning is due")
        tap.check(r.err == "", "no warning", r.describe())
    else:
        lines = r.err.splitlines()
        tap.check(len(lines) == 1 and lines[0].startswith(f"dkvm: warning: {path}: libvirt ")
                  and "schema refuses it (" in lines[0] and "cpu" in lines[0]
                  and "defined as libvirt reads it" in lines[0],
                  "one warning line quoting the schema's complaint", r.describe())
    xml = virsh("dumpxml", "--inactive", name).out
    topology = ET.fromstring(xml).find("cpu/topology") if xml else None
    tap.check(topology is not None and topology.get("cores") == "4"
              and topology.get("threads") == "2",
              "libvirt kept the topology it knows (4 cores, 2 threads)", xml[:2000])

    # the unit in lower case
    name = f"{PREFIX}-kib"
    path = write(scratch, name, unit="kib", size="131072")
    r = run(base + ["vm", "import", path])
    tap.check(r.code == 0 and r.err == "", "a file with <memory unit='kib'> imports",
              r.describe())
    xml = virsh("dumpxml", "--inactive", name).out
    memory = ET.fromstring(xml).findtext("memory") if xml else None
    tap.check(memory == "131072", "its memory is 128 MiB", xml[:2000])
    r = run(base + ["vm", "show", name, "--json"])
    shown = systest.json_or_none(r.out) or {}
    tap.check(shown.get("memory_kib") == 131072, "vm show reads 131072 KiB", r.describe())

    # refused by libvirt itself: nothing is defined, libvirt's reason is shown
    name = f"{PREFIX}-refused"
    path = write(scratch, name, devices="<emulator>/nonexistent/qemu-system-x86_64</emulator>")
    before = systest.host_state()
    r = run(base + ["vm", "import", path])
    tap.check(r.code != 0 and r.out == "", "a file libvirt refuses: a non-zero exit status",
              r.describe())
    tap.check(r.err.startswith(f"dkvm: skipped {path}: libvirt refused the domain: ")
              and "/nonexistent/qemu-system-x86_64" in r.err,
              "the message gives libvirt's reason (the emulator)", r.describe())
    tap.check(not systest.domain_exists(name), "nothing is defined",
              virsh("list", "--all").out)
    tap.check(systest.state_diff(before, systest.host_state()) == "",
              "nothing changed on the host", systest.state_diff(before, systest.host_state()))

    # a size no libvirt holds: DKVM's own message, exit 2, not a wrapped number
    name = f"{PREFIX}-huge"
    path = write(scratch, name, unit="TiB", size="17179869184")
    r = run(base + ["vm", "import", path])
    tap.check(r.code == 2 and r.err == f"dkvm: skipped {path}: memory: 17179869184 TiB is too "
              "large (libvirt takes at most 8 EiB)\ndkvm: import: 1 of 1 file skipped\n",
              "<memory unit='TiB'>17179869184: exit 2, too large", r.describe())
    tap.check(not systest.domain_exists(name), "nothing is defined",
              virsh("list", "--all").out)


if __name__ == "__main__":
    main()
