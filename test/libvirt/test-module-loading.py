#!/usr/bin/env python3
"""What the dkvm binary loads (issue 13, the module boundary). The binary
links no libvirt: host discovery, planning from a host file and listing the
commands load neither libvirt nor dkvm's libvirt module; a vm command loads
the module, with libvirt, exactly once, even when both the workflow and the
planning in the binary call into it (vm create). Watched through the dynamic
loader's own trace (LD_DEBUG=files: a "calling init" line for every library
the process initialises). Runs the real binary on libvirt's test driver (a
node file). And the module binds its own calls to its own functions: the
binary exports stubs of the same names (frontend/vm/vm-api.h), so a dynamic
relocation in the module for a function it defines would send the call back
through the binary (readelf). Prints TAP.

Usage: test-module-loading.py DKVM NODE_XML HOST_JSON MODULE_SO
"""
import os
import subprocess
import sys

from tapcases import Cases

DKVM, NODE, HOST = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
MODULE_SO = sys.argv[4]
URI = "test://" + NODE
MODULE = "dkvm-libvirt.so"


def loaded(*args):
    """The base names of the libraries initialised while dkvm ran @args, with
    each name's count, and the run's result."""
    env = dict(os.environ, LD_DEBUG="files", LIBVIRT_DEFAULT_URI=URI)
    env.pop("LD_DEBUG_OUTPUT", None)
    r = subprocess.run([DKVM] + list(args), capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=60, env=env)
    counts = {}
    for line in r.stderr.splitlines():
        if "calling init:" in line:
            name = os.path.basename(line.split("calling init:", 1)[1].strip())
            counts[name] = counts.get(name, 0) + 1
    return counts, r


def libvirt_libraries(counts):
    return sorted(n for n in counts if n.startswith("libvirt") or n == MODULE)


def expect_nothing_of_libvirt(*args, rc=0):
    counts, r = loaded(*args)
    assert r.returncode == rc, f"exit {r.returncode}, expected {rc}: {r.stderr[-2000:]!r}"
    found = libvirt_libraries(counts)
    assert not found, f"dkvm {' '.join(args)} loaded {found}"


def expect_module_once(*args):
    counts, r = loaded(*args)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr[-2000:]!r}"
    for name in (MODULE, "libvirt.so.0"):
        assert counts.get(name) == 1, \
            f"dkvm {' '.join(args)}: {name} initialised {counts.get(name, 0)} times"


def readelf(*args):
    return subprocess.run(["readelf", "-W"] + list(args) + [MODULE_SO], capture_output=True,
                          text=True, check=True, timeout=60).stdout


def expect_module_binds_its_own_calls():
    defined = set()
    for line in readelf("--dyn-syms").splitlines():
        fields = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(fields) >= 8 and fields[3] == "FUNC" and fields[6] != "UND":
            defined.add(fields[7].split("@")[0])
    assert "dkvm_vm_list" in defined, "the module defines no dkvm_vm_list: not the workflows?"
    back = sorted({line.split()[4].split("@")[0] for line in readelf("-r").splitlines()
                   if len(line.split()) >= 5 and line.split()[4].split("@")[0] in defined})
    assert not back, f"the module's calls to its own {back} are resolved at run time " \
                     "(and would reach the binary's stubs): link it with -Bsymbolic-functions"


test = Cases()
test.add("the module's calls to its own functions stay in the module",
         expect_module_binds_its_own_calls)
test.add("host --json loads no libvirt", lambda: expect_nothing_of_libvirt("host", "--json"))
test.add("plan --host-json loads no libvirt",
         lambda: expect_nothing_of_libvirt("plan", "--host-json", HOST))
test.add("--help loads no libvirt", lambda: expect_nothing_of_libvirt("--help"))
test.add("vm alone loads no libvirt", lambda: expect_nothing_of_libvirt("vm", rc=2))
test.add("an unknown vm command loads no libvirt",
         lambda: expect_nothing_of_libvirt("vm", "destroy", "x", rc=2))
test.add("vm list loads the module once", lambda: expect_module_once("vm", "list"))
test.add("vm create (workflow and planning) loads the module once",
         lambda: expect_module_once("vm", "create", "dkvm-module-x", "--host-json", HOST,
                                    "--print-xml"))

sys.exit(test.run())
