"""Check that this machine is ready for the course: Python, torch, torchvision, device, MNIST,
folders.

    uv run python scripts/check_environment.py

Prints one line per check (with what to do for each problem) and a one-line verdict; exits with
status 1 when something needs fixing. It never downloads anything. Notebook 00 shows the same
report.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The one sys.path edit in the course: this script must run with a plain `python3` in a fresh clone,
# where
# nothing is installed yet, and report a missing torch itself; everything else imports the installed
# packages.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    """Run the check; the exit status says whether the machine is ready."""
    try:
        from course_tools.environment import check_environment
    except ImportError as error:
        # Without the course package itself the check cannot even start: say what to do.
        print(f"PROBLEM  the course's package is not installed ({error}).")
        print(
            "         what to do: run `uv sync` in the course folder, "
            "then `uv run python scripts/check_environment.py`."
        )
        print("\nVerdict: 1 problem: packages.")
        return 1
    return 0 if check_environment() else 1


if __name__ == "__main__":
    sys.exit(main())
