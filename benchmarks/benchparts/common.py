"""What every benchmark part shares: paths, targets, and small helpers (rounding, percentiles, the
load average, timed subprocesses, the machine and versions recorded with the results)."""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent  # benchmarks/
ROOT = HERE.parent
WORK = HERE / "_work"
RESULTS = HERE / "results.json"
VENV_PY = ROOT / ".venv" / "bin" / "python"
NBG_VENV = WORK / "nbgrader-venv"
NBGRADER_VERSION = "0.9.6"
SOURCE = ROOT / "exercises" / "source" / "01_history.ipynb"
ASSIGNMENT = "01_history"

TARGETS = {
    "grading_ratio": 5.0,  # trilat grade throughput / nbgrader autograde throughput, at least
    "check_p95_ms": 20.0,
    "widget_p95_ms": 50.0,
    "import_s": 0.5,
    "first_chart_s": 1.5,  # fresh kernel answering -> setup cell -> first chart shown
    "make_test_s": 180.0,
    "isolated_per_submission_ms": 60.0,
    "isolated_fixed_start_s": 5.0,
    "analytics_s": 2.0,  # instructor analytics on 400 results, added to a grading run
}


# ---------------------------------------------------------------------------- small helpers


def r(x: float | None, digits: int = 3) -> float | None:
    """Round to ``digits`` significant figures (stable, diff-friendly numbers)."""
    if x is None:
        return None
    if x == 0:
        return 0.0
    from math import floor, log10

    return round(x, max(0, digits - 1 - floor(log10(abs(x)))))


def pct(values: list[float], q: float) -> float:
    """Percentile by linear interpolation (q in 0..100)."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def loadavg() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        return []


def say(msg: str) -> None:
    """Progress line on stderr (the table goes to stdout)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def timed_run(
    cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, log: Path
) -> dict[str, Any]:
    """Run a command; wall time, CPU time of its process tree, exit code (output to ``log``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with log.open("wb") as fh:
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "rc": proc.returncode, "log": log}


def versions() -> dict[str, str]:
    """Versions of the packages the numbers depend on (this venv)."""
    from importlib import metadata

    out = {}
    for name in [
        "trilat-lessons",
        "pandas",
        "altair",
        "vl-convert-python",
        "ipykernel",
        "ipython",
        "ipywidgets",
        "nbclient",
        "nbval",
        "pytest",
    ]:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def machine() -> dict[str, Any]:
    """Where the numbers were taken."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        usable = os.cpu_count() or 1
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "versions": versions(),
    }
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024, 1)
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().split("\n"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    return info
