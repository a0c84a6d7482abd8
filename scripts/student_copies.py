"""Write student copies of the notebooks: solutions removed, exercises kept, outputs cleared.

    uv run python scripts/student_copies.py                 # all notebooks -> build/student/
    uv run python scripts/student_copies.py 02 03           # only notebooks whose name starts with 02 or 03
    uv run python scripts/student_copies.py --out /tmp/hand-out

Cells tagged `solution` are dropped; the `exercise` cells (the task and its `# Your code here`
cell) stay. Every output and execution count is cleared, so students run the notebook themselves.
The images the notebooks show (`../images/...`) are copied to `<out>/images/` and the links
rewritten, so the folder can be handed out as it is; students still need the course
installed (`uv sync`) for `from helpers import ...`.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import nbformat
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
IMAGES = ROOT / "images"
SOLUTION_TAG = "solution"
# Markdown or HTML links to the shared images folder, as written from notebooks/.
IMAGE_LINK = re.compile(r"(?<=[(\"'])\.\./images/")


def tags(cell: NotebookNode) -> list[str]:
    """The cell's tags (an empty list when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def is_solution(cell: NotebookNode) -> bool:
    """True for a cell tagged `solution`."""
    return SOLUTION_TAG in tags(cell)


def student_copy(nb: NotebookNode) -> NotebookNode:
    """A copy of `nb` without solution cells, outputs, execution counts or stored widget state."""
    copy = nbformat.from_dict(nb)  # a deep copy: the original stays untouched
    copy.cells = [cell for cell in copy.cells if not is_solution(cell)]
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)  # timestamps of the instructor's run
        elif cell.cell_type == "markdown":
            cell.source = IMAGE_LINK.sub("images/", cell.source)
    # Widget state belongs to the cleared outputs (progress bars of the instructor's run).
    copy.metadata.pop("widgets", None)
    return copy


def notebook_paths(only: list[str] | None = None, folder: Path = NOTEBOOKS) -> list[Path]:
    """The course notebooks (NN_name.ipynb), optionally only those whose name starts with one of `only`."""
    paths = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if not only or p.name.startswith(tuple(only))]


def write_student_copies(paths: list[Path], out: Path, images: Path = IMAGES) -> list[Path]:
    """Write a student copy of each notebook into `out` (plus the images they show); return the new paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        copy = student_copy(nbformat.read(path, as_version=4))
        nbformat.validate(copy)
        target = out / path.name
        nbformat.write(copy, target)
        written.append(target)
    if images.is_dir():
        shutil.copytree(images, out / "images", dirs_exist_ok=True)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="only notebooks whose file name starts with one of these")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student", help="output folder (default: build/student)")
    args = parser.parse_args()
    paths = notebook_paths(args.only)
    if not paths:
        raise SystemExit(f"no notebooks found in {NOTEBOOKS}")
    for target in write_student_copies(paths, args.out):
        print(target)


if __name__ == "__main__":
    main()
