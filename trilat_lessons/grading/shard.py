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
from pathlib import Path
from typing import Any

from .results import SubmissionResult
from .runmeta import RUN_FILE, grader_from_meta, run_meta, submissions_hash

__all__ = ["RUN_FILE", "MergeError", "gather", "merge", "parse_shard", "run_meta", "shard_of",
           "submissions_hash"]  # fmt: skip


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


def read_meta(part: Path) -> dict[str, Any]:
    """``part/run.json``, or ``MergeError``."""
    try:
        meta = json.loads((part / RUN_FILE).read_text(encoding="utf-8"))
        meta["set"], meta["fingerprint"], meta["questions"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MergeError(f"{part} is not a graded part (no usable {RUN_FILE}: {exc})") from None
    return meta


def _record_problem(record: object) -> str:
    """What is wrong with the shape of a result record read from a part ("" when nothing): the
    files are the parts' own output, but a merge reads them from disk, so they are checked."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not an object"
    if not isinstance(record.get("student"), str) or not record["student"]:
        return "no student"
    if not isinstance(record.get("status"), str):
        return "no status"
    questions = record.get("questions")
    if not isinstance(questions, dict) or not all(
        isinstance(k, str) and isinstance(v, dict) for k, v in questions.items()
    ):
        return "no per-question results"
    return ""


def gather(parts: list[Path], out: Path) -> tuple[dict[str, Any], dict[str, SubmissionResult]]:
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
    results: dict[str, SubmissionResult] = {}
    copies: list[tuple[Path, Path]] = []
    for p, m in zip(parts, metas, strict=True):
        for f in _part_results(p, m):
            if f.stem in results:
                raise MergeError(f"{f.stem} was graded in two parts")
            try:
                record = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError, RecursionError) as exc:
                raise MergeError(f"cannot read {f}: {exc}") from None
            if problem := _record_problem(record):
                raise MergeError(f"{f} is not a result record ({problem}): grade that part again")
            results[f.stem] = record
            if (p / "results").resolve() != (out / "results").resolve():
                copies.append((f, out / "results" / f.name))
            nb = p / "rebuilt" / f"{f.stem}.ipynb"
            if nb.is_file() and (p / "rebuilt").resolve() != (out / "rebuilt").resolve():
                copies.append((nb, out / "rebuilt" / nb.name))
    for src, dst in copies:  # only once every part's records have been read and checked
        shutil.copyfile(src, dst)
    expected = first.get("submissions")
    if expected is not None and len(results) != expected:
        raise MergeError(
            f"the parts hold {len(results)} result(s) but the submissions folder had {expected}"
            " submission(s): grade every part again from the same folder"
        )
    _combine_manual_sheets(parts, out)
    meta = {**first, "shard": None}
    return meta, {k: results[k] for k in sorted(results)}


def _part_results(part: Path, meta: dict[str, Any]) -> list[Path]:
    """The result files a part graded from the current folder: the ids its
    ``results/graded.txt`` lists (older parts: those of its own shard), never a stale result of
    a submission since removed or a stray file; a listed id without its result is refused."""
    from .finish import GRADED_FILE

    found = {f.stem: f for f in (part / "results").glob("*.json")}
    try:
        graded = (part / GRADED_FILE).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        shard = meta.get("shard")
        if shard:
            return [found[k] for k in sorted(found) if shard_of(k, int(shard[1])) == shard[0]]
        return [found[k] for k in sorted(found)]
    except (OSError, ValueError) as exc:
        raise MergeError(f"cannot read {part / GRADED_FILE}: {exc}") from None
    missing = sorted(k for k in graded if k not in found)
    if missing:
        raise MergeError(
            f"{part} graded {len(missing)} submission(s) whose result is missing "
            f"(e.g. {missing[0]}.json): grade that part again"
        )
    if meta.get("shard"):
        k, n = meta["shard"]
        foreign = [g for g in graded if shard_of(g, int(n)) != k]
        if foreign:
            raise MergeError(f"{part} lists {foreign[0]}, which belongs to another shard")
    return [found[k] for k in sorted(graded)]


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
    from .finish import finish
    from .options import GradeOptions

    out = Path(out)
    meta, by_key = gather([Path(p) for p in parts], out)
    names = {r["student"]: k for k, r in by_key.items()}
    options = options or GradeOptions()
    return finish(grader_from_meta(meta), list(by_key.values()), out, names, options, meta)
