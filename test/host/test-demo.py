#!/usr/bin/env python3
"""`make run` (scripts/demo) on the bundled demo host: the compact host
summary comes first, the plan is printed once, the VM list shows the VM the
demo made, and the last line names the binary and says nothing changed.

Usage: test-demo.py DEMO_SCRIPT DKVM DEMO_HOST"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402


def main():
    script, dkvm, host = sys.argv[1:4]
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1")
    env.update(hostlib.SAN_ENV)
    proc = subprocess.run(["bash", script, dkvm, host], env=env, capture_output=True,
                          text=True)
    out = proc.stdout
    lines = out.splitlines()
    errors = []

    def check(cond, what):
        if not cond:
            errors.append(what)

    check(proc.returncode == 0, "demo exited %d: %s" % (proc.returncode, proc.stderr[-2000:]))
    commands = [l for l in lines if l.startswith("$ dkvm")]
    check(commands and commands[0] == "$ dkvm host --summary",
          "first command is %r" % (commands[:1],))
    check(out.count("CPU pinning:") == 1, "the plan is printed %d times"
          % out.count("CPU pinning:"))
    check("The full report" in out and "GPUs" in out, "no compact host summary")
    after_list = out.split("vm list", 1)[-1].splitlines()
    check(any(l.split()[:2] == ["win11", "shutoff"] for l in after_list if l.strip()),
          "the VM list lacks win11 (shut off):\n" + "\n".join(after_list[:5]))
    check("\033[" not in out, "escape codes with NO_COLOR and no terminal")
    last = lines[-1] if lines else ""
    check(os.path.abspath(dkvm) in last and "nothing on this machine was changed" in last,
          "last line: %r" % last)
    for e in errors:
        print("FAIL: " + e)
    if errors:
        print(out)
        return 1
    print("demo: summary first, plan once, win11 listed, last line names %s" % dkvm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
