#!/usr/bin/env python3
"""The faces are thin over frontend/vm (issue 13's layer rule, and the
architecture's for the menu): no file in frontend/cli or frontend/menu
includes a header of frontend/virt or frontend/system, and no file in
frontend/menu includes one of frontend/cli (the menu never calls the CLI's
code). The headers are found by listing those directories, so a new header
is covered at once. PENDING names the files not yet moved over, each with
why; a file there that no longer breaks the rule fails too, so the list only
shrinks. Prints TAP.

Usage: test-cli-layering.py SOURCE_ROOT
"""
import os
import re
import sys

ROOT = sys.argv[1]
# each face and the parts of frontend/ it must not include directly
FACES = {"cli": ["virt", "system"], "menu": ["virt", "system", "cli"]}
PENDING = set()

include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
cases = []
for face, lower in FACES.items():
    headers = {}
    for part in lower:
        for name in os.listdir(os.path.join(ROOT, "frontend", part)):
            if name.endswith(".h"):
                headers[name] = part
    directory = os.path.join(ROOT, "frontend", face)
    for name in sorted(f for f in os.listdir(directory) if f.endswith((".c", ".h"))):
        with open(os.path.join(directory, name)) as f:
            found = [h for h in include.findall(f.read()) if h in headers]
        cases.append((f"{face}/{name}", found, headers))

print(f"1..{len(cases)}")
failed = 0
for i, (name, found, headers) in enumerate(cases, 1):
    if name in PENDING:
        ok = bool(found)
        why = "still pending" if ok else "no longer includes a lower header: drop it from PENDING"
    else:
        ok = not found
        why = ", ".join(f"{h} (frontend/{headers[h]})" for h in found)
    print(f"{'ok' if ok else 'not ok'} {i} - {name}{'' if ok and name not in PENDING else ': ' + why}")
    failed += not ok
sys.exit(1 if failed else 0)
