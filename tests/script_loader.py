"""Import a script as a module, for testing (scripts/ and benchmarks/ are folders, not packages)."""

import importlib.util
import sys
from types import ModuleType

from helpers.settings import REPO_ROOT


def load_script(relative_path: str) -> ModuleType:
    """Import <repo>/<relative_path> (e.g. "scripts/build_html.py") as a module."""
    path = REPO_ROOT / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as an import would: dataclasses and pickling look it up there
    spec.loader.exec_module(module)
    return module
