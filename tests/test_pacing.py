"""Lesson times come from one place (docs/course_plan.yaml + the measured notebooks, through
scripts/pacing.py) and read the same in the lesson, lesson 00, the syllabus and the teaching
notes; a lesson too long for one meeting is split into parts that each fit one."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("pacing", ROOT / "scripts" / "pacing.py")
pacing = importlib.util.module_from_spec(_spec)
sys.modules["pacing"] = pacing  # dataclasses look their module up there
_spec.loader.exec_module(pacing)
TIMINGS = pacing.all_timings()
FIX = "run `python scripts/pacing.py --write`"


def _cells(name: str) -> list[dict]:
    return json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]


def test_every_lesson_notebook_is_in_the_plan() -> None:
    on_disk = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk == set(TIMINGS), "docs/course_plan.yaml must list every lesson notebook"


@pytest.mark.parametrize("name", list(TIMINGS))
def test_the_lesson_states_its_measured_time(name: str) -> None:
    t = TIMINGS[name]
    cells = _cells(name)
    head = "".join(cells[0]["source"])
    assert t.header() in head, f"{name}: header says something else than {t.text()!r}; {FIX}"
    markers = ["".join(c["source"]) for c in cells if str(c.get("id", "")).startswith("part-")]
    assert markers == [pacing.part_marker(t, i) for i in range(2, len(t.parts) + 1)], FIX


@pytest.mark.parametrize("name", list(TIMINGS))
def test_a_meeting_can_take_each_part(name: str) -> None:
    t = TIMINGS[name]
    assert all(m <= 90 for m in t.parts), f"{name}: a part over 90 min: split it (parts: in plan)"
    assert sum(t.parts) == t.total and t.reading + t.activities == t.total


def test_lesson_00_the_syllabus_and_the_teaching_notes_agree() -> None:
    start = "\n".join("".join(c["source"]) for c in _cells("00_start_here"))
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    block = guide.split(pacing.MARK_START)[1].split(pacing.MARK_END)[0]
    for name, t in TIMINGS.items():
        row = (
            f"| `notebooks/{name}.ipynb` | {pacing.plan()['lessons'][name]['about']} | {t.text()} |"
        )
        assert row in start, f"lesson 00's table disagrees for {name}; {FIX}"
        assert row in block, f"docs/instructor_guide.md disagrees for {name}; {FIX}"
        notes = ROOT / "docs" / "instructor" / f"{name}.md"
        if name[:2] != "00":
            text = notes.read_text(encoding="utf-8")
            assert f"**Estimated time** (students, from `docs/course_plan.yaml`): {t.text()}." in (
                text
            ), f"{notes.name} disagrees; {FIX}"
