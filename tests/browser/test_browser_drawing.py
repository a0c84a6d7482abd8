"""Notebook 08 in a real browser: run up to the drawing widget, draw a 7 with the mouse, see a
prediction.

Uses the shared helpers of tests/browser/browser.py (find the browser, skip or fail, run
JupyterLab). The notebook on disk is never modified (autosave is off in the test's JupyterLab
settings).
"""

import hashlib
import re

import nbformat
from browser import (
    REPO_ROOT,
    clear_outputs,
    launch,
    open_notebook,
    require_browser,
    run_cells_above,
    running_lab,
)

NOTEBOOK = "notebooks/08_your_handwriting.ipynb"
# True once the pad's prediction line shows the text (a regular expression) given as the argument
PREDICTION_MATCHES = """(pattern) => new RegExp(pattern).test(
    document.querySelector('.course-drawing-prediction')?.textContent || '')"""
SEVEN = [(0.25, 0.2), (0.75, 0.22), (0.45, 0.85)]  # one stroke, as fractions of the canvas


def widget_cell(nb: nbformat.NotebookNode) -> int:
    """Index of the cell that shows the drawing pad."""
    return next(
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and c.source.startswith("pad = DrawingPad")
    )


def draw(page, canvas, points: list[tuple[float, float]], steps: int = 12) -> None:
    """One stroke through `points` (fractions of the canvas), with small mouse moves as a hand
    makes.
    """
    box = canvas.bounding_box()
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=steps)
    page.mouse.up()


def test_draw_a_digit_and_see_the_prediction(tmp_path):
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    path = REPO_ROOT / NOTEBOOK
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    nb = nbformat.read(path, as_version=4)
    last = widget_cell(nb)
    screenshot = tmp_path / "drawing_widget.png"
    with running_lab(tmp_path) as (base, token), sync_playwright() as p:
        browser = launch(p, executable)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_notebook(page, base, token, NOTEBOOK, cells=len(nb.cells))
            clear_outputs(page)
            run_cells_above(page, last + 1)  # setup, settings, the model, classify, the widget
            canvas = page.locator(".course-drawing-canvas")
            canvas.wait_for(state="visible")
            canvas.scroll_into_view_if_needed()
            draw(page, canvas, SEVEN)
            prediction = page.locator(".course-drawing-prediction")
            page.wait_for_function(PREDICTION_MATCHES, arg=r"prediction: \d")
            page.screenshot(path=str(screenshot))
            print(f"screenshot: {screenshot}")
            assert re.search(r"prediction: \d \(\d+\.\d%\)", prediction.inner_text())
            assert page.locator(".course-drawing-row").count() == 10, "ten probability bars"
            ink = page.evaluate(
                """() => { const c = document.querySelector('.course-drawing-input');
                           const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
                           let dark = 0;
                           for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
                           return dark; }"""
            )
            assert ink > 20, f"the 28x28 input shows only {ink} dark pixels"
            page.get_by_role("button", name="Clear").click()
            page.wait_for_function(PREDICTION_MATCHES, arg="Draw a digit")
        finally:
            browser.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, (
        f"{NOTEBOOK} was modified on disk by the test"
    )
