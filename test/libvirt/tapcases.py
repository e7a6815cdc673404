"""The TAP runner the CLI test files share: each case is a function,
registered in order with @test (or test.add(name, fn)); a failing case prints
its traceback as TAP diagnostics and the run goes on, so one run shows every
problem."""

import shutil
import traceback


class Cases:
    def __init__(self):
        self.cases = []

    def __call__(self, fn):
        self.cases.append((fn.__name__, fn))
        return fn

    def add(self, name, fn):
        self.cases.append((name, fn))

    def run(self, scratch=None):
        """Runs every case, removes @scratch, returns the exit status."""
        print(f"1..{len(self.cases)}", flush=True)
        failed = 0
        for i, (name, fn) in enumerate(self.cases, 1):
            try:
                fn()
                print(f"ok {i} - {name}", flush=True)
            except Exception:
                failed += 1
                print(f"not ok {i} - {name}", flush=True)
                for line in traceback.format_exc().splitlines():
                    print(f"# {line}", flush=True)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        return 1 if failed else 0
