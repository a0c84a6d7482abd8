"""Partial test runs work: `-p no:xdist` is accepted, and a plain run stays parallel (2 workers).

The runs in a fresh process select only the probe below, which imports neither torch nor helpers, so
they take seconds.
"""

import os
import subprocess
import sys
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parents[2]
PROBE = ["tests/tools/test_pytest_config.py", "-k", "probe"]


def test_probe_the_root_conftest_set_fast_mode_and_shared_the_cores():
    assert os.environ.get("COURSE_FAST", "").strip()  # unset means fast under pytest
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        assert os.environ.get("OMP_NUM_THREADS")


def run_pytest(*args: str) -> subprocess.CompletedProcess:
    """pytest in a fresh process at the course root, as a contributor would start it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "OMP_NUM_THREADS", "COURSE_FAST"))
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=COURSE_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_plain_run_uses_two_workers():
    result = run_pytest(*PROBE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "created: 2/2 workers" in result.stdout and "1 passed" in result.stdout


def test_a_run_without_xdist_is_accepted():
    result = run_pytest("-p", "no:xdist", *PROBE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "workers" not in result.stdout and "1 passed" in result.stdout
