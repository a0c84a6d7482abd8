"""Shared by the browser tests: find a browser, run, skip or fail, run JupyterLab, drive a notebook.

    browser = require_browser()  # first, before any server starts: skip (or fail) with the reason
    with running_lab(tmp_path) as (base, token), sync_playwright() as p:
        page = launch(p, browser).new_page()
        open_notebook(page, base, token, "notebooks/01_data_exploration.ipynb")

Browser tests run when COURSE_BROWSER_TESTS=1, as `.ci/run` sets: then a missing browser fails them.
A plain `uv run pytest` (the README's command, on any student machine) skips them, saying how to run
them.
"""

from __future__ import annotations

import os

import pytest

from course_tools.jupyter import BROWSER_NAMES, find_browser, launch, running_lab  # noqa: F401 (launch and running_lab: re-exported for the tests)
from course_tools.jupyter import START_S as SERVER_START_S
from helpers.settings import REPO_ROOT  # noqa: F401 (re-exported for the tests)

HOW_TO_INSTALL = (
    "install Chromium or Google Chrome (Debian/Ubuntu: `sudo apt-get install -y chromium`; or "
    "`uv run playwright install chromium`), or set CHROME_PATH to the browser's executable"
)
RUN_S = 240


def browser_tests_required() -> bool:
    """True when COURSE_BROWSER_TESTS asks for the browser tests to run (so a missing browser is a
    failure).
    """
    return os.environ.get("COURSE_BROWSER_TESTS", "").strip().lower() in {"1", "true", "yes", "on"}


def require_browser() -> str:
    """The browser's path when COURSE_BROWSER_TESTS=1 (fail if none); otherwise skip, saying how to
    run them.
    """
    path = find_browser()
    if not browser_tests_required():
        found = (
            f"they would use {path}" if path else f"no Chromium or Chrome found: {HOW_TO_INSTALL}"
        )
        pytest.skip(
            f"browser tests run only with COURSE_BROWSER_TESTS=1, as CI's .ci/run sets ({found})"
        )
    if not path:
        pytest.fail(
            f"COURSE_BROWSER_TESTS=1 but no Chromium or Chrome was found: {HOW_TO_INSTALL}.",
            pytrace=False,
        )
    return path


def open_notebook(page, base: str, token: str, relative: str, cells: int | None = None) -> None:
    """Open notebook `relative` in JupyterLab; wait for its `cells` cells (if given) and an idle
    kernel.
    """
    page.set_default_timeout(SERVER_START_S * 1000)
    page.goto(f"{base}/lab/tree/{relative}?token={token}")
    if cells is not None:  # JupyterLab adds cells in batches
        page.wait_for_function(
            "(n) => document.querySelectorAll('.jp-Notebook .jp-Cell').length >= n", arg=cells
        )
    # the kernel is up
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]')


def clear_outputs(page) -> None:
    """Edit → Clear Outputs of All Cells, as a student starting afresh would."""
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells").click()


def wait_for_run(page, count: int, timeout_s: float = RUN_S) -> None:
    """Wait until every code cell among the first `count` has run ([n]:), or one failed; and the
    kernel is idle.
    """
    page.wait_for_function(
        """(count) => {
            const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')].slice(0, count);
            const prompts = cells.filter(c => c.classList.contains('jp-CodeCell'))
                .map(c => (c.querySelector('.jp-InputPrompt')?.textContent || '').trim());
            const done = prompts.every(p => /^\\[\\d+\\]:$/.test(p));
            const stderr = '[data-mime-type="application/vnd.jupyter.stderr"]';
            const failed = cells.some(c => c.querySelector(stderr));
            const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
            const idle = !status || status.getAttribute('data-status') === 'idle';
            return idle && !prompts.some(p => p.includes('*')) && (done || failed);
        }""",
        arg=count,
        timeout=timeout_s * 1000,
    )


def run_cells_above(page, count: int, timeout_s: float = RUN_S) -> None:
    """Run the first `count` cells (Run → Run All Above Selected Cell) and wait until they ran."""
    page.locator(".jp-Notebook .jp-Cell").nth(count).locator(".jp-InputPrompt").click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Above Selected Cell").click()
    wait_for_run(page, count, timeout_s)
