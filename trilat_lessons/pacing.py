"""Lesson times from one source of truth: docs/course_plan.yaml plus the measured notebooks.

A lesson's time is its study reading (words of its text cells at the plan's reading speed), a
minute per code cell to run and read, and the minutes the plan gives each activity (explorers,
quick checks, charts with questions, discussion, the memo). Lessons the plan splits into parts get
a time per part, so a class can take each part in one meeting. ``--write`` puts the same text in
the lesson's header, its part markers, lesson 00's table, the syllabus (docs/instructor_guide.md)
and the teaching notes (docs/instructor/NN.md); tests/test_pacing.py recomputes and compares.

    trilat pacing           # print the times
    trilat pacing --write   # rewrite every place that states them
    trilat pacing --check   # exit 1 (and change nothing) if any place is stale

An instructor's command on the course repository (found from the working directory); the student
edition leaves it out (``grading/edition.py``).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml


def _repository(start: Path) -> Path:
    """The course repository holding ``start``: the nearest folder with docs/course_plan.yaml."""
    for folder in (start, *start.parents):
        if (folder / "docs" / "course_plan.yaml").is_file():
            return folder
    return start


ROOT = _repository(Path.cwd().resolve())
PLAN = ROOT / "docs" / "course_plan.yaml"
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
GUIDE = ROOT / "docs" / "instructor_guide.md"
START = NOTEBOOKS / "00_start_here.ipynb"
HEADER = re.compile(r"\*\*Estimated time\*\*:[^\n]*")
WORD = re.compile(r"[\w’'-]+")
MARK_START, MARK_END = "<!-- pacing:start -->", "<!-- pacing:end -->"
SET_TIME = re.compile(r"\*\*Time:\*\* about [^.(\n]*(?:\([^)]*\))?\.")
# the prose of the syllabus that gives the range over sets 01-06, e.g. "50–70 minutes each outside
# class" or "50–70\nminutes per exercise set"
SET_RANGE = re.compile(r"\d+–\d+(\s+)minutes(\s+)(each outside class|per exercise set)")
WORDS_LIMIT = re.compile(r"(?:\d+\s*[-–]\s*|at most )(\d+) words")


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
        per_part[-1][1] += activity.get(str(cell.get("id")), 0.0)
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


CLASS_HEAD = "## Timing plan for a 75-minute class"


def out_of_class(name: str) -> str | None:
    """The teaching note's line on what leaves a 75-minute class (plan key ``class_75``)."""
    c75 = plan()["lessons"][name].get("class_75")
    if not c75:
        return None
    t = timing(name)
    moved = sum(i["minutes"] for k in ("before", "after") for i in c75.get(k) or [])
    parts = [
        f"{label}: " + "; ".join(f"{i['what']} — about {i['minutes']} min" for i in c75[key])
        for key, label in (("before", "Before class"), ("after", "After class"))
        if c75.get(key)
    ]
    return (
        f"**Out of class** (from `docs/course_plan.yaml`): the lesson takes students {t.text()}, "
        f"so about {moved} min move out of a 75-minute class. " + ". ".join(parts) + "."
    )


