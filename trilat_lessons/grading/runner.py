"""Grader side of the kernels: start the template, run one notebook's cells with limits.

``KernelTemplate`` owns the warm template process (see ``kernel.py``), inside the bubblewrap
sandbox when ``isolated`` (``isolation.py``); ``run_cells`` asks it for one fresh kernel, sends the
cells, and watches on the grader's own clock: a cell (or a question's export) that runs past its
timeout, or past the submission's total deadline, gets its kernel killed through the job's
lifeline, with every process it started; a kernel that dies (``os._exit``, a signal, a crash) is
noticed by end-of-file. ``run_with_restarts`` then starts a new kernel and re-runs the notebook
without the cell that broke, so runaway code loses only what it breaks.

Everything read from a kernel is untrusted: ``Channel`` caps each message and the whole
submission's traffic, decodes with bounded nesting, and checks every message against the expected
sequence and schema; anything else is ignored and counted.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ..judge import valid_export
from .channel import Channel
from .isolation import KERNEL_PROCS, PIDS_PER_WORKER, PidsCgroup, bwrap_command, clean_env

STARTUP_TIMEOUT = 30.0  # seconds for a forked kernel to say hello and get ready


class TemplateError(RuntimeError):
    """The template kernel could not be started."""


def kernel_env() -> dict[str, str]:
    """Environment of grading kernels: a clean one (nothing of the grader's is inherited)."""
    return clean_env()


class KernelTemplate:
    """The warm template process; ``spawn()`` gives a socket to a brand-new forked kernel.

    ``isolated=True`` runs the template (and so every kernel) inside the bubblewrap sandbox.
    """

    def __init__(self, isolated: bool | None = None, workers: int = 2) -> None:
        if isolated is None:
            from .isolation import probe

            isolated = probe().isolated
        self.isolated = isolated
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._ctrl: socket.socket | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the template
        self._cgroup: PidsCgroup | None = None
        self._workers = max(1, workers)
        self.starts = 0

    def _start(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        cmd = [sys.executable, "-m", "trilat_lessons.grading.kernel", str(child.fileno())]
        preexec = None
        if self.isolated:
            cmd = bwrap_command([*cmd, "--isolated"])
            if self._cgroup is None:
                self._cgroup = PidsCgroup(32 + PIDS_PER_WORKER * self._workers)
            preexec = self._cgroup.enter
        self._proc = subprocess.Popen(
            cmd,
            pass_fds=(child.fileno(),),
            env=kernel_env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
            preexec_fn=preexec,
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

    def spawn(self) -> tuple[socket.socket, socket.socket]:
        """(job socket, lifeline) of a newly forked kernel (restarts the template if it died).

        Closing the lifeline kills the kernel and every process it started; the reaper writes
        one byte on it once they are all gone.
        """
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        life, life_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self._lock:
                for attempt in range(2):
                    if self._proc is None or self._proc.poll() is not None or self._ctrl is None:
                        self._start()
                    try:
                        assert self._ctrl is not None
                        socket.send_fds(self._ctrl, [b"j"], [theirs.fileno(), life_theirs.fileno()])
                        break
                    except OSError:
                        self._proc = None
                        if attempt:
                            raise
        finally:
            theirs.close()
            life_theirs.close()
        return mine, life

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
        if self._cgroup is not None:
            self._cgroup.close()
            self._cgroup = None

    def __enter__(self) -> KernelTemplate:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class CellRun:
    """What happened to one cell."""

    status: str  # ok | error | not run | a runaway status (judge.records.RUNAWAY)
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
    ignored: int = 0  # messages from the kernel that were malformed or out of sequence
    flooded: bool = False  # the kernel sent more than its share and was stopped


def _end(life: socket.socket) -> None:
    """Kill a kernel (and all its processes) through its lifeline, and wait until it is gone."""
    with contextlib.suppress(OSError):
        life.shutdown(socket.SHUT_WR)  # the reaper sees EOF and kills the kernel's namespace
    life.settimeout(5)
    with contextlib.suppress(OSError):
        life.recv(1)  # one byte (or EOF) once the reaper has waited for the kernel
    with contextlib.suppress(OSError):
        life.close()


def run_cells(
    template: KernelTemplate,
    cells: list[dict[str, Any]],
    *,
    cell_timeout: float,
    deadline: float,
    limits: dict[str, Any],
    workdir: str,
    denied: list[str],
    registry: set[Any] | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Run ``cells`` in one fresh kernel; stop at the first cell that hangs or kills it.

    The grader's clock alone decides: each cell, and each question's export after it, gets
    ``cell_timeout`` from the moment the grader saw the previous step end. Messages out of
    sequence (a second "start", a "done" for another cell, "finished" before the last cell)
    are ignored. The kernel is always killed at the end, whatever it said.
    """
    result = RunResult()
    sock, life = template.spawn()
    if registry is not None:
        registry.add(life)
    lines = Channel(sock, stop)
    current: int | None = None  # cell running
    exporting: int | None = None  # cell whose exports are being sent
    expected_exports: set[str] = set()
    next_cell = 0
    limits = {**limits, "procs": KERNEL_PROCS}
    try:
        start_deadline = min(deadline, time.monotonic() + STARTUP_TIMEOUT)
        try:
            hello = lines.next(start_deadline)
        except (TimeoutError, InterruptedError, ValueError):
            hello = None
        if not hello or hello.get("event") != "hello":
            result.broken_status = "no start"  # no student code ran: the caller retries
            return result
        job = {"cells": cells, "limits": limits, "workdir": workdir, "denied": denied}
        sock.settimeout(STARTUP_TIMEOUT)  # a big job is sent in full; no leftover short timeout
        try:
            sock.sendall(json.dumps(job).encode() + b"\n")
        except OSError:
            result.broken_status = "no start"
            return result
        try:
            ready = lines.next(start_deadline)
        except (TimeoutError, InterruptedError, ValueError):
            ready = None
        if not ready or ready.get("event") != "ready":
            result.broken_status = "no start"
            return result
        landlock = ready.get("landlock", 0)
        result.landlock = landlock if isinstance(landlock, int) else 0
        step_deadline = min(deadline, time.monotonic() + cell_timeout)
        while True:
            at = current if current is not None else exporting
            try:
                msg = lines.next(min(step_deadline, deadline))
            except TimeoutError:
                total = time.monotonic() >= deadline - 1e-3
                result.broken = at if at is not None else next_cell
                result.broken_status = "total timeout" if total else "timeout"
                break
            except ValueError:
                result.broken = at if at is not None else next_cell
                result.broken_status = "kernel died"
                result.flooded = True
                break
            except InterruptedError:  # the whole run was interrupted (Ctrl-C)
                result.broken = at if at is not None else 0
                result.broken_status = "interrupted"
                break
            if msg is None:
                result.broken = at if at is not None else next_cell
                result.broken_status = "kernel died"
                break
            event = msg["event"]
            now = time.monotonic()
            if event == "start" and current is None and msg["cell"] == next_cell < len(cells):
                current, exporting = next_cell, None
                next_cell += 1
                step_deadline = now + cell_timeout
            elif event == "done" and current is not None and msg["cell"] == current:
                err = msg.get("error")
                status = "ok"
                if err:
                    status = "memory" if err.get("ename") == "MemoryError" else "error"
                result.cells[current] = CellRun(status, err)
                if status == "memory":  # free the memory: restart without this cell
                    result.broken, result.broken_status = current, "memory"
                    break
                exporting, current = current, None
                expected_exports = {str(q) for q, _v in cells[exporting].get("exports", [])}
                if not expected_exports:
                    exporting = None
                step_deadline = now + cell_timeout  # the export runs under its own limit
            elif event == "export" and exporting is not None:
                q = msg["question"]
                if q in expected_exports:
                    expected_exports.discard(q)
                    value = msg["value"]
                    if not valid_export(value):  # forged or garbled: judged as unexportable
                        value = {"type": "unexportable", "error": "malformed export"}
                        lines.ignored += 1
                    result.exports[q] = value
                    if not expected_exports:
                        exporting = None
                        step_deadline = now + cell_timeout
                else:
                    lines.ignored += 1
            elif (
                event == "finished"
                and current is None
                and next_cell == len(cells)
                and not expected_exports
            ):
                printed = msg.get("printed", 0)
                result.printed = printed if isinstance(printed, int) else 0
                break
            else:
                lines.ignored += 1
        if result.broken is not None and exporting == result.broken:
            # the question's export broke (a hang or exit in the student's object): that
            # question alone is lost; the restart goes on without this cell
            result.cells[result.broken] = CellRun(result.broken_status)
        return result
    finally:
        result.ignored = lines.ignored
        if registry is not None:
            registry.discard(life)
        _end(life)
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
    registry: set[Any] | None = None,
    stop: threading.Event | None = None,
) -> tuple[dict[int, CellRun], dict[str, dict[str, Any]], dict[str, Any]]:
    """Run a notebook; after a hang or a crash, restart without the broken cell and go on.

    Returns per-cell outcomes (index into ``cells``), the exported answers, and run info.
    """
    deadline = time.monotonic() + total_timeout
    skip: dict[int, CellRun] = {}
    outcomes: dict[int, CellRun] = {}
    exports: dict[str, dict[str, Any]] = {}
    info: dict[str, Any] = {"runs": 0, "printed": 0, "landlock": 0, "ignored": 0, "flooded": 0}
    failed_starts = 0
    run = 0
    while run < max_runs:
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
        if res.broken_status == "no start":  # the kernel never got ready: not the student's
            failed_starts += 1
            if failed_starts >= 3 or time.monotonic() >= deadline:
                raise TemplateError("a grading kernel failed to start three times")
            continue
        run += 1
        info["runs"] += 1
        info["printed"] += res.printed
        info["landlock"] = max(info["landlock"], res.landlock)
        info["ignored"] += res.ignored
        info["flooded"] += int(res.flooded)
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
