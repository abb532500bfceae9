"""Parts 4 and 4b: import, first load, first chart and first SVG in fresh processes, and a fresh
kernel's first chart (``benchmarks/first_chart.py``)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from typing import Any

from .common import (
    ROOT,
    TARGETS,
    VENV_PY,
    WORK,
    loadavg,
    r,
)

# ---------------------------------------------------------------------------- 4. startup

STARTUP_SNIPPETS = {
    "import": "import trilat_lessons as tl",
    "first_load_all": "import trilat_lessons as tl\n"
    "#T0\nfor name in tl.list_datasets():\n    tl.load(name)",
    "first_chart_spec": "import trilat_lessons as tl\n"
    "#T0\nspec = tl.charts.meetings_per_year().to_dict()",
    "first_svg": "import trilat_lessons as tl\n"
    "ch = tl.charts.meetings_per_year()\nspec = ch.to_dict()\n"
    "#T0\nsvg = tl.render.chart_to_svg(ch)\nassert svg.startswith('<svg')",
}


def _startup_code(snippet: str) -> str:
    lines = ["import time", "_t = time.perf_counter()"]
    for line in snippet.split("\n"):
        if line == "#T0":
            lines.append("_t = time.perf_counter()")
        else:
            lines.append(line)
    lines.append("print(repr(time.perf_counter() - _t))")
    return "\n".join(lines)


def part_startup(repeats: int) -> dict[str, Any]:
    """First-use costs, each measured in a fresh interpreter (best and median of ``repeats``)."""
    load0 = loadavg()
    out: dict[str, Any] = {}
    env = dict(os.environ)
    env["TRILAT_PROGRESS_FILE"] = str(WORK / "progress-startup.json")
    for name, snippet in STARTUP_SNIPPETS.items():
        inside, walls = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            proc = subprocess.run(
                [str(VENV_PY), "-c", _startup_code(snippet)],
                capture_output=True,
                text=True,
                env=env,
                cwd=str(WORK),
            )
            walls.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                raise SystemExit(f"startup {name} failed:\n{proc.stderr[-2000:]}")
            inside.append(float(proc.stdout.strip().split("\n")[-1]))
        out[name] = {
            "best_s": r(min(inside)),
            "median_s": r(statistics.median(inside)),
            "process_wall_best_s": r(min(walls)),
            "repeats": repeats,
        }
    out["what"] = {
        "import": "import trilat_lessons (interpreter start excluded)",
        "first_load_all": "after the import: tl.load() of every dataset (pandas import included)",
        "first_chart_spec": "after the import: charts.meetings_per_year().to_dict() (pandas, "
        "altair, data)",
        "first_svg": "chart_to_svg of that chart after its spec (vl-convert's first call)",
    }
    out["target_import_s"] = TARGETS["import_s"]
    out["pass"] = out["import"]["best_s"] <= TARGETS["import_s"]
    out["load_before"] = load0
    out["load_after"] = loadavg()
    return out


def part_first_chart(repeats: int) -> dict[str, Any]:
    """Fresh kernel -> first chart (benchmarks/first_chart.py), ``repeats`` new kernels."""
    from first_chart import measure

    load0 = loadavg()
    out = measure(repeats, cwd=ROOT / "notebooks")
    out["what"] = (
        "from a fresh ipykernel's first answer: `import trilat_lessons as tl; tl.setup()`, then"
        " `tl.charts.meetings_per_year()`, until its SVG arrives (kernel start-up apart)"
    )
    out["target_s"] = TARGETS["first_chart_s"]
    out["pass"] = out["ready_to_chart_s"]["median_s"] <= TARGETS["first_chart_s"]
    out["load_before"] = load0
    out["load_after"] = loadavg()
    return out
