"""Pure parts of the grading benchmark: answer sets, and the same assignment in two formats.

Nothing here runs nbgrader or a kernel, so ``tests/test_benchmarks_smoke.py`` can exercise it:

- ``answer_sets(source, n)``: ``n`` synthetic students (correct, partly wrong, blank, slow), each
  a mapping ``answer cell id -> cell text`` (a missing id means "left as released");
- ``trilat_submission(source, answers)``: one student's notebook in our format (the release with
  the answer cells filled in);
- ``nbgrader_source(source)``: the instructor source converted to an nbgrader source notebook
  (solution cells, autograded test cells worth the same points as our public and hidden checks,
  the rubric question as a manually graded answer);
- ``nbgrader_submission(template, answers)``: one student's notebook in nbgrader's format (the
  nbgrader release, or in the smoke test the nbgrader source, with the solution cells filled in).

Scores agree by construction where they should: nbgrader's visible test cell of ``qN`` asserts
that ``check("qN", answer=qN_answer)`` passes (the same public checks trilat runs), and each
hidden check of the source becomes a hidden test cell that, like ``trilat grade`` (docs/grading.md,
"Scoring"), earns its ``points x weight / total weight`` only on top of passing public checks, and
judges the answer's export.
"""

from __future__ import annotations

import ast
import copy
import random
import re
from pathlib import Path
from typing import Any

from trilat_lessons.grading.release import student_notebook
from trilat_lessons.grading.source import BEGIN, END, Source, load_source

SLOW_SECONDS = 1.5  # the sleep in a slow student's answer cell
# profile -> number of students out of 40 (scaled for other n)
PROFILES = {"correct": 12, "partly wrong": 14, "blank": 6, "slow": 8}
HIDDEN_DECORATOR = re.compile(r"^(\s*)@hidden\(", re.MULTILINE)


def solution_code(text: str) -> str:
    """A source cell's text with the solution markers removed (the solution in place)."""
    return "\n".join(
        line for line in text.split("\n") if not BEGIN.match(line) and not END.match(line)
    )


# ---------------------------------------------------------------------------- answer sets

WRONG_LINE = {
    "int": "{v} = {v} + 1",
    "float": "{v} = {v} * 2 + 1",
    "str": '{v} = {v} + " (or so)"',
    "bool": "{v} = not {v}",
    "list": "{v} = list({v})[:-1]",
    "DataFrame": "{v} = {v}.head(1)",
    # wrong mark, all the data: public check fails, a hidden check on the data passes
    "chart": "{v} = {v}.mark_line()",
}
# passes the public (structural) checks, fails a hidden check on the data
PARTIAL_LINE = {"chart": "{v}.data = {v}.data.head(5)"}
MALFORMED = {"list": "{v} = 5"}  # default: a list where a scalar/table/chart is expected
BAD_WEIGHTS = {"wrong": 4, "partial": 3, "malformed": 2, "error": 1}  # how often, when not right


def _variants(source: Source, cell_id: str) -> dict[str, str]:
    """Every way a synthetic student may answer one code answer cell."""
    cell = source.cell(cell_id)
    q = source.questions[str(cell.meta["question"])]
    code = solution_code(cell.source).rstrip("\n")
    last = q.cells[-1] == cell_id  # mutations go after the question's last answer cell
    expect = q.meta.get("expect")
    kind = expect.get("type") if isinstance(expect, dict) else expect
    v = q.variable
    out = {"correct": code, "slow": f"import time\n\ntime.sleep({SLOW_SECONDS})\n{code}"}
    if last:
        out["wrong"] = code + "\n" + WRONG_LINE[str(kind)].format(v=v)
        out["malformed"] = MALFORMED.get(str(kind), "{v} = [1, 2]").format(v=v)
        out["error"] = f"{v} = undefined_name_in_answer"
        if kind in PARTIAL_LINE:
            out["partial"] = code + "\n" + PARTIAL_LINE[kind].format(v=v)
    return out


def _profiles(n: int, rng: random.Random) -> list[str]:
    total = sum(PROFILES.values())
    names: list[str] = []
    for name, k in PROFILES.items():
        names += [name] * max(1, round(k * n / total))
    names = names[:n] + ["partly wrong"] * max(0, n - len(names))
    rng.shuffle(names)
    return names


