"""JupyterLab and a headless Chromium for the browser tests and the slide-fit tool: find, start,
stop.

with running_lab(tmp) as (base, token), sync_playwright() as p:
    page = launch(p, find_browser()).new_page()
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

from helpers.settings import REPO_ROOT

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
KNOWN_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)
START_S = 120  # bounded waits: generous, for a busy 2-core machine


def playwright_browsers() -> list[str]:
    """Chromium executables that `playwright install chromium` put in its cache folder, newest
    first.
    """
    roots = [
        os.environ.get("PLAYWRIGHT_BROWSERS_PATH", ""),
        "~/.cache/ms-playwright",
        "~/Library/Caches/ms-playwright",
        "~/AppData/Local/ms-playwright",
    ]
    patterns = [
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
        "chromium-*/chrome-win*/chrome.exe",
    ]
    return [
        path
        for root in filter(None, roots)
        for pattern in patterns
        for path in sorted(glob.glob(str(Path(root).expanduser() / pattern)), reverse=True)
    ]


def find_browser() -> str | None:
    """The path of a Chromium or Chrome to drive: CHROME_PATH, then the PATH, usual places,
    Playwright's cache.
    """
    candidates = [
        os.environ.get("CHROME_PATH", "").strip(),
        *(shutil.which(name) for name in BROWSER_NAMES),
        *KNOWN_PATHS,
        *playwright_browsers(),
    ]
    return next((c for c in candidates if c and os.path.isfile(c) and os.access(c, os.X_OK)), None)


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_lab_settings(settings_dir: Path) -> None:
    """User settings for this run only: no autosave (the notebooks on disk stay as committed), no
    news toast.
    """
    for plugin, values in (
        ("docmanager-extension/plugin", {"autosave": False}),
        ("apputils-extension/notification", {"fetchNews": "false", "checkForUpdates": False}),
    ):
        path = settings_dir / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def start_lab(port: int, token: str, tmp: Path, root: Path = REPO_ROOT) -> subprocess.Popen:
    """JupyterLab on 127.0.0.1:`port` with root dir `root` (the course), its state and log kept in
    `tmp`.
    """
    write_lab_settings(tmp / "settings")
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--no-browser",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={tmp / 'settings'}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    with open(tmp / "jupyterlab.log", "w") as log:
        return subprocess.Popen(
            command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until_up(server: subprocess.Popen, port: int, token: str, log: Path) -> None:
    """Poll the server's status API until it answers; RuntimeError with its log when it exits or
    times out.
    """
    deadline = time.monotonic() + START_S
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/status", headers={"Authorization": f"token {token}"}
    )
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(
        f"JupyterLab did not start (exit status {server.poll()}):\n{log.read_text()[-3000:]}"
    )


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
    """A running JupyterLab serving `root`, its state in `tmp`: yields (base URL, token); always
    stopped afterwards.
    """
    port, token = free_port(), secrets.token_hex(16)
    server = start_lab(port, token, tmp, root)
    try:
        wait_until_up(server, port, token, tmp / "jupyterlab.log")
        yield f"http://127.0.0.1:{port}", token
    finally:
        stop(server)


def launch(playwright, executable: str):
    """A headless Chromium/Chrome at `executable`, driven by Playwright (no browser download; no
    sandbox for root).
    """
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
    )
