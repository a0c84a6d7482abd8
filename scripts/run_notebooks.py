"""Execute notebooks top to bottom, each in a fresh kernel, save them with their outputs, and time
them.

    uv run python scripts/run_notebooks.py              # full course (COURSE_FAST=0), all notebooks
    uv run python scripts/run_notebooks.py --fast 03    # fast mode, notebooks named 03...

Prints the wall time and the kernel's peak resident memory per notebook, and writes them to
benchmarks/results/notebooks_<mode>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_tools.memory import PeakMemory
from course_tools.notebooks import NOTEBOOKS, ROOT, notebook_paths


def execute(path: Path, timeout: int) -> dict[str, float]:
    """Run one notebook in place in a fresh kernel; return its seconds and peak kernel memory."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        store_widget_state=True,
    )
    start = time.perf_counter()
    try:
        with PeakMemory(children=True, interval=0.25) as memory:  # the kernel is our child process
            client.execute()
    finally:
        seconds = time.perf_counter() - start
        nbformat.write(nb, path)  # keep what ran, even on failure, so the error can be read
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(memory.peak_mb, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "only", nargs="*", help="run only notebooks whose file name starts with one of these"
    )
    parser.add_argument(
        "--fast", action="store_true", help="fast mode (COURSE_FAST=1) instead of the full course"
    )
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    args = parser.parse_args()
    os.environ["COURSE_FAST"] = "1" if args.fast else "0"
    paths = notebook_paths(args.only or None)
    results: dict[str, dict[str, float]] = {}
    total_start = time.perf_counter()
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        results[path.name] = execute(path, args.timeout)
        print(
            f"  {results[path.name]['seconds']:7.1f} s   "
            f"peak kernel memory {results[path.name]['peak_rss_mb']:7.0f} MB",
            flush=True,
        )
    total = time.perf_counter() - total_start
    print(f"all {len(paths)} notebooks: {total:.1f} s ({total / 60:.1f} min)")
    out = ROOT / "benchmarks" / "results" / f"notebooks_{'fast' if args.fast else 'full'}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    # Merge with earlier runs, so timing one notebook keeps the others' figures.
    previous = json.loads(out.read_text())["notebooks"] if out.is_file() else {}
    merged = previous | results
    out.write_text(
        json.dumps(
            {
                "total_seconds": round(sum(r["seconds"] for r in merged.values()), 1),
                "notebooks": merged,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
