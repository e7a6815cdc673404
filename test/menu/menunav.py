"""Moving around dialog's lists by what is on the screen, for the menu tests:
the line under the cursor (dialog draws it on a blue background), going to a
line by its text, and waiting until the last key is drawn (menutest.py has
the rest: flat, wait_text, ...)."""
import re
import time


def cursor_line(m):
    """The list line under the cursor: dialog draws it on a blue background
    inside the list's box (the screen around a small dialog is blue too)."""
    out = m._tmux("capture-pane", "-p", "-e").stdout
    for line in out.splitlines():
        bars = [i for i, c in enumerate(line) if c == "│"]
        if len(bars) >= 4 and "\x1b[44m" in line[bars[1]:bars[-2]]:
            return re.sub(r"\x1b\[[0-9;]*m", "", line)
    return ""


def settle(m):
    """Waits until the screen stops changing (the last key is drawn)."""
    before = None
    for _ in range(100):
        now = m._tmux("capture-pane", "-p", "-e").stdout
        if now == before:
            return
        before = now
        time.sleep(0.1)


def go_to(m, text, limit=80):
    """Moves the cursor down from the top of the list to the line holding @text."""
    m.send("home")
    settle(m)
    for _ in range(limit):
        line = cursor_line(m)
        if text in line:
            return line
        m.send("down")
        settle(m)
        if cursor_line(m) == line:
            break  # the end of the list
    raise AssertionError("no line %r in the list:\n%s" % (text, m.screen()))


def demo_devices_to_summary(m, disks):
    """On the demo host, from the Disks step once it says @disks ("The VM has
    2 disks."): Done, the Windows ISO, the RTX 3070 (its audio function pulled
    in, as the step says), the Logitech receiver, the switches as they are;
    returns at the summary."""
    m.wait_for(disks)
    go_to(m, "Done: go on")
    m.send("enter")
    m.wait_for("Create VM: CD-ROMs")
    go_to(m, "Win11_23H2")
    m.send("space", "enter")
    m.wait_for("Create VM: PCI devices")
    go_to(m, "01:00.0")
    m.send("space", "enter")
    m.wait_for("takes the other functions of its slot")
    m.send("enter")
    m.wait_for("takes the other functions", gone=True)
    settle(m)
    m.send("enter")
    m.wait_for("Create VM: USB devices")
    settle(m)
    go_to(m, "046d:c08b")
    m.send("space", "enter")
    m.wait_for("Create VM: Switches")
    m.send("enter")
    return m.wait_for("Create VM: Summary")