def answer_sets(source: Source, n: int = 40, seed: int = 7) -> dict[str, dict[str, Any]]:
    """``n`` synthetic students: ``{student: {"profile", "answers": {cell id: text}, "variants"}}``.

    correct: every answer is the solution. partly wrong: each question is right (50 %), wrong,
    malformed, raising, passing only its public or only its hidden checks, or blank. blank: the
    release untouched. slow: like correct, but one answer cell first sleeps ``SLOW_SECONDS``.
    Written answers: a model answer for correct/slow students, a short text or nothing otherwise.
    """
    rng = random.Random(seed)
    code_cells = [c.id for c in source.cells if c.role == "answer"]
    rubric_cells = [c.id for c in source.cells if c.role == "rubric-answer"]
    students: dict[str, dict[str, Any]] = {}
    for i, profile in enumerate(_profiles(n, rng)):
        answers: dict[str, str] = {}
        chosen: dict[str, str] = {}  # cell id -> name of the variant (for reports)
        slow_cell = rng.choice(code_cells) if profile == "slow" else None
        for cid in code_cells:
            options = _variants(source, cid)
            if profile == "blank":
                continue
            if profile in ("correct", "slow"):
                name = "slow" if cid == slow_cell else "correct"
            else:
                x = rng.random()
                bad = sorted(k for k in options if k not in ("correct", "slow"))
                if x < 0.5 or (x < 0.85 and not bad):
                    name = "correct"
                elif x < 0.85:
                    name = rng.choices(bad, [BAD_WEIGHTS[k] for k in bad])[0]
                else:
                    continue  # left blank
            answers[cid] = options[name]
            chosen[cid] = name
        for cid in rubric_cells:
            if profile in ("correct", "slow"):
                answers[cid] = solution_code(source.cell(cid).source).strip()
                chosen[cid] = "model answer"
            elif profile == "partly wrong" and rng.random() < 0.7:
                answers[cid] = f"Student {i} writes that the two sources count differently."
                chosen[cid] = "short answer"
        students[f"student{i:03d}"] = {"profile": profile, "answers": answers, "variants": chosen}
    return students


# ---------------------------------------------------------------------------- our format


def trilat_submission(source: Source, answers: dict[str, str]) -> dict[str, Any]:
    """One student's notebook in trilat's format: the release with answer cells filled in."""
    nb = student_notebook(source)
    for c in nb["cells"]:
        if c["id"] in answers:
            c["source"] = answers[c["id"]]
    return nb


# ---------------------------------------------------------------------------- nbgrader format


def _nbg(grade_id: str, **flags: Any) -> dict[str, Any]:
    meta = {"grade": False, "solution": False, "locked": False}
    meta.update(flags)
    meta.update(grade_id=grade_id, schema_version=3)
    return {"nbgrader": meta}


def _code(cell_id: str, text: str, meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": meta,
        "outputs": [],
        "source": text,
    }


def _hidden_checks(source: Source) -> dict[str, list[tuple[str, int, float]]]:
    """Question -> [(hidden cell id, index among that cell's checks of the question, weight)]."""
    found: dict[str, list[tuple[str, int, float]]] = {}
    for c in source.cells:
        if c.role != "hidden":
            continue
        per_question: dict[str, int] = {}
        for node in ast.parse(c.source).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for dec in node.decorator_list:
                if not (
                    isinstance(dec, ast.Call)
                    and isinstance(dec.func, ast.Name)
                    and dec.func.id == "hidden"
                ):
                    continue
                qid = ast.literal_eval(dec.args[0])
                weight = 1.0
                for kw in dec.keywords:
                    if kw.arg == "weight":
                        weight = float(ast.literal_eval(kw.value))
                index = per_question.get(qid, 0)
                per_question[qid] = index + 1
                found.setdefault(qid, []).append((c.id, index, weight))
    return found


def _public_test(qid: str, variable: str) -> str:
    return (
        f"# the public checks of {qid}: the same ones check() and trilat grade run\n"
        f'assert check("{qid}", answer={variable}).passed, "{qid}: not yet correct"'
    )


