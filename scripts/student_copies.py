"""Write student copies of the notebooks: speaker notes removed, exercises kept, outputs cleared.

    uv run python scripts/student_copies.py                 # all notebooks -> build/student/
    uv run python scripts/student_copies.py 02 03           # only notebooks named 02* or 03*
    uv run python scripts/student_copies.py --out /tmp/hand-out

The notebooks hold no solutions: they live in `exercises/nbNN.py` and show only through
`exN.solution()` (`scripts/answer_key.py` writes them out for instructors). So a student copy is the
notebook without its speaker notes (cells whose slide type is `notes`, or tagged `notes`; a cell
tagged `solution` goes too, should one slip in), with every output and execution count cleared by
nbconvert's ClearOutputPreprocessor, so students run the notebook themselves. The exercises (the
statement, the cell with `____`, the check) stay. The images the notebooks show (`../images/...`)
are copied to `<out>/images/` and the links rewritten, so the folder can be handed out as it is;
students still need the course installed (`uv sync`) for `from helpers import ...`.
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor
from nbformat import NotebookNode

from course_tools.notebooks import IMAGES, NOTEBOOKS, ROOT, notebook_paths, read, write_with_images

REMOVED_TAGS = {"solution", "notes"}


def is_speaker_note(cell: NotebookNode) -> bool:
    """True for a speaker-notes cell (slide type `notes`)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"


def student_copy(nb: NotebookNode) -> NotebookNode:
    """A copy of `nb` without speaker notes, outputs, execution counts or stored widget state."""
    student = copy.deepcopy(nb)  # the original stays untouched
    resources: dict = {}
    student, _ = TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS).preprocess(student, resources)
    student.cells = [cell for cell in student.cells if not is_speaker_note(cell)]
    clear = ClearOutputPreprocessor(
        remove_metadata_fields={"collapsed", "scrolled", "execution", "ExecuteTime"}
    )
    student, _ = clear.preprocess(student, resources)
    student.metadata.pop("widgets", None)  # the progress bars of the instructor's run, now cleared
    return student


def write_student_copies(paths: list[Path], out: Path, images: Path = IMAGES) -> list[Path]:
    """Write a student copy of each notebook (and its images) into `out`; return the new paths."""
    return write_with_images({out / p.name: student_copy(read(p)) for p in paths}, images)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "only", nargs="*", help="only notebooks whose file name starts with one of these"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "build" / "student",
        help="output folder (default: build/student)",
    )
    args = parser.parse_args()
    paths = notebook_paths(args.only)
    if not paths:
        raise SystemExit(f"no notebooks found in {NOTEBOOKS}")
    for target in write_student_copies(paths, args.out):
        print(target)


if __name__ == "__main__":
    main()
