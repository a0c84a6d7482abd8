"""Slides: nbconvert turns sections into reveal.js <section>s, and every notebook carries slideshow metadata."""

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from script_loader import load_script

SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


build_slides = load_script("scripts/build_slides.py")


def slide(cell, slide_type: str):
    """`cell` with its slideshow metadata set."""
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def sample_notebook() -> nbformat.NotebookNode:
    """Title, two sections (one with a sub-slide), exercises with a solution, images from ../images."""
    solution = slide(new_code_cell("print('SECRET SOLUTION')", execution_count=3), "-")
    solution.metadata.update(tags=["solution"], jupyter={"source_hidden": True})
    return new_notebook(cells=[
        slide(new_markdown_cell("# 99 · Sample\n\n![a diagram](../images/dot.png)"), "slide"),
        slide(new_markdown_cell("## 1. First section"), "slide"),
        slide(new_code_cell("print(1 + 1)", execution_count=1, outputs=[new_output("stream", name="stdout", text="2\n")]), "-"),
        slide(new_markdown_cell("### A closer look"), "subslide"),
        slide(new_markdown_cell("Long explanation for the speaker."), "notes"),
        slide(new_markdown_cell("## 2. Second section"), "slide"),
        slide(new_markdown_cell("## Exercises"), "slide"),
        slide(new_code_cell("# Your code here", execution_count=2), "-"),
        solution,
    ])


@pytest.fixture
def sample_course(tmp_path):
    """A course folder with notebooks/99_sample.ipynb and images/dot.png."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "images").mkdir()
    # A 1x1 PNG, so nbconvert can embed it.
    (tmp_path / "images" / "dot.png").write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
        "00010005fe02fea7d6a00000000049454e44ae426082"))
    path = tmp_path / "notebooks" / "99_sample.ipynb"
    nbformat.write(sample_notebook(), path)
    return path


def test_sections_become_sections(sample_course, tmp_path):
    [slides] = build_slides.build_all([sample_course], tmp_path / "slides")
    assert slides.name == "99_sample.slides.html"
    text = slides.read_text()
    # reveal.js: one <section> per slide, each holding a <section> per sub-slide.
    assert text.count("<section") >= 4 + 1
    sections = re.split(r"<section", text)
    for heading in ["First section", "A closer look", "Second section", "Exercises"]:
        assert sum(heading in part for part in sections) == 1, heading
    assert 'class="notes"' in text and "Long explanation" in text
    assert "SECRET SOLUTION" not in text  # solutions stay out of the slides by default
    assert 'src="data:image/png;base64,' in text and "../images/dot.png" not in text


def test_solutions_on_request_and_local_reveal(sample_course, tmp_path):
    reveal = tmp_path / "reveal-copy"
    (reveal / "dist").mkdir(parents=True)
    (reveal / "dist" / "reveal.js").write_text("// a local reveal.js")
    out = tmp_path / "slides"
    [slides] = build_slides.build_all([sample_course], out, reveal_prefix=str(reveal), with_solutions=True)
    text = slides.read_text()
    assert "SECRET SOLUTION" in text
    assert '"reveal.js/dist/reveal.js"' in text and "unpkg.com/reveal.js" not in text
    assert (out / "reveal.js" / "dist" / "reveal.js").is_file()


def first_line(cell) -> str:
    """The first line of a cell's source, for messages."""
    return (cell.source.splitlines() or [""])[0][:60]


@pytest.mark.parametrize("path", build_slides.notebook_paths(), ids=lambda p: p.name)
def test_notebook_slideshow_metadata(path):
    """CONTRIBUTING.md: `## ` cells are slides, `### ` cells sub-slides, and every cell has a slide type."""
    nb = nbformat.read(path, as_version=4)
    wrong = []
    for index, cell in enumerate(nb.cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        if slide_type not in SLIDE_TYPES:
            wrong.append(f"cell {index} has no slide type ({first_line(cell)!r})")
        elif cell.cell_type == "markdown" and cell.source.startswith("## ") and slide_type != "slide":
            wrong.append(f"cell {index} is a section but {slide_type!r}, not 'slide' ({first_line(cell)!r})")
        elif cell.cell_type == "markdown" and cell.source.startswith("### ") and slide_type not in {"slide", "subslide"}:
            wrong.append(f"cell {index} is a sub-section but {slide_type!r}, not 'subslide' ({first_line(cell)!r})")
    assert not wrong, f"{path.name}:\n" + "\n".join(wrong)
