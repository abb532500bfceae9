"""`make lab` (the README's first command) serves the course folder and opens lesson 00."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "trilat-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str, str]:
    req = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=5) as resp:
            return resp.status, resp.read().decode("utf-8", "replace"), ""
    except urllib.error.HTTPError as err:
        return err.code, "", err.headers.get("Location", "")


@pytest.mark.slow
def test_make_lab_serves_the_course_folder_and_opens_start_here() -> None:
    port = _free_port()
    args = f"--no-browser --port {port} --ServerApp.token={TOKEN} --ServerApp.ip=127.0.0.1"
    # no --allow-root here: as root (CI, containers) `make lab` must add it by itself
    proc = subprocess.Popen(
        ["make", "-s", "lab", f"LAB_ARGS={args}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        status = 0
        while time.monotonic() < deadline:
            try:
                status, body, _ = _get(
                    f"{base}/api/contents/notebooks/00_start_here.ipynb?content=0"
                )
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert proc.poll() is None, "make lab exited early"
            time.sleep(0.5)
        assert status == 200, "the start-here lesson is not served at notebooks/ (wrong root?)"
        assert json.loads(body)["path"] == "notebooks/00_start_here.ipynb"
        ex, _, _ = _get(f"{base}/api/contents/exercises?content=0")
        assert ex == 200, "exercises/ must be visible in the file browser"
        code, _, location = _get(f"{base}/")
        assert code in (301, 302)
        assert location.split("?")[0].endswith("/lab/tree/notebooks/00_start_here.ipynb")
        tree, _, _ = _get(f"{base}/lab/tree/notebooks/00_start_here.ipynb")
        assert tree == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
