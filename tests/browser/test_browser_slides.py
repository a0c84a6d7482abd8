"""Live slides in JupyterLab: the RISE slideshow opens offline with reveal.js, moves on, renders the
formula, and every slide of every notebook fits a 1280x720 projector (course_tools.slide_fit
measures them).

Like every browser test, they run with COURSE_BROWSER_TESTS=1 (as `.ci/run` sets), where a missing
browser fails.
"""

from __future__ import annotations

from browser import require_browser

from course_tools import slide_fit
from course_tools.notebooks import ROOT, notebook_paths

DECK = "notebooks/03_cnn.ipynb"  # the notebook with the course's formula


def test_rise_slideshow_offline(tmp_path):
    browser = require_browser()
    from playwright.sync_api import sync_playwright

    shots = [
        tmp_path / "rise_first_slide.png",
        tmp_path / "rise_next_slide.png",
        tmp_path / "rise_formula.png",
    ]
    # a slideshow may save: never the course's
    root = slide_fit.course_copy([ROOT / DECK], tmp_path / "course")
    (tmp_path / "state").mkdir()
    with (
        slide_fit.running_lab(tmp_path / "state", root) as (base, token),
        sync_playwright() as playwright,
    ):
        chromium = slide_fit.launch(playwright, browser)
        try:
            page = chromium.new_page(viewport=slide_fit.VIEWPORT)
            page.set_default_timeout(slide_fit.START_S * 1000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            blocked = slide_fit.offline(page)
            slide_fit.open_slideshow(page, base, token, DECK)

            first = page.locator(".reveal .slides section.present[id^='slide-']").last
            assert first.get_attribute("id") == "slide-0-0"
            assert "Convolutional" in first.locator("h1").inner_text()
            page.screenshot(path=str(shots[0]))

            page.keyboard.press("ArrowRight")  # the next section
            page.wait_for_selector("#slide-1-0.present")
            assert page.locator("#slide-1-0 h2").count() == 1
            page.screenshot(path=str(shots[1]))

            # The formula (display TeX) is typeset by the MathJax bundled in JupyterLab, with no
            # network.
            formula = None
            for slide_id in slide_fit.slide_ids(page):  # MathJax typesets a slide when it is shown
                slide_fit.go_to(page, slide_id)
                if page.locator(f"#{slide_id} mjx-container").count():
                    formula = slide_id
                    break
            assert formula, f"no slide of {DECK} shows a typeset formula"
            page.wait_for_selector(f"#{formula} mjx-container")
            page.screenshot(path=str(shots[2]))
            assert not errors, f"errors in the slideshow page: {errors}"
        finally:
            chromium.close()
    print("screenshots:", *shots)
    print("requests blocked (the slideshow worked without them):", *blocked or ["none"])


def test_every_slide_fits_1280x720():
    # minutes of browser work; or `uv run python -m course_tools.slide_fit`
    browser = require_browser()
    fits = slide_fit.measure_course(notebook_paths(), browser)
    assert {f.notebook for f in fits} == {p.name for p in notebook_paths()}
    assert all(f.slide_height > 0 and f.slide_width > 0 for f in fits)
    overflowing = [f for f in fits if not f.fits]
    assert not overflowing, "slides that do not fit 1280x720:\n" + slide_fit.report(fits)


def test_slide_fit_arithmetic():
    """The report's numbers, without a browser: overflow beyond a 4 px tolerance, tall and wide."""
    fits = [
        slide_fit.SlideFit("01_x.ipynb", "0-0", "Title", 700, 1280, 720, 1280, 0),
        slide_fit.SlideFit("01_x.ipynb", "1-0", "1. Tall", 1083, 1280, 720, 1280, 3),
        slide_fit.SlideFit("01_x.ipynb", "1-1", "Wide", 722, 1280, 720, 1280, 155),
    ]
    assert [f.fits for f in fits] == [True, False, False]
    assert (fits[1].too_tall, fits[1].too_wide, fits[2].too_tall, fits[2].too_wide) == (
        363,
        0,
        0,
        155,
    )
    text = slide_fit.report(fits)
    assert "01_x.ipynb slide 1-0 '1. Tall': 363 px too tall (1083 of 720)" in text
    assert "01_x.ipynb slide 1-1 'Wide': 155 px too wide" in text
    assert "Title" not in text and "01_x.ipynb: 2 of 3 slides overflow" in text
