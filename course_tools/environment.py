"""The environment check a student runs first: versions, device, data, and a one-line verdict.

Nothing here downloads or writes anything: it only looks, so it is safe to run anywhere.
"""

from __future__ import annotations

import platform
import re
import sys
import textwrap
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

# Nothing from torch or helpers is imported here at module level: this module must load (and
# report a missing torch) in an environment where the course's packages are not installed yet.

MIN_PYTHON = (3, 11)  # the same as requires-python in pyproject.toml and .python-version
INSTALL_FIX = (
    "run `uv sync` in the course folder (or `conda env create -f environment.yml`), "
    "then restart Jupyter"
)
# The oldest versions the course runs on: the same minimums as pyproject.toml's dependencies
# (tests/tools/test_environment_check.py fails when the two drift apart).
MIN_VERSIONS = {"torch": (2, 4), "torchvision": (0, 19)}


@dataclass(frozen=True)
class Check:
    """One report line: what was checked, whether it is fine, what was found, and what to do."""

    name: str
    ok: bool
    found: str
    fix: str = ""


def check_python(version_info: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    """Python must be at least MIN_PYTHON."""
    text = ".".join(map(str, version_info)) + f" ({platform.python_implementation()})"
    if tuple(version_info[:2]) >= MIN_PYTHON:
        return Check("Python", True, text)
    wanted = ".".join(map(str, MIN_PYTHON))
    return Check(
        "Python", False, text, f"install Python {wanted} or newer (uv does it for you: `uv sync`)"
    )


def release(text: str) -> tuple[int, ...]:
    """The leading release numbers of a version string: '2.5.1+cpu' -> (2, 5, 1)."""
    numbers = re.match(r"\d+(?:\.\d+)*", text)
    return tuple(int(n) for n in numbers.group().split(".")) if numbers else ()


def check_package(name: str, found: str | None = None) -> Check:
    """An installed package and its version (read from its metadata, no import needed), which must
    be at least its MIN_VERSIONS entry. `found` stands in for the installed version (for tests)."""
    try:
        found = found if found is not None else version(name)
    except PackageNotFoundError:
        return Check(name, False, "not installed", INSTALL_FIX)
    minimum = MIN_VERSIONS.get(name)
    if minimum is None or release(found) >= minimum:
        return Check(name, True, found)
    wanted = ".".join(map(str, minimum))
    return Check(
        name,
        False,
        f"{found}, older than the course needs ({wanted} or newer)",
        f"update it to {wanted} or newer: run `uv sync` in the course folder (or "
        "`conda env update -f environment.yml`), then restart Jupyter and run this check again",
    )


def check_device() -> Check:
    """The device the notebooks will use; a CPU is fine, just slower."""
    from helpers.device import describe_device, pick_device

    found = describe_device(pick_device())
    if "no GPU" in found:
        found += ": fine, every notebook runs on a CPU (notebook 07 then times the CPU only)"
    return Check("device", True, found)


def check_mnist() -> Check:
    """What loading MNIST will do, from the same function load_mnist asks: ready, or what to do."""
    from helpers._mnist_files import mnist_status
    from helpers.settings import data_dir

    status = mnist_status(data_dir())
    found = status.found + (f". Note: {status.note}" if status.note else "")
    return Check("MNIST data", status.ready, found, status.fix)


def check_checkpoint_folder() -> Check:
    """Trained models must be savable: the folder exists (or can be made), is writable, has room."""
    from helpers._safe_files import describe_bytes, free_bytes, temporary_files
    from helpers.checkpoints import checkpoint_folder_problem
    from helpers.settings import checkpoint_dir

    folder = checkpoint_dir()
    found = checkpoint_folder_problem(folder)
    if found:
        return Check("checkpoints", False, *found)
    state = "is writable" if folder.exists() else "can be created"
    text = f"{folder} {state} ({describe_bytes(free_bytes(folder))} free)"
    left = temporary_files(folder) if folder.is_dir() else {}
    if left:  # harmless (never loaded), but they take space: say so
        size = describe_bytes(sum(p.stat().st_size for p in left))
        text += f". Note: {len(left)} temporary file(s) of interrupted saves ({size})"
        text += ", removed by the next save"
    return Check("checkpoints", True, text)


def check_settings() -> Check:
    """COURSE_FAST must hold a value the course understands; the mode it selects."""
    from helpers.settings import SettingsError, describe_mode

    try:
        return Check("mode", True, describe_mode())
    except SettingsError as error:
        return Check("mode", False, error.found, error.fix)


def run_checks() -> list[Check]:
    """Every check, in report order (those needing torch only when it is installed)."""
    checks = [check_python(), check_package("torch"), check_package("torchvision")]
    if not all(c.ok for c in checks[1:]):
        return (
            checks  # device, data and folders are checked by the course's code, which needs torch
        )
    mode = check_settings()
    checks += [mode, check_device(), check_mnist()]
    return (
        checks + [check_checkpoint_folder()] if mode.ok else checks
    )  # its folder depends on the mode


def verdict(checks: list[Check]) -> str:
    """'Ready.' or 'N problem(s): name, name.'"""
    problems = [c.name for c in checks if not c.ok]
    if not problems:
        return "Ready."
    return f"{len(problems)} problem{'s' if len(problems) > 1 else ''}: {', '.join(problems)}."


def fill(text: str, indent: str) -> str:
    """Wrap advice at 100 columns; a `command in backticks` never breaks (at a space or hyphen)."""
    # helpers._safe_files.fill does the same, but this report must work before torch (so helpers) is
    # installed. A no-break space is not whitespace to textwrap: the command wraps as one word.
    parts = text.split("`")
    protected = "`".join(p.replace(" ", "\u00a0") if i % 2 else p for i, p in enumerate(parts))
    wrapped = textwrap.fill(
        protected,
        100,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )
    return wrapped.replace("\u00a0", " ")


def format_report(checks: list[Check]) -> str:
    """The report as text: a line per check, the fix under each problem, the mode, the verdict."""
    width = max(len(c.name) for c in checks)
    lines = []
    for c in checks:
        lines.append(f"{'ok' if c.ok else 'PROBLEM':8} {c.name:{width}}  {c.found}")
        if not c.ok:
            # Wrapped, so the advice reads well in a terminal and in a notebook output.
            indent = " " * (8 + 1 + width + 2)
            lines.append(fill("what to do: " + c.fix, indent))
    lines.append("")
    lines.append("Verdict: " + verdict(checks))
    return "\n".join(lines)


def check_environment() -> bool:
    """Print the report; return True when everything is ready."""
    checks = run_checks()
    print(format_report(checks))
    return all(c.ok for c in checks)
