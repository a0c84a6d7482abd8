"""JupyterLab as a student uses it: a real browser opens notebook 01, runs its first cells, and looks.

Starts JupyterLab headless on a free 127.0.0.1 port (with a token, its settings and workspaces in a
temporary folder, autosave off so the notebook on disk is never touched), drives Debian's chromium
with Playwright (no browser download), and saves a screenshot under the test's temporary folder.
"""

import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest

from helpers.settings import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK_CANDIDATES = ["notebooks/01_data_exploration.ipynb", "notebooks/00_environment_check.ipynb"]
CELLS_TO_RUN = 8  # the first cells of the notebook, Markdown included: setup, settings, the first data cells
SERVER_START_S = 120  # bounded waits: generous, for a busy 2-core CI machine
RUN_S = 240
TQDM_CELL = 'from tqdm.auto import tqdm\nfor _ in tqdm(range(50), desc="progress bar check"): pass'
STDERR = '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'


def notebook_to_open() -> str:
    """Notebook 01, or the environment check while 01 does not exist yet."""
    return next((p for p in NOTEBOOK_CANDIDATES if (REPO_ROOT / p).is_file()), NOTEBOOK_CANDIDATES[0])


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


def start_lab(port: int, token: str, tmp: Path) -> subprocess.Popen:
    """JupyterLab on 127.0.0.1:`port` with root dir = the course, its state kept in `tmp`."""
    write_lab_settings(tmp / "settings")
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False", "--no-browser",
        f"--ServerApp.root_dir={REPO_ROOT}",
        f"--LabApp.user_settings_dir={tmp / 'settings'}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    log = open(tmp / "jupyterlab.log", "w")
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


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


@pytest.fixture
def jupyterlab(tmp_path):
    """A running JupyterLab: yields (base URL, token); always stopped afterwards."""
    port, token = free_port(), secrets.token_hex(16)
    server = start_lab(port, token, tmp_path)
    try:
        wait_until_up(server, port, token, tmp_path / "jupyterlab.log")
        yield f"http://127.0.0.1:{port}", token
    finally:
        stop(server)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_for_run(page, count: int) -> None:
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
        timeout=RUN_S * 1000,
    )


def assert_nothing_wrong_shown(page) -> None:
    """No text-only progress bar ("IProgress not found"), no traceback or error output on the page."""
    text = page.locator(".jp-Notebook").inner_text()
    assert "IProgress not found" not in text, "the progress bar fell back to text: ipywidgets is not working"
    errors = [e for e in page.locator(STDERR).all_inner_texts() if "Traceback" in e or "Error" in e]
    assert not errors, f"error output shown to the student:\n{errors[0][:2000]}"


def test_student_runs_first_cells_in_jupyterlab(jupyterlab, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium with `sudo apt-get install -y chromium` "
                    "(.ci/run does this in CI); Playwright drives it, no browser download needed.")
    from playwright.sync_api import sync_playwright

    base, token = jupyterlab
    relative = notebook_to_open()
    path = REPO_ROOT / relative
    before = sha256(path)
    nb = nbformat.read(path, as_version=4)
    run = nb.cells[:CELLS_TO_RUN]
    has_bar = any("widget-view+json" in o.get("data", {}) for c in run for o in c.get("outputs", []))
    screenshot, progress_shot = tmp_path / "jupyterlab.png", tmp_path / "jupyterlab_progress_bar.png"

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(SERVER_START_S * 1000)
            page.goto(f"{base}/lab/tree/{relative}?token={token}")
            # JupyterLab adds cells in batches: wait for all of them before clearing their outputs.
            page.wait_for_function(
                "(n) => document.querySelectorAll('.jp-Notebook .jp-Cell').length >= n", arg=len(nb.cells)
            )
            page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]')  # the kernel is up

            # Start from a clean page, as a student who cleared the stored outputs would.
            page.get_by_role("menuitem", name="Edit", exact=True).click()
            page.get_by_role("menuitem", name="Clear Outputs of All Cells").click()
            assert page.locator(".jp-Notebook .jp-Cell .jp-OutputArea-output").count() == 0

            # Select the first cell not to run, then Run → Run All Above Selected Cell.
            cells = page.locator(".jp-Notebook .jp-Cell")
            cells.nth(len(run)).locator(".jp-InputPrompt").click()
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Above Selected Cell").click()
            wait_for_run(page, len(run))
            cells.first.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot))
            print(f"screenshot: {screenshot}")

            code = [i for i, cell in enumerate(run) if cell.cell_type == "code"]
            for count, index in enumerate(code, start=1):
                prompt = cells.nth(index).locator(".jp-InputPrompt").inner_text().strip()
                assert prompt == f"[{count}]:", f"cell {index} shows {prompt!r}, not [{count}]: (not run, or out of order)"
                if run[index].outputs:
                    assert cells.nth(index).locator(".jp-OutputArea-output").count() > 0, f"cell {index} shows no output"
            assert_nothing_wrong_shown(page)

            if not has_bar:
                # None of those cells shows a progress bar: add one, as a training loop shows it, and run it.
                page.keyboard.press("Escape")
                page.keyboard.press("a")  # a new cell above the selected one, right after the cells that ran
                page.keyboard.press("Enter")
                page.keyboard.insert_text(TQDM_CELL)
                page.keyboard.press("Control+Enter")
                wait_for_run(page, len(run) + 1)
            bar = page.locator(".jp-OutputArea-output .widget-progress, .jp-OutputArea-output .widget-hprogress")
            bar.first.wait_for(state="visible", timeout=RUN_S * 1000)
            bar.first.scroll_into_view_if_needed()
            page.screenshot(path=str(progress_shot))
            print(f"screenshot of the progress bar: {progress_shot}")
            assert_nothing_wrong_shown(page)
        finally:
            browser.close()
    assert sha256(path) == before, f"{relative} was modified on disk by the test"
