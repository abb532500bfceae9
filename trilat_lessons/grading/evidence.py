"""The statistics behind two judgements of the analytics, kept apart from the reports: which
students form the upper and lower 27 % (ties shared, so file order never matters) and how strong
the evidence is that an answer marked wrong is right (an ``accept()`` candidate)."""

from __future__ import annotations

import math
from typing import Any

ACCEPT_MIN = 3  # givers an accept() candidate needs
ACCEPT_MARGIN = 0.05  # ... and its givers' rest-of-test lead over the key's, as a share of it
ACCEPT_STRONG = 5  # "strong" evidence: this many givers or more,
ACCEPT_T = 2.0  # a lead of this many standard errors (Welch), in a class of MIN_CLASS or more


def group_mean(pairs: list[tuple[float, float]], k: int, top: bool) -> float:
    """Mean item score of the ``k`` students with the highest (``top``) or lowest rest-of-test
    score. Students tied at the cut share the places left (fractional membership: 3 tied for 1
    place count 1/3 each), so the figure never depends on the order of the files."""
    blocks: dict[float, list[float]] = {}
    for s, rest in pairs:
        blocks.setdefault(rest, []).append(s)
    left, acc = float(k), 0.0
    for rest in sorted(blocks, reverse=top):
        scores = blocks[rest]
        share = min(1.0, left / len(scores))
        acc += share * sum(scores)
        left -= share * len(scores)
        if left <= 1e-12:
            break
    return acc / k


def accept_candidates(
    answers: list[dict[str, Any]], rest_max: dict[str, float], big_class: bool
) -> list[dict[str, Any]]:
    """Answers marked wrong, given by ``ACCEPT_MIN`` students or more whose mean rest-of-test
    score beats that of the key's best-scoring answer by ``ACCEPT_MARGIN`` of the rest's points
    (``rest_max``): able students agreeing on an answer the key rejects is the sign of a right
    answer the key does not know. Each copy carries ``gap``, ``key_rest_mean`` and ``evidence``:
    "strong" when the gap is ``ACCEPT_T`` standard errors or more (Welch), with
    ``ACCEPT_STRONG`` givers or more in a ``big_class``; else "weak". Strong ones first."""
    best: dict[str, dict[str, Any]] = {}  # the key's answer whose givers did best on the rest
    for a in answers:
        if a["verdict"] in ("correct", "accepted alternative"):
            prev = best.get(a["question"])
            if prev is None or a["rest_mean"] > prev["rest_mean"]:
                best[a["question"]] = a
    candidates = []
    for a in answers:
        key = best.get(a["question"])
        if (
            a["verdict"] not in ("unexplained wrong", "known misconception")
            or a["count"] < ACCEPT_MIN
            or key is None
        ):
            continue
        gap = a["rest_mean"] - key["rest_mean"]
        if gap < ACCEPT_MARGIN * rest_max.get(a["question"], 0.0) - 1e-9:
            continue
        se = math.sqrt(
            a.get("rest_sd", 0.0) ** 2 / a["count"] + key.get("rest_sd", 0.0) ** 2 / key["count"]
        )
        t = gap / se if se > 0 else math.inf
        strong = t >= ACCEPT_T and a["count"] >= ACCEPT_STRONG and big_class
        candidates.append({**a, "gap": gap, "key_rest_mean": key["rest_mean"],
                           "evidence": "strong" if strong else "weak"})  # fmt: skip
    candidates.sort(
        key=lambda a: (a["evidence"] != "strong", -a["gap"], -a["count"], a["question"],
                       a["answer"])
    )  # fmt: skip
    return candidates
