"""JupyterLab as a student uses it: a real browser opens notebook 01, runs its first cells, and
looks.

Starts JupyterLab headless on a free 127.0.0.1 port (with a token, its settings and workspaces
in a temporary folder, autosave off so the notebook on disk is never touched), drives the
Chromium or Chrome that tests/browser/browser.py finds with Playwright (no browser download),
and saves a screenshot under the test's temporary folder. Without a browser it is skipped
(before any server starts) with how to enable it; with COURSE_BROWSER_TESTS=1 (as in .ci/run) a
missing browser fails instead.
"""

import hashlib
from pathlib import Path

import nbformat
import pytest
from browser import (
    REPO_ROOT,
    RUN_S,
    clear_outputs,
    launch,
    open_notebook,
    require_browser,
    run_cells_above,
    running_lab,
    wait_for_run,
)

NOTEBOOK_CANDIDATES = [
    "notebooks/01_data_exploration.ipynb",
    "notebooks/00_environment_check.ipynb",
]
CELLS_TO_RUN = (
    8  # the first cells of the notebook, Markdown included: setup, settings, the first data cells
)
TQDM_CELL = 'from tqdm.auto import tqdm\nfor _ in tqdm(range(50), desc="progress bar check"): pass'
STDERR = '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'


def notebook_to_open() -> str:
    """Notebook 01, or the environment check while 01 does not exist yet."""
    return next(
        (p for p in NOTEBOOK_CANDIDATES if (REPO_ROOT / p).is_file()), NOTEBOOK_CANDIDATES[0]
    )


@pytest.fixture
def jupyterlab(tmp_path):
    """(browser path, base URL, token): the browser is found first, so a skip starts no server."""
    executable = require_browser()
    with running_lab(tmp_path) as (base, token):
        yield executable, base, token


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_nothing_wrong_shown(page) -> None:
    """No text-only progress bar ("IProgress not found"), traceback or error output on the page."""
    text = page.locator(".jp-Notebook").inner_text()
    assert "IProgress not found" not in text, (
        "the progress bar fell back to text: ipywidgets is not working"
    )
    errors = [e for e in page.locator(STDERR).all_inner_texts() if "Traceback" in e or "Error" in e]
    assert not errors, f"error output shown to the student:\n{errors[0][:2000]}"


def test_student_runs_first_cells_in_jupyterlab(jupyterlab, tmp_path):
    from playwright.sync_api import sync_playwright

    executable, base, token = jupyterlab
    relative = notebook_to_open()
    path = REPO_ROOT / relative
    before = sha256(path)
    nb = nbformat.read(path, as_version=4)
    run = nb.cells[:CELLS_TO_RUN]
    has_bar = any(
        "widget-view+json" in o.get("data", {}) for c in run for o in c.get("outputs", [])
    )
    screenshot, progress_shot = (
        tmp_path / "jupyterlab.png",
        tmp_path / "jupyterlab_progress_bar.png",
    )

    with sync_playwright() as p:
        browser = launch(p, executable)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_notebook(page, base, token, relative, cells=len(nb.cells))

            # Start from a clean page, as a student who cleared the stored outputs would.
            clear_outputs(page)
            assert page.locator(".jp-Notebook .jp-Cell .jp-OutputArea-output").count() == 0

            run_cells_above(page, len(run))
            cells = page.locator(".jp-Notebook .jp-Cell")
            cells.first.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot))
            print(f"screenshot: {screenshot}")

            code = [i for i, cell in enumerate(run) if cell.cell_type == "code"]
            for count, index in enumerate(code, start=1):
                prompt = cells.nth(index).locator(".jp-InputPrompt").inner_text().strip()
                assert prompt == f"[{count}]:", (
                    f"cell {index} shows {prompt!r}, not [{count}]: (not run, or out of order)"
                )
                if run[index].outputs:
                    assert cells.nth(index).locator(".jp-OutputArea-output").count() > 0, (
                        f"cell {index} shows no output"
                    )
            assert_nothing_wrong_shown(page)

            if not has_bar:
                # None of those cells shows a progress bar: add one, as a training loop shows it,
                # and run it.
                page.keyboard.press("Escape")
                # a new cell above the selected one, right after the cells that ran
                page.keyboard.press("a")
                page.keyboard.press("Enter")
                page.keyboard.insert_text(TQDM_CELL)
                page.keyboard.press("Control+Enter")
                wait_for_run(page, len(run) + 1)
            bar = page.locator(
                ".jp-OutputArea-output .widget-progress, .jp-OutputArea-output .widget-hprogress"
            )
            bar.first.wait_for(state="visible", timeout=RUN_S * 1000)
            bar.first.scroll_into_view_if_needed()
            page.screenshot(path=str(progress_shot))
            print(f"screenshot of the progress bar: {progress_shot}")
            assert_nothing_wrong_shown(page)
        finally:
            browser.close()
    assert sha256(path) == before, f"{relative} was modified on disk by the test"


