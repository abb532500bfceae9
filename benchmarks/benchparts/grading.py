"""Part 1: ``trilat grade`` vs ``nbgrader autograde`` on the same generated submissions, and the
per-student, per-question comparison of their scores."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from .common import (
    ASSIGNMENT,
    HERE,
    NBG_VENV,
    NBGRADER_VERSION,
    ROOT,
    SOURCE,
    TARGETS,
    WORK,
    loadavg,
    r,
    say,
    timed_run,
)

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
