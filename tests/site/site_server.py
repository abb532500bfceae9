"""A static server for the website test: the site served under a sub-path on a free localhost
port, so relative links are checked as a teacher's host (GitHub Pages, a university server)
serves them."""

from __future__ import annotations

import functools
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


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
        handler = functools.partial(_Handler, directory=top)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.shutdown()
            server.server_close()
