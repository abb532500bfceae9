"""Benchmarks of trilat-lessons (issue 7): prints one table, writes ``benchmarks/results.json``.

    .venv/bin/python benchmarks/bench.py                # parts: grading, check, widgets, startup
    .venv/bin/python benchmarks/bench.py --suite        # also time the test suite (minutes)
    .venv/bin/python benchmarks/bench.py --only check,startup

Parts
1. grading   ``trilat grade`` vs ``nbgrader autograde`` on the same 40 generated submissions of
             ``exercises/source/01_history.ipynb`` (nbgrader in its own venv under
             ``benchmarks/_work/``), alternating runs, median wall time, and a per-student,
             per-question comparison of the auto-graded scores.
2. check     ``check("qN", answer=value)`` latency per question kind, correct and wrong answers.
3. widgets   ``benchmarks/widgets.py: measure_widgets()`` (value change -> chart spec + summary).
4. startup   ``import trilat_lessons``, first load of every dataset, first chart spec, first SVG,
             each in a fresh subprocess.
4b. first_chart  a fresh ipykernel (as JupyterLab starts it): ``tl.setup()`` then lesson 00's
             first chart, timed from the kernel's first answer to the chart's SVG output
             (``benchmarks/first_chart.py``).
5. suite     wall time of each command of ``make test`` (read with ``make -n``); opt-in.
6. isolation ``trilat grade`` with the namespace sandbox on 40 and 400 generated submissions of
             01_history (no deliberately slow students), the same without it
             (``--unsafe-no-sandbox``) for the sandbox's cost, a linear fit (fixed start + cost
             per submission), and nbgrader on a 40-submission sample of the same students: its
             400 figure is *extrapolated* from that sample (nbgrader runs one kernel per
             notebook, sequentially, so its time is linear in n).
7. analytics ``trilat grade`` once on 400 generated submissions of 01_history with a planted
             misconception and a planted alternative answer (``synth --plant``; resumable, so a
             second bench skips the grading), then the instructor analytics alone
             (``outputs.write_analytics``: item analysis, answers, key suggestions, report.html)
             timed on those 400 results in fresh processes (imports included, an upper bound of
             what it adds to a run); checks the planted answers land where they should.

Parts not run keep their previous numbers in results.json, marked ``"carried_over": true``.
Timings on a shared machine are noisy: runs alternate, medians are reported, the load average is
recorded with every part.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
PARTS = [
    "grading",
    "check",
    "widgets",
    "startup",
    "first_chart",
    "suite",
    "isolation",
    "analytics",
]

if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # benchparts, gradebench, widgets

from benchparts.analytics import part_analytics  # noqa: E402
from benchparts.check import part_check  # noqa: E402
from benchparts.common import TARGETS, WORK, loadavg, machine, r, say  # noqa: E402
from benchparts.grading import compare_scores, part_grading  # noqa: E402
from benchparts.isolation import part_isolation  # noqa: E402
from benchparts.startup import part_first_chart, part_startup  # noqa: E402
from benchparts.suite import part_suite  # noqa: E402
from benchparts.table import table  # noqa: E402
from benchparts.widget_latency import part_widgets  # noqa: E402

__all__ = ["compare_scores", "main", "table"]


# ---------------------------------------------------------------------------- main


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items() if not isinstance(v, Path)}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float):
        return r(obj, 4)
    return obj


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    p = argparse.ArgumentParser(prog="benchmarks/bench.py", description=__doc__.split("\n")[0])
    p.add_argument("--only", default="", help=f"comma-separated parts of {','.join(PARTS)}")
    p.add_argument("--suite", action="store_true", help="also time the test suite (minutes)")
    p.add_argument("-n", type=int, default=40, help="submissions to grade (default 40)")
    p.add_argument("--rounds", type=int, default=2, help="alternating grading rounds (default 2)")
    p.add_argument("--calls", type=int, default=300, help="check() calls per case (default 300)")
    p.add_argument("--widget-n", type=int, default=50, help="measure_widgets(n=...)")
    p.add_argument("--repeats", type=int, default=5, help="fresh processes per startup metric")
    p.add_argument("--out", default=str(RESULTS), help="results file (default benchmarks/)")
    a = p.parse_args(argv)
    # check() in this process records progress: keep it out of the user's own progress file
    os.environ["TRILAT_PROGRESS_FILE"] = str(WORK / "progress-bench.json")
    parts = [x for x in a.only.split(",") if x] or [x for x in PARTS if x != "suite"]
    if a.suite and "suite" not in parts:
        parts.append("suite")
    unknown = set(parts) - set(PARTS)
    if unknown:
        p.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    WORK.mkdir(parents=True, exist_ok=True)
    out_path = Path(a.out)
    previous: dict[str, Any] = {}
    if out_path.exists():
        with contextlib.suppress(ValueError):
            previous = json.loads(out_path.read_text())
    res: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "load_start": loadavg(),
        "targets": TARGETS,
    }
    runners = {
        "grading": lambda: part_grading(a.n, a.rounds),
        "check": lambda: part_check(a.calls),
        "widgets": lambda: part_widgets(a.widget_n),
        "startup": lambda: part_startup(a.repeats),
        "first_chart": lambda: part_first_chart(a.repeats),
        "suite": part_suite,
        "isolation": part_isolation,
        "analytics": part_analytics,
    }
    for part in PARTS:
        if part in parts:
            say(f"part {part}")
            t0 = time.perf_counter()
            res[part] = runners[part]()
            res[part]["part_wall_s"] = r(time.perf_counter() - t0)
        elif part in previous:
            res[part] = {**previous[part], "carried_over": True}
            res[part].setdefault("date", previous.get("date"))
    res["load_end"] = loadavg()
    res["measured"] = [x for x in PARTS if x in parts]
    out_path.write_text(json.dumps(_jsonable(res), indent=1, sort_keys=True) + "\n")
    print(table(res))
    print(f"results: {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
