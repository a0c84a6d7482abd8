"""Root pytest configuration: fast mode unless COURSE_FAST is set to a value, and two xdist workers.

It lives at the root so it also applies when only notebooks are collected
(`uv run pytest notebooks/03_cnn.ipynb`); nbval's kernels inherit the variable.
"""

import os

import pytest

WORKERS = (
    2  # CI has 2 cores; each worker runs whole files (--dist loadfile), so a notebook stays on one
)

# Unset or empty (`COURSE_FAST= uv run pytest`) both mean fast; any other value is read strictly by helpers.settings.
if not os.environ.get("COURSE_FAST", "").strip():
    os.environ["COURSE_FAST"] = "1"

# Each xdist worker's kernels get an equal share of the cores: with more threads than cores, torch's
# threads spin waiting for each other and a fast-mode notebook runs several times slower.
_workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _workers > 1 and "OMP_NUM_THREADS" not in os.environ:
    os.environ["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // _workers))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Two workers by default (`-n 2 --dist loadfile`) unless -n, --tx, --pdb is given or no xdist."""
    # Not in addopts: there `-n` breaks `-p no:xdist` ("unrecognized arguments"). This runs before
    # xdist's own pytest_configure (trylast), which starts the workers from these options.
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return
    option = config.option
    if option.numprocesses is not None or option.tx or option.usepdb or option.collectonly:
        return
    option.numprocesses, option.tx = WORKERS, ["popen"] * WORKERS
    if option.dist == "no":
        option.dist = "loadfile"
