"""Fixtures shared by the unit tests (fast mode is switched on by the root conftest.py)."""

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def good_archives() -> Path:
    """A folder with the four verified MNIST archives (from MNIST_MIRROR or a download)."""
    from helpers.data import load_mnist, raw_dir

    load_mnist(train=False)  # fetches and verifies all four archives
    return raw_dir()


@pytest.fixture
def mirror_copy(tmp_path, good_archives) -> Path:
    """A writable mirror folder holding copies of the four archives."""
    from helpers._mnist_files import ARCHIVES

    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name in ARCHIVES:
        shutil.copyfile(good_archives / name, mirror / name)
    return mirror


@pytest.fixture
def empty_data_dir(tmp_path, monkeypatch) -> Path:
    """COURSE_DATA_DIR pointed at an empty folder, and no mirror configured."""
    root = tmp_path / "data"
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    monkeypatch.delenv("MNIST_MIRROR", raising=False)
    return root


@pytest.fixture
def no_network(monkeypatch):
    """Give torchvision a mirror list that cannot be reached (a closed local port)."""
    from torchvision.datasets import MNIST

    monkeypatch.setattr(MNIST, "mirrors", ["http://127.0.0.1:9/mnist/"])
