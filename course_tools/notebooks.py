"""What the course's scripts share: where the notebooks are, which ones, their titles, their image links."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from helpers.settings import REPO_ROOT

ROOT = REPO_ROOT  # the course's folder, defined once in helpers.settings
NOTEBOOKS = ROOT / "notebooks"
IMAGES = ROOT / "images"
# Markdown or HTML links to the shared images folder, as written from notebooks/.
IMAGE_LINK = re.compile(r"(?<=[(\"'])\.\./images/")
# A test marker written as a comment on a code cell's first line (the course uses nbval cell tags instead).
NBVAL_COMMENT = re.compile(r"\A#\s*NBVAL_[A-Z_]+[^\n]*\n?")


def notebook_paths(only: list[str] | None = None, folder: Path = NOTEBOOKS) -> list[Path]:
    """The course notebooks (NN_name.ipynb), optionally only those whose name starts with one of `only`."""
    paths = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if not only or p.name.startswith(tuple(only))]


def read(path: Path) -> NotebookNode:
    """A notebook, as nbformat 4."""
    return nbformat.read(path, as_version=4)


def write(nb: NotebookNode, path: Path) -> Path:
    """Validate `nb` and write it to `path` (folders created); return the path."""
    nbformat.validate(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def title(nb: NotebookNode) -> str:
    """The notebook's title: the first `# ` heading of its first Markdown cell ('' when there is none)."""
    first = next((cell.source for cell in nb.cells if cell.cell_type == "markdown"), "")
    return next((line[2:].strip() for line in first.splitlines() if line.startswith("# ")), "")


def images_relative_to(nb: NotebookNode, prefix: str) -> NotebookNode:
    """Rewrite the Markdown links ../images/ as `prefix` (e.g. images/, for a copy beside an images folder)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = IMAGE_LINK.sub(prefix, cell.source)
    return nb


def without_test_comments(nb: NotebookNode) -> NotebookNode:
    """Drop a `# NBVAL_...` comment from the first line of code cells (nbval's cell tags need no comment)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = NBVAL_COMMENT.sub("", cell.source, count=1)
    return nb