def _hidden_test(qid: str, variable: str, hidden_src: str, index: int) -> str:
    body = HIDDEN_DECORATOR.sub(r"\1@_collect(", hidden_src.strip("\n"))
    return f"""### BEGIN HIDDEN TESTS
from trilat_lessons.judge import decode, export_value
from trilat_lessons.exercises.authoring import chart_encoding, chart_table, same_table, same_value

_hidden_checks = []


def _collect(question, description, *, weight=1):
    def register(func):
        _hidden_checks.append((question, func))
        return func

    return register


{body}

# as in trilat grade: hidden checks add credit only on top of passing public checks,
# and judge the answer's export
assert check("{qid}", answer={variable}).passed, "{qid}: public checks fail"
_func = [f for q, f in _hidden_checks if q == "{qid}"][{index}]
_result = _func(decode(export_value({variable})))
assert _result is None or (_result is not False and bool(_result)), "{qid}: hidden check"
### END HIDDEN TESTS"""


def public_grade_id(qid: str) -> str:
    """grade_id of the visible test cell of a question."""
    return f"{qid}-public"


def hidden_grade_id(qid: str, k: int) -> str:
    """grade_id of the k-th (from 1) hidden test cell of a question."""
    return f"{qid}-hidden-{k}"


def nbgrader_source(source: Source) -> dict[str, Any]:
    """The instructor source as an nbgrader source notebook (``source/<set>/<set>.ipynb``).

    Text, question, setup and check cells are read-only; answer cells are solution cells (same
    ``### BEGIN SOLUTION`` markers); key cells are dropped (nbgrader has no public key); after
    each question come its test cells: one visible (public checks) and one hidden per hidden
    check, with points split as trilat splits them; the rubric question is a manually graded
    markdown answer with the same points.
    """
    hidden = _hidden_checks(source)
    hidden_src = {c.id: c.source for c in source.cells if c.role == "hidden"}
    cells: list[dict[str, Any]] = []
    pending: list[str] = []

    def flush() -> None:
        for qid in pending:
            q = source.questions[qid]
            checks = hidden.get(qid, [])
            pw = float(q.meta.get("public_weight", 1))
            total = pw + sum(w for _, _, w in checks)
            pts = q.points * pw / total
            gid = public_grade_id(qid)
            meta = _nbg(gid, grade=True, locked=True, points=round(pts, 4))
            cells.append(_code(gid, _public_test(qid, q.variable), meta))
            for k, (cid, index, w) in enumerate(checks, 1):
                gid = hidden_grade_id(qid, k)
                meta = _nbg(gid, grade=True, locked=True, points=round(q.points * w / total, 4))
                text = _hidden_test(qid, q.variable, hidden_src[cid], index)
                cells.append(_code(gid, text, meta))
        pending.clear()

    for c in source.cells:
        if c.cell_type == "markdown" and c.role in ("text", "question"):
            flush()
            cells.append(
                {
                    "cell_type": "markdown",
                    "id": c.id,
                    "metadata": _nbg(c.id, locked=True),
                    "source": c.source,
                }
            )
        elif c.role in ("setup", "check"):
            cells.append(_code(c.id, c.source, _nbg(c.id, locked=True)))
        elif c.role == "answer":
            cells.append(_code(c.id, c.source, _nbg(c.id, solution=True)))
            qid = str(c.meta["question"])
            if qid not in pending:
                pending.append(qid)
        elif c.role == "rubric-answer":
            q = source.questions[str(c.meta["question"])]
            meta = _nbg(c.id, solution=True, grade=True, points=q.points)
            cells.append(
                {"cell_type": "markdown", "id": c.id, "metadata": meta, "source": c.source}
            )
        # key and hidden cells: not in the nbgrader notebook (hidden checks are test cells)
    flush()
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def nbgrader_points(source: Source) -> dict[str, dict[str, float]]:
    """Question -> {grade_id: points} of the nbgrader version (auto-graded questions only)."""
    nb = nbgrader_source(source)
    out: dict[str, dict[str, float]] = {}
    for c in nb["cells"]:
        meta = c["metadata"].get("nbgrader", {})
        if meta.get("grade") and c["cell_type"] == "code":
            qid = meta["grade_id"].split("-")[0]
            out.setdefault(qid, {})[meta["grade_id"]] = float(meta["points"])
    return out


def nbgrader_submission(template: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    """One student's notebook in nbgrader's format: solution cells (by grade_id) filled in."""
    nb = copy.deepcopy(template)
    for c in nb["cells"]:
        meta = c.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if meta.get("solution") and gid in answers:
            c["source"] = answers[gid]
    return nb


def load(path: str | Path) -> Source:
    """Load an instructor source (re-exported for bench.py and the smoke test)."""
    return load_source(path)
