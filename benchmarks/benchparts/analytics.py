"""Part 7: the instructor analytics on 400 generated results (planted answers checked)."""

from __future__ import annotations

import statistics
import subprocess
import time
from typing import Any

from .common import (
    ROOT,
    SOURCE,
    TARGETS,
    VENV_PY,
    WORK,
    loadavg,
    r,
    say,
)

# ---------------------------------------------------------------------------- 7. analytics

ANALYTICS_TIMER = """
import json, sys, time
from pathlib import Path
out = Path(sys.argv[1])
meta = json.loads((out / "run.json").read_text())
results = [json.loads(p.read_text()) for p in sorted((out / "results").glob("*.json"))]
t0 = time.perf_counter()
from trilat_lessons.grading.outputs import write_analytics
from trilat_lessons.render import spec_to_svg
# what a grading run has already done before its analytics: import the package and start the
# renderer (summary.svg); timed here too, reported as the cold figure
spec_to_svg({"data": {"values": [{"x": 1}]}, "mark": "bar", "encoding": {"x": {"field": "x"}}})
t1 = time.perf_counter()
write_analytics(meta, results, out)
t2 = time.perf_counter()
print(t2 - t1, t2 - t0)
"""


def roster_match_s(n: int = 8000) -> float:
    """Seconds to read an ``n``-student roster, match ``n`` submissions to it and write both
    LMS files (a dict built once in ``read_roster``; a scan per submission took 3.95 s for
    8,000, and working out Moodle's identity column per row took 11 s for moodle.csv)."""
    import csv
    import io

    from trilat_lessons.grading.lms import canvas_csv, match, moodle_csv, read_roster

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["submission", "name", "sis_user_id", "idnumber"])
    w.writerows([f"Student {i:05d}", f"Student {i:05d}", f"S{i}", f"ID{i}"] for i in range(n))
    path = WORK / f"roster-{n}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    t0 = time.perf_counter()
    m = match([(f"student {i:05d}", "3") for i in range(n)], read_roster(path))
    canvas_csv(m, "bench", "10")
    moodle_csv(m, "bench")
    took = time.perf_counter() - t0
    if m.unmatched_submissions:
        raise SystemExit("roster bench: a submission did not match")
    return took


def part_analytics(n: int = 400, repeats: int = 3) -> dict[str, Any]:
    """Grade n planted submissions once (resumable), then time the analytics step alone."""
    from trilat_lessons.grading.synth import PLANTED_ALT, PLANTED_WRONG, synthesize

    base = WORK / f"analytics-{n}"
    subs, out = base / "subs", base / "out"
    load0 = loadavg()
    synthesize(SOURCE, subs, n, seed=17, plant=True)  # same files each time: resume skips
    trilat = ROOT / ".venv" / "bin" / "trilat"
    say(f"trilat grade on {n} planted submissions (skips what is already graded)")
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(trilat), "grade", str(SOURCE), str(subs), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
    )
    grade_s = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"trilat grade failed: {proc.stderr[-800:]}")
    times, cold = [], []
    for _ in range(repeats):
        p = subprocess.run(
            [str(VENV_PY), "-c", ANALYTICS_TIMER, str(out)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if p.returncode != 0:
            raise SystemExit(f"analytics failed: {p.stderr[-800:]}")
        added, whole = p.stdout.strip().splitlines()[-1].split()
        times.append(float(added))
        cold.append(float(whole))
    text = (out / "key_suggestions.md").read_text(encoding="utf-8")
    first = text.split("### 1.", 1)[1].split("\n", 1)[0] if "### 1." in text else ""
    accept = text.split("candidate `accept()`", 1)[-1]
    med = statistics.median(times)
    return {
        "submissions": n,
        "grade_wall_s": r(grade_s),
        "grade_note": proc.stdout.strip()[-200:],
        "analytics_s": [r(t) for t in times],
        "analytics_median_s": r(med),
        "analytics_note": "added to a run: the package and the renderer already started",
        "cold_process_s": [r(t) for t in cold],
        "cold_process_median_s": r(statistics.median(cold)),
        "target_s": TARGETS["analytics_s"],
        "planted_misconception_first": f"int:{PLANTED_WRONG}" in first,
        "first_suggestion": first.strip(),
        "planted_alternative_accept_candidate": repr(PLANTED_ALT.lower()) in accept,
        "roster_match_8000_s": r(roster_match_s(8000)),
        "pass": med <= TARGETS["analytics_s"],
        "load_before": load0,
        "load_after": loadavg(),
    }
