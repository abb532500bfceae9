"""The canonical answer record of one question (:func:`given`): what the student gave, in the
key's canonical form, and its verdict. Recorded while judging (``scoring``), read by the
instructor's analytics (``analytics``): it lives only in instructor outputs, never in feedback."""

from __future__ import annotations

from typing import Any

from ..judge import Exported, KeyQuestion, canonical, digest, unseal
from .writing import short_sha

CANON_MAX = 120  # characters of a canonical answer kept in reports
VERDICTS = ("correct", "accepted alternative", "known misconception", "unexplained wrong")


def truncate(text: str, limit: int = CANON_MAX) -> str:
    """One line of at most ``limit`` characters (newlines shown as " | ", cut with "…")."""
    one = " | ".join(text.split("\n"))
    one = "".join(ch if ch.isprintable() else "\ufffd" for ch in one)
    return one if len(one) <= limit else one[: limit - 1] + "…"


def given(set_id: str, entry: KeyQuestion, exported: Exported) -> dict[str, Any] | None:
    """The canonical form and verdict of one exported answer (None when not attempted).

    ``verdict`` is one of :data:`VERDICTS` or ``malformed`` (the answer never reached the key:
    wrong type or shape); ``wrong`` is the index of the matching ``wrong()`` message.
    """
    status, result = canonical(entry, exported)
    if status != "ok":
        if result.status == "not attempted":
            return None
        text = f"[{result.message}]"
        return {"canon": truncate(text), "sha": short_sha(text), "verdict": "malformed"}
    text = str(result)
    out: dict[str, Any] = {"canon": truncate(text), "sha": short_sha(text)}
    if entry["expect"]["type"] == "chart":
        out["verdict"] = "correct"
        return out
    if len(text) <= 4000:  # the full canonical text, to write a wrong()/accept() stub from
        out["full"] = text
    d = digest(set_id, entry["id"], text)
    answers = entry.get("answers", [])
    if answers and d == answers[0]:
        out["verdict"] = "correct"
    elif d in answers:
        out["verdict"] = "accepted alternative"
    else:
        out["verdict"] = "unexplained wrong"
        for i, w in enumerate(entry.get("wrong", [])):
            if w["digest"] == d:
                # the key stores each message sealed with its own wrong answer: open it here
                msg = unseal(set_id, entry["id"], text, w["sealed"]) if "sealed" in w else ""
                out.update(
                    verdict="known misconception", wrong=i, message=msg or w.get("message", "")
                )
                break
    return out
