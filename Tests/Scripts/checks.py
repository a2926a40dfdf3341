"""What every test script reports: one line per check, then a "N passed, N failed" summary."""
import sys


class Checks:
    """Counts checks as they are made and prints each one."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def __call__(self, name, condition, detail=""):
        """Records the check `name`; on failure prints `detail` (what was found) beside it."""
        if condition:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {detail}".rstrip())

    def finish(self, title):
        """Prints the summary under `title` and exits, non-zero on any failure."""
        print(f"{title}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
