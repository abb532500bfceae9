"""Instructor analytics over result records: item analysis, answer distribution, key suggestions.

Pure functions of the ``results/*.json`` records (plus the public key for the ``wrong()``
messages), so a merged sharded run gives the same figures as one run. Nothing here is shown to
students: the canonical answers recorded by :func:`.answers.given` live only in instructor outputs.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..judge.records import NOT_GRADED
from . import evidence as ev
from .results import SubmissionResult

MIN_CLASS = 30
"""Below this many graded submissions, facility and discrimination move a lot with one or two
students: the figures are printed but every question is flagged as "indicative only"."""
EASY, HARD = 0.90, 0.20  # facility above / below: too easy / too hard
WEAK = 0.20  # item-rest correlation below this: discriminates little or not at all
GROUP = 0.27  # upper and lower groups of the upper-lower index (Kelley's 27 %)


# ---------------------------------------------------------------------------- scores


@dataclass
class ItemQuestion:
    """What analytics needs of a question (from the run's metadata)."""

    id: str
    kind: str  # auto | manual
    points: float
    variable: str = ""
    wrong: list[str] = field(default_factory=list)  # wrong() messages, key order


def graded(results: list[SubmissionResult]) -> list[SubmissionResult]:
    """The results that reached the grader (not rejected, corrupt or another set)."""
    return [r for r in results if r.get("status") not in NOT_GRADED]


def item_score(r: SubmissionResult, q: ItemQuestion) -> float | None:
    """Points of one question as a fraction of its maximum (None: a rubric answer not scored)."""
    p = r["questions"].get(q.id, {}).get("points")
    if p is None:
        return None if q.kind == "manual" else 0.0
    return float(p) / q.points if q.points else 0.0


def total(r: SubmissionResult) -> float:
    """Points scored so far (unscored rubric answers count 0)."""
    return sum(float(qr.get("points") or 0) for qr in r["questions"].values())


def _pearson(x: list[float], y: list[float]) -> float | None:
    n = len(x)
    if n < 3:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 0 or syy <= 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def item_analysis(
    questions: list[ItemQuestion], results: list[SubmissionResult]
) -> list[dict[str, Any]]:
    """Per question: attempted, facility, item-rest correlation, upper-lower index, statuses, flag.

    Facility is the mean fraction of the points scored by graded submissions. Discrimination is
    the Pearson correlation of the question's score with the rest of the test (the total without
    this question: the point-biserial when the question is right/wrong), and the upper-lower
    index: mean score of the top 27 % by rest-of-test score minus that of the bottom 27 %
    (students tied at a group's edge share its last places: :func:`evidence.group_mean`).
    """
    rows = []
    pool = graded(results)
    n = len(pool)
    totals = [total(r) for r in pool]
    manual = [q.id for q in questions if q.kind == "manual"]
    unscored = sum(  # written answers not scored yet: 0 in the rest-of-test scores meanwhile
        1
        for r in pool
        for qid in manual
        if r["questions"].get(qid, {}).get("status") == "manual"
        and r["questions"][qid].get("points") is None
    )
    for q in questions:
        statuses = Counter(r["questions"].get(q.id, {}).get("status", "") for r in results)
        pending = sum(
            1
            for r in pool
            if q.kind == "manual"
            and r["questions"].get(q.id, {}).get("status") == "manual"
            and r["questions"][q.id].get("points") is None
        )
        pairs = []
        for r, t in zip(pool if not pending else [], totals, strict=False):
            s = item_score(r, q)
            if s is not None:
                pairs.append((s, t - s * q.points))
        attempted = sum(
            1
            for r in results
            if r["questions"].get(q.id, {}).get("status") not in ("not attempted", *NOT_GRADED)
        )
        facility = sum(s for s, _ in pairs) / len(pairs) if pairs else None
        r_ir = _pearson([s for s, _ in pairs], [t for _, t in pairs])
        ul = None
        k = round(GROUP * len(pairs))
        if k >= 1 and len(pairs) >= 2 * k:
            ul = ev.group_mean(pairs, k, top=True) - ev.group_mean(pairs, k, top=False)
        rows.append(
            {
                "question": q.id,
                "kind": q.kind,
                "max_points": q.points,
                "students": len(results),
                "scored": len(pairs),
                "attempted": attempted,
                "facility": facility,
                "item_rest_r": r_ir,
                "upper_lower": ul,
                "statuses": dict(sorted(statuses.items())),
                "rest_unscored": unscored,
                "flag": (
                    f"{pending} written answer(s) not scored yet: no figures until all are"
                    if pending
                    else flag(facility, r_ir, n)
                ),
            }
        )
    return rows


def flag(facility: float | None, r_ir: float | None, n: int) -> str:
    """A plain-language reason to look at a question again ("" when nothing stands out)."""
    if facility is None:
        return "no scores yet (rubric answers not scored)"
    reasons = []
    if facility > EASY:
        reasons.append(f"too easy: {facility:.0%} of the points were scored")
    elif facility < HARD:
        reasons.append(f"too hard: only {facility:.0%} of the points were scored")
    if r_ir is None:
        reasons.append("no discrimination: everyone scored the same, or too few scores")
    elif r_ir < 0:
        reasons.append(
            "negative discrimination: students who did well on the rest scored lower here "
            "(check the key for a rejected right answer)"
        )
    elif r_ir < WEAK:
        reasons.append("little discrimination: scoring here hardly follows the rest of the test")
    if n < MIN_CLASS:  # every figure, flagged or not, moves with one or two students
        reasons.append(f"indicative only: {n} graded submissions (fewer than {MIN_CLASS})")
    return "; ".join(reasons)


# ---------------------------------------------------------------------------- answers


def answer_distribution(
    questions: list[ItemQuestion], results: list[SubmissionResult]
) -> list[dict[str, Any]]:
    """Per auto-graded question, each distinct answer: count, verdict, givers' mean rest score.

    Sorted by question order, then count (most first), then the canonical text.
    """
    pool = graded(results)
    rows = []
    for q in questions:
        if q.kind != "auto":
            continue
        groups: dict[str, dict[str, Any]] = {}
        rest: dict[str, list[float]] = defaultdict(list)
        for r in pool:
            qr = r["questions"].get(q.id, {})
            g = qr.get("given")
            if not isinstance(g, dict) or "sha" not in g:
                continue
            entry = groups.setdefault(g["sha"], {**g, "count": 0})
            entry["count"] += 1
            rest[g["sha"]].append(total(r) - float(qr.get("points") or 0))
        for sha, g in groups.items():
            msg = ""
            if g.get("verdict") == "known misconception" and isinstance(g.get("wrong"), int):
                msg = g.get("message") or (q.wrong[g["wrong"]] if g["wrong"] < len(q.wrong) else "")
            rows.append(
                {
                    "question": q.id,
                    "answer": g.get("canon", ""),
                    "full": g.get("full"),
                    "sha": sha,
                    "count": g["count"],
                    "share": g["count"] / len(pool) if pool else 0.0,
                    "verdict": g.get("verdict", ""),
                    "message": msg,
                    "rest_mean": sum(rest[sha]) / len(rest[sha]),
                    "rest_sd": statistics.stdev(rest[sha]) if len(rest[sha]) > 1 else 0.0,
                }
            )
    order = {q.id: i for i, q in enumerate(questions)}
    rows.sort(key=lambda a: (order[a["question"]], -a["count"], a["answer"], a["sha"]))
    return rows


def literal(full: str | None) -> str | None:
    """A Python literal for a canonical answer (what a ``wrong()``/``accept()`` stub needs)."""
    if full is None:
        return None
    kind, _, body = full.partition(":")
    if kind == "int":
        return body
    if kind == "num":
        return body
    if kind == "bool":
        return body
    if kind == "str":
        return repr(body)
    if kind == "list":
        try:
            return repr(json.loads(body))
        except ValueError:
            return None
    return None  # tables: build the DataFrame in the key cell


def suggestions(
    questions: list[ItemQuestion],
    answers: list[dict[str, Any]],
    *,
    top: int = 10,
    n: int | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(most frequent unexplained wrong answers, accept candidates), each a list of answer rows.

    Accept candidates: answers marked wrong whose givers beat the key's answer's on the rest of
    the test by a margin, labelled strong or weak (:func:`evidence.accept_candidates`).
    """
    min_count = 2
    unexplained = [
        a for a in answers if a["verdict"] == "unexplained wrong" and a["count"] >= min_count
    ]
    unexplained.sort(key=lambda a: (-a["count"], a["question"], a["answer"]))
    rest_max = {q.id: sum(p.points for p in questions) - q.points for q in questions}
    if n is None:  # graded submissions: each answer's share is its count over them
        n = max((round(a["count"] / a["share"]) for a in answers if a["share"]), default=0)
    candidates = ev.accept_candidates(answers, rest_max, n >= MIN_CLASS)
    return unexplained[:top], candidates[:top]


def key_suggestions_md(
    set_id: str, questions: list[ItemQuestion], answers: list[dict[str, Any]], n: int
) -> str:
    """``key_suggestions.md``: ready-to-paste ``wrong(...)`` and ``accept(...)`` stubs."""
    unexplained, candidates = suggestions(questions, answers, n=n)
    lines = [
        f"# Key suggestions: {set_id}",
        "",
        f"From {n} graded submissions. Paste a stub into the set's key cell, write the message, "
        "then `trilat release` the set again.",
        "",
        "## Frequent wrong answers no `wrong()` explains",
        "",
    ]
    if not unexplained:
        lines += ["None given by two students or more.", ""]
    also = {(a["question"], a["sha"]) for a in candidates}
    number = {(a["question"], a["sha"]): i for i, a in enumerate(unexplained, 1)}
    for i, a in enumerate(unexplained, 1):
        lines += [
            f"### {i}. {a['question']}: `{_code_span(a['answer'])}` "
            f"({a['count']} students, {a['share']:.0%})",
            "",
        ]
        if (a["question"], a["sha"]) in also:
            lines += [
                "Also an `accept()` candidate below (strong students gave it): decide which "
                "it is, and paste only one of the two stubs.",
                "",
            ]
        lines += [
            "```python",
            _stub("wrong", a, "TODO: the misconception this answer reveals, and what to re-check"),
            "```",
            "",
        ]
    lines += ["## Marked wrong, but given by strong students (candidate `accept()`)", ""]
    if not candidates:
        lines += ["None.", ""]
    else:
        lines += [
            f"An answer is listed when {ev.ACCEPT_MIN} students or more gave it and their mean "
            f"score on the rest of the test beats that of the key's answer by "
            f"{ev.ACCEPT_MARGIN:.0%} of the rest's points or more. **Weak evidence** means the "
            f"gap could be chance (under {ev.ACCEPT_T:g} standard errors, fewer than "
            f"{ev.ACCEPT_STRONG} students, or a class under {MIN_CLASS}): read those answers "
            "before accepting anything.",
            "",
        ]
    for a in candidates:
        weak = a["evidence"] != "strong"
        lines += [
            f"- {'**weak evidence**: ' if weak else ''}{a['question']}: "
            f"`{_code_span(a['answer'])}` ({a['count']} students; their mean "
            f"score on the rest of the test {a['rest_mean']:.2f}, against "
            f"{a['key_rest_mean']:.2f} for the key's answer)"
            + (f"; now explained as: {a['message']}" if a["message"] else "")
            + (
                f"; also wrong answer {number[(a['question'], a['sha'])]} above: decide which"
                if (a["question"], a["sha"]) in number
                else ""
            ),
            "",
            "  ```python",
            "  " + _stub("accept", a),
            "  ```",
            "",
        ]
    return "\n".join(lines)


def _code_span(text: str) -> str:
    return text.replace("`", "'")


def _stub(kind: str, a: dict[str, Any], message: str = "") -> str:
    value = literal(a.get("full"))
    if value is None:
        return (
            f'# {kind}("{a["question"]}", <the value: {a["answer"]!r}>'
            + (f', "{message}"' if message else "")
            + ")"
        )
    return f'{kind}("{a["question"]}", {value}' + (f', "{message}"' if message else "") + ")"
