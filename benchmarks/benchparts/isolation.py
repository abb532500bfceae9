"""Part 6: ``trilat grade`` with and without the namespace sandbox on 40 and 400 submissions, a
linear fit, and nbgrader on a sample."""

from __future__ import annotations

import shutil
import statistics
from typing import Any

from .common import (
    TARGETS,
    loadavg,
    r,
    say,
)
from .grading import ensure_nbgrader, prepare_grading, run_nbgrader, run_trilat


def part_isolation(sizes: tuple[int, int] = (40, 400), sample: int = 40) -> dict[str, Any]:
    """Isolated trilat grade at two sizes, its cost over no sandbox, and the nbgrader ratio."""
    import gradebench as gb

    from trilat_lessons.grading.isolation import probe

    prot = probe()
    if not prot.isolated:
        raise SystemExit(f"no namespace sandbox on this machine: {prot.detail}")
    small, large = sizes
    load0 = loadavg()
    ensure_nbgrader()
    saved = dict(gb.PROFILES)
    gb.PROFILES.clear()
    gb.PROFILES.update({"correct": 16, "partly wrong": 18, "blank": 6})  # no sleeping students
    try:
        say(f"preparing {large} submissions in both formats")
        prep = prepare_grading(large)
    finally:
        gb.PROFILES.clear()
        gb.PROFILES.update(saved)
    names = sorted(prep["sets"])
    sub_small = prep["base"] / f"trilat-{small}"
    sub_small.mkdir()
    for name in names[:small]:
        shutil.copy(prep["subs"] / f"{name}.ipynb", sub_small / f"{name}.ipynb")
    course = prep["course"]
    for name in names[sample:]:  # nbgrader grades a sample of the same students
        shutil.rmtree(course / "submitted" / name)
    out: dict[str, Any] = {"protection": prot.level, "load_before": load0, "sizes": list(sizes)}
    runs: dict[str, dict[int, list[float]]] = {"isolated": {}, "no_sandbox": {}}
    for n, subs in ((small, sub_small), (large, prep["subs"])):
        for mode, extra in (("isolated", ()), ("no_sandbox", ("--unsafe-no-sandbox",))):
            for k in range(2 if n == small else 1):
                say(f"trilat {mode}, {n} submissions, run {k + 1}")
                res = run_trilat(prep, f"{mode}-{n}-{k}", subs, extra)
                if res["rc"] != 0:
                    raise SystemExit(f"trilat failed (exit {res['rc']}): see {res['log']}")
                say(f"  {res['wall_s']:.1f} s wall")
                runs[mode].setdefault(n, []).append(res["wall_s"])
    for mode, by_n in runs.items():
        w_small, w_large = statistics.median(by_n[small]), statistics.median(by_n[large])
        per = (w_large - w_small) / (large - small)
        out[mode] = {
            "wall_s": {str(n): [r(w) for w in ws] for n, ws in by_n.items()},
            "per_submission_ms": r(per * 1000, 1),
            "fixed_start_s": r(w_small - small * per, 2),
        }
    say(f"nbgrader autograde on a sample of {sample} of the same students")
    g = run_nbgrader(prep, 0)
    if g["rc"] != 0:
        raise SystemExit(f"nbgrader failed (exit {g['rc']}): see {g['log']}")
    nb_per = g["wall_s"] / sample
    out["nbgrader"] = {
        "sample": sample,
        "wall_s": r(g["wall_s"]),
        "per_submission_s": r(nb_per),
        "wall_s_extrapolated": {str(small): r(nb_per * small), str(large): r(nb_per * large)},
        "note": f"measured on {sample} submissions; other sizes = per-submission cost x n",
    }
    iso = out["isolated"]
    out["ratio"] = {
        str(n): r(nb_per * n / statistics.median(runs["isolated"][n])) for n in (small, large)
    }
    out["ratio_note"] = (
        f"nbgrader time / trilat (isolated) time; at {small} nbgrader is measured "
        f"{'directly' if sample == small else 'from the sample'}, at {large} extrapolated"
    )
    out["targets"] = {
        "per_submission_ms": TARGETS["isolated_per_submission_ms"],
        "fixed_start_s": TARGETS["isolated_fixed_start_s"],
    }
    out["pass"] = (
        iso["per_submission_ms"] <= TARGETS["isolated_per_submission_ms"]
        and iso["fixed_start_s"] <= TARGETS["isolated_fixed_start_s"]
    )
    out["load_after"] = loadavg()
    return out
