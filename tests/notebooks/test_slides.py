"""Slideshow metadata: every notebook carries what RISE needs (`## ` slides, `### ` sub-slides)."""

import nbformat
import pytest

from course_tools.notebooks import notebook_paths

SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def first_line(cell) -> str:
    """The first line of a cell's source, for messages."""
    return (cell.source.splitlines() or [""])[0][:60]


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_notebook_slideshow_metadata(path):
    """CONTRIBUTING.md: `## ` cells are slides, `### ` cells sub-slides, and every cell has a slide
    type.
    """
    nb = nbformat.read(path, as_version=4)
    wrong = []
    for index, cell in enumerate(nb.cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        if slide_type not in SLIDE_TYPES:
            wrong.append(f"cell {index} has no slide type ({first_line(cell)!r})")
        elif (
            cell.cell_type == "markdown" and cell.source.startswith("## ") and slide_type != "slide"
        ):
            wrong.append(
                f"cell {index} is a section but {slide_type!r}, not 'slide' ({first_line(cell)!r})"
            )
        elif (
            cell.cell_type == "markdown"
            and cell.source.startswith("### ")
            and slide_type not in {"slide", "subslide"}
        ):
            wrong.append(
                f"cell {index} is a sub-section but {slide_type!r}, not 'subslide' "
                f"({first_line(cell)!r})"
            )
    assert not wrong, f"{path.name}:\n" + "\n".join(wrong)
