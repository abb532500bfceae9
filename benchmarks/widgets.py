"""Widget update latency (issues 4 and 7): how long an explorer takes to react to a control.

For each explorer, built on the packaged datasets, the benchmark changes its controls ``n`` times
in a fixed round-robin (every change a real one: a new administration, series, side, year,
preset, weight...) and times two things per change:

(a) **spec + summary**: from setting the control's value (the observers run at once, as in a
    kernel) to the moment the explorer has its new selection, sentences, tables and chart spec,
    i.e. when it starts drawing; the target is p95 <= 50 ms;
(b) **SVG**: the drawing that follows, Vega's own rendering through vl-convert. The SVG cache is
    cleared before every change, so this is the full cost, never a cache hit.

Wall-clock time is what a student feels; this thread's CPU time is shown too, because the
machine is shared: a wall time far above the CPU time was spent waiting for a core.

    .venv/bin/python benchmarks/widgets.py             # 50 changes per explorer
    .venv/bin/python benchmarks/widgets.py --n 200 --json widgets.json --pause 0.2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

TARGET_MS = 50.0

Step = Callable[[Any, int], None]
Marks = dict[str, float]


# --- the changes ------------------------------------------------------------------------------


def _next(options: list[Any], current: Any) -> Any:
    """The option after ``current`` (cyclic): always a different value when there are two."""
    i = options.index(current) if current in options else -1
    return options[(i + 1) % len(options)]


def _values(dropdown: Any) -> list[Any]:
    return [o[1] if isinstance(o, tuple) else o for o in dropdown.options]


def _timeline() -> tuple[Any, Step]:
    from trilat_lessons.widgets import TimelineExplorer

    explorer = TimelineExplorer()
    lo, hi = explorer.years.min, explorer.years.max
    spans = [(lo, hi), (lo + 2, hi - 3), (hi - 4, hi), (lo, lo + 5)]

    def step(x: Any, i: int) -> None:
        control = (x.administration, x.level, x.track, x.years)[i % 4]
        if control is x.years:
            x.years.value = _next(spans, tuple(x.years.value))
        else:
            control.value = _next(_values(control), control.value)

    return explorer, step


def _opinion() -> tuple[Any, Step]:
    from trilat_lessons.widgets import OpinionExplorer

    explorer = OpinionExplorer()

    def step(x: Any, i: int) -> None:
        if i % 3 == 2 or len(x.series.options) < 2:
            x.measure.value = _next(_values(x.measure), x.measure.value)
        else:
            x.series.value = _next(_values(x.series), x.series.value)

    return explorer, step


def _triangle() -> tuple[Any, Step]:
    from trilat_lessons.widgets import TriangleExplorer
    from trilat_lessons.widgets.triangle import FROM_DATA, MANUAL

    explorer = TriangleExplorer()

    def step(x: Any, i: int) -> None:
        if i % 5 == 4:  # switch between setting the sides and reading a year
            x.mode.value = FROM_DATA if x.mode.value == MANUAL else MANUAL
        elif x.mode.value == MANUAL:
            side = list(x.sides.values())[i % 3]
            side.value = _next(list(side.options), side.value)
        else:
            x.year.value = _next(list(x.year.options), x.year.value)

    return explorer, step


def _policy() -> tuple[Any, Step]:
    from trilat_lessons.widgets import PolicyWorkbench

    explorer = PolicyWorkbench()
    presets = list(explorer.perspectives)
    criteria = list(explorer.sliders)

    def step(x: Any, i: int) -> None:
        kind = i % 4
        if kind == 0:
            current = x.preset.value if x.preset.value in presets else presets[-1]
            x.preset.value = _next(presets, current)
        elif kind == 2:
            x.compare.value = _next(_values(x.compare), x.compare.value)
        else:
            slider = x.sliders[criteria[(i // 2) % len(criteria)]]
            top = slider.max / 2
            slider.value = top if slider.value != top else slider.max / 4

    return explorer, step


EXPLORERS: dict[str, Callable[[], tuple[Any, Step]]] = {
    "TimelineExplorer": _timeline,
    "OpinionExplorer": _opinion,
    "TriangleExplorer": _triangle,
    "PolicyWorkbench": _policy,
}


# --- where (a) ends: the explorer starts drawing ------------------------------------------------


@contextmanager
def draw_split(explorer: Any, marks: Marks) -> Iterator[None]:
    """Time the explorer's ``_draw`` (the SVG render) and note when it starts."""
    original = explorer._draw

    def timed() -> None:
        marks["spec"] = time.perf_counter()
        marks["spec_cpu"] = time.thread_time()
        original()
        marks["svg"] = time.perf_counter() - marks["spec"]

    explorer._draw = timed
    try:
        yield
    finally:
        del explorer._draw  # back to the method