# --- finding a browser, and deciding to run, skip or fail (no server, no browser needed) -----


def fake_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def no_browser_anywhere(monkeypatch, tmp_path):
    """A machine without any browser: empty PATH, no CHROME_PATH, no usual places, no Playwright
    cache.
    """
    import browser

    from course_tools import jupyter

    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.delenv("CHROME_PATH", raising=False)
    monkeypatch.setattr(jupyter, "KNOWN_PATHS", ())
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no Playwright cache under ~
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-playwright-browsers"))
    monkeypatch.setattr(jupyter, "start_lab", lambda *a, **k: pytest.fail("a server was started"))
    return browser


def test_browser_is_found_through_chrome_path(no_browser_anywhere, monkeypatch, tmp_path):
    chrome = fake_executable(tmp_path / "somewhere" / "my-chrome")
    monkeypatch.setenv("CHROME_PATH", str(chrome))
    assert no_browser_anywhere.find_browser() == str(chrome)


@pytest.mark.parametrize(
    "name", ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
)
def test_browser_is_found_on_the_path_by_its_usual_names(
    no_browser_anywhere, monkeypatch, tmp_path, name
):
    chrome = fake_executable(tmp_path / "bin" / name)
    monkeypatch.setenv("PATH", str(chrome.parent))
    assert no_browser_anywhere.find_browser() == str(chrome)


def test_browser_installed_by_playwright_is_found(no_browser_anywhere, monkeypatch, tmp_path):
    chrome = fake_executable(tmp_path / "pw" / "chromium-1234" / "chrome-linux" / "chrome")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "pw"))
    assert no_browser_anywhere.find_browser() == str(chrome)


def test_no_browser_skips_with_the_reason_and_how_to_enable(no_browser_anywhere, monkeypatch):
    monkeypatch.delenv("COURSE_BROWSER_TESTS", raising=False)
    with pytest.raises(pytest.skip.Exception) as info:
        no_browser_anywhere.require_browser()
    message = str(info.value)
    assert "no Chromium or Chrome found" in message and "COURSE_BROWSER_TESTS=1" in message
    assert "apt-get install" in message and "playwright install chromium" in message


def test_a_found_browser_still_waits_for_the_switch(no_browser_anywhere, monkeypatch, tmp_path):
    chrome = fake_executable(tmp_path / "bin" / "chromium")
    monkeypatch.setenv("CHROME_PATH", str(chrome))
    monkeypatch.delenv("COURSE_BROWSER_TESTS", raising=False)
    with pytest.raises(
        pytest.skip.Exception, match=f"COURSE_BROWSER_TESTS=1.*they would use {chrome}"
    ):
        no_browser_anywhere.require_browser()
    monkeypatch.setenv("COURSE_BROWSER_TESTS", "1")
    assert no_browser_anywhere.require_browser() == str(chrome)


def test_no_browser_fails_when_browser_tests_are_required(no_browser_anywhere, monkeypatch):
    monkeypatch.setenv("COURSE_BROWSER_TESTS", "1")
    with pytest.raises(pytest.fail.Exception, match="COURSE_BROWSER_TESTS=1 but no Chromium"):
        no_browser_anywhere.require_browser()


@pytest.mark.parametrize("required, outcome", [("", "1 skipped"), ("1", "1 error")])
def test_without_a_browser_the_test_is_skipped_or_failed_before_any_server_starts(
    tmp_path, required, outcome
):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PATH": str(tmp_path / "empty-bin"),
        "HOME": str(tmp_path),
        "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "none"),
        "COURSE_BROWSER_TESTS": required,
    }
    env.pop("CHROME_PATH", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "0",
            "-rsfE",
            "--basetemp",
            str(tmp_path / "run"),
            "tests/browser/test_jupyterlab_browser.py::test_student_runs_first_cells_in_jupyterlab",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert outcome in result.stdout, result.stdout[-3000:]
    assert "COURSE_BROWSER_TESTS" in result.stdout and "chromium" in result.stdout
    assert not list((tmp_path / "run").rglob("jupyterlab.log"))  # no server was started
