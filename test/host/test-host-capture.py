#!/usr/bin/env python3
"""`dkvm host --capture FILE` round trip: capture each fixture host under
umockdev (so the capture reads the fixture exactly as it would read a real
machine), unpack the tarball, run discovery on the unpacked tree, and get the
same `dkvm host --json`; on the demo host's capture, disk discovery (by-id
names, models, sizes, the data partition) gives what it gives on the fixture
(TEST_HOST_DISKS, test-host-disks.c). Also: the tarball holds only sys/, proc/ and dev/
paths, symlinks stay relative, and a capture to an unwritable place fails
cleanly with nothing left behind.

Usage: test-host-capture.py DKVM HOSTS_DIR [TEST_HOST_DISKS]"""

import os
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


def main():
    dkvm, hosts_dir = sys.argv[1:3]
    disks_test = sys.argv[3] if len(sys.argv) > 3 else None
    names = hostlib.fixture_names(hosts_dir)
    if not names:
        hostlib.fail("no fixture hosts in %s" % hosts_dir)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            fixture = os.path.join(hosts_dir, name)
            tarball = os.path.join(tmp, name + ".tar.gz")
            proc = hostlib.run_dkvm(dkvm, fixture, "host", "--capture", tarball)
            check("wrote " in proc.stderr and proc.stdout == "",
                  "%s: capture output %r" % (name, proc.stderr))
            out = os.path.join(tmp, name)
            with tarfile.open(tarball) as tar:
                members = tar.getmembers()
                bad = [m.name for m in members
                       if m.name.split("/")[0] not in ("sys", "proc", "dev")]
                check(not bad, "%s: paths outside sys/proc/dev: %s" % (name, bad[:5]))
                absolute = [m.name for m in members if m.issym() and
                            m.linkname.startswith("/")]
                check(not absolute, "%s: absolute links: %s" % (name, absolute[:5]))
                tar.extractall(out)
            want = hostlib.run_dkvm(dkvm, fixture, "host", "--json").stdout
            got = hostlib.run_dkvm(dkvm, out, "host", "--json").stdout
            if got != want:
                import difflib
                sys.stdout.writelines(list(difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True), "fixture", "capture"))[:80])
            check(got == want, "%s: discovery on the capture differs" % name)
            print("%s: %d entries, same JSON: %s" % (name, len(members), got == want))
            if name == "demo" and disks_test is not None:
                disks = hostlib.run_dkvm(disks_test, out, "-p", "/host-disks/disks", "-p",
                                         "/host-disks/data-partition", check=False)
                sys.stdout.write(disks.stdout)
                check(disks.returncode == 0 and "ok 2" in disks.stdout,
                      "demo: disk discovery on the capture: %s" % disks.stderr[-500:])
        bad = hostlib.run_dkvm(dkvm, os.path.join(hosts_dir, names[0]), "host", "--capture",
                               os.path.join(tmp, "missing-dir", "x.tar.gz"), check=False)
        check(bad.returncode == 1 and bad.stderr.startswith("dkvm: capturing the host: "),
              "unwritable capture: exit %d %r" % (bad.returncode, bad.stderr))
        check(not os.path.exists(os.path.join(tmp, "missing-dir")), "left something behind")
    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
