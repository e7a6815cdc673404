#!/usr/bin/env python3
"""The hypervisor's real abilities decide the domain, on the real libvirtd.

What libvirt reports (`virsh domcapabilities`) is read here independently,
and DKVM's plan and defined domain are checked against it:

- On a machine where libvirt offers KVM: a windows11 VM under
  accelerator=auto holds exactly the Hyper-V enlightenments of DKVM's set
  that libvirt reports supported (and whose QEMU dependencies remain), the
  plan's one warning names every one left out, the domain is type='kvm'
  with host-passthrough, and it starts and keeps running under KVM with
  SeaBIOS (OVMF under nested KVM stops at an emulation failure, see
  testing.md). accelerator=kvm plans the same; accelerator=tcg gives
  type='qemu', mode maximum and no Hyper-V.
- On a machine without KVM: accelerator=auto gives type='qemu' and mode
  maximum, and accelerator=kvm is refused with exit 4, defining nothing.

The checks that need the other kind of machine are TAP SKIPs naming why.

usage: hypervisor.py DKVM START_LIBVIRTD
"""

import os
import sys
import time
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import systest  # noqa: E402
from systest import run, virsh  # noqa: E402

NAME = "dkvm-system-hypervisor"
VENDOR_ID = "dkvmtest"
# DKVM's Windows set (domains/plan-hypervisor.c) and QEMU's dependencies
DKVM_HYPERV = ["relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer",
               "reset", "frequencies", "reenlightenment", "tlbflush", "ipi"]
NEEDS = {"synic": "vpindex", "stimer": "synic", "ipi": "vpindex", "tlbflush": "vpindex"}


def skip(tap, what, why):
    tap.count += 1
    print(f"ok {tap.count} - {what} # SKIP {why}", flush=True)


def kvm_capabilities():
    """libvirt's own word: the kvm domain capabilities for q35, or None."""
    r = virsh("domcapabilities", "--virttype", "kvm", "--machine", "q35", "--arch", "x86_64")
    if r.code != 0:
        return None
    return ET.fromstring(r.out)


def expected_hyperv(caps):
    """(kept, left out, vendor_id, hypervclock) for what libvirt reports."""
    hyperv = caps.find("./features/hyperv")
    if hyperv is None:
        return list(DKVM_HYPERV), [], True, True
    supported = set()
    if hyperv.get("supported") != "no":
        supported = {v.text for v in hyperv.findall("./enum[@name='features']/value")}
    kept, left = [], []
    for f in DKVM_HYPERV:
        if f in supported and (f not in NEEDS or NEEDS[f] in kept):
            kept.append(f)
        else:
            left.append(f)
    # hypervclock is no libvirt feature: KVM offers it with vpindex
    return kept, left, "vendor_id" in supported, "vpindex" in supported


def write_config(scratch, accelerator):
    path = systest.write_config(scratch, "true")
    with open(path, "a") as f:
        f.write(f"accelerator={accelerator}\n")
    os.rename(path, path + "." + accelerator)
    return path + "." + accelerator


def plan_json(tap, base, request, what):
    r = run(base + ["plan", *request, "--json"])
    plan = systest.json_or_none(r.out) if r.code == 0 else None
    tap.check(plan is not None, what, r.describe())
    return plan or {}


def domain_hyperv(xml_text):
    root = ET.fromstring(xml_text)
    hyperv = root.find("./features/hyperv")
    names = [] if hyperv is None else [c.tag for c in hyperv]
    return root, names


