"""
Drives the real `dkvm menu` in tmux for the `menu` suite: starts it in a
detached tmux session of a given size (on a fixture host under umockdev,
against libvirt's test driver or a real libvirtd), sends keys, and reads the
screen as a person sees it.

Each Menu has its own tmux server (-L), so tests run in parallel and a
failing test leaves nothing behind. Waiting is always for what the screen
shows (wait_for), never a fixed sleep: the menu's speed is a benchmark, not
a test.
"""
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
HOSTS = os.path.join(SOURCE_ROOT, "test", "data", "hosts")
NODE_XML = os.path.join(SOURCE_ROOT, "test", "data", "libvirt", "node.xml")

# keys by the names people use in the tests
KEYS = {"esc": "Escape", "enter": "Enter", "tab": "Tab", "space": "Space",
        "up": "Up", "down": "Down", "left": "Left", "right": "Right",
        "pgdn": "NPage", "pgup": "PPage", "home": "Home", "end": "End",
        "bs": "BSpace"}

DEFAULT_TIMEOUT = float(os.environ.get("DKVM_MENU_TIMEOUT", "20"))


class ScreenTimeout(AssertionError):
    pass


BOX = re.compile(r"[│┌┐└┘├┤─┬┴]+")


def flat(screen):
    """The screen's words with the boxes gone and lines joined: a message
    dialog wraps wherever its box ends, so text is matched in this form."""
    return " ".join(BOX.sub(" ", screen).split())


def wait_text(m, text, timeout=DEFAULT_TIMEOUT):
    """Waits for @text in the flattened screen (see flat); returns the
    screen once it has stopped changing (as Menu.wait_for)."""
    deadline = time.monotonic() + timeout
    wanted = " ".join(text.split())
    while True:
        raw = m.screen()
        if wanted in flat(raw):
            return m._settled(raw, deadline)
        if time.monotonic() > deadline:
            raise ScreenTimeout("no %r on the screen:\n%s\nmenu log:\n%s"
                                % (text, m.screen(), m.log_text()))
        time.sleep(0.05)


def wait_for_any(m, texts, timeout=DEFAULT_TIMEOUT):
    """Waits until one of @texts is on the screen; returns the screen."""
    deadline = time.monotonic() + timeout
    while True:
        screen = m.screen()
        if any(t in screen for t in texts):
            return m._settled(screen, deadline)
        if time.monotonic() > deadline:
            raise ScreenTimeout("none of %r on the screen:\n%s" % (texts, screen))
        time.sleep(0.05)


def list_rows(screen):
    """The rows of the list box on @screen (a menu's items), stripped."""
    rows = []
    for line in screen.splitlines():
        found = re.match(r"^ *│ │(.*)│ │ *$", line)
        if found:
            rows.append(found.group(1).strip())
    return [r for r in rows if r]


def choose(m, label, wait):
    """Moves the cursor from the top of the list to the row that starts
    with @label (a word or words: "win11", "Shut down"), counting rows so
    that other screens' rows do not matter, presses Enter and waits for
    @wait; returns the screen."""
    screen = m.wait_for(label)
    rows = list_rows(screen)
    index = next(i for i, r in enumerate(rows) if r == label or r.startswith(label + " "))
    m.send("home", *["down"] * index, "enter")
    return m.wait_for(wait)


def clear_input(m, count=70):
    """Empties an input box (Backspace enough times for any value)."""
    m.send(*(["bs"] * count))


def type_input(m, text):
    """Replaces an input box's value with @text and presses Enter."""
    clear_input(m)
    m.send(text, "enter")


