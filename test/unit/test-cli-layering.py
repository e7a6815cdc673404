#!/usr/bin/env python3
"""The CLI is a thin face over frontend/vm: no file in frontend/cli includes a
header of frontend/virt or frontend/system (issue 13's layer rule). The
headers are found by listing those directories, so a new header is covered
at once. PENDING names the files not yet moved over, each with why; a file
there that no longer breaks the rule fails too, so the list only shrinks.
Prints TAP.

Usage: test-cli-layering.py SOURCE_ROOT
"""
import os
import re
import sys

ROOT = sys.argv[1]
CLI = os.path.join(ROOT, "frontend", "cli")
LOWER = ["virt", "system"]
PENDING = set()

headers = {}
for part in LOWER:
    for name in os.listdir(os.path.join(ROOT, "frontend", part)):
        if name.endswith(".h"):
            headers[name] = part

include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
files = sorted(f for f in os.listdir(CLI) if f.endswith((".c", ".h")))
print(f"1..{len(files)}")
failed = 0
for i, name in enumerate(files, 1):
    with open(os.path.join(CLI, name)) as f:
        found = [h for h in include.findall(f.read()) if h in headers]
    if name in PENDING:
        ok = bool(found)
        why = "still pending" if ok else "no longer includes a lower header: drop it from PENDING"
    else:
        ok = not found
        why = ", ".join(f"{h} (frontend/{headers[h]})" for h in found)
    print(f"{'ok' if ok else 'not ok'} {i} - {name}{'' if ok and name not in PENDING else ': ' + why}")
    failed += not ok
sys.exit(1 if failed else 0)
