"""The environment check: it looks, never downloads, and says what to do for each problem."""

import subprocess
import sys

import pytest
from script_loader import load_script

import helpers.data
from course_tools.environment import (
    Check,
    check_checkpoint_folder,
    check_mnist,
    check_python,
    format_report,
    run_checks,
    verdict,
)
from helpers._mnist_files import ARCHIVES, archive_problems
from helpers._safe_files import folder_problem
from helpers.settings import REPO_ROOT


@pytest.fixture
def no_downloads(monkeypatch):
    """Make any attempt to load or download MNIST fail the test."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the environment check must not load or download MNIST")

    monkeypatch.setattr(helpers.data, "load_mnist", forbidden)
    monkeypatch.setattr(helpers.data.MNIST, "download", forbidden)


def test_no_data_no_mirror_says_what_to_do(empty_data_dir, no_downloads):
    checks = run_checks()
    mnist = next(c for c in checks if c.name == "MNIST data")
    assert not mnist.ok
    assert "MNIST_MIRROR" in mnist.fix and "internet" in mnist.fix
    assert all(name in mnist.fix for name in ARCHIVES)
    assert verdict(checks).startswith("1 problem: MNIST data")
    report = format_report(checks)
    assert "what to do:" in report and "Verdict: 1 problem" in report
    assert not empty_data_dir.exists()  # it only looked: nothing downloaded, nothing created


def test_good_mirror_is_ready(empty_data_dir, mirror_copy, monkeypatch, no_downloads):
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))
    checks = run_checks()
    assert verdict(checks) == "Ready.", format_report(checks)
    assert not empty_data_dir.exists()


def test_intact_local_archives_are_ready_without_mirror(
    tmp_path, good_archives, monkeypatch, no_downloads
):
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ARCHIVES:
        (raw / name).symlink_to(good_archives / name)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MNIST_MIRROR", raising=False)
    assert check_mnist().ok


def test_corrupted_mirror_archive_is_named(empty_data_dir, mirror_copy, monkeypatch):
    broken = mirror_copy / "t10k-labels-idx1-ubyte.gz"
    broken.write_bytes(broken.read_bytes()[:100])
    monkeypatch.setenv("MNIST_MIRROR", str(mirror_copy))
    check = check_mnist()
    assert not check.ok and "t10k-labels-idx1-ubyte.gz corrupted" in check.found and check.fix
    assert archive_problems(mirror_copy) == {"t10k-labels-idx1-ubyte.gz": "corrupted"}


def test_mirror_that_is_not_a_folder(empty_data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_MIRROR", str(tmp_path / "nowhere"))
    check = check_mnist()
    assert not check.ok and "not a folder" in check.found and "MNIST_MIRROR" in check.fix


def test_folder_problem_for_a_folder_not_yet_created_is_none_and_leaves_nothing(tmp_path):
    assert folder_problem(tmp_path) is None and folder_problem(tmp_path / "not" / "yet") is None
    assert list(tmp_path.iterdir()) == []


def test_checkpoint_folder_is_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path / "models"))
    assert check_checkpoint_folder().ok and not (tmp_path / "models").exists()
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path / "file"))
    check = check_checkpoint_folder()
    assert not check.ok and "is a file" in check.found and "COURSE_CHECKPOINT_DIR" in check.fix
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", "/proc/course-models")
    assert not check_checkpoint_folder().ok


def test_unknown_course_fast_is_reported_not_raised(monkeypatch, empty_data_dir):
    monkeypatch.setenv("COURSE_FAST", "2")
    mode = next(c for c in run_checks() if c.name == "mode")
    assert not mode.ok and "'2'" in mode.found and "true" in mode.fix


def test_environment_check_imports_without_torch():
    code = (
        "import sys; sys.modules['torch'] = None; sys.modules['torchvision'] = None\n"
        "import course_tools.environment as e\n"
        "from unittest import mock\n"
        "with mock.patch.object(e, 'version', side_effect=e.PackageNotFoundError):\n"
        "    checks = e.run_checks()\n"
        "print(e.verdict(checks))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "torch" in out and "problem" in out


def test_old_python_is_a_problem():
    assert check_python((3, 12, 1)).ok
    old = check_python((3, 8, 10))
    assert not old.ok and "3.11" in old.fix
    assert not check_python((3, 10, 14)).ok


def test_verdict_counts_problems():
    ok, bad = Check("a", True, "fine"), Check("b", False, "broken", "fix it")
    assert verdict([ok]) == "Ready."
    assert verdict([ok, bad]) == "1 problem: b."
    assert verdict([bad, Check("c", False, "x", "y")]) == "2 problems: b, c."


def test_command_reports_and_sets_exit_status(tmp_path, monkeypatch, capsys):
    # In-process: a subprocess would spend ~20 s importing torch again for the same code path.
    monkeypatch.delenv("MNIST_MIRROR", raising=False)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "empty"))
    script = load_script("scripts/check_environment.py")
    assert script.main() == 1
    out = capsys.readouterr().out
    assert "torchvision" in out and "what to do:" in out
    assert "Verdict: 1 problem: MNIST data." in out


def test_command_reports_a_missing_torch_instead_of_a_traceback(tmp_path):
    # A Python without the course's packages: `python -I -S` skips site-packages, so torch cannot
    # be found.
    result = subprocess.run(
        [sys.executable, "-I", "-S", str(REPO_ROOT / "scripts" / "check_environment.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert (
        "PROBLEM  torch" in result.stdout
        and "uv sync" in result.stdout
        and "Traceback" not in result.stderr
    )


@pytest.mark.parametrize("length", range(1, 60, 3))
def test_report_never_breaks_a_command(tmp_path, monkeypatch, length):
    (tmp_path / ("f" * length)).write_text("")
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(tmp_path / ("f" * length)))
    report = format_report([Check("x" * (length % 12), True, "fine"), check_checkpoint_folder()])
    assert any(
        "`export COURSE_CHECKPOINT_DIR=~/mnist-checkpoints`" in line for line in report.splitlines()
    )


def test_low_space_and_leftover_temporaries_are_reported(tmp_path, monkeypatch):
    import helpers.checkpoints

    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setenv("COURSE_CHECKPOINT_DIR", str(folder))
    monkeypatch.setenv("COURSE_FAST", "0")  # fast mode would use models/fast
    (folder / ".ann.pt.k3j2h1g0.tmp").write_bytes(b"x" * 2000)  # a save that was killed
    check = check_checkpoint_folder()
    assert check.ok and "1 temporary file(s) of interrupted saves (2.0 kB)" in check.found
    monkeypatch.setattr(helpers.checkpoints, "free_bytes", lambda folder: 1_000_000)
    check = check_checkpoint_folder()
    assert not check.ok and f"disk full: {folder} has 1.0 MB free" in check.found
    assert "free some space" in check.fix and verdict([check]) == "1 problem: checkpoints."


def test_minimum_versions_are_pyproject_minimums():
    import tomllib

    from course_tools.environment import MIN_VERSIONS

    deps = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for name, minimum in MIN_VERSIONS.items():
        assert f"{name}>={'.'.join(map(str, minimum))}" in deps


@pytest.mark.parametrize(
    ("name", "found", "ok"),
    [
        ("torch", "2.4.0", True),
        ("torch", "2.5.1+cpu", True),
        ("torch", "10.0", True),
        ("torch", "2.3.1", False),
        ("torch", "1.13.1+cu117", False),
        ("torchvision", "0.19.0", True),
        ("torchvision", "0.18.1+cpu", False),
    ],
)
def test_old_torch_or_torchvision_is_a_problem_that_says_what_to_do(name, found, ok):
    from course_tools.environment import check_package

    check = check_package(name, found)
    assert check.ok == ok and check.found.startswith(found)
    if not ok:
        assert "older than the course needs" in check.found and "uv sync" in check.fix
        assert "conda env update" in check.fix and verdict([check]) == f"1 problem: {name}."
    assert check_package(name).ok  # the installed version (pinned in uv.lock) is recent enough
