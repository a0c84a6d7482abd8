"""Shared by the browser tests: find Chromium or Chrome, decide run/skip/fail, run JupyterLab, drive a notebook.

    browser = require_browser()            # first, before any server starts: skip (or fail) with the reason
    with running_lab(tmp_path) as (base, token), sync_playwright() as p:
        page = launch(p, browser).new_page()
        open_notebook(page, base, token, "notebooks/01_data_exploration.ipynb")

Browser tests run wherever a browser is found. They are required (a missing browser fails) only when
COURSE_BROWSER_TESTS=1, as `.ci/run` sets; otherwise a missing browser skips them with how to enable them.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
KNOWN_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)
HOW_TO_INSTALL = (
    "install Chromium or Google Chrome (Debian/Ubuntu: `sudo apt-get install -y chromium`; or "
    "`uv run playwright install chromium`), or set CHROME_PATH to the browser's executable"
)
SERVER_START_S = 120  # bounded waits: generous, for a busy 2-core CI machine
RUN_S = 240


def playwright_browsers() -> list[str]:
    """Chromium executables that `playwright install chromium` put in its cache folder."""
    roots = [os.environ.get("PLAYWRIGHT_BROWSERS_PATH", ""), "~/.cache/ms-playwright",
             "~/Library/Caches/ms-playwright", "~/AppData/Local/ms-playwright"]
    patterns = ["chromium-*/chrome-linux*/chrome", "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
                "chromium-*/chrome-win*/chrome.exe"]
    found = []
    for root in filter(None, roots):
        for pattern in patterns:
            found += sorted(glob.glob(str(Path(root).expanduser() / pattern)), reverse=True)  # newest first
    return found


def find_browser() -> str | None:
    """The path of a Chromium or Chrome to drive: CHROME_PATH, then the PATH, usual places, Playwright's cache."""
    candidates = [os.environ.get("CHROME_PATH", "").strip()]
    candidates += [shutil.which(name) for name in BROWSER_NAMES]
    candidates += [*KNOWN_PATHS, *playwright_browsers()]
    return next((c for c in candidates if c and os.path.isfile(c) and os.access(c, os.X_OK)), None)


def browser_tests_required() -> bool:
    """True when COURSE_BROWSER_TESTS asks for the browser tests to run (so a missing browser is a failure)."""
    return os.environ.get("COURSE_BROWSER_TESTS", "").strip().lower() in {"1", "true", "yes", "on"}


def require_browser() -> str:
    """A browser's path; otherwise skip (or fail, when COURSE_BROWSER_TESTS=1) saying why and what to do."""
    path = find_browser()
    if path:
        return path
    if browser_tests_required():
        pytest.fail(f"COURSE_BROWSER_TESTS=1 but no Chromium or Chrome was found: {HOW_TO_INSTALL}.", pytrace=False)
    pytest.skip(f"no Chromium or Chrome found (looked for CHROME_PATH, {', '.join(BROWSER_NAMES)} and Playwright's "
                f"browsers). To run the browser tests: {HOW_TO_INSTALL}; set COURSE_BROWSER_TESTS=1 to make them required.")


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_lab_settings(settings_dir: Path) -> None:
    """User settings for this run only: no autosave (the notebook on disk stays as committed), no news toast."""
    docmanager = settings_dir / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings"
    docmanager.parent.mkdir(parents=True, exist_ok=True)
    docmanager.write_text(json.dumps({"autosave": False}))
    news = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True, exist_ok=True)
    news.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def start_lab(port: int, token: str, tmp: Path, root: Path = REPO_ROOT) -> subprocess.Popen:
    """JupyterLab on 127.0.0.1:`port` with root dir `root` (the course), its state kept in `tmp`."""
    write_lab_settings(tmp / "settings")
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False", "--no-browser",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={tmp / 'settings'}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    log = open(tmp / "jupyterlab.log", "w")
    return subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_up(server: subprocess.Popen, port: int, token: str, log: Path) -> None:
    """Poll the server's status API until it answers (or fail with its log)."""
    deadline = time.monotonic() + SERVER_START_S
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/status", headers={"Authorization": f"token {token}"})
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {SERVER_START_S} s:\n{log.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server and everything it started (kernels), politely first."""
    import psutil

    try:
        family = [server.pid] + [p.pid for p in psutil.Process(server.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = [server.pid]
    server.terminate()  # jupyter_server shuts its kernels down on SIGTERM
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
    for pid in family:  # anything left over (a kernel that did not exit) is ended by its own id
        try:
            psutil.Process(pid).kill()
        except psutil.NoSuchProcess:
            pass


@contextmanager
def running_lab(tmp: Path, root: Path = REPO_ROOT) -> Iterator[tuple[str, str]]:
    """A running JupyterLab: yields (base URL, token); always stopped afterwards."""
    port, token = free_port(), secrets.token_hex(16)
    server = start_lab(port, token, tmp, root)
    try:
        wait_until_up(server, port, token, tmp / "jupyterlab.log")
        yield f"http://127.0.0.1:{port}", token
    finally:
        stop(server)


def launch(playwright, executable: str):
    """A headless Chromium/Chrome at `executable`, driven by Playwright (no browser download)."""
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
    )


def open_notebook(page, base: str, token: str, relative: str, cells: int | None = None) -> None:
    """Open notebook `relative` in JupyterLab; wait for its `cells` cells (if given) and an idle kernel."""
    page.set_default_timeout(SERVER_START_S * 1000)
    page.goto(f"{base}/lab/tree/{relative}?token={token}")
    if cells is not None:  # JupyterLab adds cells in batches
        page.wait_for_function("(n) => document.querySelectorAll('.jp-Notebook .jp-Cell').length >= n", arg=cells)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]')  # the kernel is up


def clear_outputs(page) -> None:
    """Edit → Clear Outputs of All Cells, as a student starting afresh would."""
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells").click()


def wait_for_run(page, count: int, timeout_s: float = RUN_S) -> None:
    """Wait until every code cell among the first `count` has run ([n]:), or one failed; and the kernel is idle."""
    page.wait_for_function(
        """(count) => {
            const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')].slice(0, count);
            const prompts = cells.filter(c => c.classList.contains('jp-CodeCell'))
                .map(c => (c.querySelector('.jp-InputPrompt')?.textContent || '').trim());
            const done = prompts.every(p => /^\\[\\d+\\]:$/.test(p));
            const failed = cells.some(c => c.querySelector('[data-mime-type="application/vnd.jupyter.stderr"]'));
            const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
            const idle = !status || status.getAttribute('data-status') === 'idle';
            return idle && !prompts.some(p => p.includes('*')) && (done || failed);
        }""",
        arg=count,
        timeout=timeout_s * 1000,
    )


def run_cells_above(page, count: int, timeout_s: float = RUN_S) -> None:
    """Run the first `count` cells (Run → Run All Above Selected Cell) and wait until they have run."""
    page.locator(".jp-Notebook .jp-Cell").nth(count).locator(".jp-InputPrompt").click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Above Selected Cell").click()
    wait_for_run(page, count, timeout_s)


def run_all_cells(page, count: int, timeout_s: float = RUN_S) -> None:
    """Run → Run All Cells, and wait until all `count` cells have run (or one failed)."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    wait_for_run(page, count, timeout_s)
