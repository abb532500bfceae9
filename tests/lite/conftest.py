"""Fixtures for the JupyterLite smoke test: the built site (``_site/lite/``) served on a free
localhost port by a small in-process HTTP server, and headless Debian Chromium driven by Playwright.

Everything here skips (with the reason) when the site was not built (``make lite``), or when
/usr/bin/chromium or playwright is missing. Never downloads a browser.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: shared Chromium support
from chromium_support import (
    CHROMIUM,
    Blocked,
    guarded_page,
    launch_chromium,
    serve_directory,
)

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("TRILAT_LITE_SITE", REPO / "_site" / "lite"))
ARTIFACTS = Path(__file__).resolve().parent / "_artifacts"
_STARTED = __import__("time").time()  # reports older than this run are not this run's


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "lite: opens the built JupyterLite site (_site/) in headless Chromium"
    )


COMPRESSED = (".js", ".mjs", ".wasm", ".json", ".css", ".html", ".svg", ".ipynb", ".map", ".txt")
"""What a static host sends gzip-compressed (GitHub Pages and a configured nginx/Apache do it
for these types); wheels and zips are compressed already."""


class _Handler(SimpleHTTPRequestHandler):
    """Static files with the types a JupyterLite site needs, no caching, no access log; text
    and WebAssembly gzip-compressed when the browser accepts it, as a static host does."""

    extensions_map = {  # noqa: RUF012 - the stdlib's own class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".whl": "application/octet-stream",
        ".ipynb": "application/json",
    }

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzip_ok and path.is_file() and path.suffix in COMPRESSED):
            return super().send_head()
        body = _gzipped(str(path), path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@functools.lru_cache(maxsize=1024)
def _gzipped(path: str, _mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


@dataclass
class Site:
    url: str
    root: Path

    def page(self, notebook: str) -> str:
        return f"{self.url}/lab/index.html?path={notebook}"


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    if not (SITE / "jupyter-lite.json").is_file():
        pytest.skip(f"no JupyterLite site at {SITE}: build it with `make lite`")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    for f in SITE.rglob("*"):  # compress ahead, as a host's cache would: not on the clock
        if f.suffix in COMPRESSED and f.is_file() and f.stat().st_size > 100_000:
            _gzipped(str(f), f.stat().st_mtime_ns)
    with serve_directory(_Handler, SITE) as origin:
        yield Site(origin, SITE)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser(site: Site) -> Iterator[Any]:
    with launch_chromium(CHROMIUM) as b:
        yield b


@pytest.fixture
def page_and_blocked(browser: Any) -> Iterator[tuple[Any, Blocked]]:
    """A fresh page (its own storage) whose requests outside localhost are aborted and recorded."""
    with guarded_page(browser) as pair:
        yield pair


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Report lesson 01's cold start (kernel ready + all cells run) and first-visit download."""
    import json

    report = ARTIFACTS / "lite_01_history_downloads.json"
    if not report.is_file() or report.stat().st_mtime < _STARTED:
        return
    data = json.loads(report.read_text())
    if "kernel_ready_s" not in data:
        return
    total = data["kernel_ready_s"] + data["run_all_s"]
    terminalreporter.write_line(
        f"JupyterLite lesson 01, cold start: kernel ready {data['kernel_ready_s']} s + all cells "
        f"run {data['run_all_s']} s = {total:.1f} s (target <= 12 s); first visit downloaded "
        f"{data['bytes'] / 1e6:.1f} MB in {len(data['files'])} files (target <= 30 MB; "
        f"{data.get('raw_bytes', 0) / 1e6:.1f} MB uncompressed); load average "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
