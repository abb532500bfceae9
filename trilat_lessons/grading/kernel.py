"""Grading kernels: a warm template process that forks one fresh kernel per submission.

Starting a Jupyter kernel and importing pandas/altair costs seconds; grading 40 notebooks that way
is mostly waiting. Instead a *template* process (started once per grading run, never given any
student code or instructor secret) imports IPython, pandas, altair and the course package and
loads the datasets, then waits. For each submission it ``fork()``s: the child is a brand-new
process with its own memory, limits and sandbox, holding an IPython ``InteractiveShell`` that has
never run anything. It runs the rebuilt notebook's cells one by one, exports each answer as JSON
right after the question's last answer cell, streams events back over its own socket, and exits.

Run as ``python -m trilat_lessons.grading.kernel FD [--isolated]`` (FD: a Unix socket to the
grader). With ``--isolated`` (the template runs inside bubblewrap, see ``isolation.py``) each job
gets a *reaper* child, which enters new user, PID, mount and IPC namespaces and forks the kernel
as PID 1 there: when the kernel ends, or the grader closes the job's lifeline, the reaper kills it
and the kernel takes every process it started with it. Without ``--isolated`` (the refused-by-
default fallback) the reaper kills the kernel's process group instead.

Protocol (JSON lines on the per-job socket; the grader treats everything it reads as untrusted):

- grader -> kernel: one job ``{"cells": [{"source", "exports": [[qid, var], ...]}], "limits":
  {...}, "workdir": ..., "denied": [...]}``
- kernel -> grader: ``hello``, ``ready``, ``start{cell}``, ``done{cell, error}``,
  ``export{question, value}``, ``finished``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import socket
import sys
from typing import Any

MAX_LINE = 8_000_000  # bytes in one message from a kernel (bigger exports are refused earlier)
_CLONE_NEWNS, _CLONE_NEWIPC = 0x20000, 0x8000000
_CLONE_NEWUSER, _CLONE_NEWPID, _CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
KERNEL_UID = 1000  # the kernel's uid/gid inside its user namespace
_dumps = json.dumps  # bound now: student code that patches ``json`` cannot garble our messages
_loads = json.loads


class _Sink:
    """Where a kernel's printing goes: counted, never stored (printing megabytes is harmless)."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self) -> None:
        self.count = 0

    def write(self, s: Any) -> int:
        n = len(s) if isinstance(s, (str, bytes)) else 0
        self.count += n
        return n

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("no file descriptor")


def _make_shell() -> Any:
    """An IPython shell with no history thread (safe to fork) and plain error output."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.xmode = "Plain"
    return InteractiveShell.instance(config=config)


def _warm_up() -> Any:
    """Import and exercise what notebooks use, once, before any fork; returns a pristine shell."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import trilat_lessons as tl
    from trilat_lessons.judge import export_value

    from . import sandbox  # noqa: F401  (ctypes, imported before any sandbox exists)

    try:
        import altair as alt
        import pandas as pd

        df = pd.DataFrame({"year": [2014, 2015, 2015], "level": ["a", "b", "b"], "n": [1.5, 2, 3]})
        per = df.groupby("year").size().reset_index(name="count")
        df["level"].value_counts().idxmax()
        df.loc[df["level"] == "b", "n"].mean()
        export_value(per)
        chart = (
            alt.Chart(per, title="t", description="d").mark_bar().encode(x="year:O", y="count:Q")
        )
        export_value(chart)
    except Exception:  # pragma: no cover - warm-up is best effort
        pass
    with contextlib.suppress(Exception):
        tl.setup(quiet=True)
    try:  # datasets may not exist in every install; grading must not depend on it
        for name in tl.list_datasets():
            tl.load(name)
    except Exception:
        pass
    shell = _make_shell()
    shell.run_cell("pass", store_history=False, silent=True)
    import gc

    gc.collect()
    gc.freeze()  # keep copy-on-write pages shared between children
    return shell


def _send(sock: socket.socket, obj: dict[str, Any]) -> None:
    sock.sendall(_dumps(obj, separators=(",", ":"), default=str).encode() + b"\n")


def _read_job(sock: socket.socket) -> dict[str, Any]:
    buf = bytearray()
    while not buf.endswith(b"\n"):
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise EOFError("grader closed the job socket")
        buf += chunk
    return _loads(buf)


