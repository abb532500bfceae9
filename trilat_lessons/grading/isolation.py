"""Outer isolation of grading kernels: Linux namespaces through bubblewrap (``bwrap``).

The warm template runs inside one ``bwrap`` sandbox: new user, PID, network (no interface at
all), IPC, UTS and cgroup namespaces; a mount namespace holding read-only binds of only what
Python needs (the interpreter's prefix, the venv's site-packages, the ``trilat_lessons`` package,
``/usr`` and the system libraries, a few ``/etc`` files) and a size-capped tmpfs at ``/scratch``; a
clean environment; a new session; death with the grader. The instructor source, the submissions
and the output folder are simply not there. Each kernel the template forks then enters *its own*
user, PID, mount and IPC namespaces (``kernel.py``): it is PID 1 of a namespace that dies with it,
sees only its own processes, and writes only its own size-capped tmpfs.

``probe()`` says which protection this machine gives; ``trilat grade`` refuses untrusted work
without it unless the instructor passes ``--unsafe-no-sandbox`` (see docs/grading.md).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

SCRATCH_MB = 64  # tmpfs per kernel (its whole writable disk)
# the sandbox's only writable place; not /tmp, because the course (and its .venv) may itself live
# under /tmp, and a tmpfs mounted on /tmp would hide the read-only binds of it
SCRATCH = "/scratch"
TEMPLATE_TMP_MB = 16  # the template's own scratch
KERNEL_PROCS = 32  # RLIMIT_NPROC per kernel (enforced per user namespace for non-root graders)
PIDS_PER_WORKER = 64  # cgroup pids.max share per worker when the grader runs as root

ETC_FILES = ("/etc/localtime", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/mime.types")
SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")


def clean_env() -> dict[str, str]:
    """The whole environment of a grading kernel: nothing inherited from the grader."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": SCRATCH,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": SCRATCH,
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
    }


