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
from .source import RUBRIC_PLACEHOLDER, SourceQuestion


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
    nb, problem = parse_notebook(raw)
    if nb is None:
        why = "The file could not be read as a notebook."
        return _unreached(grader, student, path, "corrupt", problem, why)
    built = rebuild(grader, nb)
    if "wrong_assignment" in built:
        detail = built["wrong_assignment"]
        return _unreached(
            grader, student, path, "wrong assignment", detail, _sentence(detail) + "."
        )
    result = _unreached(grader, student, path, "ok", "", "")
    result["questions"] = {}
    result["notes"] = built["notes"]
    result["rebuilt"] = built["rebuilt"]
    assert template is not None
    outcomes, exports, info = _run_kernel(
        grader, built, template, options, workroot, registry, stop
    )
    exports = scrub(exports)  # a lone surrogate in an answer costs that question only
    states, blocked = _cell_states(grader, outcomes)
    for qid, question in source.questions.items():
        if question.kind == "manual":
            result["questions"][qid] = _written(question, built["texts"])
        else:
            result["questions"][qid] = judge_answer(grader, qid, exports.get(qid), states[qid])
    result["notes"] += _run_notes(info, blocked)
    _set_status(result)
    result["landlock"] = info.get("landlock", 0)
    return result


def _unreached(
    grader: Grader, student: str, path: Path, status: Any, detail: str, message: str
) -> SubmissionResult:
    """The record of a submission whose every question ends in ``status`` with ``message``
    (``status`` "ok": a fresh record, before its questions are judged)."""
    return {
        "student": student,
        "file": file_text(path.name),
        "set": grader.source.set_id,
        "status": status,
        "detail": detail,
        "questions": {
            q: {"max": question.points, "points": 0.0, "status": status, "message": message}
            for q, question in grader.source.questions.items()
        },
        "notes": [],
    }


def _run_kernel(
    grader: Grader,
    built: dict[str, Any],
    template: KernelTemplate,
    options: GradeOptions,
    workroot: str,
    registry: set[Any],
    stop: threading.Event | None,
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """Run the rebuilt cells in a fresh kernel under the run's limits, in a work folder of its
    own (removed after): (cell outcomes, exported answers, what the kernel channel saw)."""
    workdir = tempfile.mkdtemp(prefix="k-", dir=workroot)
    limits = {"memory_mb": options.memory_mb, "cpu_seconds": int(options.timeout_total) + 10}
    try:
        return run_with_restarts(
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
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _cell_states(grader: Grader, outcomes: Any) -> tuple[dict[str, dict[str, Any]], bool]:
    """Per question, how its answer cell ended (``runaway`` status, ``error`` text), and whether
    any cell tried something the sandbox blocked."""
    states: dict[str, dict[str, Any]] = {q: {} for q in grader.source.questions}
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
    return states, blocked


def _written(question: SourceQuestion, texts: dict[str, str]) -> QuestionResult:
    """The result of a written (rubric) question: its answer, to be scored by the instructor."""
    text = "\n".join(texts.get(cid, "") for cid in question.cells).strip()
    attempted = bool(text) and norm_text(text) != norm_text(RUBRIC_PLACEHOLDER)
    return {
        "max": question.points,
        "points": None,
        "status": "manual" if attempted else "not attempted",
        "message": "Graded by your instructor with the rubric."
        if attempted
        else "No written answer.",
        "answer": text if attempted else "",
    }


def _run_notes(info: dict[str, Any], blocked: bool) -> list[str]:
    """Notes for the student about what their code did to the grader (blocked, ignored, floods)."""
    notes = []
    if blocked:
        notes.append("Some of your code tried something the grading sandbox does not allow.")
    if info.get("ignored"):
        notes.append(
            f"{info['ignored']} message(s) your code wrote to the grader's channel were ignored."
        )
    if info.get("flooded"):
        notes.append("Your code sent more data to the grader than a notebook can; it was stopped.")
    if info.get("printed", 0) > 1_000_000:
        notes.append(f"Your code printed {info['printed'] / 1e6:.0f} MB of output (ignored).")
    return notes


def _set_status(result: SubmissionResult) -> None:
    """The submission takes the most serious runaway status of its answers, else "not attempted"
    when no answer was attempted (else it stays "ok")."""
    questions = result["questions"]
    for s in RUNAWAY:
        hit = [q for q, r in questions.items() if r["status"] == s]
        if hit:
            result["status"] = s
            result["detail"] = f"{s} in {', '.join(hit)}"
            return
    if all(r["status"] == "not attempted" for r in questions.values()):
        result["status"] = "not attempted"


def empty_result(
    grader: Grader, student: str, path: Path, status: Unreached, detail: str
) -> SubmissionResult:
    """The record of a submission that never reached a kernel (every question gets ``status``)."""
    messages = {
        "rejected": "The submission was not accepted: " + detail + ".",
        "internal error": "The grader failed on this submission; please re-run.",
    }
    return _unreached(grader, student, path, status, detail[:300], messages.get(status, detail))
