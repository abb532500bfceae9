"""The real exercise sets through the real grader: the instructor solution scores full marks,
the blank student release scores zero ("not attempted"). One grading run per set."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from trilat_lessons.grading.grade import grade
from trilat_lessons.grading.options import GradeOptions
from trilat_lessons.grading.source import load_source

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "exercises" / "source").glob("*.ipynb"))


@pytest.fixture(scope="module")
def template():
    """One warm kernel template shared by every set's grading run (start-up is the main cost)."""
    from trilat_lessons.grading.runner import KernelTemplate

    with KernelTemplate() as t:
        yield t


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_solution_full_marks_blank_zero(source: Path, tmp_path: Path, template):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(source, subs / "solution.ipynb")
    shutil.copy(ROOT / "exercises" / source.name, subs / "blank.ipynb")
    out = tmp_path / "out"
    from trilat_lessons.grading.isolation import probe

    options = GradeOptions(
        workers=2,
        timeout_cell=20,
        timeout_total=60,
        memory_mb=1024,
        progress=False,
        unsafe_no_sandbox=not probe().isolated,
    )
    run = grade(source, subs, out, options, template=template)
    assert run.warning is None, run.warning  # the installed key matches the source
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}
    src = load_source(source)
    auto = sum(q.points for q in src.questions.values() if q.kind == "auto")
    manual = [q.id for q in src.questions.values() if q.kind == "manual"]
    assert float(rows["solution"]["total"]) == auto, rows["solution"]
    assert rows["solution"]["status"] == "ok" and rows["solution"]["pending"] == " ".join(manual)
    assert rows["blank"]["total"] == "0" and rows["blank"]["status"] == "not attempted"
