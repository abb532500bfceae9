"""Grade one submission: rebuild it, run it in its own kernel (limits, sandbox), judge what it
exported, and return its result record; :func:`empty_result` is the record of one that never
reached a kernel."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..judge import norm_text
from ..judge.records import RUNAWAY, Unreached
from .intake import file_text, parse_notebook
from .options import GradeOptions
from .prepare import Grader
from .rebuild import rebuild
from .results import QuestionResult, SubmissionResult
from .runner import KernelTemplate, run_with_restarts
from .safetext import scrub
from .scoring import judge_answer
from .source import RUBRIC_PLACEHOLDER


def _sentence(text: str) -> str:
    """``text`` with a capital first letter (feedback messages are sentences)."""
    return text[:1].upper() + text[1:]


def grade_one(
    grader: Grader,
    student: str,
    path: Path,
    raw: bytes,
    template: KernelTemplate | None,
    options: GradeOptions,
    workroot: str,
    registry: set[Any],
    stop: threading.Event | None = None,
) -> SubmissionResult:
    """Grade one submission; returns its result record (never raises for a bad submission)."""
    source = grader.source
    result: SubmissionResult = {
        "student": student,
        "file": file_text(path.name),
        "set": source.set_id,
        "status": "ok",
        "detail": "",
        "questions": {},
        "notes": [],
    }
    qids = list(source.questions)
    empty: dict[str, QuestionResult] = {
        q: {"max": source.questions[q].points, "points": 0.0} for q in qids
    }
    nb, problem = parse_notebook(raw)
    if nb is None:
        for q in qids:
            empty[q].update(
                {"status": "corrupt", "message": "The file could not be read as a notebook."}
            )
        result.update({"status": "corrupt", "detail": problem, "questions": empty})
        return result
    built = rebuild(grader, nb)
    if "wrong_assignment" in built:
        for q in qids:
            empty[q].update(
                {
                    "status": "wrong assignment",
                    "message": _sentence(built["wrong_assignment"]) + ".",
                }
            )
        result.update(
            {"status": "wrong assignment", "detail": built["wrong_assignment"], "questions": empty}
        )
        return result
    result["notes"] = built["notes"]
    result["rebuilt"] = built["rebuilt"]
    assert template is not None
    workdir = tempfile.mkdtemp(prefix="k-", dir=workroot)
    limits = {
        "memory_mb": options.memory_mb,
        "cpu_seconds": int(options.timeout_total) + 10,
    }
    outcomes, exports, info = run_with_restarts(
        template,
        built["cells"],
        cell_timeout=options.timeout_cell,
        total_timeout=options.timeout_total,
        limits=limits,
        workdir_root=workdir,
        denied=grader.denied,
        registry=registry,
        stop=stop,
    )
    shutil.rmtree(workdir, ignore_errors=True)
    exports = scrub(exports)  # a lone surrogate in an answer costs that question only
    # per-question cell state
    states: dict[str, dict[str, Any]] = {q: {} for q in qids}
    blocked = False
    for i, step in enumerate(grader.plan):
        out = outcomes[i]
        step_q = step.get("question")
        if out.error and "grading sandbox" in str(out.error.get("evalue", "")):
            blocked = True
        if step["role"] != "answer" or step_q not in states:
            continue
        st = states[step_q]
        if out.status in RUNAWAY and not st.get("runaway"):
            st["runaway"] = out.status
        elif out.status == "error" and out.error and not st.get("error"):
            st["error"] = scrub(f"{out.error['ename']}: {out.error['evalue'][:160]}".rstrip(": "))
    for qid, question in source.questions.items():
        if question.kind == "manual":
            text = "\n".join(built["texts"].get(cid, "") for cid in question.cells).strip()
            attempted = bool(text) and norm_text(text) != norm_text(RUBRIC_PLACEHOLDER)
            result["questions"][qid] = {
                "max": question.points,
                "points": None,
                "status": "manual" if attempted else "not attempted",
                "message": "Graded by your instructor with the rubric."
                if attempted
                else "No written answer.",
                "answer": text if attempted else "",
            }
            continue
        result["questions"][qid] = judge_answer(grader, qid, exports.get(qid), states[qid])
    if blocked:
        result["notes"].append(
            "Some of your code tried something the grading sandbox does not allow."
        )
    if info.get("ignored"):
        result["notes"].append(
            f"{info['ignored']} message(s) your code wrote to the grader's channel were ignored."
        )
    if info.get("flooded"):
        result["notes"].append(
            "Your code sent more data to the grader than a notebook can; it was stopped."
        )
    if info.get("printed", 0) > 1_000_000:
        result["notes"].append(
            f"Your code printed {info['printed'] / 1e6:.0f} MB of output (ignored)."
        )
    statuses = [r["status"] for r in result["questions"].values()]
    for s in RUNAWAY:
        hit = [q for q, r in result["questions"].items() if r["status"] == s]
        if hit:
            result["status"] = s
            result["detail"] = f"{s} in {', '.join(hit)}"
            break
    else:
        if all(s == "not attempted" for s in statuses):
            result["status"] = "not attempted"
    result["landlock"] = info.get("landlock", 0)
    return result


def empty_result(
    grader: Grader, student: str, path: Path, status: Unreached, detail: str
) -> SubmissionResult:
    """The record of a submission that never reached a kernel (every question gets ``status``)."""
    messages = {
        "rejected": "The submission was not accepted: " + detail + ".",
        "internal error": "The grader failed on this submission; please re-run.",
    }
    return {
        "student": student,
        "file": file_text(path.name),
        "set": grader.source.set_id,
        "status": status,
        "detail": detail[:300],
        "notes": [],
        "questions": {
            q: {
                "max": grader.source.questions[q].points,
                "points": 0.0,
                "status": status,
                "message": messages.get(status, detail),
            }
            for q in grader.source.questions
        },
    }
