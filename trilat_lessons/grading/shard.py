"""Very large cohorts: grade a deterministic 1/N of the submissions per machine, then merge.

``trilat grade SRC SUBS --out part3 --shard 3/4`` grades the submissions whose stable student id
hashes to shard 3 of 4; ``trilat grade merge part1 part2 part3 part4 --out OUT`` checks that the
parts come from the same source, key and limits and cover every shard once, gathers their results
and writes every report as one unsharded run would (byte-identical ``grades.csv``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RUN_FILE = "run.json"


class MergeError(ValueError):
    """Parts that cannot be merged (another set or key, a shard missing or given twice)."""


def parse_shard(text: str) -> tuple[int, int]:
    """``"3/4"`` -> ``(3, 4)``; raises ``ValueError`` unless 1 <= K <= N."""
    k_text, sep, n_text = text.partition("/")
    try:
        k, n = int(k_text), int(n_text)
    except ValueError:
        k = n = 0
    if not sep or not 1 <= k <= n:
        raise ValueError(f"--shard wants K/N with 1 <= K <= N (e.g. 2/8), not {text!r}")
    return k, n


def shard_of(student_key: str, n: int) -> int:
    """The shard (1..n) of a submission: SHA-256 of its stable id, so every machine agrees."""
    h = int.from_bytes(hashlib.sha256(student_key.encode("utf-8")).digest()[:8], "big")
    return h % n + 1


# ---------------------------------------------------------------------------- run metadata


@dataclass
class MetaQuestion:
    """A question as reports need it (the shape of ``source.Question`` they read)."""

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
    """Stands in for ``grade.Grader`` when reports are written from merged parts."""

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


def read_meta(part: Path) -> dict[str, Any]:
    """``part/run.json``, or ``MergeError``."""
    try:
        meta = json.loads((part / RUN_FILE).read_text(encoding="utf-8"))
        meta["set"], meta["fingerprint"], meta["questions"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MergeError(f"{part} is not a graded part (no usable {RUN_FILE}: {exc})") from None
    return meta


def gather(parts: list[Path], out: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Check the parts, copy their results and rebuilt notebooks into ``out``; returns the
    common run metadata and every result by student id, sorted."""
    metas = [read_meta(p) for p in parts]
    first = metas[0]
    for p, m in zip(parts, metas, strict=True):
        if m["set"] != first["set"] or m["fingerprint"] != first["fingerprint"]:
            raise MergeError(
                f"{p} was graded from another source, key or limits than {parts[0]} "
                "(every part must use the same source and options)"
            )
    for p, m in zip(parts, metas, strict=True):
        if m.get("submissions_sha256") != first.get("submissions_sha256"):
            raise MergeError(
                f"{p} was cut from another submissions folder than {parts[0]} "
                f"({m.get('submissions')} vs {first.get('submissions')} submissions found, or "
                "other names): the folder changed between parts, so students could be missed; "
                "grade every part again from the same folder"
            )
    shards = [tuple(m["shard"]) if m.get("shard") else None for m in metas]
    if None in shards:
        if len(parts) > 1:
            raise MergeError("an unsharded run cannot be merged with other parts")
    else:
        n = shards[0][1]  # type: ignore[index]
        if any(s[1] != n for s in shards):  # type: ignore[index]
            raise MergeError(f"the parts were cut into different numbers of shards: {shards}")
        got = sorted(s[0] for s in shards)  # type: ignore[index]
        twice = sorted({k for k in got if got.count(k) > 1})
        missing = sorted(set(range(1, n + 1)) - set(got))
        if twice or missing:
            raise MergeError(
                f"shards of {n}: "
                + (f"missing {missing}" if missing else "")
                + ("; " if missing and twice else "")
                + (f"given twice {twice}" if twice else "")
            )
    (out / "results").mkdir(parents=True, exist_ok=True)
    (out / "rebuilt").mkdir(exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    for p in parts:
        for f in sorted((p / "results").glob("*.json")):
            if f.stem in results:
                raise MergeError(f"{f.stem} was graded in two parts")
            try:
                results[f.stem] = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise MergeError(f"cannot read {f}: {exc}") from None
            if (p / "results").resolve() != (out / "results").resolve():
                shutil.copyfile(f, out / "results" / f.name)
            nb = p / "rebuilt" / f"{f.stem}.ipynb"
            if nb.is_file() and (p / "rebuilt").resolve() != (out / "rebuilt").resolve():
                shutil.copyfile(nb, out / "rebuilt" / nb.name)
    _combine_manual_sheets(parts, out)
    meta = {**first, "shard": None}
    return meta, {k: results[k] for k in sorted(results)}


def _combine_manual_sheets(parts: list[Path], out: Path) -> None:
    """Scores typed into the parts' ``manual_grading.csv`` carry over (unless OUT has one)."""
    target = out / "manual_grading.csv"
    if target.exists():
        return
    header: list[str] | None = None
    rows: list[list[str]] = []
    for p in parts:
        sheet = p / "manual_grading.csv"
        if not sheet.is_file():
            continue
        csv.field_size_limit(2**31 - 1)  # a written answer may exceed the default 131,072
        with sheet.open(encoding="utf-8", newline="") as f:
            got = list(csv.reader(f))
        if got:
            header = header or got[0]
            rows += got[1:]
    if header is not None:
        with target.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows([header, *rows])


def merge(parts: list[str | Path], out: str | Path, options: Any = None) -> list[str]:
    """Merge graded parts into ``out`` and write every report; returns notes to print."""
    from .grade import GradeOptions, finish

    out = Path(out)
    meta, by_key = gather([Path(p) for p in parts], out)
    names = {r["student"]: k for k, r in by_key.items()}
    options = options or GradeOptions()
    return finish(grader_from_meta(meta), list(by_key.values()), out, names, options, meta)
