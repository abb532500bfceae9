"""Fixtures for the real-browser tests: a private JupyterLab on a free localhost port and a
headless Debian Chromium driven by Playwright, with every non-localhost request blocked.

Skipped (with the reason) when /usr/bin/chromium or playwright is missing. Never downloads a
browser: Playwright only drives the system Chromium.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: shared Chromium support
from chromium_support import (
    CHROMIUM,
    Blocked,
    guarded_page,
    launch_chromium,
)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "_artifacts"
SERVER_START_TIMEOUT = 90  # seconds
SAVE_HOOK = "trilat_lessons.labhooks.pre_save"  # what `make lab` passes too
HOOK_EXTENSION = "trilat_lessons.labhooks"  # the server extension that registers it everywhere
LAB_EXTENSION = "trilat-lessons"  # the course's JupyterLab (front-end) extension: the page guard


@dataclass
class Lab:
    """A running JupyterLab: its base URL, token, notebook folder and log file."""

    url: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen[bytes]

    def course_extension(self, *, enabled: bool) -> None:
        """Enable or disable the course's JupyterLab extension from the next page load."""
        course_extension(self.root.parent / "config", enabled=enabled)

    def lab_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?token={self.token}&reset"

    def api(self, path: str) -> Any:
        req = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read() or b"null")


def course_extension(config_dir: Path, *, enabled: bool) -> None:
    """Enable or disable the course's JupyterLab extension (its page guard) in a JupyterLab
    whose JUPYTER_CONFIG_DIR is ``config_dir``, as `jupyter labextension disable` does; the
    server reads it at every page load."""
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    disabled = {} if enabled else {LAB_EXTENSION: True}
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server we started (its own process group: the server and its kernels)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _start_lab(base: Path, *, save_hook: bool) -> tuple[Lab, list[str]]:
    """Start (not wait for) a JupyterLab serving a temporary copy of notebooks/ and exercises/
    (never the repo). ``save_hook``: the course's save hook as ``make lab`` and the installed
    server extension give it; without it, the server extension is disabled too (a JupyterHub
    that does not enable it), and so is the course's JupyterLab extension until a test enables
    it (a hub whose server runs in another environment than the course's kernel)."""
    root = base / "course"
    for folder in ("notebooks", "exercises"):
        shutil.copytree(
            REPO / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    settings = base / "settings"
    notif = settings / "@jupyterlab" / "apputils-extension"
    notif.mkdir(parents=True)
    (notif / "notification.jupyterlab-settings").write_text(
        json.dumps({"checkForUpdates": False, "fetchNews": "false"})
    )
    # every cell stays in the page (no virtual scrolling), so each output can be checked
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "IPYTHONDIR": str(base / "ipython"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    log = base / "jupyterlab.log"
    cmd = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    if save_hook:
        cmd.append(f"--ContentsManager.pre_save_hook={SAVE_HOOK}")
    else:
        cmd.append(f"--ServerApp.jpserver_extensions={HOOK_EXTENSION}=False")
        course_extension(base / "config", enabled=False)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI often run as root
    with log.open("wb") as out:
        process = subprocess.Popen(
            cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Lab(f"http://127.0.0.1:{port}", token, root, log, process), cmd


def _wait_for(server: Lab) -> None:
    """Wait until ``server`` answers (fail with its log if it exits or takes too long)."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if server.process.poll() is not None:
            pytest.fail(f"JupyterLab exited early:\n{server.log.read_text()[-3000:]}")
        try:
            server.api("/api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start in time:\n{server.log.read_text()[-3000:]}")
            time.sleep(0.3)


@pytest.fixture(scope="session")
def _lab_without_hook_started(
    chromium: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Lab]:
    """A second JupyterLab, started early (beside the first, so its start-up costs no time of
    its own), with the course's save hook extension disabled."""
    server, _cmd = _start_lab(tmp_path_factory.mktemp("lab-nohook"), save_hook=False)
    try:
        yield server
    finally:
        _stop(server.process)
        if ARTIFACTS.exists():
            shutil.copy(server.log, ARTIFACTS / "jupyterlab-without-hook.log")


@pytest.fixture(scope="session")
def lab(chromium: Path, tmp_path_factory: pytest.TempPathFactory, request: Any) -> Iterator[Lab]:
    """JupyterLab from this venv, serving a temporary copy of notebooks/ and exercises/ (never
    the repo), with the course's save hook (widget outputs keep a static fallback on disk)."""
    if any("without_hook" in item.nodeid for item in request.session.items):
        request.getfixturevalue("_lab_without_hook_started")  # starts while this one starts
    server, _cmd = _start_lab(tmp_path_factory.mktemp("lab"), save_hook=True)
    try:
        _wait_for(server)
        yield server
    finally:
        _stop(server.process)
        if ARTIFACTS.exists():
            shutil.copy(server.log, ARTIFACTS / "jupyterlab.log")


@pytest.fixture(scope="session")
def lab_without_hook(_lab_without_hook_started: Lab) -> Lab:
    """The JupyterLab without the save hook, once it answers."""
    _wait_for(_lab_without_hook_started)
    hooks = _lab_without_hook_started.log.read_text(errors="replace")
    if "save hook registered" in hooks:
        pytest.fail("the save hook extension was loaded although it was disabled")
    return _lab_without_hook_started


WITHOUT_HOOK = "notebooks/01_history.ipynb"
"""The lesson run in the JupyterLab without the save hook (explorers, quizzes, tables, charts)."""

_OPEN_AND_START_RUN_ALL = """(path) => {
  window.__trilatRunAll = (async () => {
    const app = window.jupyterapp;
    await app.restored;
    await app.commands.execute('docmanager:open', {path});
    const w = app.shell.currentWidget;
    await w.context.ready;
    await w.sessionContext.ready;
    while (!(w.sessionContext.session && w.sessionContext.session.kernel
             && w.sessionContext.session.kernel.status === 'idle')) {
      await new Promise(r => setTimeout(r, 100));
    }
    await app.commands.execute('notebook:run-all-cells');
  })();
}"""


@pytest.fixture(scope="session")
def page_without_hook(browser: Any, lab_without_hook: Lab) -> Iterator[tuple[Any, Blocked]]:
    """A page of the JupyterLab without the save hook, in which lesson WITHOUT_HOOK was opened
    and its run-all started as soon as the fixture was set up: its kernel works while the other
    lessons are checked (the time budget); the test waits for it to finish."""
    with guarded_page(browser, service_workers="block") as (page, blocked):
        page.goto(f"{lab_without_hook.url}/lab?token={lab_without_hook.token}&reset")
        page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
        page.evaluate(_OPEN_AND_START_RUN_ALL, WITHOUT_HOOK)
        yield page, blocked


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    with launch_chromium(chromium) as b:
        yield b


@pytest.fixture
def page_and_blocked(browser: Any) -> Iterator[tuple[Any, Blocked]]:
    """A fresh page whose requests outside localhost are aborted and recorded."""
    with guarded_page(browser, service_workers="block") as pair:
        yield pair
