"""Grader side of the kernels: start the template, run one notebook's cells with limits.

``KernelTemplate`` owns the warm template process (see ``kernel.py``); ``run_cells`` asks it for
one fresh kernel, sends the cells, and watches: a cell that runs past its timeout, or past the
submission's total deadline, gets its whole process group killed; a kernel that dies (``os._exit``,
a signal, a crash) is noticed by end-of-file. ``run_with_restarts`` then starts a new kernel and
re-runs the notebook without the cell that broke, so runaway code loses only what it breaks.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .kernel import MAX_LINE

STARTUP_TIMEOUT = 30.0  # seconds for a forked kernel to say hello and get ready


class TemplateError(RuntimeError):
    """The template kernel could not be started."""


def kernel_env() -> dict[str, str]:
    """Environment of grading kernels: single-threaded maths, fixed hash seed, no startup files."""
    env = dict(os.environ)
    for var in (
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    ):
        env[var] = "1"
    env["PYTHONHASHSEED"] = "0"
    env["MPLBACKEND"] = "Agg"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONSTARTUP", None)
    env.pop("PYTHONBREAKPOINT", None)
    return env


class KernelTemplate:
    """The warm template process; ``spawn()`` gives a socket to a brand-new forked kernel."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._ctrl: socket.socket | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the template
        self.starts = 0

    def _start(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        cmd = [sys.executable, "-m", "trilat_lessons.grading.kernel", str(child.fileno())]
        self._proc = subprocess.Popen(
            cmd,
            pass_fds=(child.fileno(),),
            env=kernel_env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )
        child.close()
        parent.settimeout(180)
        try:
            line = parent.recv(16)
        except (TimeoutError, OSError):
            line = b""
        if not line.startswith(b"ready"):
            self._log.seek(0)
            tail = self._log.read()[-2000:].decode("utf-8", "replace")
            self._close()
            raise TemplateError(f"the grading kernel template did not start:\n{tail}")
        parent.settimeout(None)
        self._ctrl = parent
        self.starts += 1

    def start_background(self) -> None:
        """Start the template in a thread (it warms up while the grader prepares)."""

        def run() -> None:
            with self._lock:
                if self._proc is None:
                    with contextlib.suppress(TemplateError):  # spawn() retries and reports
                        self._start()

        threading.Thread(target=run, daemon=True).start()

    def spawn(self) -> socket.socket:
        """A connected socket to a newly forked kernel (restarts the template if it died)."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self._lock:
                for attempt in range(2):
                    if self._proc is None or self._proc.poll() is not None or self._ctrl is None:
                        self._start()
                    try:
                        assert self._ctrl is not None
                        socket.send_fds(self._ctrl, [b"j"], [theirs.fileno()])
                        break
                    except OSError:
                        self._proc = None
                        if attempt:
                            raise
        finally:
            theirs.close()
        return mine

    def close(self) -> None:
        """Stop the template (running kernels are stopped by their own watchers)."""
        if not self._lock.acquire(timeout=0.05):  # still warming up in the background
            proc = self._proc
            if proc is not None:
                proc.kill()
            with self._lock:
                self._close()
            return
        try:
            self._close()
        finally:
            self._lock.release()

    def _close(self) -> None:
        if self._ctrl is not None:
            with contextlib.suppress(OSError):
                self._ctrl.close()
            self._ctrl = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def __enter__(self) -> KernelTemplate:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class CellRun:
    """What happened to one cell."""

    status: str  # ok | error | timeout | total timeout | kernel died | memory | not run
    error: dict[str, str] | None = None


@dataclass
class RunResult:
    """One kernel run: per-cell outcomes, exported answers, and how it ended."""

    cells: dict[int, CellRun] = field(default_factory=dict)
    exports: dict[str, dict[str, Any]] = field(default_factory=dict)
    broken: int | None = None  # index of the cell that ended the kernel early
    broken_status: str = ""
    printed: int = 0
    landlock: int = 0


class _Lines:
    """Read JSON lines from a socket with deadlines and a size cap."""

    def __init__(self, sock: socket.socket, stop: threading.Event | None = None) -> None:
        self.sock = sock
        self.buf = bytearray()
        self.stop = stop

    def next(self, deadline: float) -> dict[str, Any] | None:
        """Next message; None on EOF; raises TimeoutError past the deadline."""
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line = bytes(self.buf[:nl])
                del self.buf[: nl + 1]
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue  # garbage written to our socket by student code: ignore it
                if isinstance(msg, dict):
                    return msg
                continue
            if len(self.buf) > MAX_LINE:
                raise ValueError("oversized message")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if self.stop is not None and self.stop.is_set():
                raise InterruptedError
            self.sock.settimeout(min(remaining, 0.2) if self.stop is not None else remaining)
            try:
                chunk = self.sock.recv(1 << 20)
            except TimeoutError:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            self.buf += chunk


def _kill(pid: int | None) -> None:
    if not pid:
        return
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
            return
        except (ProcessLookupError, PermissionError):
            continue


def run_cells(
    template: KernelTemplate,
    cells: list[dict[str, Any]],
    *,
    cell_timeout: float,
    deadline: float,
    limits: dict[str, Any],
    workdir: str,
    denied: list[str],
    registry: set[int] | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Run ``cells`` in one fresh kernel; stop at the first cell that hangs or kills it."""
    result = RunResult()
    sock = template.spawn()
    lines = _Lines(sock, stop)
    pid: int | None = None
    current: int | None = None
    try:
        start_deadline = min(deadline, time.monotonic() + STARTUP_TIMEOUT)
        try:
            hello = lines.next(start_deadline)
        except (TimeoutError, InterruptedError):
            hello = None
        if not hello or hello.get("event") != "hello":
            result.broken, result.broken_status = 0, "kernel died"
            return result
        pid = int(hello["pid"])
        if registry is not None:
            registry.add(pid)
        job = {"cells": cells, "limits": limits, "workdir": workdir, "denied": denied}
        sock.sendall(json.dumps(job).encode() + b"\n")
        try:
            ready = lines.next(start_deadline)
        except (TimeoutError, InterruptedError):
            ready = None
        if not ready or ready.get("event") != "ready":
            result.broken, result.broken_status = 0, "kernel died"
            return result
        result.landlock = int(ready.get("landlock", 0))
        cell_deadline = deadline
        while True:
            wait_until = cell_deadline if current is not None else deadline
            try:
                msg = lines.next(min(wait_until, deadline))
            except TimeoutError:
                _kill(pid)
                at = current if current is not None else len(result.cells)
                total = time.monotonic() >= deadline - 1e-3
                result.broken = at
                result.broken_status = "total timeout" if total else "timeout"
                return result
            except ValueError:
                _kill(pid)
                result.broken = current if current is not None else 0
                result.broken_status = "kernel died"
                return result
            except InterruptedError:  # the whole run was interrupted (Ctrl-C)
                result.broken = current if current is not None else 0
                result.broken_status = "interrupted"
                return result
            if msg is None:
                result.broken = current if current is not None else len(result.cells)
                result.broken_status = "kernel died"
                return result
            event = msg.get("event")
            if event == "start":
                current = int(msg.get("cell", 0))
                cell_deadline = time.monotonic() + cell_timeout
            elif event == "done":
                idx = int(msg.get("cell", current or 0))
                err = msg.get("error")
                status = "ok"
                if err:
                    status = "memory" if err.get("ename") == "MemoryError" else "error"
                result.cells[idx] = CellRun(status, err)
                current = None
                if status == "memory":  # free the memory: restart without this cell
                    _kill(pid)
                    result.broken, result.broken_status = idx, "memory"
                    return result
            elif event == "export":
                q = str(msg.get("question"))
                value = msg.get("value")
                if q not in result.exports and isinstance(value, dict):
                    result.exports[q] = value
            elif event == "finished":
                result.printed = int(msg.get("printed", 0) or 0)
                return result
    finally:
        if registry is not None and pid is not None:
            registry.discard(pid)
        if result.broken is not None:
            _kill(pid)
        with contextlib.suppress(OSError):
            sock.close()


def run_with_restarts(
    template: KernelTemplate,
    cells: list[dict[str, Any]],
    *,
    cell_timeout: float,
    total_timeout: float,
    limits: dict[str, Any],
    workdir_root: str,
    denied: list[str],
    max_runs: int = 4,
    registry: set[int] | None = None,
    stop: threading.Event | None = None,
) -> tuple[dict[int, CellRun], dict[str, dict[str, Any]], dict[str, Any]]:
    """Run a notebook; after a hang or a crash, restart without the broken cell and go on.

    Returns per-cell outcomes (index into ``cells``), the exported answers, and run info.
    """
    deadline = time.monotonic() + total_timeout
    skip: dict[int, CellRun] = {}
    outcomes: dict[int, CellRun] = {}
    exports: dict[str, dict[str, Any]] = {}
    info: dict[str, Any] = {"runs": 0, "printed": 0, "landlock": 0}
    for run in range(max_runs):
        todo = [i for i in range(len(cells)) if i not in skip]
        batch = [cells[i] for i in todo]
        workdir = os.path.join(workdir_root, f"run{run}")
        res = run_cells(
            template,
            batch,
            cell_timeout=cell_timeout,
            deadline=deadline,
            limits=limits,
            workdir=workdir,
            denied=denied,
            registry=registry,
            stop=stop,
        )
        info["runs"] += 1
        info["printed"] += res.printed
        info["landlock"] = max(info["landlock"], res.landlock)
        for local, outcome in res.cells.items():
            outcomes.setdefault(todo[local], outcome)
        for q, v in res.exports.items():
            exports.setdefault(q, v)
        if res.broken is None or res.broken_status == "interrupted":
            break
        if res.broken >= len(todo):  # died after the last cell: nothing lost
            break
        broken = todo[res.broken]
        skip[broken] = res.cells.get(res.broken) or CellRun(res.broken_status)
        outcomes[broken] = skip[broken]
        if res.broken_status == "total timeout" or time.monotonic() >= deadline:
            for i in range(len(cells)):
                outcomes.setdefault(i, CellRun("total timeout"))
            break
    for i in range(len(cells)):
        outcomes.setdefault(i, CellRun("not run"))
    return outcomes, exports, info