def _clear_svg_cache() -> None:
    from trilat_lessons.widgets import _base

    _base._svg.cache_clear()


# --- measuring ------------------------------------------------------------------------------


def _pct(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def measure_widgets(
    n: int = 50,
    *,
    pause: float = 0.0,
    split: Callable[[Any, Marks], Any] = draw_split,
    explorers: dict[str, Callable[[], tuple[Any, Step]]] | None = None,
) -> list[dict[str, Any]]:
    """Per explorer: p50/p95 (ms) of (a) value change → spec + summary and (b) the SVG render.

    Changes follow each other at once (the strictest case); ``pause`` (seconds) idles before
    each, like a student's think time, e.g. to see whether background work left over from the
    previous render (vl-convert's own threads) slows the next change.
    ``split(explorer, marks)`` is a context manager that records, during one change, when the
    spec was ready (``marks["spec"]``, ``marks["spec_cpu"]``: perf_counter / thread_time) and how
    long the SVG took (``marks["svg"]``, seconds); the default times the explorer's ``_draw``.
    """
    import trilat_lessons as tl

    tl.setup(quiet=True)
    rows = []
    for name, make in (explorers or EXPLORERS).items():
        _clear_svg_cache()
        t0 = time.perf_counter()
        explorer, step = make()
        build_ms = (time.perf_counter() - t0) * 1000
        step(explorer, 0)  # one change to warm up (first use of each code path's imports)
        spec_ms: list[float] = []
        cpu_ms: list[float] = []
        svg_ms: list[float] = []
        for i in range(1, n + 1):
            _clear_svg_cache()
            if pause:
                time.sleep(pause)
            marks: Marks = {}
            with split(explorer, marks):
                t0, c0 = time.perf_counter(), time.thread_time()
                step(explorer, i)
            if "spec" not in marks:
                raise RuntimeError(f"{name}: change {i} did not redraw the chart")
            spec_ms.append((marks["spec"] - t0) * 1000)
            cpu_ms.append((marks["spec_cpu"] - c0) * 1000)
            svg_ms.append(marks["svg"] * 1000)
        rows.append(
            {
                "widget": name,
                "n": n,
                "spec_p50_ms": round(_pct(spec_ms, 50), 1),
                "spec_p95_ms": round(_pct(spec_ms, 95), 1),
                "spec_cpu_p50_ms": round(_pct(cpu_ms, 50), 1),
                "spec_cpu_p95_ms": round(_pct(cpu_ms, 95), 1),
                "svg_p50_ms": round(_pct(svg_ms, 50), 1),
                "svg_p95_ms": round(_pct(svg_ms, 95), 1),
                "build_ms": round(build_ms, 1),
                "target_ms": TARGET_MS,
                "meets_target": _pct(spec_ms, 95) <= TARGET_MS,
            }
        )
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'explorer':<18} {'n':>4}  {'spec+summary p50':>16} {'p95':>6} {'(cpu p50':>9}"
        f" {'p95)':>6}  {'SVG p50':>8} {'p95':>6}  {'build':>6}  target p95<=50"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['widget']:<18} {r['n']:>4}  {r['spec_p50_ms']:>16.1f} {r['spec_p95_ms']:>6.1f}"
            f" {r['spec_cpu_p50_ms']:>9.1f} {r['spec_cpu_p95_ms']:>6.1f}"
            f"  {r['svg_p50_ms']:>8.1f} {r['svg_p95_ms']:>6.1f}  {r['build_ms']:>6.0f}"
            f"  {'yes' if r['meets_target'] else 'NO'}"
        )
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    cores = os.cpu_count()
    lines.append(
        f"times in ms; {cores} cores"
        + (f", load average {load[0]:.1f} (1 min)" if load else "")
        + "; spec+summary = value change until the explorer starts drawing; SVG = the drawing."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50, help="changes per explorer (default 50)")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds idle before a change")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    rows = measure_widgets(args.n, pause=args.pause)
    print(format_table(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
