"""Part 2: ``check()`` latency per question kind, right and wrong answers."""

from __future__ import annotations

import time
from typing import Any

from .common import (
    ROOT,
    TARGETS,
    loadavg,
    pct,
    r,
)

# ---------------------------------------------------------------------------- 2. check()

CHECK_CASES = [  # kind, set, question
    ("int", "01_history", "q1"),
    ("float", "03_obstacles_structure", "q4"),
    ("str", "01_history", "q2"),
    ("list", "03_obstacles_structure", "q2"),
    ("DataFrame", "01_history", "q3"),
    ("chart", "01_history", "q5"),
]


def _wrong(kind: str, value: Any) -> Any:
    if kind == "int":
        return value + 1
    if kind == "float":
        return value * 2 + 1
    if kind == "str":
        return value + " (or so)"
    if kind == "list":
        return list(value)[:-1]
    if kind == "DataFrame":
        return value.head(1)
    return value.mark_line()  # chart


def part_check(calls: int) -> dict[str, Any]:
    """check() latency with the data cached, per kind, correct and wrong, round-robin."""
    load0 = loadavg()
    from trilat_lessons import check
    from trilat_lessons.grading.instructor import run_instructor
    from trilat_lessons.grading.source import load_source

    runs: dict[str, Any] = {}
    cases = []
    for kind, set_id, qid in CHECK_CASES:
        if set_id not in runs:
            src = load_source(ROOT / "exercises" / "source" / f"{set_id}.ipynb")
            runs[set_id] = (src, run_instructor(src))
        src, run = runs[set_id]
        value = run.namespace[src.questions[qid].variable]
        for verdict, v in (("correct", value), ("wrong", _wrong(kind, value))):
            cases.append((kind, verdict, f"{set_id}:{qid}", v))
    for kind, verdict, name, v in cases:  # warm up and prove the answers are what we say
        res = check(name, answer=v)
        want = "correct" if verdict == "correct" else "incorrect"
        if getattr(res, "status", None) != want:
            raise SystemExit(f"check({name}) on the {verdict} {kind} answer gave {res!r}")
        for _ in range(4):
            check(name, answer=v)
    times: dict[tuple[str, str], list[float]] = {(k, w): [] for k, w, _, _ in cases}
    for _ in range(calls):  # round-robin: drift in machine load hits every case alike
        for kind, verdict, name, v in cases:
            t0 = time.perf_counter()
            check(name, answer=v)
            times[(kind, verdict)].append((time.perf_counter() - t0) * 1000)
    repeated: dict[tuple[str, str], list[float]] = {(k, w): [] for k, w, _, _ in cases}
    for kind, verdict, name, v in cases:  # the same answer checked again: progress unchanged
        for _ in range(max(20, calls // 5)):
            t0 = time.perf_counter()
            check(name, answer=v)
            repeated[(kind, verdict)].append((time.perf_counter() - t0) * 1000)
    rows = []
    for (kind, verdict), ts in times.items():
        rows.append(
            {
                "kind": kind,
                "answer": verdict,
                "calls": len(ts),
                "p50_ms": r(pct(ts, 50)),
                "p95_ms": r(pct(ts, 95)),
                "max_ms": r(max(ts)),
                "repeated_p50_ms": r(pct(repeated[(kind, verdict)], 50)),
                "repeated_p95_ms": r(pct(repeated[(kind, verdict)], 95)),
            }
        )
    worst = max(x["p95_ms"] for x in rows)
    return {
        "rows": rows,
        "worst_p95_ms": worst,
        "target_p95_ms": TARGETS["check_p95_ms"],
        "pass": worst <= TARGETS["check_p95_ms"],
        "how": "check('set:qN', answer=value) in this process, data cached, after 5 warm-up "
        "calls; cases interleaved, so every call changes the question's stored progress and "
        "writes progress.json (a student fixing an answer); repeated_*: the same answer "
        "checked again in a row (no write)",
        "load_before": load0,
        "load_after": loadavg(),
    }
