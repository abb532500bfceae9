"""Confine a grading kernel process from inside: resource limits, Landlock, and an audit hook.

These are the *second* layer. The first is the namespace sandbox (``isolation.py``: bubblewrap
plus a private user/PID/mount/IPC namespace per kernel), which is what stops native code, UDP and
escaping processes. Without it (``--unsafe-no-sandbox``) only these layers remain, and they do not
stop native code: see docs/grading.md. Layers, each a fallback for the one before:

1. **rlimits** (POSIX): address-space cap (``--memory-mb`` on top of the warm kernel), no core
   dumps, a file-size cap.
2. **Landlock** (Linux >= 5.13, unprivileged): the process may read only the Python installation,
   the installed package and system folders, may write only its own scratch folder, may execute
   nothing, may not open TCP connections, and (Landlock ABI >= 6) may not signal processes
   outside itself: the instructor source, other submissions and the grader's output are out of
   reach, and so are the grader and the template kernel.
3. **Audit hook** (PEP 578, always on): blocks starting processes, ``fork``, killing other
   processes, ``ctypes`` and new sockets, and opening anything under the instructor/submission/
   output folders. An audit hook alone is not a sandbox (PEP 578 says so); it is the portable
   fallback where Landlock is missing, and a second fence where it is not.

None of this is needed for correctness of the *score*: checks never run in this process.
It protects the instructor's files, other students' work, and the machine.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from collections.abc import Iterable
from typing import Any

# Landlock constants (include/uapi/linux/landlock.h)
_SYS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
_FS_EXECUTE = 1 << 0
_FS_WRITE_FILE = 1 << 1
_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
_FS_ALL_V1 = (1 << 13) - 1
_FS_REFER = 1 << 13
_FS_TRUNCATE = 1 << 14
_FS_IOCTL_DEV = 1 << 15
_NET_BIND_TCP = 1 << 0
_NET_CONNECT_TCP = 1 << 1
_SCOPE_ABSTRACT_UNIX = 1 << 0
_SCOPE_SIGNAL = 1 << 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The Landlock ABI version of this kernel (0 when unavailable)."""
    if not sys.platform.startswith("linux"):
        return 0
    nums = _SYS.get(os.uname().machine)
    if nums is None:
        return 0
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        v = libc.syscall(nums[0], None, ctypes.c_size_t(0), ctypes.c_uint32(1))
        return max(int(v), 0)
    except Exception:
        return 0


