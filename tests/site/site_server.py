"""A static server for the website test: the site served under a sub-path on a free localhost
port, so relative links are checked as a teacher's host (GitHub Pages, a university server)
serves them."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: shared Chromium support
from chromium_support import serve_directory


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the stdlib's own class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".ipynb": "application/json",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_under(root: Path, prefix: str) -> Iterator[str]:
    """Serve ``root`` at ``http://127.0.0.1:<port><prefix>``; yields the origin."""
    with tempfile.TemporaryDirectory() as top:
        (Path(top) / prefix.strip("/")).symlink_to(root.resolve(), target_is_directory=True)
        with serve_directory(_Handler, top) as origin:
            yield origin
