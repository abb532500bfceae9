"""A synthetic class of result records (no kernels): what the analytics tests and the report's
browser test compute on. Verdicts come from the real ``analytics.given`` on exported answers
judged against a small key, so the records have the shape ``trilat grade`` writes."""

from __future__ import annotations

import random
from typing import Any

from trilat_lessons.grading.answers import given
from trilat_lessons.judge import digest

SET = "01_demo"
PLANTED_WRONG = 1234
PLANTED_ALT = "Seoul summit"
MISCONCEPTION = "You counted vice-ministerial meetings too."


def _d(qid: str, canon: str) -> str:
    return digest(SET, qid, canon)


KEY = {
    "q1": {
        "id": "q1",
        "variable": "q1_answer",
        "points": 2.0,
        "expect": {"type": "int"},
        "answers": [_d("q1", "int:4")],
        "wrong": [{"digest": _d("q1", "int:0"), "message": MISCONCEPTION}],
        "right": 4,
        "wrongs": [0, 0, 5, 6, "four"],
    },
    "q2": {
        "id": "q2",
        "variable": "q2_answer",
        "points": 1.0,
        "expect": {"type": "str"},
        "answers": [_d("q2", "str:t10"), _d("q2", "str:t 10")],
        "wrong": [],
        "right": "T10",
        "alt": "T 10",
        "wrongs": ["T27", "T11", 10],
    },
    "q3": {
        "id": "q3",
        "variable": "q3_answer",
        "points": 1.0,
        "expect": {"type": "int"},
        "answers": [_d("q3", "int:7")],
        "wrong": [],
        "right": 7,
        "wrongs": [8, 6, "=HYPERLINK(1)"],
    },
}
META = {
    "format": 1,
    "set": SET,
    "title": "Demo",
    "fingerprint": "f" * 64,
    "shard": None,
    "questions": [
        {"id": "q1", "kind": "auto", "points": 2.0, "variable": "q1_answer",
         "rubric": "", "wrong": [MISCONCEPTION]},
        {"id": "q2", "kind": "auto", "points": 1.0, "variable": "q2_answer", "rubric": "",
         "wrong": []},
        {"id": "q3", "kind": "auto", "points": 1.0, "variable": "q3_answer", "rubric": "",
         "wrong": []},
        {"id": "q4", "kind": "manual", "points": 2.0, "variable": "q4_answer",
         "rubric": "names both framings", "wrong": []},
    ],
}  # fmt: skip


def exported(value: Any) -> dict[str, Any]:
    """The exported JSON of a plain value (what the kernel channel carries)."""
    if value is None:
        return {"type": "placeholder"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": value}
    return {"type": "str", "value": str(value)}


def _question(qid: str, value: Any) -> dict[str, Any]:
    entry = KEY[qid]
    g = given(SET, entry, exported(value))
    res: dict[str, Any] = {"max": entry["points"], "points": 0.0}
    if g is None:
        res.update(status="not attempted", message="")
        return res
    res["given"] = g
    if g["verdict"] in ("correct", "accepted alternative"):
        res.update(status="correct", points=entry["points"], message="")
    elif g["verdict"] == "malformed":
        res.update(status="malformed", message=g["canon"])
    else:
        res.update(status="incorrect", message="Not the expected answer yet.")
    return res


def synthetic_class(
    n: int = 200, seed: int = 1, *, plant: bool = True, names: list[str] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``(run metadata, results)`` of ``n`` students of varied ability; with ``plant``, 30 %
    give q1 = 1234 (unexplained) and half of the strongest give q2 = "Seoul summit"."""
    rng = random.Random(seed)
    results = []
    for i in range(n):
        ability = rng.uniform(0.3, 0.97)
        misled = plant and rng.random() < 0.30
        answers: dict[str, Any] = {}
        for qid, entry in KEY.items():
            r = rng.random()
            if r < ability:
                alt = "alt" in entry and rng.random() < 0.15  # an accept()-ed spelling
                answers[qid] = entry["alt"] if alt else entry["right"]
            elif rng.random() < 0.5:
                answers[qid] = rng.choice(entry["wrongs"])
            else:
                answers[qid] = None
        if misled:
            answers["q1"] = PLANTED_WRONG
        if plant and answers["q2"] == "T10" and ability > 0.75 and rng.random() < 0.5:
            answers["q2"] = PLANTED_ALT
        student = names[i] if names else f"Student {i:03d}"
        qs = {qid: _question(qid, v) for qid, v in answers.items()}
        written = rng.random() < 0.8
        qs["q4"] = {
            "max": 2.0,
            "points": float(round(2 * ability)) if written else 0.0,
            "status": "manual" if written else "not attempted",
            "message": "",
            "answer": "text" if written else "",
        }
        status = "ok"
        if i % 97 == 5:
            status = "timeout"
        results.append({"student": student, "status": status, "questions": qs, "notes": []})
    return META, results
