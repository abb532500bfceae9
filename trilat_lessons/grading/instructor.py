"""Run the instructor's own code in the grader's process: solutions, key cells, hidden checks.

This is trusted code. Running it here (not in a kernel) gives, in well under a second once the
data is loaded: the solution's exported answers (hashed into the public key), the ``wrong()``/
``accept()`` records, and the hidden checks, which ``trilat grade`` then applies to students'
exported answers. Instructor code cells must therefore be plain Python (no ``%magics``).
"""

from __future__ import annotations

import contextlib
import io
import traceback
from dataclasses import dataclass, field
from typing import Any

from ..exercises.authoring import chart_table, collecting
from ..judge import (
    MISSING,
    AuthorRecord,
    ChartData,
    Expect,
    Exported,
    HiddenCheck,
    Key,
    KeyQuestion,
    Outcome,
    WrongAnswer,
    canonical,
    data_summary,
    decode,
    digest,
    dtype_kind,
    evaluate,
    export_value,
    norm_text,
    outside_choices,
    parse_channel,
    seal,
)
from .source import Source, SourceError


@dataclass
class InstructorRun:
    """What running the instructor source produced."""

    exports: dict[str, Exported]
    records: list[AuthorRecord]
    hidden: list[HiddenCheck]
    namespace: dict[str, Any] = field(repr=False, default_factory=dict)

    def hidden_for(self, qid: str) -> list[HiddenCheck]:
        """Hidden checks of one question, in source order."""
        return [h for h in self.hidden if h.question == qid]


def _exec(source: Source, cell_index: int, code: str, ns: dict[str, Any]) -> None:
    cell = source.cells[cell_index]
    try:
        exec(compile(code, f"<{source.set_id} cell {cell_index + 1} ({cell.id})>", "exec"), ns)
    except Exception:
        tb = traceback.format_exc(limit=-3)
        raise SourceError(
            f"{source.path}: cell {cell_index + 1} ({cell.id}, role {cell.role}) raised:\n{tb}"
        ) from None


def run_instructor(source: Source) -> InstructorRun:
    """Execute setup, solution and key cells, then collect hidden checks (stdout discarded)."""
    ns: dict[str, Any] = {"__name__": "__main__", "display": lambda *a, **k: None}
    last_cell = {q.cells[-1]: q for q in source.questions.values() if q.kind == "auto"}
    exports: dict[str, Exported] = {}
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        with collecting() as declared:  # wrong()/accept()/variant() of the key cells
            for cell in source.cells:
                if cell.role in ("setup", "answer", "key"):
                    _exec(source, cell.index, cell.source, ns)
                q = last_cell.get(cell.id)
                if q is not None:
                    exports[q.id] = export_value(ns.get(q.variable, MISSING))
        with collecting() as checks:  # hidden() of the hidden cells
            for cell in source.cells:
                if cell.role == "hidden":
                    _exec(source, cell.index, cell.source, ns)
    records, collected = declared.records, checks.hidden
    for h in collected:
        if h.question not in source.questions:
            raise SourceError(f"a hidden check names {h.question!r}, which is not a question")
    return InstructorRun(exports, records, collected, ns)


