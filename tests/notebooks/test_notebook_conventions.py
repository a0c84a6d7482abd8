"""Notebooks follow CONTRIBUTING.md: title, restart reminder, settings, exercises, a clean run."""

import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from helpers.settings import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# The environment check (00) is short and has no training: no settings cell or exercises required.
COURSE_NOTEBOOKS = [p for p in NOTEBOOKS if not p.name.startswith("00_")]
RESTART_REMINDER = re.compile(r"Restart Kernel and Run All", re.IGNORECASE)


def read(path: Path) -> nbformat.NotebookNode:
    """The notebook at `path`."""
    return nbformat.read(path, as_version=4)


def tagged(nb: nbformat.NotebookNode, tag: str, cell_type: str | None = None) -> list[int]:
    """Indices of the cells carrying `tag` (of `cell_type`, when given)."""
    return [
        i
        for i, c in enumerate(nb.cells)
        if tag in c.metadata.get("tags", []) and (cell_type is None or c.cell_type == cell_type)
    ]


def ids(path: Path) -> str:
    return path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_title_cell_with_number_and_restart_reminder(path):
    first = read(path).cells[0]
    number = path.name[:2]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {number}"), (
        f"{path.name}: the first cell must be the Markdown title '# {number} · Title'"
    )
    assert RESTART_REMINDER.search(first.source), (
        f"{path.name}: the title cell must remind students: "
        "'If something looks wrong, use Kernel → Restart Kernel and Run All Cells.'"
    )


@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=ids)
def test_settings_cell(path):
    assert tagged(read(path), "settings", "code"), f"{path.name}: no code cell tagged `settings`"


CHECK_CALL = re.compile(r"(ex\d+)\.check\(.*\)", re.S)


