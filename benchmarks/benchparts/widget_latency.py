"""Part 3: widget value change -> chart spec + summary (``benchmarks/widgets.py``)."""

from __future__ import annotations

from typing import Any

from .common import (
    HERE,
    TARGETS,
    loadavg,
    r,
)

# ---------------------------------------------------------------------------- 3. widgets


def part_widgets(n: int) -> dict[str, Any]:
    """Widget update latency from benchmarks/widgets.py (another helper's module)."""
    load0 = loadavg()
    if not (HERE / "widgets.py").exists():
        return {"pending": True, "note": "benchmarks/widgets.py is not there yet", "pass": None}
    try:
        from widgets import measure_widgets
    except Exception as exc:
        return {"pending": True, "note": f"cannot import measure_widgets: {exc!r}", "pass": None}
    rows = measure_widgets(n=n)
    clean = [{k: r(v) if isinstance(v, float) else v for k, v in row.items()} for row in rows]
    # the target is on "spec + summary" (value change until the explorer starts drawing);
    # the SVG drawing that follows is reported beside it
    p95s = [float(row["spec_p95_ms"]) for row in rows if "spec_p95_ms" in row]
    worst = max(p95s) if p95s else None
    return {
        "rows": clean,
        "n": n,
        "what": "benchmarks/widgets.py measure_widgets(): spec_* = value change -> new chart "
        "spec, summary and tables (the target); svg_* = the SVG drawing after it; cpu = this "
        "thread's CPU time",
        "worst_p95_ms": r(worst),
        "target_p95_ms": TARGETS["widget_p95_ms"],
        "pass": None if worst is None else worst <= TARGETS["widget_p95_ms"],
        "load_before": load0,
        "load_after": loadavg(),
    }