def _expect(source: Source, qid: str, solution: Exported) -> Expect:
    q = source.questions[qid]
    m = q.meta
    etype = m["expect"] if isinstance(m["expect"], str) else m["expect"]["type"]
    spec: Expect = {"type": etype}
    if etype == "float":
        spec["decimals"] = int(m.get("decimals", 2))
    elif etype == "str" and m.get("choices"):
        spec["choices"] = [str(c) for c in m["choices"]]
    elif etype == "list":
        items = solution.get("items", [])
        inferred = items[0].get("type", "str") if items else "str"
        spec["items"] = m.get("items", inferred)
        spec["ordered"] = bool(m.get("ordered", False))
        spec["decimals"] = int(m.get("decimals", 2))
        if m.get("reveal_length"):
            spec["length"] = len(items)
    elif etype == "DataFrame":
        if solution.get("type") != "DataFrame":
            raise SourceError(
                f"{qid} expects a DataFrame but the solution gives {solution.get('type')}"
            )
        data = solution.get("data", [])
        spec["columns"] = [
            {"name": c, "kind": dtype_kind(d, [r[i] for r in data])}
            for i, (c, d) in enumerate(zip(solution["columns"], solution["dtypes"], strict=True))
        ]
        spec["rows"] = len(data)
        spec["ordered"] = bool(m.get("ordered", False))
        spec["decimals"] = int(m.get("decimals", 2))
        spec["reveal_rows"] = bool(m.get("reveal_rows", True))
        if m.get("rows_hint"):
            spec["rows_hint"] = str(m["rows_hint"])
    elif etype == "chart":
        chart = m["chart"]
        spec["mark"] = chart.get("mark")
        spec["encoding"] = {ch: parse_channel(v) for ch, v in (chart.get("encoding") or {}).items()}
        spec["title"] = bool(chart.get("title", True))
        spec["description"] = bool(chart.get("description", True))
        if isinstance(chart.get("data"), dict):
            spec["data"] = _chart_data_expectation(qid, chart["data"], solution)
    return spec


def _chart_data_expectation(qid: str, meta: dict[str, Any], solution: Exported) -> ChartData:
    """What check() compares of a chart's table: the solution's row count and, for the fields
    the author names, digests of their values (so a filtered table or a reversed sign shows)."""
    table = chart_table(solution.get("spec") or {})
    fields = [str(f) for f in meta.get("fields", [])]
    missing = [f for f in fields if f not in table.columns]
    if not len(table) or missing:
        raise SourceError(f"{qid}: the solution chart's table lacks {missing or 'rows'}")
    out = data_summary(table, fields)
    out["rows_message"] = str(meta.get("rows_message", ""))
    out["message"] = str(meta.get("message", ""))
    return out


@dataclass
class _Wrong:
    """A known wrong answer while the key is built: its digest, message(s) and canonical text."""

    digest: str
    message: str
    canon: str


# joins the messages of wrong() calls that give the same answer (the wording the sets use when
# they join messages themselves)
WRONG_JOIN = " Another common slip: "


def _choice_problems(entry: KeyQuestion, solution_canon: str) -> list[str]:
    """A ``str`` question's choices must stay distinct once normalised, and hold the solution."""
    choices = entry["expect"].get("choices")
    if not choices:
        return []
    problems = []
    seen: dict[str, str] = {}
    for c in choices:
        n = norm_text(c)
        if not n:
            problems.append(f"{entry['id']}: the choice {c!r} is empty once normalised")
        elif n in seen:
            problems.append(
                f"{entry['id']}: the choices {seen[n]!r} and {c!r} are the same answer once "
                "case, accents, punctuation and spacing are ignored"
            )
        seen.setdefault(n, c)
    if outside_choices(entry, solution_canon) is not None:
        problems.append(f"{entry['id']}: the solution is not one of the choices {choices}")
    return problems


def _malformed_record(entry: KeyQuestion, rec: AuthorRecord, why: str) -> str:
    """The release error for a wrong()/accept() value that is not a well-formed answer."""
    text = f"{entry['id']}: a {rec.kind}() value is not a well-formed answer: {why}"
    if entry["expect"]["type"] == "DataFrame":
        text += (
            f" ({rec.kind}() tables must keep the expected shape: the same columns, kinds and "
            "row count; explain mistakes that change the row count with the rows_hint metadata)"
        )
    return text


