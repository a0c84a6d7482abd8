"""The environment check a student runs first: versions, device, data, and a one-line verdict.

Nothing here downloads or writes anything: it only looks, so it is safe to run anywhere.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .data import ARCHIVES, EXTRACTED_BYTES, how_to_get_mnist, md5sum, mirror_dir, raw_dir
from .device import describe_device, pick_device
from .settings import data_dir, describe_mode

MIN_PYTHON = (3, 10)
INSTALL_FIX = "run `uv sync` in the course folder (or `conda env create -f environment.yml`), then restart Jupyter"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, whether it is fine, what was found, and what to do."""

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
    return Check("Python", False, text, f"install Python {wanted} or newer (uv does it for you: `uv sync`)")


def check_package(name: str) -> Check:
    """An installed package and its version, read from its metadata (no import needed)."""
    try:
        return Check(name, True, version(name))
    except PackageNotFoundError:
        return Check(name, False, "not installed", INSTALL_FIX)


def check_device() -> Check:
    """The device the notebooks will use; a CPU is fine, just slower."""
    found = describe_device(pick_device())
    if "no GPU" in found:
        found += ": fine, every notebook runs on a CPU (notebook 07 then times the CPU only)"
    return Check("device", True, found)


def archive_problems(folder: Path) -> dict[str, str]:
    """Archive name -> "missing" or "corrupted" for each of the four MNIST archives not intact in `folder`."""
    problems = {}
    for name, md5 in ARCHIVES.items():
        path = folder / name
        if not path.is_file():
            problems[name] = "missing"
        elif md5sum(path) != md5:
            problems[name] = "corrupted"
    return problems


def extracted_complete(folder: Path) -> bool:
    """True when torchvision's four extracted files are all there at full size."""
    return all((folder / name).is_file() and (folder / name).stat().st_size == size for name, size in EXTRACTED_BYTES.items())


def describe_problems(problems: dict[str, str]) -> str:
    """'a missing, b corrupted' for a dict of archive problems."""
    return ", ".join(f"{name} {what}" for name, what in problems.items())


def check_mnist() -> Check:
    """Whether MNIST is available: intact on disk, or in a usable MNIST_MIRROR; else how to get it."""
    raw, mirror = raw_dir(), mirror_dir()
    if mirror is not None:
        # The data layer copies from a configured mirror before anything else, so a broken one breaks loading.
        if not mirror.is_dir():
            return Check("MNIST data", False, f"MNIST_MIRROR={mirror} is not a folder",
                         "point MNIST_MIRROR at the folder holding the four MNIST .gz archives, or unset it")
        bad = archive_problems(mirror)
        if bad:
            return Check("MNIST data", False, f"MNIST_MIRROR={mirror}: {describe_problems(bad)}",
                         "put intact copies of those archives in the mirror folder (names exactly as shown), "
                         "or unset MNIST_MIRROR to download")
        return Check("MNIST data", True, f"the four archives in MNIST_MIRROR={mirror} are intact (md5 checked)")
    bad = archive_problems(raw)
    if not bad:
        return Check("MNIST data", True, f"the four archives in {raw} are intact (md5 checked)")
    found = f"not in {raw}" if len(bad) == len(ARCHIVES) else f"in {raw}: {describe_problems(bad)}"
    return Check("MNIST data", False, found + "; MNIST_MIRROR is not set", how_to_get_mnist())


def nearest_existing(path: Path) -> Path:
    """`path` itself, or its closest parent that exists."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def is_writable(folder: Path) -> bool:
    """True when files can be created in `folder` (or, if it does not exist yet, it can be created)."""
    existing = nearest_existing(folder)
    if existing != folder:
        return os.access(existing, os.W_OK | os.X_OK)
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def check_data_folder() -> Check:
    """The data folder must be writable, unless MNIST is already fully there."""
    folder = data_dir()
    if is_writable(folder):
        return Check("data folder", True, f"{folder} is writable")
    if not archive_problems(raw_dir()) and extracted_complete(raw_dir()) and mirror_dir() is None:
        return Check("data folder", True, f"{folder} is read-only, which is fine: MNIST is already there")
    return Check("data folder", False, f"{folder} is not writable",
                 "set COURSE_DATA_DIR to a folder you can write to (`export COURSE_DATA_DIR=~/mnist-data`), "
                 "then restart Jupyter")


def run_checks() -> list[Check]:
    """Every check, in the order the report shows them."""
    return [
        check_python(),
        check_package("torch"),
        check_package("torchvision"),
        check_device(),
        check_mnist(),
        check_data_folder(),
    ]


def verdict(checks: list[Check]) -> str:
    """'Ready.' or 'N problem(s): name, name.'"""
    problems = [c.name for c in checks if not c.ok]
    if not problems:
        return "Ready."
    return f"{len(problems)} problem{'s' if len(problems) > 1 else ''}: {', '.join(problems)}."


def format_report(checks: list[Check]) -> str:
    """The report as text: one line per check, what to do under each problem, the mode, the verdict."""
    width = max(len(c.name) for c in checks)
    lines = []
    for c in checks:
        lines.append(f"{'ok' if c.ok else 'PROBLEM':8} {c.name:{width}}  {c.found}")
        if not c.ok:
            # Wrapped, so the advice reads well in a terminal and in a notebook output.
            indent = " " * (8 + 1 + width + 2)
            lines.append(textwrap.fill("what to do: " + c.fix, 100, initial_indent=indent, subsequent_indent=indent + "  "))
    lines.append(f"{'':8} {'mode':{width}}  {describe_mode()}")
    lines.append("")
    lines.append("Verdict: " + verdict(checks))
    return "\n".join(lines)


def check_environment() -> bool:
    """Print the report; return True when everything is ready."""
    checks = run_checks()
    print(format_report(checks))
    return all(c.ok for c in checks)
