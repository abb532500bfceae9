"""Judge one exported answer outside the kernel: the public key's verdict, the hidden checks, and
the points they earn (:func:`score`)."""

from __future__ import annotations

from typing import Any

from ..judge import Exported, decode, evaluate
from ..judge.records import Runaway, Status
from .answers import given
from .prepare import Grader
from .results import QuestionResult

RUNAWAY_MESSAGES: dict[Runaway, str] = {
    "timeout": "Your answer cell ran past the time limit and was stopped.",
    "total timeout": "The notebook ran past its total time limit before this answer.",
    "kernel died": "Your answer cell stopped the Python process (exit, crash or kill).",
    "memory": "Your answer cell ran out of memory (the limit was reached).",
}
"""What a student reads when a runaway kernel stopped the cell of an answer."""


def score(
    points: float, public_weight: float, public_passed: bool, hidden: list[tuple[float, bool]]
) -> tuple[float, Status]:
    """Points and status of one auto-graded question whose answer is well formed.

    Hidden checks only add credit on top of passing public checks: ``correct`` when everything
    passes (full points), ``partial`` when the public checks pass and some hidden check fails
    (``points × passed weight / total weight``, public weight included), ``incorrect`` when the
    public checks fail (0 points, whatever the hidden checks say).
    """
    if not public_passed:
        return 0.0, "incorrect"
    total = public_weight + sum(w for w, _ in hidden)
    earned = public_weight + sum(w for w, ok in hidden if ok)
    if all(ok for _, ok in hidden):
        return float(points), "correct"
    return (round(points * earned / total, 2) if total else 0.0), "partial"


def judge_answer(
    grader: Grader, qid: str, exported: Exported | None, cell_state: dict[str, Any]
) -> QuestionResult:
    """The result record of one auto-graded question: status, message, points, hidden checks."""
    entry = next(q for q in grader.key["questions"] if q["id"] == qid)
    points = float(entry["points"])
    res: QuestionResult = {"max": points, "points": 0.0, "public": False, "hidden": []}
    runaway = cell_state.get("runaway")
    if runaway:
        res.update({"status": runaway, "message": RUNAWAY_MESSAGES[runaway]})
        return res
    if exported is None:
        res.update(
            {
                "status": "not run",
                "message": "This answer was never reached (an earlier cell broke).",
            }
        )
        return res
    outcome = evaluate(grader.source.set_id, entry, exported)
    answer = given(grader.source.set_id, entry, exported)  # instructor analytics only
    if answer is not None:
        res["given"] = answer
    error = cell_state.get("error")
    res["status"] = outcome.status
    res["message"] = outcome.message
    if outcome.status == "not attempted" and error:
        res["status"] = "error"
        res["message"] = f"Your answer cell raised {error}, so {entry['variable']} was never set."
        return res
    if outcome.status in ("not attempted", "malformed"):
        if error:
            res["message"] += f" (Your answer cell also raised {error}.)"
        return res
    res["public"] = outcome.passed
    value = decode(exported)
    hidden: list[tuple[float, bool]] = []
    for h in grader.run.hidden_for(qid):  # run even when public fail: feedback lists them
        ok = h.run(value)
        res["hidden"].append({"description": h.description, "passed": ok})
        hidden.append((h.weight, ok))
    public_weight = float(entry.get("public_weight", 1))
    res["points"], res["status"] = score(points, public_weight, outcome.passed, hidden)
    if res["status"] == "partial":
        failed = [h["description"] for h in res["hidden"] if not h["passed"]]
        res["message"] = (
            "Your answer passes the public checks, but not these hidden checks: "
            + "; ".join(failed)
            + "."
        )
    elif res["hidden"] and not outcome.passed:
        res["hidden_counted"] = False  # listed in feedback, worth nothing until public pass
    if error:
        res["message"] = (
            res["message"] + " " if res["message"] else ""
        ) + f"(Your answer cell raised {error}.)"
    return res
