"""What the scripts share about the notebooks: which and where, titles, syllabus, image links."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from helpers.settings import REPO_ROOT

ROOT = REPO_ROOT  # the course's folder, defined once in helpers.settings
NOTEBOOKS = ROOT / "notebooks"
IMAGES = ROOT / "images"
TIMINGS = ROOT / "benchmarks" / "results" / "notebooks_full.json"  # written by run_notebooks.py
# Markdown or HTML links to the shared images folder, as written from notebooks/.
IMAGE_LINK = re.compile(r"(?<=[(\"'])\.\./images/")


def notebook_paths(only: list[str] | None = None, folder: Path = NOTEBOOKS) -> list[Path]:
    """The course notebooks (NN_name.ipynb), optionally only those whose name starts with one of
    `only`.
    """
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


def write_with_images(copies: dict[Path, NotebookNode], images: Path = IMAGES) -> list[Path]:
    """Write each notebook copy to its path, links to ../images/ made images/, and copy the images
    beside them (one folder per set of copies); return the paths."""
    written = [write(images_relative_to(nb, "images/"), path) for path, nb in copies.items()]
    folders = {path.parent for path in copies}
    if images.is_dir():
        for folder in folders:
            shutil.copytree(images, folder / "images", dirs_exist_ok=True)
    return written


def title(nb: NotebookNode) -> str:
    """The notebook's title: the first `# ` heading of its first Markdown cell ('' when there is
    none).
    """
    first = next((cell.source for cell in nb.cells if cell.cell_type == "markdown"), "")
    return next((line[2:].strip() for line in first.splitlines() if line.startswith("# ")), "")


def images_relative_to(nb: NotebookNode, prefix: str) -> NotebookNode:
    """Rewrite the Markdown links ../images/ as `prefix` (e.g. images/, for a copy beside an images
    folder).
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = IMAGE_LINK.sub(prefix, cell.source)
    return nb


@dataclass
class SyllabusEntry:
    """One notebook as the syllabus lists it, read from its title cell."""

    path: Path
    number: str  # "03"
    name: str  # "Convolutional neural networks (CNN)"
    learn: list[str]  # the "What you will learn" bullets, as Markdown


def title_and_learn(nb: NotebookNode) -> tuple[str, list[str]]:
    """The title (`# NN · Title`) and 'What you will learn' bullets of a notebook's first cell."""
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    bullets: list[str] = []
    inside = False
    for line in first.splitlines():
        if "what you will learn" in line.lower():
            inside = True
        elif inside and re.match(r"\s*[-*] ", line):
            bullets.append(re.sub(r"^\s*[-*] ", "", line).strip())
        elif inside and bullets and line.strip() and not line.startswith(" "):
            break  # the first paragraph after the list ends it
        elif inside and bullets and line.startswith("  "):
            bullets[-1] += " " + line.strip()  # a bullet continued on the next line
    return title(nb), bullets


def syllabus(paths: list[Path] | None = None) -> list[SyllabusEntry]:
    """The syllabus, written once: each notebook's number, title and what you will learn."""
    entries = []
    for path in notebook_paths() if paths is None else paths:
        heading, learn = title_and_learn(read(path))
        number, _, name = (heading or path.stem.replace("_", " ")).partition(" ")
        entries.append(SyllabusEntry(path, number, name.lstrip("· ").strip() or heading, learn))
    return entries


def full_run_seconds(path: Path = TIMINGS) -> dict[str, float]:
    """Notebook file name -> seconds of its latest full run (empty when never measured)."""
    if not path.is_file():
        return {}
    results = json.loads(path.read_text()).get("notebooks", {})
    return {name: float(r["seconds"]) for name, r in results.items() if "seconds" in r}


def format_seconds(seconds: float) -> str:
    """'45 s' or '3 min 20 s'."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"