def apply_landlock(read_paths: Iterable[str], write_paths: Iterable[str]) -> int:
    """Restrict this process (and its future children) with Landlock; returns the ABI used.

    Returns 0, changing nothing, when Landlock is unavailable.
    """
    abi = landlock_abi()
    if abi <= 0:
        return 0
    create, add, restrict = _SYS[os.uname().machine]
    libc = ctypes.CDLL(None, use_errno=True)
    fs = _FS_ALL_V1
    if abi >= 2:
        fs |= _FS_REFER
    if abi >= 3:
        fs |= _FS_TRUNCATE
    if abi >= 5:
        fs |= _FS_IOCTL_DEV
    attr = _RulesetAttr(fs, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL
        size = 24
    ruleset = libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        return 0
    read_dir = _FS_READ_FILE | _FS_READ_DIR
    read_file = _FS_READ_FILE
    write_dir = fs & ~_FS_EXECUTE
    write_file = _FS_READ_FILE | _FS_WRITE_FILE | (_FS_TRUNCATE if abi >= 3 else 0)
    try:

        def allow(path: str, dir_access: int, file_access: int) -> None:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                return
            try:
                access = dir_access if os.path.isdir(path) else file_access
                rule = _PathBeneath(access, fd)
                libc.syscall(add, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0)
            finally:
                os.close(fd)

        for p in read_paths:
            allow(p, read_dir, read_file)
        for p in write_paths:
            allow(p, write_dir, write_file)
        allow("/dev/null", write_file, write_file)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return 0
        if libc.syscall(restrict, ruleset, ctypes.c_uint32(0)) != 0:
            return 0
    finally:
        os.close(ruleset)
    return abi


def default_read_paths() -> list[str]:
    """What a kernel may read: Python, the installed packages, system libraries, its own /proc.

    Not ``/etc`` (only a few harmless files of it), not other processes' ``/proc`` entries.
    """
    from .isolation import ETC_FILES, SYSTEM_DIRS, read_only_paths

    paths = set(read_only_paths()) | set(SYSTEM_DIRS) | set(ETC_FILES)
    paths |= {"/dev/null", "/dev/urandom", "/dev/zero", f"/proc/{os.getpid()}"}
    return sorted(paths)


def set_rlimits(
    memory_mb: int | None,
    file_mb: int = 64,
    cpu_seconds: int | None = None,
    procs: int | None = None,
) -> None:
    """Cap address space (memory_mb on top of the current size), CPU time, cores, file size.

    The CPU cap is a backstop only: the grader kills a kernel at its time limits long before.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if procs:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NPROC, (int(procs), int(procs)))
    if cpu_seconds:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds), int(cpu_seconds) + 5))
    try:
        size = file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    except (ValueError, OSError):
        pass
    if memory_mb:
        try:
            current = _vm_size()
            cap = current + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (ValueError, OSError):
            pass


def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


_BLOCKED = {
    "os.system": "running shell commands",
    "os.exec": "starting programs",
    "os.posix_spawn": "starting programs",
    "os.spawn": "starting programs",
    "subprocess.Popen": "starting programs",
    "os.fork": "forking processes",
    "os.forkpty": "forking processes",
    "pty.spawn": "starting programs",
    "ctypes.dlopen": "loading C libraries",
    "ctypes.dlsym": "calling C functions",
    "ctypes.dlsym/handle": "calling C functions",
    "ctypes.call_function": "calling C functions",
    "ctypes.cdata": "raw memory access",
    "ctypes.string_at": "raw memory access",
    "ctypes.wstring_at": "raw memory access",
    "ctypes.addressof": "raw memory access",
    "socket.__new__": "network access",
    "socket.connect": "network access",
    "socket.bind": "network access",
    "socket.getaddrinfo": "network access",
    "sys._current_frames": "inspecting the grader",
    "sys.setprofile": None,  # allowed (profilers), listed for clarity
}
_PATH_EVENTS = {
    "open",
    "os.listdir",
    "os.scandir",
    "os.chdir",
    "glob.glob",
    "os.rename",
    "os.remove",
}


def install_audit_hook(denied_roots: Iterable[str]) -> None:
    """Block process creation, C calls, sockets and access to the denied folders (irrevocable).

    Also refuses to open a directory as a file descriptor (the ``dir_fd`` way round a path
    check) and other processes' ``/proc`` entries. A second fence, not a sandbox.
    """
    denied = tuple(os.path.realpath(d).rstrip(os.sep) + os.sep for d in denied_roots if d)
    me = os.getpid()
    own_proc = (f"/proc/{me}/", "/proc/self/", "/proc/thread-self/")
    blocked = {k: v for k, v in _BLOCKED.items() if v}
    realpath = os.path.realpath
    fspath = os.fspath
    isdir = os.path.isdir

    def hook(event: str, args: tuple[Any, ...]) -> None:
        why = blocked.get(event)
        if why is not None:
            raise PermissionError(f"the grading sandbox does not allow {why}")
        if event in ("os.kill", "os.killpg"):
            if args and args[0] not in (me, 0):
                raise PermissionError(
                    "the grading sandbox does not allow signalling other processes"
                )
            return
        if event in _PATH_EVENTS and args:
            target = args[0]
            if isinstance(target, int) or target is None:
                return
            try:
                p = realpath(fspath(target))
            except Exception:
                return
            if denied and (p + os.sep).startswith(denied):
                raise PermissionError("the grading sandbox does not allow reading instructor files")
            if p.startswith("/proc/") and not (p + os.sep).startswith(own_proc):
                raise PermissionError("the grading sandbox does not allow inspecting processes")
            if event == "open" and isdir(p):
                raise PermissionError("the grading sandbox does not allow opening folders")

    sys.addaudithook(hook)
