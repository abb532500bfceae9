"""Read and validate an instructor source notebook (the authoring format is in docs/grading.md).

Each cell's role lives in its metadata (``"trilat": {"role": ...}``); solutions sit between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines. ``load_source`` returns a ``Source`` or
raises ``SourceError`` listing every problem at once, in words an author can act on.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROLES = {
    "text": "markdown shown to students, locked",
    "question": "markdown question text, locked",
    "setup": "code run before the answers (imports, data), locked",
    "answer": "code the student writes; its solution is replaced on release",
    "check": "code calling check(), locked; stored outputs validated by nbval",
    "rubric-answer": "markdown the student writes; graded by hand with the rubric",
    "key": "instructor code calling wrong()/accept(); removed on release",
    "hidden": "instructor code defining @hidden checks; removed on release",
}
EDITABLE = {"answer", "rubric-answer"}
REMOVED = {"key", "hidden"}
EXPECT_TYPES = {"int", "float", "str", "bool", "list", "DataFrame", "chart"}
BEGIN = re.compile(r"^(\s*)###\s*BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*###\s*END SOLUTION\s*$")
QID = re.compile(r"^q\d+[a-z]?$")
SET_ID = re.compile(r"^\d\d_[a-z0-9_]+$")
RUBRIC_PLACEHOLDER = "*Write your answer here.*"


class SourceError(ValueError):
    """An instructor source that cannot be released or graded (message lists every problem)."""


@dataclass
class Cell:
    """One cell of the instructor source."""

    index: int
    id: str
    cell_type: str
    role: str
    source: str
    meta: dict[str, Any]


@dataclass
class SourceQuestion:
    """One question: its answer cells and what the key needs to know."""

    id: str
    kind: str  # auto | manual
    points: float
    variable: str
    meta: dict[str, Any]
    cells: list[str] = field(default_factory=list)  # answer cell ids, in order


@dataclass
class Source:
    """A parsed, validated instructor source."""

    path: Path
    nb: dict[str, Any]
    set_id: str
    title: str
    cells: list[Cell]
    questions: dict[str, SourceQuestion]
    fingerprint: str

    def cell(self, cell_id: str) -> Cell:
        """The cell with this id."""
        for c in self.cells:
            if c.id == cell_id:
                return c
        raise KeyError(cell_id)

    @property
    def answer_cells(self) -> list[Cell]:
        """Cells the student edits (code and written answers)."""
        return [c for c in self.cells if c.role in EDITABLE]


def cell_text(source: Any) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    if isinstance(source, list):
        return "".join(str(s) for s in source)
    return source if isinstance(source, str) else ""


def strip_solution(text: str, placeholder: str) -> str:
    """Replace each BEGIN/END SOLUTION block with the placeholder (keeping its indentation)."""
    out: list[str] = []
    inside = False
    for line in text.split("\n"):
        m = BEGIN.match(line)
        if m and not inside:
            inside = True
            indent = m.group(1)
            out.extend(indent + p for p in placeholder.split("\n"))
            continue
        if inside:
            if END.match(line):
                inside = False
            continue
        out.append(line)
    return "\n".join(out)


def solution_lines(text: str) -> list[str]:
    """The non-blank lines inside solution blocks (to prove a release holds none of them)."""
    lines, inside = [], False
    for line in text.split("\n"):
        if BEGIN.match(line):
            inside = True
        elif END.match(line):
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def placeholder_for(cell: Cell, variable: str) -> str:
    """The text a student sees where the solution was."""
    custom = cell.meta.get("placeholder")
    if isinstance(custom, str):
        return custom
    if cell.cell_type == "markdown":
        return RUBRIC_PLACEHOLDER
    return f"{variable} = ...  # your answer here"


def load_source(path: str | Path) -> Source:
    """Parse and validate an instructor source notebook."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        nb = json.loads(raw)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise SourceError(f"{path} is not valid JSON: {exc}") from None
    problems: list[str] = []
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise SourceError(f"{path} is not a Jupyter notebook")
    meta = (nb.get("metadata") or {}).get("trilat") or {}
    set_id = str(meta.get("set", ""))
    if not SET_ID.match(set_id):
        problems.append(
            'notebook metadata needs "trilat": {"set": "NN_topic", "title": "..."} '
            f"(got set={set_id!r})"
        )
    title = str(meta.get("title", ""))
    cells: list[Cell] = []
    seen_ids: set[str] = set()
    questions: dict[str, SourceQuestion] = {}
    for i, c in enumerate(nb["cells"]):
        where = f"cell {i + 1}"
        cid = c.get("id")
        if not isinstance(cid, str) or not cid:
            problems.append(
                f"{where} has no id (save the notebook with JupyterLab >= 3 / nbformat 4.5)"
            )
            cid = f"missing-{i}"
        elif cid in seen_ids:
            problems.append(f"{where} repeats the cell id {cid!r}")
        seen_ids.add(cid)
        cmeta = dict(((c.get("metadata") or {}).get("trilat")) or {})
        ctype = c.get("cell_type", "code")
        text = cell_text(c.get("source", ""))
        role = cmeta.get("role") or ("text" if ctype == "markdown" else "")
        if ctype == "raw":
            role = cmeta.get("role") or "text"
        if role not in ROLES:
            problems.append(
                f"{where} ({cid}) needs a role in its metadata: "
                f'"trilat": {{"role": one of {sorted(ROLES)}}} (got {role or "none"!r})'
            )
            role = "text"
        wants_md = role in ("text", "question", "rubric-answer")
        if wants_md and ctype == "code":
            problems.append(f"{where} ({cid}) has role {role!r} but is a code cell")
        if not wants_md and ctype != "code":
            problems.append(f"{where} ({cid}) has role {role!r} but is a {ctype} cell")
        has_markers = bool(solution_lines(text)) or any(BEGIN.match(x) for x in text.split("\n"))
        if has_markers and role not in EDITABLE:
            problems.append(f"{where} ({cid}) has solution markers but role {role!r}")
        begins = sum(1 for x in text.split("\n") if BEGIN.match(x))
        ends = sum(1 for x in text.split("\n") if END.match(x))
        if begins != ends:
            problems.append(f"{where} ({cid}) has {begins} BEGIN SOLUTION and {ends} END SOLUTION")
        cell = Cell(i, cid, ctype, role, text, cmeta)
        cells.append(cell)
        if role in EDITABLE:
            qid = str(cmeta.get("question", ""))
            if not QID.match(qid):
                problems.append(f'{where} ({cid}) needs "question": "qN" (got {qid!r})')
                continue
            if begins == 0:
                problems.append(f"{where} ({cid}) is an answer cell without a solution block")
            q = questions.get(qid)
            if q is None:
                kind = "manual" if role == "rubric-answer" else "auto"
                variable = str(cmeta.get("variable") or f"{qid}_answer")
                q = SourceQuestion(qid, kind, 0.0, variable, {})
                questions[qid] = q
            elif (role == "rubric-answer") != (q.kind == "manual"):
                problems.append(f"{where} ({cid}): {qid} mixes code and written answer cells")
            q.cells.append(cid)
            if "points" in cmeta:
                if q.points:
                    problems.append(f"{where} ({cid}): points of {qid} are given twice")
                try:
                    q.points = float(cmeta["points"])
                except (TypeError, ValueError):
                    problems.append(f"{where} ({cid}): points must be a number")
                q.meta = cmeta
    for q in questions.values():
        if q.points <= 0:
            problems.append(f'{q.id} needs "points" (> 0) on one of its answer cells')
        if q.kind == "auto":
            expect = q.meta.get("expect")
            etype = expect.get("type") if isinstance(expect, dict) else expect
            if etype not in EXPECT_TYPES:
                problems.append(
                    f'{q.id} needs "expect": one of {sorted(EXPECT_TYPES)} (got {etype!r})'
                )
            if etype == "chart" and not isinstance(q.meta.get("chart"), dict):
                problems.append(
                    f'{q.id} expects a chart: add "chart": {{"mark": ..., "encoding": ...}}'
                )
            if not q.variable.isidentifier():
                problems.append(f"{q.id}: variable {q.variable!r} is not a Python name")
        elif not q.meta.get("rubric"):
            problems.append(f'{q.id} is a written answer: add "rubric": "..." (shown to students)')
    if not questions:
        problems.append("the notebook has no answer cells")
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise SourceError(f"{path} is not a valid exercise source:\n{listing}")
    fingerprint = _fingerprint(set_id, title, cells)
    return Source(path, nb, set_id, title, cells, questions, fingerprint)


def _fingerprint(set_id: str, title: str, cells: list[Cell]) -> str:
    """Hash of everything that defines the exercise (not outputs or execution counts)."""
    blob = json.dumps(
        [set_id, title, [[c.id, c.cell_type, c.role, c.source, c.meta] for c in cells]],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode()).hexdigest()
