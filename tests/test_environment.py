"""environment.yml (conda) must list the same packages, at the same minimums, as pyproject.toml."""

import re
import tomllib

import yaml

from helpers.settings import REPO_ROOT

CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name


def split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return CONDA_NAMES.get(name.lower(), name.lower()).replace("_", "-"), spec.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    return dict(split(r) for r in project["dependencies"])


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    entries = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            entries += [d for d in dep["pip"] if not d.startswith("-e")]
        elif not dep.startswith(("python", "pip")) or dep.startswith("python-"):
            entries.append(dep)
    return dict(split(e) for e in entries)


def test_conda_environment_matches_pyproject():
    assert conda_requirements() == pyproject_requirements()


def test_conda_environment_installs_the_helpers_and_a_supported_python():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in [p.split("#")[0].strip() for p in pip_section]
    assert "conda-forge" in env["channels"]
