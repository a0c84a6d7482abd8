"""The environment check: it looks, never downloads, and says what to do for each problem."""


import pytest

import helpers.data
from helpers.data import ARCHIVES
from helpers.environment import (
    Check,
    archive_problems,
    check_data_folder,
    check_mnist,
    check_python,
    format_report,
    is_writable,
    run_checks,
    verdict,
)
from script_loader import load_script


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


def test_intact_local_archives_are_ready_without_mirror(tmp_path, good_archives, monkeypatch, no_downloads):
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


def test_read_only_data_folder_is_a_problem(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    monkeypatch.delenv("MNIST_MIRROR", raising=False)
    monkeypatch.setattr("helpers.environment.is_writable", lambda path: False)
    check = check_data_folder()
    assert not check.ok and "COURSE_DATA_DIR" in check.fix


def test_is_writable_for_a_folder_not_yet_created(tmp_path):
    assert is_writable(tmp_path) and is_writable(tmp_path / "not" / "yet")


def test_old_python_is_a_problem():
    assert check_python((3, 12, 1)).ok
    old = check_python((3, 8, 10))
    assert not old.ok and "3.10" in old.fix


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
