#!/usr/bin/env python3
"""Lesson times from one source of truth: docs/course_plan.yaml plus the measured notebooks.

A lesson's time is its study reading (words of its text cells at the plan's reading speed), a
minute per code cell to run and read, and the minutes the plan gives each activity (explorers,
quick checks, charts with questions, discussion, the memo). Lessons the plan splits into parts get
a time per part, so a class can take each part in one meeting. ``--write`` puts the same text in
the lesson's header, its part markers, lesson 00's table, the syllabus (docs/instructor_guide.md)
and the teaching notes (docs/instructor/NN.md); tests/test_pacing.py recomputes and compares.

    python scripts/pacing.py          # print the times
    python scripts/pacing.py --write  # rewrite every place that states them
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "docs" / "course_plan.yaml"
NOTEBOOKS = ROOT / "notebooks"
GUIDE = ROOT / "docs" / "instructor_guide.md"
START = NOTEBOOKS / "00_start_here.ipynb"
HEADER = re.compile(r"\*\*Estimated time\*\*:[^\n]*")
WORD = re.compile(r"[\w’'-]+")
MARK_START, MARK_END = "<!-- pacing:start -->", "<!-- pacing:end -->"


@dataclass(frozen=True)
class Timing:
    """Minutes of one lesson: total, reading, activities and one total per part."""

    lesson: str
    total: int
    reading: int
    activities: int
    parts: tuple[int, ...]

    def text(self) -> str:
        """The one phrase every place uses, e.g. ``95 min (Part 1: 50 min · Part 2: 45 min)``."""
        if len(self.parts) < 2:
            return f"{self.total} min"
        parts = " · ".join(f"Part {i}: {m} min" for i, m in enumerate(self.parts, 1))
        return f"{self.total} min ({parts})"

    def header(self) -> str:
        """The lesson header line."""
        wpm = plan()["reading_wpm"]
        return (
            f"**Estimated time**: {self.text()}: reading about {self.reading} min at {wpm} words "
            f"a minute, running the code and the activities {self.activities} min "
            "(from `docs/course_plan.yaml`)."
        )


def plan() -> dict:
    """The course plan (reading speed, activities, parts, objectives)."""
    return yaml.safe_load(PLAN.read_text(encoding="utf-8"))


def _cells(lesson: str) -> list[dict]:
    return json.loads((NOTEBOOKS / f"{lesson}.ipynb").read_text(encoding="utf-8"))["cells"]


def _round5(minutes: float) -> int:
    return int(5 * math.ceil(minutes / 5))


def timing(lesson: str) -> Timing:
    """Measure ``notebooks/<lesson>.ipynb`` against the plan."""
    p = plan()
    entry = p["lessons"][lesson]
    activity = {str(k): float(v["minutes"]) for k, v in (entry.get("activities") or {}).items()}
    starts = set(entry.get("parts") or [])
    cells = _cells(lesson)
    ids = {c.get("id") for c in cells}
    unknown = (set(activity) | starts) - ids
    if unknown:
        raise KeyError(f"{lesson}: course_plan.yaml names cells the notebook lacks: {unknown}")
    per_part: list[list[float]] = [[0.0, 0.0]]  # reading, activities
    for cell in cells:
        if cell.get("id") in starts:
            per_part.append([0.0, 0.0])
        if str(cell.get("id", "")).startswith("part-"):
            continue  # the generated part markers do not count
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            per_part[-1][0] += len(WORD.findall(src)) / p["reading_wpm"]
        else:
            per_part[-1][1] += p["minutes_per_code_cell"]
        per_part[-1][1] += activity.get(cell.get("id"), 0.0)
    parts = tuple(_round5(r + a) for r, a in per_part)
    reading = math.ceil(sum(r for r, _ in per_part))
    total = sum(parts)
    return Timing(lesson, total, reading, total - reading, parts)


def all_timings() -> dict[str, Timing]:
    """Every lesson of the plan, in course order."""
    return {name: timing(name) for name in plan()["lessons"]}


# ---------------------------------------------------------------------------- the places


def part_marker(t: Timing, index: int) -> str:
    """The text of the marker cell that opens part ``index`` (2, 3, ...)."""
    return (
        f"---\n**Part {index} of {len(t.parts)}** · about {t.parts[index - 1]} min. "
        f"A class that meets for about 90 minutes can stop above this line and start here next "
        f"time (Part 1 took about {t.parts[0]} min; run the first code cell again before you "
        "go on)."
        if index == 2
        else f"---\n**Part {index} of {len(t.parts)}** · about {t.parts[index - 1]} min."
    )


def table_rows(timings: dict[str, Timing]) -> str:
    """The rows of the lesson table in lesson 00 and the syllabus."""
    what = plan()["lessons"]
    return "\n".join(
        f"| `notebooks/{name}.ipynb` | {what[name]['about']} | {t.text()} |"
        for name, t in timings.items()
    )


def _table(timings: dict[str, Timing]) -> str:
    return "| lesson | what it is about | time |\n|---|---|---|\n" + table_rows(timings)


def _write_notebook(path: Path, edit) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    edit(nb)
    path.write_text(
        json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def write() -> None:
    """Rewrite every place that states a lesson's time."""
    timings = all_timings()
    p = plan()
    for name, t in timings.items():
        starts = list(p["lessons"][name].get("parts") or [])

        def edit(nb: dict, t: Timing = t, starts: list[str] = starts) -> None:
            head = "".join(nb["cells"][0]["source"])
            nb["cells"][0]["source"] = _lines(HEADER.sub(lambda _: t.header(), head, count=1))
            nb["cells"] = [c for c in nb["cells"] if not str(c.get("id", "")).startswith("part-")]
            for i, start in enumerate(starts, 2):
                at = next(k for k, c in enumerate(nb["cells"]) if c.get("id") == start)
                marker = {"cell_type": "markdown", "id": f"part-{i}", "metadata": {}}
                marker["source"] = _lines(part_marker(t, i))
                nb["cells"].insert(at, marker)

        _write_notebook(NOTEBOOKS / f"{name}.ipynb", edit)
        notes = ROOT / "docs" / "instructor" / f"{name}.md"
        if notes.exists():
            text = notes.read_text(encoding="utf-8")
            line = f"**Estimated time** (students, from `docs/course_plan.yaml`): {t.text()}."
            if "**Estimated time**" in text:
                text = re.sub(r"\*\*Estimated time\*\*[^\n]*", line, text, count=1)
            else:
                text = re.sub(r"(\nLesson: [^\n]*\n)", rf"\1\n{line}\n", text, count=1)
            notes.write_text(text, encoding="utf-8")

    def edit_start(nb: dict) -> None:
        for cell in nb["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and "| lesson | what it is about | time |" in src:
                new = re.sub(
                    r"\| lesson \| what it is about \| time \|\n\|---\|---\|---\|\n(\|[^\n]*\n?)+",
                    _table(timings) + "\n",
                    src,
                )
                cell["source"] = _lines(new)

    _write_notebook(START, edit_start)
    guide = GUIDE.read_text(encoding="utf-8")
    block = f"{MARK_START}\n{_table(timings)}\n{MARK_END}"
    guide = re.sub(re.escape(MARK_START) + r".*?" + re.escape(MARK_END), block, guide, flags=re.S)
    GUIDE.write_text(guide, encoding="utf-8")


def main(argv: list[str]) -> int:
    """Print the times, or write them everywhere with ``--write``."""
    if "--write" in argv:
        write()
    for t in all_timings().values():
        print(f"{t.lesson:28} {t.text():45} reading {t.reading}, activities {t.activities}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
