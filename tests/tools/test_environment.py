"""environment.yml (conda) must list the same packages, at the same minimums, as pyproject.toml,
split the same way: the course's dependencies, then the "dev" group after a marker comment."""

import re
import tomllib

import yaml

from helpers.settings import REPO_ROOT

CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name
DEV_MARKER = "# dev:"


def split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return CONDA_NAMES.get(name.lower(), name.lower()).replace("_", "-"), spec.replace(" ", "")


def pyproject() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())


def conda_sections() -> tuple[dict[str, str], dict[str, str]]:
    """(course dependencies, dev dependencies) of environment.yml; pip entries count as the
    course's.
    """
    text = (REPO_ROOT / "environment.yml").read_text()
    course, dev = {}, {}
    target = course
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(DEV_MARKER):
            target = dev
        elif stripped.startswith("- pip:"):
            target = course
        elif stripped.startswith("- ") and not stripped.startswith(
            ("- pip", "- -e", "- conda-forge")
        ):
            entry = stripped[2:].split("#")[0].strip()
            if entry.startswith("python") and not entry.startswith("python-"):
                continue
            target.update([split(entry)])
    return course, dev


def test_conda_environment_matches_pyproject_dependencies():
    assert conda_sections()[0] == dict(split(r) for r in pyproject()["project"]["dependencies"])


def test_conda_dev_section_matches_the_dev_dependency_group():
    assert conda_sections()[1] == dict(split(r) for r in pyproject()["dependency-groups"]["dev"])


def test_conda_environment_installs_the_helpers_and_the_same_python():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in [p.split("#")[0].strip() for p in pip_section]
    assert "conda-forge" in env["channels"]
    requires = pyproject()["project"]["requires-python"]
    assert f"python{requires}" in env["dependencies"]
    assert requires == ">=" + (REPO_ROOT / ".python-version").read_text().strip()


def test_test_and_tooling_packages_are_not_course_dependencies():
    course = {split(r)[0] for r in pyproject()["project"]["dependencies"]}
    assert course.isdisjoint(
        {"pytest", "pytest-xdist", "nbval", "playwright", "nbclient", "pyyaml", "ruff"}
    )