def _error_info(err: BaseException | None) -> dict[str, str] | None:
    if err is None:
        return None
    try:
        text = str(err)
    except Exception:
        text = ""
    return {"ename": type(err).__name__, "evalue": text[:300]}


def _die_with_parent(check_orphan: bool = True) -> None:
    """Linux: get SIGKILL when the parent exits (the template exits when the grader goes away)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass
    if check_orphan and os.getppid() == 1:  # the template is already gone
        os._exit(1)


def _private_namespace() -> bool:
    """In the kernel's namespace init: its own size-capped scratch and (where allowed) /proc."""
    libc = ctypes.CDLL(None, use_errno=True)
    from .isolation import SCRATCH, SCRATCH_MB

    opts = f"size={SCRATCH_MB}m,nr_inodes=4096,mode=0700".encode()
    if libc.mount(b"tmpfs", SCRATCH.encode(), b"tmpfs", 0x2 | 0x4, opts) != 0:  # nosuid, nodev
        return False
    libc.mount(b"proc", b"/proc", b"proc", 0x2 | 0x4 | 0x8, None)  # best effort: own PIDs only
    return True


def _drop_capabilities(libc: Any) -> None:
    """Give up the capabilities a new user namespace grants (no mounts, no raw sockets)."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    header = Header(0x20080522, 0)
    data = (Data * 2)()
    libc.capset(ctypes.byref(header), ctypes.byref(data))


def _reaper(job_fd: int, life_fd: int, ctrl_fd: int, shell: Any, isolated: bool) -> int:
    """Own one kernel: start it (in new namespaces when isolated), kill it when told or done."""
    os.close(ctrl_fd)
    os.setsid()
    _die_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    if isolated:
        libc = ctypes.CDLL(None, use_errno=True)
        uid, gid = os.geteuid(), os.getegid()
        # its own network namespace too: not even the sandbox's loopback is shared between kernels
        flags = _CLONE_NEWUSER | _CLONE_NEWPID | _CLONE_NEWNS | _CLONE_NEWIPC | _CLONE_NEWNET
        if libc.unshare(flags) != 0:
            return 5  # the grader sees the kernel die; the probe makes this unreachable
        try:  # one unprivileged uid/gid inside (files in the kernel's tmpfs need a mapped owner)
            with open("/proc/self/uid_map", "w") as f:
                f.write(f"{KERNEL_UID} {uid} 1")
            with open("/proc/self/setgroups", "w") as f:
                f.write("deny")
            with open("/proc/self/gid_map", "w") as f:
                f.write(f"{KERNEL_UID} {gid} 1")
        except OSError:
            return 6  # the grader sees the kernel die; the probe makes this unreachable
    kid = os.fork()
    if kid == 0:
        with contextlib.suppress(OSError):
            os.close(life_fd)
        if isolated:
            _exit_after(_namespace_init, job_fd, shell)
        _exit_after(_child, job_fd, shell, False)
    os.close(job_fd)
    while True:
        try:
            ready, _, _ = select.select([life_fd], [], [], 0.05)
        except InterruptedError:
            continue
        if ready:  # the grader closed the lifeline (or wrote to it): stop the kernel now
            break
        done, _status = os.waitpid(kid, os.WNOHANG)
        if done:
            kid = 0
            break
    if kid:
        with contextlib.suppress(OSError):
            os.kill(kid, signal.SIGKILL)  # isolated: PID 1, its whole namespace dies with it
    if not isolated and kid:
        with contextlib.suppress(OSError):
            os.killpg(kid, signal.SIGKILL)
    if kid:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(kid, 0)
    with contextlib.suppress(OSError):
        os.write(life_fd, b"x")  # tell the grader every process of this kernel is gone
    return 0


def _exit_after(fn: Any, *args: Any) -> None:
    """In a forked child: run ``fn`` and leave with ``os._exit`` (0, or 1 on any exception), so
    the child never returns into the parent's code."""
    code = 0
    try:
        fn(*args)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _namespace_init(job_fd: int, shell: Any) -> None:
    """PID 1 of a kernel's namespace: mount its private scratch, fork the kernel, wait for it.

    The kernel is PID 2, so it can be killed like any process (signals to PID 1 from inside are
    ignored); when it ends this process exits, and the kernel takes every process it started
    with it (the PID namespace dies with its PID 1).
    """
    _die_with_parent(check_orphan=False)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: the kernel cannot ptrace its init
    if not _private_namespace():
        return
    kernel = os.fork()
    if kernel == 0:
        _exit_after(_child, job_fd, shell, True)
    os.close(job_fd)
    while True:
        try:
            pid, _status = os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue
        if pid == kernel:
            return