def build_key(source: Source, run: InstructorRun) -> Key:
    """The public key of a set: structure and salted digests, never values."""
    problems: list[str] = []
    questions: list[KeyQuestion] = []
    for qid, q in source.questions.items():
        entry: KeyQuestion = {"id": qid, "kind": q.kind, "points": q.points}
        if q.meta.get("title"):
            entry["title"] = str(q.meta["title"])
        if q.kind == "manual":
            entry["rubric"] = str(q.meta.get("rubric", ""))
            entry["variable"] = q.variable
            questions.append(entry)
            continue
        solution: Exported = run.exports.get(qid, {"type": "missing"})
        entry["variable"] = q.variable
        try:
            entry["expect"] = _expect(source, qid, solution)
        except SourceError as exc:
            problems.append(str(exc))
            continue
        if q.meta.get("hint"):
            entry["hint"] = str(q.meta["hint"])
        if q.meta.get("recheck"):  # the fallback message names what to re-check
            entry["recheck"] = str(q.meta["recheck"])
        entry["hidden"] = len(run.hidden_for(qid))
        entry["public_weight"] = float(q.meta.get("public_weight", 1))
        answers: list[str] = []
        status, canon = canonical(entry, solution)
        if status != "ok":
            problems.append(f"{qid}: the solution fails its own public checks: {canon.message}")
            continue
        problems += _choice_problems(entry, canon)
        if entry["expect"]["type"] != "chart":
            answers.append(digest(source.set_id, qid, canon))
        wrongs: list[_Wrong] = []
        # accept() first, wherever it stands: a wrong() value that equals any accepted answer is
        # an author's mistake, whatever the order of the calls
        records = [r for r in run.records if r.question == qid and r.kind != "variant"]
        records.sort(key=lambda r: r.kind != "accept")
        for rec in records:
            st, c = canonical(entry, rec.value)
            if st != "ok":
                problems.append(_malformed_record(entry, rec, c.message))
                continue
            d = digest(source.set_id, qid, c)
            if rec.kind == "accept":
                if d not in answers:
                    answers.append(d)
                continue
            message = str(rec.message)
            same = next((w for w in wrongs if w.digest == d), None)
            if d in answers:
                problems.append(f"{qid}: wrong() value {message!r} equals the right answer")
            elif same is None:
                wrongs.append(_Wrong(d, message, c))
            elif message not in same.message.split(WRONG_JOIN):
                # two mistakes that give the same answer: the student sees both explanations
                same.message += WRONG_JOIN + message
        entry["answers"] = answers
        # sealed: only the wrong answer itself opens its message (see judge.seal)
        entry["wrong"] = [
            WrongAnswer(digest=w.digest, sealed=seal(source.set_id, qid, w.canon, w.message))
            for w in wrongs
        ]
        questions.append(entry)
    for rec in run.records:
        if rec.question not in source.questions:
            problems.append(f"{rec.kind}() names {rec.question!r}, which is not a question")
    if problems:
        raise SourceError(
            f"{source.path}: cannot build the key:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    key: Key = {
        "format": 1,
        "set": source.set_id,
        "title": source.title,
        "source_fingerprint": source.fingerprint,
        "questions": questions,
    }
    # The solution must score full marks on its own key and hidden checks.
    failures = []
    for entry in questions:
        if entry["kind"] == "manual":
            continue
        sol = run.exports[entry["id"]]
        outcome: Outcome = evaluate(source.set_id, entry, sol)
        if not outcome.passed:
            failures.append(f"{entry['id']}: public checks fail on the solution: {outcome.message}")
        value = decode(sol)
        for h in run.hidden_for(entry["id"]):
            if not h.run(value):
                failures.append(
                    f"{entry['id']}: hidden check {h.description!r} fails on the solution"
                )
        # variant() answers: other correct ways the author foresaw; both kinds of check must pass
        variants = [r for r in run.records if r.kind == "variant" and r.question == entry["id"]]
        for n, rec in enumerate(variants, 1):
            outcome = evaluate(source.set_id, entry, rec.value)
            if not outcome.passed:
                failures.append(
                    f"{entry['id']}: public checks fail on variant {n}: {outcome.message}"
                )
            value = decode(rec.value)
            for h in run.hidden_for(entry["id"]):
                if not h.run(value):
                    failures.append(
                        f"{entry['id']}: hidden check {h.description!r} fails on variant {n} "
                        "(check() gives it ✅: state the requirement, or relax the check)"
                    )
    if failures:
        raise SourceError(
            f"{source.path}: the solution does not score full marks:\n"
            + "\n".join(f"  - {f}" for f in failures)
        )
    return key
