"""Student copies: no speaker note (or stray solution) survives, every exercise keeps its cells and
its check, outputs are empty, nbformat is valid."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from script_loader import load_script

from helpers.settings import REPO_ROOT

student_copies = load_script("scripts/student_copies.py")
SECRET = "answer = 6 * 7  # the secret solution"


def sample_notebook() -> nbformat.NotebookNode:
    """A small executed notebook following CONTRIBUTING.md: title, code, speaker notes, an exercise
    and its check (and a stray solution cell, which must not survive either)."""
    ran = lambda source, n, text: new_code_cell(  # noqa: E731
        source, execution_count=n, outputs=[new_output("stream", name="stdout", text=text)]
    )
    stray_solution = ran(SECRET + "\nprint(answer)", 4, "42\n")
    stray_solution.metadata = {"tags": ["solution"]}
    notes = new_markdown_cell("Speaker: ask the room what 6 * 7 is (42).")
    notes.metadata["slideshow"] = {"slide_type": "notes"}
    cells = [
        new_markdown_cell("# 99 · Sample\n\n![diagram](../images/diagram.png)"),
        ran("print('hello')", 1, "hello\n"),
        notes,
        new_markdown_cell("## Exercises\n\nEach check says whether your answer is right."),
        new_markdown_cell("**Exercise 1.** Compute the answer.", metadata={"tags": ["exercise"]}),
        new_code_cell("answer = ____", execution_count=2, metadata={"tags": ["exercise"]}),
        ran("ex1.check(answer)", 3, "… Exercise 1: not attempted yet: `answer` is still blank\n"),
        stray_solution,
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {},
            "version_major": 2,
            "version_minor": 0,
        }
    }
    return nb


def speaker_notes(nb) -> list:
    """The speaker-notes cells of `nb`."""
    return [c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]


def tagged(nb, tag: str) -> list:
    """The cells of `nb` carrying `tag`."""
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


def assert_clean_copy(original, copy) -> None:
    """The checks a student copy must pass, for any notebook."""
    nbformat.validate(copy)
    assert not tagged(copy, "solution") and not speaker_notes(copy)
    copy_text = "\n".join(c.source for c in copy.cells)
    shown = {
        c.source.strip() for c in original.cells if "solution" not in c.metadata.get("tags", [])
    }
    for cell in tagged(original, "solution"):
        # A solution may repeat a line from elsewhere, but its whole text must not survive.
        if cell.source.strip() and cell.source.strip() not in shown:
            assert cell.source.strip() not in copy_text, (
                f"solution text survived: {cell.source[:60]!r}"
            )
    assert [c.source for c in tagged(copy, "exercise")] == [
        c.source for c in tagged(original, "exercise")
    ]
    for index, cell in enumerate(copy.cells):
        if cell.cell_type == "markdown" and "exercise" in cell.metadata.get("tags", []):
            following = copy.cells[index + 1] if index + 1 < len(copy.cells) else None
            assert following is not None and following.cell_type == "code", (
                f"exercise without its cell: {cell.source[:60]!r}"
            )
            assert "exercise" in following.metadata.get("tags", [])
    for cell in copy.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "widgets" not in copy.metadata
    checks = lambda notebook: [c.source for c in notebook.cells if ".check(" in c.source]  # noqa: E731
    assert checks(copy) == checks(original)
    removed = {id(c) for c in tagged(original, "solution") + speaker_notes(original)}
    assert len(copy.cells) == len(original.cells) - len(removed)


def test_sample_notebook_copy(tmp_path):
    source = tmp_path / "notebooks" / "99_sample.ipynb"
    source.parent.mkdir()
    nb = sample_notebook()
    nbformat.write(nb, source)
    images = tmp_path / "images"
    images.mkdir()
    (images / "diagram.png").write_bytes(b"png")
    [written] = student_copies.write_student_copies([source], tmp_path / "student", images=images)
    copy = nbformat.read(written, as_version=4)
    assert_clean_copy(nb, copy)
    assert SECRET not in written.read_text() and "ask the room" not in written.read_text()
    assert "not attempted" not in written.read_text()  # the instructor's run's outputs are gone
    exercise = [c.source for c in copy.cells[-3:]]
    assert exercise == ["**Exercise 1.** Compute the answer.", "answer = ____", "ex1.check(answer)"]
    assert copy.cells[1].source == "print('hello')"
    assert (
        "](images/diagram.png)" in copy.cells[0].source
        and (tmp_path / "student" / "images" / "diagram.png").is_file()
    )
    assert nbformat.read(source, as_version=4) == nb  # the original is untouched


def test_command_writes_to_the_given_folder(tmp_path):
    script = REPO_ROOT / "scripts" / "student_copies.py"
    result = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if not student_copies.notebook_paths():
        assert result.returncode != 0 and "no notebooks" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [
            p.name for p in student_copies.notebook_paths()
        ]


@pytest.mark.parametrize("path", student_copies.notebook_paths(), ids=lambda p: p.name)
def test_real_notebook_copy(path: Path, tmp_path):
    [written] = student_copies.write_student_copies([path], tmp_path, images=tmp_path / "no-images")
    assert_clean_copy(nbformat.read(path, as_version=4), nbformat.read(written, as_version=4))
