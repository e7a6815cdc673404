#!/usr/bin/env python3
"""Golden test of one fixture host: `dkvm host --json` under umockdev must equal
test/data/hosts-json/NAME.json byte for byte. The goldens are reviewed by hand
against the fixture models (siblings, L3 groups and sizes, P/E types, nodes, GPU
functions, IOMMU groups, the boot stick's controller) and are also the host
inputs of the domains planners' tests.

Usage: check-golden.py DKVM FIXTURE_DIR GOLDEN_JSON
DKVM_TEST_REGENERATE=1 rewrites the golden instead of comparing."""

import difflib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402


def main():
    dkvm, fixture, golden = sys.argv[1:4]
    out = hostlib.run_dkvm(dkvm, fixture, "host", "--json").stdout
    if os.environ.get("DKVM_TEST_REGENERATE") == "1":
        with open(golden, "w") as f:
            f.write(out)
        print("regenerated %s: review the diff before committing" % golden)
        return 0
    if not os.path.exists(golden):
        hostlib.fail("no golden %s: run with DKVM_TEST_REGENERATE=1 and review it" % golden)
    with open(golden) as f:
        want = f.read()
    if out != want:
        diff = difflib.unified_diff(want.splitlines(True), out.splitlines(True),
                                    "golden " + os.path.basename(golden), "dkvm host --json")
        sys.stdout.writelines(list(diff)[:300])
        if not any(os.path.exists(p) for p in ("/usr/lib/udev/hwdb.bin", "/etc/udev/hwdb.bin",
                                                "/lib/udev/hwdb.bin")):
            print("udev's hardware database (hwdb.bin) is missing: USB devices without name "
                  "strings get no names; install udev (scripts/install-deps)")
        hostlib.fail("dkvm host --json on %s differs from its golden" % fixture)
    print("ok: %s matches %s" % (os.path.basename(fixture), os.path.basename(golden)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
