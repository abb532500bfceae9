"""The grader's end of a kernel's socket: every message a kernel sends is untrusted, so
:class:`Channel` caps each message and the whole submission's traffic, decodes with bounded
nesting, and checks every message against the expected schema; anything else is ignored and
counted."""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

from .kernel import MAX_LINE
from .safetext import nesting_ok

MAX_SMALL = 4096  # bytes in any message but an export
MAX_TRAFFIC = 64_000_000  # bytes one kernel may send in all
MAX_DEPTH = 64  # nesting of JSON arrays/objects in one message
EVENTS = {"hello", "ready", "start", "done", "export", "finished"}


class Channel:
    """Messages from one kernel: size-capped, depth-checked, schema-checked, never trusted."""

    def __init__(self, sock: socket.socket, stop: threading.Event | None = None) -> None:
        self.sock = sock
        self.buf = bytearray()
        self.stop = stop
        self.traffic = 0
        self.ignored = 0

    def _decode(self, line: bytes) -> dict[str, Any] | None:
        if len(line) > MAX_SMALL and not line.startswith(b'{"event":"export"'):
            return None
        if not nesting_ok(line, MAX_DEPTH):
            return None
        try:
            msg = json.loads(line)
        except (ValueError, RecursionError, MemoryError):
            return None
        if not isinstance(msg, dict) or msg.get("event") not in EVENTS:
            return None
        event = msg["event"]
        if event in ("start", "done") and not (
            isinstance(msg.get("cell"), int) and not isinstance(msg.get("cell"), bool)
        ):
            return None
        if event == "done":
            err = msg.get("error")
            if err is not None and not (
                isinstance(err, dict)
                and isinstance(err.get("ename"), str)
                and isinstance(err.get("evalue"), str)
            ):
                return None
            if err is not None:
                msg["error"] = {"ename": err["ename"][:100], "evalue": err["evalue"][:300]}
        if event == "export" and not (
            isinstance(msg.get("question"), str) and isinstance(msg.get("value"), dict)
        ):
            return None
        if event == "finished" and not isinstance(msg.get("printed", 0), int):
            msg["printed"] = 0
        return msg

    def next(self, deadline: float) -> dict[str, Any] | None:
        """Next well-formed message; None on EOF; TimeoutError past the deadline;
        ValueError when the kernel sends more than its share."""
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line = bytes(self.buf[:nl])
                del self.buf[: nl + 1]
                msg = self._decode(line)
                if msg is not None:
                    return msg
                self.ignored += 1  # garbage written to our socket by student code
                continue
            if len(self.buf) > MAX_LINE:
                raise ValueError("oversized message")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if self.stop is not None and self.stop.is_set():
                raise InterruptedError
            self.sock.settimeout(min(remaining, 0.2))
            try:
                chunk = self.sock.recv(1 << 20)
            except TimeoutError:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            self.traffic += len(chunk)
            if self.traffic > MAX_TRAFFIC:
                raise ValueError("too much traffic")
            self.buf += chunk
