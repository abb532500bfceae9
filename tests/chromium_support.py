"""Shared by the browser tests (tests/browser), the JupyterLite smoke test (tests/lite) and the
website test (tests/site): Debian's Chromium driven by Playwright, pages whose requests outside
localhost are aborted, and a static server on a free localhost port."""

from __future__ import annotations

import functools
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = Path(os.environ.get("TRILAT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@dataclass
class Blocked:
    """Requests the page tried to send outside localhost (all aborted)."""

    urls: list[str] = field(default_factory=list)


@contextmanager
def launch_chromium(executable: Path = CHROMIUM) -> Iterator[Any]:
    """Headless Debian Chromium (never a downloaded browser), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def guarded_page(browser: Any, **context_options: Any) -> Iterator[tuple[Any, Blocked]]:
    """A fresh page (own context) whose requests outside localhost are aborted and recorded."""
    blocked = Blocked()
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, **context_options)

    def guard(route: Any) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or (parts.hostname or "") in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.urls.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        yield page, blocked
    finally:
        context.close()


@contextmanager
def serve_directory(
    handler: type[SimpleHTTPRequestHandler], directory: Path | str
) -> Iterator[str]:
    """Serve ``directory`` with ``handler`` on a free localhost port, in a thread; yields the
    origin (``http://127.0.0.1:<port>``) and stops the server afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
