#!/usr/bin/env python3
"""Benchmark: `dkvm vm create ... --print-xml` against `virt-install
--print-xml --connect test:///default` for the same request (a Windows 11 VM,
8 vCPUs, 16 GiB, one virtio disk, NAT network, TPM), both measured by
hyperfine in the same run. Prints the mean of each and the ratio dkvm /
virt-install (goal: <= 0.2). A speed goal is reported, never asserted: a
missing tool fails with the package to install.

Usage: bench-create.py DKVM HOST_JSON
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

GOAL = 0.2


def need(tool, package):
    if shutil.which(tool) is None:
        sys.exit(f"bench-create: {tool} not found: install {package}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    dkvm, host_json = sys.argv[1], sys.argv[2]
    need("hyperfine", "hyperfine")
    need("virt-install", "virtinst")
    # a dkvm.conf with every default (a missing --config file is refused)
    defaults = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                            "dkvm-defaults.conf")
    dkvm_cmd = (
        f"{dkvm} --config={defaults} vm create win11 --preset windows11 "
        f"--vcpus 8 --memory 16G --disk /var/lib/libvirt/images/win11.qcow2 "
        f"--network nat --host-json {host_json} --print-xml"
    )
    virt_install_cmd = (
        "virt-install --connect test:///default --print-xml --name win11 "
        "--memory 16384 --vcpus 8 --osinfo win11 "
        "--disk pool=default-pool,size=64,bus=virtio --import "
        "--network network=default --tpm default --noautoconsole"
    )
    # both must work before their speed means anything
    for cmd in (dkvm_cmd, virt_install_cmd):
        done = subprocess.run(cmd, shell=True, capture_output=True, text=True)
        if done.returncode != 0 or "<domain" not in done.stdout:
            sys.exit(f"bench-create: `{cmd}` failed: {done.stderr.strip()}")

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "hyperfine.json")
        subprocess.run(
            ["hyperfine", "--warmup", "3", "--min-runs", "20", "--style", "basic",
             "--export-json", out, "-n", "dkvm", dkvm_cmd, "-n", "virt-install",
             virt_install_cmd],
            check=True,
        )
        with open(out) as f:
            results = {r["command"]: r["mean"] for r in json.load(f)["results"]}

    ratio = results["dkvm"] / results["virt-install"]
    print(f"dkvm vm create --print-xml:   {results['dkvm'] * 1000:8.2f} ms")
    print(f"virt-install --print-xml:     {results['virt-install'] * 1000:8.2f} ms")
    print(f"ratio dkvm / virt-install:    {ratio:8.3f} (goal <= {GOAL}: "
          f"{'met' if ratio <= GOAL else 'MISSED'})")


if __name__ == "__main__":
    main()