def exercise_cells(nb: nbformat.NotebookNode) -> list[tuple[int, int, int]]:
    """(statement, student cell, check cell) indices of every exercise, in order."""
    return [(i, i + 1, i + 2) for i in tagged(nb, "exercise", "markdown")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_exercises_answer_back(path):
    """Each exercise: a statement tagged `exercise`, the student's code cell (tagged `exercise`,
    with a blank), then one `exN.check(...)` call; the notebook's checks are exactly those of
    exercises/nbNN.py."""
    nb = read(path)
    sections = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown" and c.source.startswith("## Exercises")
    ]
    assert sections, f"{path.name}: no '## Exercises' section"
    found = exercise_cells(nb)
    wanted = 1 if path.name.startswith("00_") else 2
    assert len(found) >= wanted, f"{path.name}: needs at least {wanted} exercises"
    names = []
    for statement, student, check in found:
        assert statement > sections[0], f"{path.name}: exercises belong under '## Exercises'"
        cell = nb.cells[student] if student < len(nb.cells) else None
        assert (
            cell is not None
            and cell.cell_type == "code"
            and "exercise" in cell.metadata.get("tags", [])
        ), (
            f"{path.name}: exercise cell {statement} must be followed by a code cell "
            "tagged `exercise`"
        )
        assert "____" in cell.source or "..." in cell.source, (
            f"{path.name}: the student's cell {student} must hold a blank (____ or ...) to fill"
        )
        call = nb.cells[check] if check < len(nb.cells) else None
        match = (
            call is not None
            and call.cell_type == "code"
            and CHECK_CALL.fullmatch(call.source.strip())
        )
        assert match, f"{path.name}: cell {check} must be the one call `exN.check(...)`"
        names.append(match.group(1))
    module = __import__(f"exercises.nb{path.name[:2]}", fromlist=["__all__"])
    defined = sorted(n for n in vars(module) if re.fullmatch(r"ex\d+", n))
    assert sorted(names) == defined, (
        f"{path.name}: checks {names}, exercises/nb{path.name[:2]}.py {defined}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_answer_in_sight(path):
    """No solution cells, no hidden cells: solutions appear only through exN.solution()."""
    nb = read(path)
    hidden = [
        i
        for i, c in enumerate(nb.cells)
        if "solution" in c.metadata.get("tags", [])
        or c.metadata.get("jupyter", {}).get("source_hidden")
    ]
    assert not hidden, f"{path.name}: cells {hidden} hold a solution or hidden code"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_stored_errors(path):
    for i, cell in enumerate(read(path).cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", (
                f"{path.name}: cell {i} stores an error ({output.get('ename')})"
            )
            if output.output_type == "stream" and output.name == "stderr":
                assert "Traceback" not in output.text, f"{path.name}: cell {i} stores a traceback"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_test_markers_are_tags_never_comments(path):
    """nbval's markers are cell tags: a `# NBVAL_...` comment is what a student would see."""
    for i, cell in enumerate(read(path).cells):
        if cell.cell_type == "code":
            assert not re.search(r"#\s*NBVAL_", cell.source), f"{path.name}: cell {i}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_run_top_to_bottom_in_one_go(path):
    counts = [c.execution_count for c in read(path).cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(counts)}; "
        "store it with `uv run python scripts/run_notebooks.py NN`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_stored_outputs_are_from_a_full_run(path):
    """CONTRIBUTING.md: notebooks are committed with the outputs of a full run (COURSE_FAST=0)."""
    for i, cell in enumerate(read(path).cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
            assert "FAST MODE" not in text, (
                f"{path.name}: cell {i} shows fast-mode output; store a full run with "
                "`uv run python scripts/run_notebooks.py NN`"
            )


COURSE_PACKAGES = ("helpers", "viz")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_course_packages_imported_one_way(path):
    """`from helpers import ...` and `from viz import ...`, in the setup cell only: never a module
    of them.
    """
    imports = [
        (i, line.strip())
        for i, c in enumerate(read(path).cells)
        if c.cell_type == "code"
        for line in c.source.splitlines()
        if re.match(rf"\s*(from|import)\s+({'|'.join(COURSE_PACKAGES)}|exercises)\b", line)
    ]
    setup = min(i for i, _ in imports)
    stray = [
        line
        for i, line in imports
        if i != setup
        or not re.fullmatch(
            rf"from ({'|'.join(COURSE_PACKAGES)}|exercises\.nb\d\d) import .*", line
        )
    ]
    assert not stray, (
        f"{path.name}: import the course packages in the setup cell "
        f"as `from helpers import ...`: {stray}"
    )


def test_helpers_is_one_sittings_read():
    """What a student reads of helpers/ stays under 1,000 statements: its public modules, counted as
    Python statements so the formatter's line wrapping does not count; the private plumbing
    (`_*.py`: MNIST files, safe writes) is not counted but kept small (CONTRIBUTING.md).
    """

    def statements(path: Path) -> int:
        with path.open("rb") as f:
            return sum(t.type == tokenize.NEWLINE for t in tokenize.tokenize(f.readline))

    counts = {p.name: statements(p) for p in (REPO_ROOT / "helpers").glob("*.py")}
    private = sum(n for name, n in counts.items() if name.startswith("_") and name != "__init__.py")
    public = sum(counts.values()) - private
    assert public < 1000, (
        f"helpers/' public modules hold {public} statements; keep them under 1,000"
    )
    assert private < 250, f"helpers/' private plumbing holds {private} statements; keep it small"


NOTES_MARK = "**Speaker notes.**"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_speaker_notes_marked_and_short(path):
    """Speaker notes (slide type `notes`) start with the same mark, are short, and answer no
    exercise: whatever a student needs is in the body text (student copies drop the notes)."""
    for i, cell in enumerate(read(path).cells):
        if cell.metadata.get("slideshow", {}).get("slide_type") != "notes":
            continue
        assert cell.cell_type == "markdown", f"{path.name}: notes cell {i} must be Markdown"
        assert cell.source.startswith(NOTES_MARK), (
            f"{path.name}: notes cell {i} must start {NOTES_MARK}"
        )
        assert len(cell.source) <= 600, (
            f"{path.name}: notes cell {i} is {len(cell.source)} characters"
        )