def _child(job_fd: int, shell: Any, isolated: bool) -> None:
    """Body of one forked kernel: sandbox itself, run the job, report, exit."""
    if isolated:
        _die_with_parent(check_orphan=False)
        _drop_capabilities(ctypes.CDLL(None, use_errno=True))
    else:
        os.setsid()
        _die_with_parent()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sock = socket.socket(fileno=job_fd)
    _send(sock, {"event": "hello"})
    job = _read_job(sock)
    from .isolation import SCRATCH

    workdir = f"{SCRATCH}/work" if isolated else job["workdir"]
    os.makedirs(workdir, exist_ok=True)
    os.chdir(workdir)
    for var in (
        "HOME",
        "IPYTHONDIR",
        "MPLCONFIGDIR",
        "TMPDIR",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
    ):
        os.environ[var] = workdir
    os.environ["TRILAT_PROGRESS_FILE"] = os.path.join(workdir, "progress.json")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)

    from trilat_lessons.judge import MISSING, export_value

    from . import sandbox

    limits = job.get("limits", {})
    sandbox.set_rlimits(
        limits.get("memory_mb"),
        cpu_seconds=limits.get("cpu_seconds"),
        procs=limits.get("procs"),
    )
    landlock = sandbox.apply_landlock(sandbox.default_read_paths(), [workdir])
    sandbox.install_audit_hook(job.get("denied", []))

    # Nothing is displayed while grading: rendering (e.g. charts through vl-convert's V8) would
    # only cost time, and cannot run under the memory cap anyway.
    shell.ast_node_interactivity = "none"
    shell.display_formatter.format = lambda *a, **k: ({}, {})
    sink = _Sink()
    sys.stdout = sys.stderr = sink  # type: ignore[assignment]
    shell.showtraceback = lambda *a, **k: None  # tracebacks go nowhere; we report the exception
    shell.showsyntaxerror = lambda *a, **k: None
    _send(sock, {"event": "ready", "landlock": landlock})

    for i, cell in enumerate(job["cells"]):
        _send(sock, {"event": "start", "cell": i})
        err: BaseException | None = None
        try:
            result = shell.run_cell(cell["source"], store_history=True)
            err = result.error_before_exec or result.error_in_exec
        except BaseException as exc:  # SystemExit etc. escaping IPython
            err = exc
        info = _error_info(err)
        if isinstance(err, MemoryError):
            info = {"ename": "MemoryError", "evalue": "the memory limit was reached"}
        _send(sock, {"event": "done", "cell": i, "error": info})
        for qid, var in cell.get("exports", []):
            try:
                value = shell.user_ns.get(var, MISSING)
                exported = export_value(value)
                payload = _dumps(
                    {"event": "export", "question": qid, "value": exported},
                    separators=(",", ":"),
                    default=str,
                ).encode()
                if len(payload) > MAX_LINE - 1:
                    payload = _dumps(
                        {
                            "event": "export",
                            "question": qid,
                            "value": {"type": "too_large", "what": "an answer over 30 MB"},
                        }
                    ).encode()
            except BaseException as exc:  # a hostile object must not stop the kernel
                payload = _dumps(
                    {
                        "event": "export",
                        "question": qid,
                        "value": {"type": "unexportable", "error": type(exc).__name__},
                    }
                ).encode()
            sock.sendall(payload + b"\n")
    _send(sock, {"event": "finished", "printed": sink.count})
    sock.close()


def serve(ctrl_fd: int, isolated: bool = False) -> None:
    """Template loop: warm up, then fork one child per job fd received from the grader."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to handle
    shell = _warm_up()
    ctrl = socket.socket(fileno=ctrl_fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    ctrl.sendall(b"ready\n")
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctrl, 16, 2)
        except (ConnectionError, OSError):
            break
        if not msg or len(fds) != 2:
            break  # the grader closed the control socket (or died): end the sandbox
        job_fd, life_fd = fds
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _reaper(job_fd, life_fd, ctrl.fileno(), shell, isolated)
            finally:
                os._exit(code)
        os.close(job_fd)
        os.close(life_fd)
    os._exit(0)


if __name__ == "__main__":
    serve(int(sys.argv[1]), "--isolated" in sys.argv[2:])
