"""Lesson times come from one place (docs/course_plan.yaml + the measured notebooks, through
`trilat pacing`) and read the same in the lesson, lesson 00, the syllabus and the teaching
notes; a lesson too long for one meeting is split into parts that each fit one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from trilat_lessons import pacing

ROOT = Path(__file__).resolve().parent.parent
assert pacing.ROOT == ROOT, "run the tests from the repository"
TIMINGS = pacing.all_timings()
FIX = "run `trilat pacing --write`"


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


# A lesson named in the guide or a teaching note with a time in the same sentence, e.g.
# "Read `00_start_here` as a student would (25 minutes)" or "`00_start_here` together (35 min)".
STATED = re.compile(r"`(?:notebooks/)?(0\d[a-z]?_[a-z_]+)(?:\.ipynb)?`([^.|\n]{0,80}?)\((\d+) min")


def test_every_time_stated_next_to_a_lesson_name_is_its_measured_time() -> None:
    texts = [
        ROOT / "docs" / "instructor_guide.md",
        *sorted((ROOT / "docs/instructor").glob("*.md")),
    ]
    wrong = []
    for path in texts:
        for m in STATED.finditer(path.read_text(encoding="utf-8")):
            name, minutes = m.group(1), int(m.group(3))
            t = TIMINGS.get(name)
            if t is not None and minutes not in {t.total, *t.parts}:
                wrong.append(f"{path.name}: {m.group(0)!r} (plan: {t.text()})")
    assert not wrong, f"times that disagree with docs/course_plan.yaml: {wrong}"


@pytest.mark.parametrize("name", [n for n, t in TIMINGS.items() if len(t.parts) > 1])
def test_a_lesson_in_parts_has_a_timing_plan_per_part(name: str) -> None:
    notes = ROOT / "docs" / "instructor" / f"{name}.md"
    if not notes.exists():
        pytest.skip("the primer's notes live in 00_start_here.md")
    text = notes.read_text(encoding="utf-8")
    assert "## Timing plan for a 75-minute class" not in text, "one plan for a lesson in parts"
    for i, minutes in enumerate(TIMINGS[name].parts, 1):
        assert f"Part {i} ({minutes} min)" in text, f"{name}: no plan for Part {i} ({minutes} min)"


# ---------------------------------------------------------------------------- exercise sets

SETS = pacing.all_set_timings()


@pytest.mark.parametrize("name", list(SETS))
def test_each_exercise_set_states_its_measured_time(name: str) -> None:
    """The source and the released set both carry the time line derived from the plan."""
    phrase = SETS[name].phrase()
    for path in (
        ROOT / "exercises" / "source" / f"{name}.ipynb",
        ROOT / "exercises" / f"{name}.ipynb",
    ):
        intro = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
        stated = pacing.SET_TIME.findall(intro)
        assert stated == [phrase], f"{path}: states {stated}, plan gives {phrase!r}; {FIX}"


def test_every_range_of_exercise_set_times_is_the_measured_one() -> None:
    """The syllabus states the range over sets 01-06 wherever it speaks of a set's time, and any
    "minutes" next to "exercise set" in the guide or the teaching notes is inside that range."""
    lo, hi = pacing.sets_range(SETS)
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    ranges = [m.group(0).split("minutes")[0].strip() for m in pacing.SET_RANGE.finditer(guide)]
    assert len(ranges) >= 2 and set(ranges) == {f"{lo}–{hi}"}, (ranges, FIX)
    near = re.compile(r"exercise sets?\b[^.\n]{0,60}?\b(\d+)(?:[–-](\d+))? min", re.I)
    texts = [
        ROOT / "docs" / "instructor_guide.md",
        *sorted((ROOT / "docs/instructor").glob("*.md")),
    ]
    texts.append(ROOT / "docs" / "student_guide.md")
    for path in texts:
        for m in near.finditer(path.read_text(encoding="utf-8")):
            values = {int(v) for v in m.groups() if v}
            assert values <= {lo, hi, *(t.total for t in SETS.values())}, (path.name, m.group(0))


@pytest.mark.parametrize(
    "name", [n for n, t in TIMINGS.items() if len(t.parts) == 1 and t.total > 75 and n[:2] != "00"]
)
def test_a_75_minute_plan_says_what_moves_out_of_class(name: str) -> None:
    """A one-part lesson longer than 75 min: the plan names what moves out of a 75-minute class
    (before or after it), enough that the rest fits, and the teaching note says the same."""
    c75 = pacing.plan()["lessons"][name].get("class_75") or {}
    moved = sum(i["minutes"] for k in ("before", "after") for i in c75.get(k) or [])
    assert TIMINGS[name].total - moved <= 75, f"{name}: add class_75 items to docs/course_plan.yaml"
    text = (ROOT / "docs" / "instructor" / f"{name}.md").read_text(encoding="utf-8")
    plan_75 = text.split(pacing.CLASS_HEAD, 1)
    assert len(plan_75) == 2, f"{name}: the teaching note has no {pacing.CLASS_HEAD!r}"
    assert pacing.out_of_class(name) in plan_75[1].split("\n## ")[0], f"{name}: {FIX}"


def test_every_stated_time_is_current_and_writing_is_idempotent() -> None:
    """`trilat pacing --check`: writing the times would change no file (it restores them all)."""
    assert pacing.check() == [], FIX