def on_kvm(tap, dkvm, scratch, caps):
    kept, left, vendor_ok, clock_ok = expected_hyperv(caps)
    tap.note(f"libvirt offers KVM here; of DKVM's Hyper-V set it supports {kept}, "
             f"vendor_id {'yes' if vendor_ok else 'no'}")
    auto = [dkvm, "--connect", systest.URI, "--config", write_config(scratch, "auto")]
    request = ["--preset", "windows11", "--vcpus", "1", "--memory", "128M", "--network",
               "none", "--no-hugepages", "--no-pinning", "--no-tpm", "--bios",
               "--no-secure-boot", "--hyperv-vendor-id", VENDOR_ID]

    plan = plan_json(tap, auto, request, "accelerator=auto: dkvm plan --json")
    hv = plan.get("hypervisor") or {}
    tap.check(hv.get("from_capabilities") is True and hv.get("domain_type") == "kvm"
              and hv.get("cpu_mode") == "host-passthrough",
              "the plan comes from libvirt's capabilities: type kvm, host-passthrough", f"{hv}")
    tap.check(hv.get("hyperv") == kept and hv.get("hyperv_vendor_id") == vendor_ok
              and hv.get("hypervclock") == clock_ok,
              f"the plan's Hyper-V set is what libvirt supports: {kept}, hypervclock "
              f"{'yes' if clock_ok else 'no'}", f"{hv}")
    hyperv_warnings = [w for w in plan.get("warnings", []) if "Hyper-V" in w]
    if left:
        tap.check(len(hyperv_warnings) == 1 and all(f in hyperv_warnings[0] for f in left),
                  f"one plan warning names the {len(left)} enlightenments left out",
                  f"left out: {left}\nwarnings: {plan.get('warnings')}")
    else:
        tap.check(not hyperv_warnings, "libvirt supports DKVM's whole set: no warning",
                  f"{plan.get('warnings')}")

    r = run(auto + ["vm", "create", NAME, *request])
    if not tap.check(r.code == 0 and systest.domain_exists(NAME),
                     f"accelerator=auto: dkvm vm create {NAME} (windows11, SeaBIOS)",
                     r.describe()):
        return
    xml_text = virsh("dumpxml", "--inactive", NAME).out
    root, names = domain_hyperv(xml_text)
    want = kept + (["vendor_id"] if vendor_ok else [])
    tap.check(root.get("type") == "kvm", "the defined domain is type='kvm'",
              f"type={root.get('type')}")
    cpu = root.find("./cpu")
    tap.check(cpu is not None and cpu.get("mode") == "host-passthrough",
              "the defined domain's CPU is host-passthrough",
              f"{None if cpu is None else cpu.attrib}")
    tap.check(names == want, f"the domain's <hyperv> holds only {want}", f"it holds {names}")
    clock = root.find("./clock/timer[@name='hypervclock']")
    tap.check((clock is not None) == clock_ok,
              f"the domain {'has' if clock_ok else 'has no'} hypervclock timer",
              f"{ET.tostring(root.find('./clock')).decode() if root.find('./clock') is not None else None}")

    r = run(auto + ["vm", "start", NAME])
    tap.check(r.code == 0, f"dkvm vm start {NAME} under KVM", r.describe())
    time.sleep(3)  # an emulation failure pauses the guest at once
    state = virsh("domstate", "--reason", NAME).out.strip()
    tap.check(state.startswith("running"), "after 3 s the VM still runs under KVM",
              f"domstate: {state}")
    pid = systest.qemu_pid(NAME)
    threads = []
    if pid is not None:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    threads.append(f.read().strip())
            except OSError:
                pass
    tap.check(any(t.endswith("/KVM") for t in threads),
              "QEMU runs the vCPU on KVM (a thread named 'CPU 0/KVM')", f"threads: {threads}")
    r = run(auto + ["vm", "stop", NAME, "--timeout", "3", "--force"])
    tap.check(r.code == 0, f"dkvm vm stop {NAME} --force", r.describe())
    r = run(auto + ["vm", "delete", NAME, "--yes"])
    tap.check(r.code == 0 and not systest.domain_exists(NAME), f"dkvm vm delete {NAME}",
              r.describe())

    kvm = [dkvm, "--connect", systest.URI, "--config", write_config(scratch, "kvm")]
    plan = plan_json(tap, kvm, request, "accelerator=kvm: dkvm plan --json")
    hv = plan.get("hypervisor") or {}
    tap.check(hv.get("domain_type") == "kvm" and hv.get("hyperv") == kept,
              "accelerator=kvm plans type kvm with the same Hyper-V set", f"{hv}")

    tcg = [dkvm, "--connect", systest.URI, "--config", write_config(scratch, "tcg")]
    plan = plan_json(tap, tcg, request, "accelerator=tcg: dkvm plan --json")
    hv = plan.get("hypervisor") or {}
    tap.check(hv.get("domain_type") == "qemu" and hv.get("cpu_mode") == "maximum"
              and hv.get("hyperv") == [] and hv.get("hypervclock") is False,
              "accelerator=tcg: type qemu, mode maximum, no Hyper-V, no hypervclock", f"{hv}")
    skip(tap, "accelerator=kvm is refused with exit 4", "libvirt offers KVM on this machine")


def without_kvm(tap, dkvm, scratch):
    tap.note("libvirt offers no KVM here (virttype kvm refused)")
    request = ["--preset", "windows11", "--vcpus", "1", "--memory", "128M", "--network",
               "none", "--no-hugepages", "--no-pinning", "--no-tpm", "--bios",
               "--no-secure-boot"]
    auto = [dkvm, "--connect", systest.URI, "--config", write_config(scratch, "auto")]
    plan = plan_json(tap, auto, request, "accelerator=auto: dkvm plan --json")
    hv = plan.get("hypervisor") or {}
    tap.check(hv.get("from_capabilities") is True and hv.get("domain_type") == "qemu"
              and hv.get("cpu_mode") == "maximum" and hv.get("hyperv") == [],
              "the plan from libvirt's capabilities: type qemu, maximum, no Hyper-V", f"{hv}")
    r = run(auto + ["vm", "create", NAME, *request])
    if tap.check(r.code == 0 and systest.domain_exists(NAME),
                 f"accelerator=auto: dkvm vm create {NAME}", r.describe()):
        root, names = domain_hyperv(virsh("dumpxml", "--inactive", NAME).out)
        cpu = root.find("./cpu")
        tap.check(root.get("type") == "qemu" and cpu is not None
                  and cpu.get("mode") == "maximum" and not names,
                  "the defined domain is type='qemu', mode maximum, without Hyper-V",
                  f"type={root.get('type')} cpu={None if cpu is None else cpu.attrib} "
                  f"hyperv={names}")
        run(auto + ["vm", "delete", NAME, "--yes"])

    kvm = [dkvm, "--connect", systest.URI, "--config", write_config(scratch, "kvm")]
    r = run(kvm + ["plan", *request])
    tap.check(r.code == 4 and "accelerator=kvm" in r.err,
              "accelerator=kvm: dkvm plan is refused with exit 4", r.describe())
    r = run(kvm + ["vm", "create", NAME, *request])
    tap.check(r.code == 4 and not systest.domain_exists(NAME),
              "accelerator=kvm: dkvm vm create is refused with exit 4 and defines nothing",
              r.describe())
    for what in ("the Hyper-V set under KVM", "a VM starting under KVM with SeaBIOS"):
        skip(tap, what, "libvirt offers no KVM on this machine")


def main():
    dkvm, setup = sys.argv[1], sys.argv[2]
    tap = systest.Tap()
    systest.require_root_and_libvirtd(tap, setup, 256)
    systest.remove_domain(NAME)
    with systest.scratch_dir() as scratch:
        try:
            caps = kvm_capabilities()
            if caps is not None:
                on_kvm(tap, dkvm, scratch, caps)
            else:
                without_kvm(tap, dkvm, scratch)
        finally:
            systest.remove_domain(NAME)
    tap.finish()


if __name__ == "__main__":
    main()
