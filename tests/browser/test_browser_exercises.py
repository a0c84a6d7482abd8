"""An exercise answering back in a real browser: JupyterLab, a wrong answer, then the right one.

A small copy of notebook 05 (its setup cell and Exercise 2, taken from the notebook as it
is) is served by JupyterLab from a temporary folder; Chromium runs the setup cell, types a wrong
`row_shares` into the student's cell, runs it and the check, and reads the failure message; then
types the solution (`ex2.solution_code`) and reads "correct". Screenshots of both go to a folder
the test prints.
Like every browser test, it runs with COURSE_BROWSER_TESTS=1, where a missing browser fails.
"""

from __future__ import annotations

import hashlib

import nbformat
from browser import REPO_ROOT, launch, open_notebook, require_browser, running_lab, wait_for_run

from exercises.nb05 import ex2

NOTEBOOK = "notebooks/05_misclassifications.ipynb"
EXERCISE = "**Exercise 2:"
# What a student typically writes first: divided by the column sums (normalize="pred").
WRONG = '''def row_shares(matrix):
    return matrix / matrix.sum(axis=0, keepdims=True)

answer = "b"'''
OUTPUT = ".jp-OutputArea-output"


def small_copy(target) -> tuple[str, int]:
    """Write the setup cell and the exercise's three cells as a notebook under `target`; return its
    path relative to `target` and the index of the student's cell in it."""
    nb = nbformat.read(REPO_ROOT / NOTEBOOK, as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    start = next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and EXERCISE in c.source
    )
    cells = [setup, *nb.cells[start : start + 3]]
    assert "exercise" in cells[2].metadata.get("tags", []), "the student's cell follows"
    assert cells[3].source.strip() == "ex2.check(row_shares, answer)", cells[3].source
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    small = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    relative = "notebooks/05_exercise_2.ipynb"
    (target / "notebooks").mkdir(parents=True)
    nbformat.write(small, target / relative)
    return relative, 2


def edit(page, cell) -> None:
    """Click into `cell`'s editor and wait until JupyterLab has it active, in edit mode."""
    cell.locator(".jp-InputArea-editor .cm-content").click()
    page.wait_for_selector(".jp-Notebook.jp-mod-editMode .jp-Cell.jp-mod-active .cm-focused")


def type_into_cell(page, cell, text: str) -> None:
    """Replace `cell`'s source with `text`, inserted whole (no auto-indent, no closing brackets)."""
    edit(page, cell)
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def run_cell_and_check(page, cells, student: int, runs: int) -> str:
    """Run the student's cell and the check below it (Shift+Enter twice); the check's output."""
    edit(page, cells.nth(student))
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    check = cells.nth(student + 1)
    page.wait_for_function(
        """([index, n]) => {
            const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[index];
            const prompt = (cell.querySelector('.jp-InputPrompt')?.textContent || '').trim();
            return prompt === `[${n}]:` && cell.querySelector('.jp-OutputArea-output');
        }""",
        arg=[student + 1, runs],
    )
    return check.locator(OUTPUT).inner_text()


def test_wrong_answer_then_right_answer_in_jupyterlab(tmp_path):
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    before = hashlib.sha256((REPO_ROOT / NOTEBOOK).read_bytes()).hexdigest()
    relative, student = small_copy(tmp_path / "course")
    shots = tmp_path / "screenshots"
    shots.mkdir()
    (tmp_path / "state").mkdir()
    with (
        running_lab(tmp_path / "state", tmp_path / "course") as (base, token),
        sync_playwright() as p,
    ):
        browser = launch(p, executable)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_notebook(page, base, token, relative, cells=4)
            # The kernel is connected when the status bar says so (a cell run before is dropped).
            page.locator(".jp-StatusBar-Widget", has_text="| Idle").first.wait_for()
            cells = page.locator(".jp-Notebook .jp-Cell")

            edit(page, cells.first)
            page.keyboard.press("Shift+Enter")  # the setup cell: imports and the exercises
            wait_for_run(page, 1)
            setup_out = cells.first.locator(OUTPUT).all_inner_texts()
            assert not any("Error" in text for text in setup_out), setup_out

            type_into_cell(page, cells.nth(student), WRONG)
            wrong = run_cell_and_check(page, cells, student, runs=3)
            cells.nth(student).scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "1_wrong_answer.png"))
            assert "✘ Exercise 2: not yet." in wrong and "divides by the column sums" in wrong, (
                wrong
            )
            assert "ex2.hint() gives hint 1 of 3." in wrong and "Traceback" not in wrong, wrong

            type_into_cell(page, cells.nth(student), ex2.solution_code)
            right = run_cell_and_check(page, cells, student, runs=5)
            cells.nth(student).scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "2_right_answer.png"))
            assert "✔ Exercise 2: correct." in right, right
            print(f"screenshots (wrong, then right): {shots}")
        except Exception:
            page.screenshot(path=str(shots / "failed.png"))
            print(f"screenshot of the failure: {shots / 'failed.png'}")
            raise
        finally:
            browser.close()
    assert hashlib.sha256((REPO_ROOT / NOTEBOOK).read_bytes()).hexdigest() == before