def _save(path: Path, text: str) -> None:
    """Write ``text`` only if it differs (a current repository is never touched)."""
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _write_notebook(path: Path, edit) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    edit(nb)
    _save(path, json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n")


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
            moved = out_of_class(name)
            if moved and CLASS_HEAD in text:
                # the blank lines after it too, so that writing twice changes nothing
                text = re.sub(r"\n\*\*Out of class\*\*[^\n]*\n+", "\n", text)
                text = text.replace(CLASS_HEAD + "\n", f"{CLASS_HEAD}\n\n{moved}\n", 1)
            _save(notes, text)

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
    _save(GUIDE, guide)


# ---------------------------------------------------------------------------- exercise sets


@dataclass(frozen=True)
class SetTiming:
    """Minutes of one exercise set: total, reading, and the longest written answer."""

    name: str
    total: int
    reading: int
    longest_written: tuple[str, int] | None  # (question, minutes) of a long written answer
    extra: tuple[str, int] | None = None  # (what, minutes) the plan adds, e.g. the capstone's

    def phrase(self) -> str:
        """The set's time line, e.g. ``**Time:** about 70 minutes (writing q8 takes about 20 of
        them).``"""
        notes = []
        if self.longest_written:
            q, minutes = self.longest_written
            notes.append(f"writing {q} takes about {minutes} of them")
        if self.extra:
            notes.append(f"{self.extra[0]} takes about {self.extra[1]} more")
        inside = f" ({'; '.join(notes)})" if notes else ""
        return f"**Time:** about {self.total} minutes{inside}."


def _question_kind(meta: dict) -> str:
    if meta["role"] == "rubric-answer":
        return "written"
    if meta.get("expect") == "chart":
        return "chart"
    return "choice" if meta.get("choices") else "code"


def set_timing(name: str) -> SetTiming:
    """Measure ``exercises/source/<name>.ipynb`` against the plan's ``exercise_sets`` rates.

    Reading: words of the text and question cells at the plan's reading speed. Each answer: the
    plan's minutes for its kind (code, choice, chart); a written answer: the upper end of the
    words it asks for at the plan's writing speed (plan, draft, revise). Plus the set's ``extra``
    minutes (the capstone's planning), rounded up to 5 minutes."""
    p = plan()
    rates = p["exercise_sets"]
    cells = json.loads((EXERCISES / "source" / f"{name}.ipynb").read_text("utf-8"))["cells"]
    texts = {c.get("id"): "".join(c["source"]) for c in cells}
    reading = 0.0
    planned = (rates.get("extra") or {}).get(name)
    work = float(planned["minutes"]) if planned else 0.0
    written: list[tuple[float, str]] = []
    for cell in cells:
        meta = (cell.get("metadata") or {}).get("trilat") or {}
        if cell["cell_type"] == "markdown" and meta.get("role") in ("text", "question"):
            reading += len(WORD.findall(texts[cell["id"]])) / p["reading_wpm"]
        if meta.get("role") not in ("answer", "rubric-answer"):
            continue
        kind = _question_kind(meta)
        if kind == "written":
            limits = [
                int(n) for n in WORDS_LIMIT.findall(texts.get(f"{meta['question']}-question", ""))
            ]
            if not limits:
                raise ValueError(f"{name} {meta['question']}: a written question states no words")
            minutes = max(limits) / rates["writing_wpm"]
            written.append((minutes, meta["question"]))
            work += minutes
        else:
            work += rates["minutes"][kind]
    longest = max(written) if written else None
    shown = None
    if longest and longest[0] >= rates["name_written_over"]:
        shown = (longest[1], _round5(longest[0]))
    extra = (planned["what"], int(planned["minutes"])) if planned else None
    return SetTiming(name, _round5(reading + work), math.ceil(reading), shown, extra)


def all_set_timings() -> dict[str, SetTiming]:
    """Every exercise source, in course order."""
    return {p.stem: set_timing(p.stem) for p in sorted((EXERCISES / "source").glob("*.ipynb"))}


def sets_range(timings: dict[str, SetTiming]) -> tuple[int, int]:
    """Shortest and longest of the regular sets (the capstone is stated on its own)."""
    regular = [t.total for n, t in timings.items() if n not in plan()["exercise_sets"]["extra"]]
    return min(regular), max(regular)


def _write_sets() -> None:
    timings = all_set_timings()
    for name, t in timings.items():
        for path in (EXERCISES / "source" / f"{name}.ipynb", EXERCISES / f"{name}.ipynb"):
            if not path.exists():
                continue

            def edit(nb: dict, t: SetTiming = t) -> None:
                intro = "".join(nb["cells"][0]["source"])
                nb["cells"][0]["source"] = _lines(SET_TIME.sub(lambda _: t.phrase(), intro, 1))

            _write_notebook(path, edit)
    lo, hi = sets_range(timings)
    guide = GUIDE.read_text(encoding="utf-8")
    guide = SET_RANGE.sub(lambda m: f"{lo}–{hi}{m.group(1)}minutes{m.group(2)}{m.group(3)}", guide)
    _save(GUIDE, guide)


def _stated_files() -> list[Path]:
    """Every file ``--write`` may rewrite."""
    docs = ROOT / "docs"
    return sorted(
        [
            *NOTEBOOKS.glob("*.ipynb"),
            *EXERCISES.glob("*.ipynb"),
            *(EXERCISES / "source").glob("*.ipynb"),
            GUIDE,
            *(docs / "instructor").glob("*.md"),
        ]
    )


def check() -> list[Path]:
    """The files whose stated times are stale (each is left exactly as it was)."""
    before = {p: p.read_bytes() for p in _stated_files() if p.is_file()}
    try:
        write()
        _write_sets()
    finally:
        stale = [p for p, data in before.items() if p.read_bytes() != data]
        for path in stale:
            path.write_bytes(before[path])
    return stale


def main(argv: list[str]) -> int:
    """Print the times, write them everywhere with ``--write``, or ``--check`` they are current."""
    if not PLAN.is_file():
        print(f"trilat pacing: no docs/course_plan.yaml at or above {ROOT}", file=sys.stderr)
        return 2
    if "--check" in argv:
        stale = check()
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run `trilat pacing --write`)")
        return 1 if stale else 0
    if "--write" in argv:
        write()
        _write_sets()
    for t in all_timings().values():
        print(f"{t.lesson:28} {t.text():45} reading {t.reading}, activities {t.activities}")
    for st in all_set_timings().values():
        print(f"exercises/{st.name:28} {st.phrase()}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``trilat pacing`` to the ``trilat`` command."""
    cmd = sub.add_parser("pacing", help="lesson and exercise-set times from docs/course_plan.yaml")
    mode = cmd.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite every place that states them")
    mode.add_argument("--check", action="store_true", help="exit 1 if any place is stale")
    cmd.set_defaults(func=lambda a: main(["--write"] * a.write + ["--check"] * a.check))
