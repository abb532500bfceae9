"""Fresh kernel -> first chart: what every lesson starts with (issue 15; target <= 1.5 s).

Starts an ipykernel from the course venv (as JupyterLab does), waits until it answers, then runs
a lesson's first two steps as two cells -- ``import trilat_lessons as tl; tl.setup()`` and the
first chart of lesson 00 -- and times until the chart's SVG arrives as display output. Each run
uses a new kernel; the kernel's own start-up is reported apart (JupyterLab starts the kernel
while the student reads the first cells). The kernel's CPU time for the two cells is reported
too: on a loaded machine wall time grows with the load, CPU time much less.

Every lesson's first chart comes from the SVG cache (render.CACHED_CHARTS); a chart the cache
does not hold (``UNCACHED``: all events on a timeline, a later chart of lesson 02) is timed too,
in its own fresh kernels, and reported beside it as ``uncached_*``: the converter's start.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

CELLS = [
    "import trilat_lessons as tl\ntl.setup()",
    "tl.charts.meetings_per_year()",
]
UNCACHED = 'tl.charts.events_timeline(tl.load("events"))'
"""A first chart the SVG cache does not hold (checked at each run)."""


def _run_cell(client: Any, code: str, timeout: float = 120.0) -> list[dict[str, Any]]:
    """Execute ``code``; return its display/result outputs (error -> RuntimeError)."""
    msg_id = client.execute(code)
    outputs = []
    deadline = time.monotonic() + timeout
    while True:
        msg = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"])[-2000:])
        if kind in ("display_data", "execute_result"):
            outputs.append(msg["content"]["data"])
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            return outputs


def one_run(python: str, cwd: Path, chart: str = CELLS[1]) -> dict[str, float]:
    """One fresh kernel: seconds to start it, and from its first answer to ``chart``'s SVG."""
    from jupyter_client.manager import start_new_kernel

    t0 = time.perf_counter()
    km, client = start_new_kernel(kernel_name="python3", cwd=str(cwd))
    try:
        client.wait_for_ready(timeout=60)
        _run_cell(client, "import time as _bench_t\n_bench_c = _bench_t.process_time()")
        ready = time.perf_counter()
        _run_cell(client, CELLS[0])
        after_setup = time.perf_counter()
        outputs = _run_cell(client, chart)
        done = time.perf_counter()
        if not any("<svg" in str(o.get("text/html", "")) for o in outputs):
            raise RuntimeError(f"no SVG chart in the output: {str(outputs)[:500]}")
        cpu = _run_cell(client, "_bench_t.process_time() - _bench_c")[0]["text/plain"]
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)
    return {
        "kernel_start_s": ready - t0,
        "setup_s": after_setup - ready,
        "first_chart_s": done - after_setup,
        "ready_to_chart_s": done - ready,
        "kernel_cpu_s": float(cpu),  # the kernel's own CPU time for both cells (all threads)
    }


def _check_uncached() -> None:
    """The uncached figure means nothing if the SVG cache serves that chart."""
    import trilat_lessons as tl
    from trilat_lessons import render

    tl.setup(quiet=True)
    if render._cached_svg(eval(UNCACHED, {"tl": tl}).to_dict()) is not None:
        raise RuntimeError(f"{UNCACHED} is in the SVG cache: choose another uncached chart")


def measure(repeats: int = 5, cwd: Path | None = None) -> dict[str, Any]:
    """Median and best of ``repeats`` fresh kernels, for the cached first chart and (keys
    ``uncached_*``, kernels alternating) for an uncached one."""
    where = cwd or Path.cwd()
    _check_uncached()
    runs, uncached = [], []
    for _ in range(repeats):
        runs.append(one_run(sys.executable, where))
        uncached.append(one_run(sys.executable, where, UNCACHED))
    out: dict[str, Any] = {}
    for prefix, sample in (("", runs), ("uncached_", uncached)):
        for key in ("first_chart_s", "ready_to_chart_s", "kernel_cpu_s") if prefix else runs[0]:
            values = [r[key] for r in sample]
            out[prefix + key] = {
                "best_s": round(min(values), 3),
                "median_s": round(statistics.median(values), 3),
            }
    out["uncached_chart"] = UNCACHED
    out["repeats"] = repeats
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3), indent=2))