def read_only_paths() -> list[str]:
    """What the sandbox shows (read-only): Python, its packages, the course package, system."""
    import trilat_lessons

    paths: set[str] = set()
    for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix):
        paths.add(p)
        paths.add(os.path.realpath(p))
    for p in sys.path:
        # site-packages and the standard library only: never a project root that an editable
        # install put on sys.path (it holds the instructor sources)
        if p and os.path.isdir(p) and ("-packages" in p or p.startswith(sys.base_prefix)):
            paths.add(p)
            paths.add(os.path.realpath(p))
    pkg = os.path.dirname(os.path.abspath(trilat_lessons.__file__))
    paths.add(pkg)
    paths.add(os.path.realpath(pkg))
    exe = os.path.realpath(sys.executable)
    paths.add(os.path.dirname(exe))
    # drop paths nested in another kept path
    kept: list[str] = []
    for p in sorted(paths, key=len):
        if not any(p == k or p.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(p)
    return sorted(kept)


def bwrap_command(argv: list[str], keep_fds: tuple[int, ...] = ()) -> list[str]:
    """``argv`` wrapped in the template's bubblewrap sandbox."""
    bwrap = shutil.which("bwrap") or "bwrap"
    cmd = [
        bwrap,
        "--unshare-all",  # user (if possible), ipc, pid, net, uts, cgroup (if possible)
        # not --die-with-parent: its signal follows the *thread* that started bwrap, and the
        # template outlives that thread; the template exits as soon as the grader's control
        # socket closes (the grader ended or died), and its PID namespace dies with it
        "--new-session",
        "--clearenv",
        "--hostname",
        "grading",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(TEMPLATE_TMP_MB << 20),
        "--tmpfs",
        SCRATCH,
    ]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            cmd += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            cmd += ["--ro-bind", d, d]
    for f in ETC_FILES:
        cmd += ["--ro-bind-try", f, f]
    for p in read_only_paths():
        if not any(p == d or p.startswith(d + "/") for d in SYSTEM_DIRS):
            cmd += ["--ro-bind", p, p]
    for k, v in clean_env().items():
        cmd += ["--setenv", k, v]
    cmd += ["--chdir", SCRATCH]
    del keep_fds  # fds are inherited through exec; listed for the reader of the call site
    return [*cmd, "--", *argv]


@dataclass(frozen=True)
class Protection:
    """What isolation this machine gives grading kernels."""

    level: str  # "namespaces" | "none"
    detail: str
    missing: str = ""  # what to install or enable for the namespace sandbox

    @property
    def isolated(self) -> bool:
        """True when kernels run in their own namespaces."""
        return self.level == "namespaces"


_PROBE = r"""
import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
flags = 0x10000000 | 0x20000000 | 0x00020000 | 0x08000000 | 0x40000000  # user pid mnt ipc net
if libc.unshare(flags) != 0:
    print("no-nested-unshare", ctypes.get_errno()); sys.exit(3)
pid = os.fork()
if pid == 0:
    ok = os.getpid() == 1
    ok = ok and libc.mount(b"tmpfs", b"/scratch", b"tmpfs", 0, b"size=1m") == 0
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=0.5)
        ok = False
    except OSError:
        pass
    ok = ok and not os.path.exists("/etc/shadow")
    os._exit(0 if ok else 4)
_, status = os.waitpid(pid, 0)
print("ok" if status == 0 else "child-check-failed")
sys.exit(0 if status == 0 else 4)
"""


@functools.lru_cache(maxsize=1)
def probe() -> Protection:
    """Try the real sandbox once (a ~50 ms Python start inside it) and say what works."""
    if not sys.platform.startswith("linux"):
        return Protection(
            "none",
            f"{sys.platform} has no Linux namespaces",
            "grade on Linux with bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)",
        )
    if shutil.which("bwrap") is None:
        return Protection(
            "none",
            "bubblewrap (bwrap) is not installed",
            "install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap)",
        )
    try:
        proc = subprocess.run(
            bwrap_command([sys.executable, "-S", "-c", _PROBE]),
            capture_output=True,
            text=True,
            timeout=30,
            env=clean_env(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Protection("none", f"bwrap could not run ({exc})", "check the bwrap install")
    if proc.returncode != 0:
        why = (proc.stderr.strip() or proc.stdout.strip() or f"exit {proc.returncode}")[-300:]
        return Protection(
            "none",
            f"bwrap cannot create the namespaces here: {why}",
            "enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
            "or on Ubuntu >= 23.10 an AppArmor profile for bwrap), or run in a VM/container "
            "that allows them",
        )
    return Protection(
        "namespaces",
        "bubblewrap: user, PID, network, mount (read-only system), IPC namespaces and a clean "
        "environment for the template; every kernel in user, PID, mount, IPC and network "
        f"namespaces of its own (no usable network, {SCRATCH_MB} MB tmpfs scratch); Landlock, "
        "rlimits and an audit hook inside",
    )


class PidsCgroup:
    """A cgroup-v1 ``pids`` group capping every task of one grading run (root graders only).

    For a non-root grader ``RLIMIT_NPROC`` inside each kernel's user namespace is the cap; for
    root that rlimit is not counted per namespace, so a cgroup caps the whole sandbox instead.
    """

    ROOT = "/sys/fs/cgroup/pids"

    def __init__(self, max_tasks: int) -> None:
        self.path: str | None = None
        if os.geteuid() != 0 or not os.path.isdir(self.ROOT):
            return
        self._remove_stale()
        path = os.path.join(self.ROOT, f"trilat-grade-{os.getpid()}-{id(self):x}")
        try:
            os.mkdir(path)
            with open(os.path.join(path, "pids.max"), "w") as f:
                f.write(str(max_tasks))
            self.path = path
        except OSError:
            with contextlib.suppress(OSError):
                os.rmdir(path)

    def _remove_stale(self) -> None:
        """Remove empty groups left by graders that were killed (their process is gone)."""
        import re

        with contextlib.suppress(OSError):
            for name in os.listdir(self.ROOT):
                m = re.match(r"trilat-grade-(\d+)-", name)
                if m and not os.path.exists(f"/proc/{m.group(1)}"):
                    with contextlib.suppress(OSError):
                        os.rmdir(os.path.join(self.ROOT, name))

    def enter(self) -> None:
        """Move the calling process into the group (called in the child before exec)."""
        if self.path:
            with (
                contextlib.suppress(OSError),
                open(os.path.join(self.path, "cgroup.procs"), "w") as f,
            ):
                f.write("0")

    def close(self) -> None:
        """Remove the group (empty once the sandbox is gone)."""
        if self.path:
            with contextlib.suppress(OSError):
                os.rmdir(self.path)
            self.path = None