class Menu:
    """One `dkvm menu` in its own tmux server."""

    def __init__(self, dkvm, host="demo", connect=None, width=80, height=24,
                 args=(), env=None, umockdev=True, config=None, argv=None,
                 umockdev_dir=None):
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux not found: install tmux (scripts/install-deps)")
        self.work = tempfile.mkdtemp(prefix="dkvm-menu-")
        # a name never used before: a killed server's socket may linger
        self.socket = "dkvm-menu-%d-%s" % (os.getpid(), uuid.uuid4().hex[:12])
        self.log = os.path.join(self.work, "menu.log")
        self.exit_file = os.path.join(self.work, "exit-status")
        command = [dkvm]
        if connect is None:
            connect = "test://" + NODE_XML
        command += ["--connect", connect]
        if config is not None:
            command += ["--config", config]
        command += ["menu", "--log", self.log] + list(args)
        environment = {"TERM": "linux", "LANG": "C.UTF-8"}
        if umockdev_dir is not None:
            # a live umockdev testbed's directory (its owner sends uevents): used
            # as it is, since a copy would not receive them
            self.host_dir = umockdev_dir
            environment["UMOCKDEV_DIR"] = umockdev_dir
            command = ["umockdev-wrapper"] + command
        elif umockdev and host is not None:
            # a copy: what the menu writes to /sys (hugepage pools) under umockdev
            # lands in the tree, and the committed fixture must stay as it is
            source = host if os.path.isabs(host) else os.path.join(HOSTS, host)
            self.host_dir = os.path.join(self.work, "host")
            shutil.copytree(source, self.host_dir, symlinks=True)
            environment["UMOCKDEV_DIR"] = self.host_dir
            command = ["umockdev-wrapper"] + command
        if argv is not None:
            # a whole command line of the test's own (e.g. `make run`'s script)
            environment.pop("UMOCKDEV_DIR", None)
            command = list(argv)
        environment.update(env or {})
        exports = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in environment.items())
        # the status is kept so a test can assert how the menu ended
        shell = "env %s %s; echo $? > %s; sleep 600" % (
            exports, " ".join(shlex.quote(c) for c in command), shlex.quote(self.exit_file))
        self._tmux("new-session", "-d", "-x", str(width), "-y", str(height), shell)

    def _tmux(self, *args, check=True):
        result = subprocess.run(["tmux", "-L", self.socket] + list(args),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True)
        if check and result.returncode != 0:
            raise RuntimeError("tmux %s failed (%d): %s" % (args[0], result.returncode,
                                                          result.stderr.strip()))
        return result

    def screen(self):
        """The screen's text, line by line."""
        return self._tmux("capture-pane", "-p").stdout

    def send(self, *keys):
        """Named keys ("down", "enter") or literal text ("win11")."""
        for key in keys:
            if key.lower() in KEYS:
                self._tmux("send-keys", KEYS[key.lower()])
            else:
                self._tmux("send-keys", "-l", key)

    def wait_for(self, text, timeout=DEFAULT_TIMEOUT, gone=False):
        """Waits until @text is on the screen (or, gone=True, no longer is)
        and the screen has stopped changing (dialog draws a box in several
        writes; a test that reads rows must not see half of them); returns
        the screen. On time out the screen is part of the failure."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if (text in screen) != gone:
                return self._settled(screen, deadline)
            if time.monotonic() > deadline:
                raise ScreenTimeout("%s %r on the screen after %.0f s; the screen:\n%s\n"
                                    "menu log:\n%s" % ("still" if gone else "no", text,
                                                        timeout, screen, self.log_text()))
            time.sleep(0.05)

    def _settled(self, screen, deadline):
        """The screen once two captures 50 ms apart agree (or at @deadline)."""
        while time.monotonic() < deadline:
            time.sleep(0.05)
            again = self.screen()
            if again == screen:
                return screen
            screen = again
        return screen

    def resize(self, width, height):
        self._tmux("resize-window", "-x", str(width), "-y", str(height))

    def exit_status(self, timeout=DEFAULT_TIMEOUT):
        """The menu's exit status once it has ended."""
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.exit_file) or os.path.getsize(self.exit_file) == 0:
            if time.monotonic() > deadline:
                raise ScreenTimeout("the menu did not end; the screen:\n" + self.screen())
            time.sleep(0.05)
        with open(self.exit_file) as f:
            return int(f.read().strip())

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def close(self):
        self._tmux("kill-server", check=False)
        shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
