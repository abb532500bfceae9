"""``run.json``: what reports need of a run without the source (the set, its questions, the run's
fingerprint and shard, the hash of every submission id found), and a report-writing stand-in for
the grader rebuilt from it (for ``trilat grade merge``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

RUN_FILE = "run.json"


@dataclass
class MetaQuestion:
    """A question as reports need it (the shape of :class:`.source.SourceQuestion` they read)."""

    id: str
    kind: str
    points: float
    variable: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    wrong: list[str] = field(default_factory=list)


@dataclass
class MetaSource:
    """What reports read of a source, rebuilt from ``run.json``."""

    set_id: str
    title: str
    questions: dict[str, MetaQuestion]


@dataclass
class MetaGrader:
    """Stands in for :class:`.prepare.Grader` when reports are written from merged parts."""

    source: MetaSource
    fingerprint: str


def submissions_hash(keys: list[str]) -> str:
    """SHA-256 of the sorted ids of every submission found (the whole folder, before sharding):
    parts with different hashes were cut from different folders, and would miss students."""
    return hashlib.sha256("\n".join(sorted(keys)).encode("utf-8")).hexdigest()


def run_meta(
    grader: Any, shard: tuple[int, int] | None, everyone: list[str] | None = None
) -> dict[str, Any]:
    """``run.json``: the set, its questions (points, kind, wrong() messages), the run's
    fingerprint and shard, and the hash and count of every submission id found (``everyone``,
    before sharding), so parts can be merged and analysed without the source."""
    wrong = {
        q["id"]: [w.get("message", "") for w in q.get("wrong", [])] for q in grader.key["questions"]
    }
    return {
        "format": 1,
        "set": grader.source.set_id,
        "title": grader.source.title,
        "fingerprint": grader.fingerprint,
        "shard": list(shard) if shard else None,
        "submissions": None if everyone is None else len(everyone),
        "submissions_sha256": None if everyone is None else submissions_hash(everyone),
        "questions": [
            {
                "id": q.id,
                "kind": q.kind,
                "points": q.points,
                "variable": q.variable or "",
                "rubric": str(q.meta.get("rubric", "")),
                "wrong": wrong.get(q.id, []),
            }
            for q in grader.source.questions.values()
        ],
    }


def grader_from_meta(meta: dict[str, Any]) -> MetaGrader:
    """A report-writing stand-in for the grader, from ``run.json``."""
    qs = {
        q["id"]: MetaQuestion(
            q["id"],
            q["kind"],
            float(q["points"]),
            q.get("variable", ""),
            {"rubric": q.get("rubric", "")},
            list(q.get("wrong", [])),
        )
        for q in meta["questions"]
    }
    return MetaGrader(MetaSource(meta["set"], meta["title"], qs), meta["fingerprint"])
