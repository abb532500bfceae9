"""Shared by the browser tests (tests/browser) and the JupyterLite smoke test (tests/lite):
Debian's Chromium driven by Playwright, and pages whose requests outside localhost are aborted."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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
