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
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
RESULTS = HERE / "results.json"
VENV_PY = ROOT / ".venv" / "bin" / "python"
NBG_VENV = WORK / "nbgrader-venv"
NBGRADER_VERSION = "0.9.6"
SOURCE = ROOT / "exercises" / "source" / "01_history.ipynb"
ASSIGNMENT = "01_history"
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


# ---------------------------------------------------------------------------- 1. grading


def ensure_nbgrader() -> Path:
    """nbgrader (pinned) in a throwaway venv with the course's own locked packages."""
    lock = (ROOT / "requirements.lock").read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    want = hashlib.sha256(lock + NBGRADER_VERSION.encode()).hexdigest()[:16]
    stamp = NBG_VENV / ".bench-stamp"
    if stamp.exists() and stamp.read_text().strip() == want:
        return NBG_VENV
    say(f"installing nbgrader {NBGRADER_VERSION} into {NBG_VENV} (about a minute)")
    shutil.rmtree(NBG_VENV, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(NBG_VENV)], check=True)
    pip = [str(NBG_VENV / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    log = (WORK / "nbgrader-install.log").open("wb")
    for args in (
        ["install", "--no-deps", "-r", str(ROOT / "requirements.lock")],
        ["install", f"nbgrader=={NBGRADER_VERSION}"],
        ["install", "--no-deps", "--no-build-isolation", "-e", str(ROOT)],
    ):
        subprocess.run(pip + args, check=True, stdout=log, stderr=subprocess.STDOUT)
    stamp.write_text(want + "\n")
    return NBG_VENV


def nbgrader_env(tag: str) -> dict[str, str]:
    """Environment of nbgrader commands: its venv first on PATH (it calls ``alembic``)."""
    env = dict(os.environ)
    env["PATH"] = f"{NBG_VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["TRILAT_PROGRESS_FILE"] = str(WORK / f"progress-{tag}.json")
    env.pop("VIRTUAL_ENV", None)
    return env


def prepare_grading(n: int) -> dict[str, Any]:
    """Answer sets -> our submissions and an nbgrader course (generate_assignment run once)."""
    import gradebench as gb

    from trilat_lessons.grading.release import notebook_bytes

    src = gb.load(SOURCE)
    sets = gb.answer_sets(src, n)
    base = WORK / "grading"
    shutil.rmtree(base, ignore_errors=True)
    subs = base / "trilat-submissions"
    subs.mkdir(parents=True)
    for student, entry in sets.items():
        nb = gb.trilat_submission(src, entry["answers"])
        (subs / f"{student}.ipynb").write_bytes(notebook_bytes(nb))
    course = base / "nbgrader-course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    nbsrc = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbsrc.write_bytes(notebook_bytes(gb.nbgrader_source(src)))
    (course / "nbgrader_config.py").write_text(
        'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = "trilat-bench"\n'
    )
    res = timed_run(
        [str(NBG_VENV / "bin" / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"],
        cwd=course,
        env=nbgrader_env("generate"),
        log=base / "generate_assignment.log",
    )
    if res["rc"] != 0:
        raise SystemExit(f"nbgrader generate_assignment failed: see {res['log']}")
    release = json.loads((course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    for student, entry in sets.items():
        d = course / "submitted" / student / ASSIGNMENT
        d.mkdir(parents=True)
        nb = gb.nbgrader_submission(release, entry["answers"])
        (d / f"{ASSIGNMENT}.ipynb").write_bytes(notebook_bytes(nb))
    return {"sets": sets, "subs": subs, "course": course, "base": base, "source": src}


def run_nbgrader(prep: dict[str, Any], k: int) -> dict[str, Any]:
    """One ``nbgrader autograde`` on a fresh copy of the course (gradebook as after release)."""
    run_dir = prep["base"] / f"nbgrader-run{k}"
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(prep["course"], run_dir)
    res = timed_run(
        [str(NBG_VENV / "bin" / "nbgrader"), "autograde", ASSIGNMENT, "--create"],
        cwd=run_dir,
        env=nbgrader_env(f"nbgrader{k}"),
        log=prep["base"] / f"nbgrader-run{k}.log",
    )
    res["dir"] = run_dir
    return res


def run_trilat(
    prep: dict[str, Any], k: int | str, subs: Path | None = None, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One ``trilat grade`` (default limits and workers) into a fresh output folder."""
    out = prep["base"] / f"trilat-run{k}"
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ)
    env["TRILAT_PROGRESS_FILE"] = str(WORK / f"progress-trilat{k}.json")
    trilat = str(ROOT / ".venv" / "bin" / "trilat")
    subs = subs or prep["subs"]
    res = timed_run(
        [trilat, "grade", str(SOURCE), str(subs), "--out", str(out), "--quiet", *extra],
        env=env,
        log=prep["base"] / f"trilat-run{k}.log",
    )
    res["dir"] = out
    return res


def trilat_scores(out: Path) -> dict[str, dict[str, Any]]:
    """student -> question -> {points, status} from ``results/*.json``."""
    scores: dict[str, dict[str, Any]] = {}
    for f in sorted((out / "results").glob("*.json")):
        rec = json.loads(f.read_text())
        scores[rec["student"]] = {
            q: {
                "points": v.get("points"),
                "status": v.get("status"),
                "public": v.get("public"),
                "hidden": [h.get("passed") for h in v.get("hidden", [])],
                "hidden_counted": v.get("hidden_counted", True),
            }
            for q, v in rec["questions"].items()
        }
    return scores


def nbgrader_scores(course: Path) -> dict[str, dict[str, Any]]:
    """student -> grade_id -> {score, max, manual}, via nbgrader's API in its venv."""
    out = subprocess.run(
        [
            str(NBG_VENV / "bin" / "python"),
            str(HERE / "nbgrader_scores.py"),
            str(course),
            ASSIGNMENT,
        ],
        env=nbgrader_env("scores"),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def disagreement_reason(qid: str, t: dict[str, Any], cells: dict[str, float]) -> str:
    """Why trilat's points for one question differ from the sum of nbgrader's test cells."""
    status = t.get("status")
    if status in ("timeout", "total timeout", "memory", "kernel died", "not run"):
        return f"trilat stopped or skipped the cell ({status}); nbgrader has no such limits"
    nb_public = cells.get(f"{qid}-public", 0.0) > 0
    if bool(t.get("public")) != nb_public:
        return (
            f"public checks differ: trilat {'pass' if t.get('public') else 'fail'} (full "
            f"export), nbgrader {'pass' if nb_public else 'fail'} (check() on the live value)"
        )
    nb_hidden = [v > 0 for gid, v in sorted(cells.items()) if "-hidden-" in gid]
    if t.get("hidden_counted") is False and any(nb_hidden):
        return (
            "scoring rule: trilat counts hidden checks only once the public checks pass; "
            "the nbgrader version's hidden test cells do not require that"
        )
    if list(t.get("hidden") or []) != nb_hidden:
        return f"hidden checks differ: trilat {t.get('hidden')}, nbgrader {nb_hidden}"
    return "same checks passed: rounding or a different split of the points"


def compare_scores(
    prep: dict[str, Any], tri: dict[str, Any], nbg: dict[str, Any]
) -> dict[str, Any]:
    """Per student and auto-graded question: trilat points vs the sum of nbgrader's test cells."""
    src = prep["source"]
    auto = [q for q, spec in src.questions.items() if spec.kind == "auto"]
    disagreements = []
    compared = 0
    totals = {"trilat": 0.0, "nbgrader": 0.0}
    for student, entry in sorted(prep["sets"].items()):
        t = tri.get(student)
        g = nbg.get(student)
        if t is None or g is None:
            disagreements.append({"student": student, "reason": "missing in one grader's output"})
            continue
        for qid in auto:
            tp = float(t.get(qid, {}).get("points") or 0.0)
            cells = {gid: v["score"] for gid, v in g.items() if gid.split("-")[0] == qid}
            gp = sum(cells.values())
            totals["trilat"] += tp
            totals["nbgrader"] += gp
            compared += 1
            if abs(tp - gp) > 0.011:
                cid = src.questions[qid].cells[-1]
                disagreements.append(
                    {
                        "student": student,
                        "profile": entry["profile"],
                        "question": qid,
                        "answer": entry["variants"].get(cid, "blank"),
                        "trilat": {"points": tp, "status": t[qid]["status"]},
                        "nbgrader": cells,
                        "reason": disagreement_reason(qid, t[qid], cells),
                    }
                )
    return {
        "students": len(prep["sets"]),
        "questions_compared": compared,
        "disagreements": disagreements,
        "total_points": {k: round(v, 2) for k, v in totals.items()},
    }


def part_grading(n: int, rounds: int) -> dict[str, Any]:
    """Throughput of trilat grade vs nbgrader autograde, alternating; score agreement."""
    load0 = loadavg()
    ensure_nbgrader()
    say(f"preparing {n} submissions in both formats (nbgrader generate_assignment)")
    prep = prepare_grading(n)
    runs: dict[str, list[dict[str, Any]]] = {"nbgrader": [], "trilat": []}
    for k in range(1, rounds + 1):
        for tool in ("nbgrader", "trilat"):
            say(f"round {k}/{rounds}: {tool}")
            res = (run_nbgrader if tool == "nbgrader" else run_trilat)(prep, k)
            res["load"] = loadavg()
            if res["rc"] != 0:
                raise SystemExit(f"{tool} failed (exit {res['rc']}): see {res['log']}")
            say(f"  {tool}: {res['wall_s']:.1f} s wall, {res['cpu_s']:.1f} s CPU")
            runs[tool].append(res)
    agreement = [
        compare_scores(prep, trilat_scores(t["dir"]), nbgrader_scores(g["dir"]))
        for g, t in zip(runs["nbgrader"], runs["trilat"], strict=True)
    ]
    profiles: dict[str, int] = {}
    for entry in prep["sets"].values():
        profiles[entry["profile"]] = profiles.get(entry["profile"], 0) + 1
    out: dict[str, Any] = {
        "set": ASSIGNMENT,
        "submissions": n,
        "profiles": dict(sorted(profiles.items())),
        "rounds": rounds,
        "order": "alternating: nbgrader, trilat, nbgrader, trilat, ...",
        "load_before": load0,
    }
    for tool, rs in runs.items():
        walls = [x["wall_s"] for x in rs]
        med = statistics.median(walls)
        out[tool] = {
            "wall_s_runs": [r(w) for w in walls],
            "wall_s_median": r(med),
            "cpu_s_median": r(statistics.median(x["cpu_s"] for x in rs)),
            "per_minute": r(n / med * 60),
            "load_after_runs": [x["load"] for x in rs],
        }
    out["nbgrader"]["command"] = f"nbgrader autograde {ASSIGNMENT} --create (sequential)"
    out["nbgrader"]["version"] = NBGRADER_VERSION
    out["trilat"]["command"] = (
        f"trilat grade {SOURCE.relative_to(ROOT)} SUBS --out NEW_DIR --quiet "
        f"(default limits; workers = cores = {os.cpu_count()})"
    )
    ratio = out["trilat"]["per_minute"] / out["nbgrader"]["per_minute"]
    out["ratio"] = r(ratio)
    out["cpu_ratio"] = r(out["nbgrader"]["cpu_s_median"] / out["trilat"]["cpu_s_median"])
    out["target"] = TARGETS["grading_ratio"]
    out["pass"] = ratio >= TARGETS["grading_ratio"]
    out["agreement"] = agreement[-1]
    out["agreement_all_rounds"] = all(not a["disagreements"] for a in agreement)
    return out


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
        "pass": med <= TARGETS["analytics_s"],
        "load_before": load0,
        "load_after": loadavg(),
    }


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


# ---------------------------------------------------------------------------- 5. suite

DURATIONS = "--durations=8"  # report only: pytest lists the slowest tests (the suite's profile)


def make_recipe(target: str) -> list[str]:
    """The shell lines ``make TARGET`` runs (``make -n``), with ``PYTEST_ARGS=--durations``."""
    if subprocess.run(["make", "-q", "install"], cwd=ROOT).returncode != 0:
        subprocess.run(["make", "install"], cwd=ROOT, check=True)  # not timed
    proc = subprocess.run(
        ["make", "-n", target, f"PYTEST_ARGS={DURATIONS}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    joined = proc.stdout.replace("\\\n", " ")  # a recipe line continued with a backslash
    return [line for line in joined.split("\n") if line.strip()]


def suite_plan() -> list[tuple[str, str, bool]]:
    """(part, shell line, in make test?) read from the Makefile; nbval split by folder.

    ``make test-browser`` is added as a part outside ``make test`` unless ``make test`` runs it.
    """
    plan: list[tuple[str, str, bool]] = []
    test_lines = make_recipe("test")
    for line in test_lines:
        if "ruff format" in line:
            plan.append(("lint (format)", line, True))
        elif "ruff" in line:
            plan.append(("lint", line, True))
        elif "trilat student" in line:
            plan.append(("student edition (its own make test)", line, True))
        elif "--nbval" in line and " notebooks exercises" in line:
            plan.append(("nbval lessons", line.replace(" notebooks exercises", " notebooks"), True))
            plan.append(
                ("nbval exercises", line.replace(" notebooks exercises", " exercises"), True)
            )
        elif "--nbval" in line:
            plan.append(("nbval", line, True))
        elif "tests/browser" in line or "-m browser" in line:
            plan.append(("browser", line, True))
        elif "pytest" in line:
            plan.append(("unit", line, True))
        else:
            plan.append((line.split()[0], line, True))
    plan += [("browser", x, False) for x in make_recipe("test-browser") if x not in test_lines]
    return plan


def _pytest_summary(text: str) -> str:
    lines = [x for x in text.strip().split("\n") if re.search(r"\d+ (passed|failed|error)", x)]
    return lines[-1].strip("= ").strip() if lines else ""


def _slowest(text: str, k: int = 8) -> list[str]:
    """The slowest tests pytest listed (``--durations``): where the suite's time goes."""
    m = re.search(r"slowest \d+ durations =+\n(.*?)\n(?:\n|=)", text, re.DOTALL)
    if not m:
        return []
    return [" ".join(x.split()) for x in m.group(1).split("\n") if x.strip()][:k]


def part_suite() -> dict[str, Any]:
    """Wall time of the commands ``make test`` runs (and ``make test-browser``)."""
    load0 = loadavg()
    logs = WORK / "suite"
    logs.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, line, in_make_test in suite_plan():
        say(f"suite: {name}")
        log = logs / (re.sub(r"\W+", "_", name).strip("_") + ".log")
        res = timed_run(["sh", "-c", line], cwd=ROOT, log=log)
        text = log.read_text(errors="replace")
        rows.append(
            {
                "part": name,
                "command": line,
                "wall_s": r(res["wall_s"]),
                "cpu_s": r(res["cpu_s"]),
                "exit": res["rc"],
                "summary": _pytest_summary(text),
                "slowest": _slowest(text),
                "in_make_test": in_make_test,
                "load_after": loadavg(),
            }
        )
        say(f"  {name}: {res['wall_s']:.1f} s, exit {res['rc']}")
    total = sum(x["wall_s"] for x in rows if x["in_make_test"])
    return {
        "rows": rows,
        "make_test_s": r(total),
        "target_s": TARGETS["make_test_s"],
        "pass": total <= TARGETS["make_test_s"],
        "all_green": all(x["exit"] == 0 for x in rows),
        "note": "the commands of make test (and make test-browser, if make test does not run "
        "it) as the Makefile has them (make -n), with PYTEST_ARGS=--durations=8; nbval's one "
        "pytest call runs here as two (notebooks, exercises) to split the time.",
        "load_before": load0,
    }


# ---------------------------------------------------------------------------- table


def status(ok: bool | None) -> str:
    """PASS / MISS / -."""
    return "-" if ok is None else ("PASS" if ok else "MISS")


def table(res: dict[str, Any]) -> str:
    """One plain-text table of every part that has numbers."""
    rows: list[tuple[str, str, str, str]] = []  # metric, value, target, status
    iso = res.get("isolation")
    if iso:
        co = " (carried over)" if iso.get("carried_over") else ""
        small, large = iso["sizes"]
        for mode in ("isolated", "no_sandbox"):
            m = iso[mode]
            walls = ", ".join(f"{n}: {min(w):.1f} s" for n, w in m["wall_s"].items())
            rows.append((f"trilat grade {mode}{co}", walls, "", ""))
        m = iso["isolated"]
        rows.append(
            (
                "  isolated: per submission",
                f"{m['per_submission_ms']:.0f} ms",
                f"<= {iso['targets']['per_submission_ms']:g} ms",
                status(m["per_submission_ms"] <= iso["targets"]["per_submission_ms"]),
            )
        )
        rows.append(
            (
                "  isolated: fixed start",
                f"{m['fixed_start_s']:.1f} s",
                f"<= {iso['targets']['fixed_start_s']:g} s",
                status(m["fixed_start_s"] <= iso["targets"]["fixed_start_s"]),
            )
        )
        nb = iso["nbgrader"]
        rows.append(
            (
                f"nbgrader, sample of {nb['sample']}",
                f"{nb['wall_s']:.0f} s = {nb['per_submission_s']:.2f} s each",
                "",
                "",
            )
        )
        for n in (small, large):
            rows.append((f"  ratio nbgrader/trilat at {n}", f"{iso['ratio'][str(n)]:.0f}x", "", ""))
    g = res.get("grading")
    if g:
        co = " (carried over)" if g.get("carried_over") else ""
        rows.append(
            (
                f"nbgrader autograde, {g['submissions']} subs{co}",
                f"{g['nbgrader']['wall_s_median']:.1f} s  {g['nbgrader']['per_minute']:.1f}/min",
                "",
                "",
            )
        )
        rows.append(
            (
                f"trilat grade, {g['submissions']} subs{co}",
                f"{g['trilat']['wall_s_median']:.1f} s  {g['trilat']['per_minute']:.1f}/min",
                "",
                "",
            )
        )
        rows.append(
            (
                "  throughput ratio trilat/nbgrader",
                f"{g['ratio']:.1f}x (CPU {g['cpu_ratio']:.1f}x)",
                f">= {g['target']:g}x",
                status(g["pass"]),
            )
        )
        a = g["agreement"]
        rows.append(
            (
                "  same auto-graded scores",
                f"{a['questions_compared'] - len(a['disagreements'])}/{a['questions_compared']}"
                " student x question",
                "all",
                status(not a["disagreements"]),
            )
        )
    c = res.get("check")
    if c:
        for row in c["rows"]:
            rows.append(
                (
                    f"check() {row['kind']}, {row['answer']}",
                    f"p50 {row['p50_ms']:.2f} ms  p95 {row['p95_ms']:.2f} ms  (same answer "
                    f"again: p50 {row['repeated_p50_ms']:.2f} ms)",
                    "",
                    "",
                )
            )
        rows.append(
            (
                "  check() worst p95",
                f"{c['worst_p95_ms']:.2f} ms ({c['worst_p95_ms'] / c['target_p95_ms']:.2f} of"
                " budget)",
                f"<= {c['target_p95_ms']:g} ms",
                status(c["pass"]),
            )
        )
    w = res.get("widgets")
    if w:
        if w.get("pending"):
            rows.append(("widget update", f"pending: {w['note']}", "<= 50 ms p95", "-"))
        else:
            for row in w["rows"]:
                name = row.get("widget") or row.get("name") or "?"
                what = (
                    f"p50 {row.get('spec_p50_ms', 0):.1f} ms  p95 {row.get('spec_p95_ms', 0):.1f}"
                    f" ms (CPU p95 {row.get('spec_cpu_p95_ms', 0):.1f}); then SVG p50 "
                    f"{row.get('svg_p50_ms', 0):.0f} ms"
                )
                rows.append((f"widget {name} update", what, "", ""))
            worst = w.get("worst_p95_ms")
            rows.append(
                (
                    "  widget worst p95",
                    "n/a" if worst is None else f"{worst:.2f} ms",
                    f"<= {w['target_p95_ms']:g} ms",
                    status(w["pass"]),
                )
            )
    s = res.get("startup")
    if s:
        labels = {
            "import": "import trilat_lessons",
            "first_load_all": "first load, all datasets",
            "first_chart_spec": "first chart spec",
            "first_svg": "first SVG render",
        }
        for key, label in labels.items():
            best, med = s[key]["best_s"], s[key]["median_s"]
            target = f"<= {s['target_import_s']:g} s" if key == "import" else ""
            st = status(s["pass"]) if key == "import" else ""
            rows.append((label, f"best {best:.3f} s  median {med:.3f} s", target, st))
    f = res.get("first_chart")
    if f:
        got = f["ready_to_chart_s"]
        rows.append(
            (
                "fresh kernel -> first chart",
                f"best {got['best_s']:.3f} s  median {got['median_s']:.3f} s",
                f"<= {f['target_s']:g} s",
                status(f["pass"]),
            )
        )
        k = f["kernel_start_s"]
        rows.append(("  (kernel start, apart)", f"median {k['median_s']:.3f} s", "", ""))
        if "kernel_cpu_s" in f:
            c = f["kernel_cpu_s"]
            rows.append(("  (kernel CPU time)", f"median {c['median_s']:.3f} s", "", ""))
    u = res.get("suite")
    if u:
        co = " (carried over)" if u.get("carried_over") else ""
        for row in u["rows"]:
            extra = "" if row["in_make_test"] else " (not in make test)"
            rows.append(
                (
                    f"suite {row['part']}{extra}",
                    f"{row['wall_s']:.2f} s  exit {row['exit']}",
                    "",
                    "",
                )
            )
        rows.append(
            (
                f"  make test total{co}",
                f"{u['make_test_s']:.0f} s ({u['make_test_s'] / u['target_s']:.2f} of budget)",
                f"<= {u['target_s']:g} s",
                status(u["pass"]),
            )
        )
    else:
        rows.append(("make test", "not measured (run with --suite)", "<= 180 s", "-"))
    an = res.get("analytics")
    if an:
        co = " (carried over)" if an.get("carried_over") else ""
        rows.append(
            (
                f"analytics on {an['submissions']} results{co}",
                f"{an['analytics_median_s']:.2f} s added "
                f"(fresh process {an.get('cold_process_median_s', 0):.2f} s; planted first: "
                f"{an['planted_misconception_first']}, alternative offered: "
                f"{an['planted_alternative_accept_candidate']})",
                f"<= {an['target_s']:g} s",
                status(an["pass"]),
            )
        )
    widths = [max(len(x[i]) for x in rows) for i in range(4)]
    head = ("metric", "value", "target", "")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*x).rstrip() for x in rows]
    m = res["machine"]
    lines.append(
        f"machine: {m['cores']} cores, Python {m['python']}, load {res['load_start']} -> "
        f"{res['load_end']}"
    )
    return "\n".join(lines)


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
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))  # gradebench, widgets
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
