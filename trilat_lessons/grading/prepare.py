"""Everything prepared once per grading run (:class:`Grader`): the instructor source run once, the
key built from it, the student release and the plan of the cells each submission runs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..judge import Key, load_key
from .instructor import InstructorRun, build_key, run_instructor
from .options import GradeOptions
from .question_rules import release_problems
from .release import student_notebook
from .source import Source, SourceError, load_source


@dataclass
class Grader:
    """Everything prepared once per run: the source, its key, hidden checks, the run plan."""

    source: Source
    run: InstructorRun
    key: Key
    release: dict[str, Any]
    plan: list[dict[str, Any]]  # code cells to run: {cell_id, role, question, exports}
    fingerprint: str
    key_warning: str | None
    denied: list[str]


def prepare(source_path: str | Path, options: GradeOptions, extra_denied: list[str]) -> Grader:
    """Load and run the instructor source, build the key, plan the cells."""
    source = load_source(source_path)
    run = run_instructor(source)
    key = build_key(source, run)
    problems = release_problems(source, run)  # what `trilat release` refuses is never graded
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise SourceError(
            f"{source.path}: the question texts break the rules `trilat release` applies, so "
            f"students would read them in their feedback; nothing was graded:\n{listing}\n"
            "Fix the source, run `trilat release` again, then grade."
        )
    warning = None
    shipped = load_key(source.set_id)
    if shipped is None:
        warning = f"no key for {source.set_id} is installed: students' check() cannot work."
    elif shipped != key:
        warning = (
            f"the installed key of {source.set_id} differs from this source: students saw other "
            "check() results. Re-run `trilat release` and reinstall."
        )
    plan: list[dict[str, Any]] = []
    last = {q.cells[-1]: q for q in source.questions.values() if q.kind == "auto"}
    for c in source.cells:
        if c.cell_type != "code" or c.role not in ("setup", "answer"):
            continue
        exports = []
        if c.id in last:
            exports = [[last[c.id].id, last[c.id].variable]]
        plan.append(
            {
                "cell_id": c.id,
                "role": c.role,
                "question": c.meta.get("question"),
                "exports": exports,
            }
        )
    blob = json.dumps(
        [source.fingerprint, key, options.fingerprint(), __version__, "grade-4"], sort_keys=True
    )
    fp = hashlib.sha256(blob.encode()).hexdigest()
    denied = sorted({str(Path(source.path).resolve().parent), *extra_denied})
    return Grader(source, run, key, student_notebook(source), plan, fp, warning, denied)
