"""A small progress bar for ``trilat grade`` (no tqdm dependency).

On a terminal it redraws one line: bar, count, rate, time left and a tally of statuses. Elsewhere
(CI logs, pipes) it prints a line at every 10 % so logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class ProgressBar:
    """Progress over ``total`` items, ``done`` of which were already finished (resume)."""

    def __init__(
        self, total: int, *, stream: TextIO | Any = None, enabled: bool = True, done: int = 0
    ):
        self.total = total
        self.done = done
        self.resumed = done
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0
        self.tally: dict[str, int] = {}
        self.start = time.monotonic()
        self._last_draw = 0.0
        self._last_decile = -1
        try:
            self.tty = bool(self.stream.isatty())
        except Exception:
            self.tty = False
        if self.enabled and done:
            self._write(f"resuming: {done} of {total} already graded\n")
        if self.enabled:
            self._draw(force=True)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except Exception:
            pass

    def line(self) -> str:
        """The current progress line."""
        width = 28
        frac = self.done / self.total if self.total else 1.0
        filled = int(frac * width)
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.monotonic() - self.start
        new = self.done - self.resumed
        rate = new / elapsed if elapsed > 0 and new else 0.0
        left = (self.total - self.done) / rate if rate else 0.0
        tally = " ".join(f"{k}={v}" for k, v in sorted(self.tally.items()))
        eta = f" ~{left:.0f}s left" if rate and self.done < self.total else ""
        return (
            f"grading [{bar}] {self.done}/{self.total} {frac:4.0%} "
            f"{rate:.1f}/s{eta} {tally}".rstrip()
        )

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty:
            if force or now - self._last_draw > 0.1 or self.done == self.total:
                self._write("\r" + self.line() + "\x1b[K")
                self._last_draw = now
        else:
            decile = int(10 * self.done / self.total) if self.total else 10
            if force or decile != self._last_decile:
                self._last_decile = decile
                self._write(self.line() + "\n")

    def update(self, status: str) -> None:
        """One more item finished with ``status``."""
        self.done += 1
        self.tally[status] = self.tally.get(status, 0) + 1
        self._draw()

    def close(self, interrupted: bool = False) -> None:
        """Finish the line (and say how to resume after an interruption)."""
        if not self.enabled:
            return
        if self.tty:
            self._write("\r" + self.line() + "\x1b[K\n")
        if interrupted:
            self._write(
                f"interrupted: {self.done} of {self.total} graded and saved; "
                "run the same command again to resume.\n"
            )
