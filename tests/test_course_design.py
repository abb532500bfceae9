"""What an adopting instructor relies on beyond the notebooks' shape: an answer cell under every
explorer and model answers in the teaching notes, a rubric for the discussion questions, no point
or discussion question repeated from lesson to lesson, and the course plans the guide promises."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
NOTES = ROOT / "docs" / "instructor"
EXPLORER = re.compile(r"tl\.widgets\.(?!Quiz)[A-Z]\w+\(")


def _cells(name: str) -> list[dict]:
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    return [{**c, "text": "".join(c["source"])} for c in nb["cells"]]


def _notes(name: str) -> str:
    path = NOTES / f"{name}.md"
    if name == "00b_python_primer":
        path = NOTES / "00_start_here.md"
    return path.read_text(encoding="utf-8")


def _discussion(name: str) -> list[str]:
    for c in _cells(name):
        if c["cell_type"] == "markdown" and re.search(r"^#+ .*Discussion", c["text"], re.M):
            return [
                re.sub(r"\s+", " ", q)
                for q in re.findall(r"^\d\. (.*(?:\n   .*)*)", c["text"], re.M)
            ]
    return []


@pytest.mark.parametrize("name", LESSONS)
def test_every_explorer_has_an_answer_cell_and_model_answers(name: str) -> None:
    cells = _cells(name)
    for i, c in enumerate(cells):
        if c["cell_type"] == "code" and EXPLORER.search(c["text"]):
            after = cells[i + 1]
            assert after["cell_type"] == "markdown" and "Your answers" in after["text"], (
                f"{name}: no answer cell under the explorer {c['id']}"
            )
            assert re.search(r"^## Answers to the \w+ (guiding )?questions", _notes(name), re.M), (
                f"{name}: the teaching notes have no model answers for the explorer"
            )


@pytest.mark.parametrize("name", [n for n in LESSONS if n[:2] != "00"])
def test_discussion_questions_have_a_rubric(name: str) -> None:
    assert _discussion(name), f"{name}: no discussion questions"
    notes = _notes(name)
    assert "## Rubric for the discussion questions" in notes
    assert "## Answers to the discussion questions" in notes


def test_no_discussion_question_or_chart_is_repeated_across_lessons() -> None:
    seen: dict[str, str] = {}
    secretariat = []
    for name in LESSONS:
        for q in _discussion(name):
            key = re.sub(r"[^a-z0-9 ]", "", q.lower()).strip()  # the whole question, normalised
            assert key not in seen, f"discussion question repeated in {seen.get(key)} and {name}"
            seen[key] = name
            if "secretariat" in q.lower():
                secretariat.append(name)
    assert len(set(secretariat)) <= 1, f"the secretariat question is asked in {secretariat}"
    heatmaps = [n for n in LESSONS if any("obstacles_heatmap(" in c["text"] for c in _cells(n))]
    assert heatmaps == ["03_obstacles_structure"], heatmaps


def test_the_camp_david_quotes_are_not_retold_in_every_lesson() -> None:
    text = {n: "\n".join(c["text"] for c in _cells(n)) for n in LESSONS}
    counts = {w: sum(len(re.findall(w, t, re.I)) for t in text.values())
              for w in ("irreversible", "d[eé]j[aà][ -]vu", '"new era"', "new era")}  # fmt: skip
    assert counts["irreversible"] <= 2 and counts["d[eé]j[aà][ -]vu"] <= 2, counts
    assert counts['"new era"'] <= 5 and counts["new era"] <= 10, counts
    pair = re.compile(r"new era.{0,80}d[eé]j[aà][ -]vu", re.I | re.S)
    homes = [n for n, t in text.items() if pair.search(t)]
    assert len(homes) <= 2, f"'new era or deja vu' is argued again in {homes}"


def test_the_guide_maps_the_course_to_a_term_and_a_module_and_covers_access() -> None:
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    for needle in ("14-week term", "3–4 week module", "Accommodations", "screen reader",
                   "extra time", "without coding", "make slides", "07_capstone"):  # fmt: skip
        assert needle in guide, f"docs/instructor_guide.md does not cover {needle!r}"


@pytest.mark.parametrize("name", [n for n in LESSONS if n[:2] != "00"])
def test_every_activity_has_answers_in_the_teaching_notes(name: str) -> None:
    text = "\n".join(c["text"] for c in _cells(name) if c["cell_type"] == "markdown")
    numbers = sorted(set(re.findall(r"(?:\*\*|### )Activity (\d)", text)))
    notes = _notes(name)
    data = notes.split("## Answers to the data activities", 1)
    answered = (
        set(re.findall(r"^(\d)\. \*\*", data[1].split("\n## ", 1)[0], re.M))
        if len(data) > 1
        else set()
    )
    answered |= set(re.findall(r"^## .*Activity (\d)", notes, re.M))
    missing = [n for n in numbers if n not in answered]
    assert not missing, f"{name}: no answers in the teaching notes for activities {missing}"


def test_the_capstone_exemplar_meets_its_own_brief() -> None:
    """The memo exemplar: within 500-700 words, a computed figure, C09 cited to its own sources,
    one full sentence per line (the leak scan matches whole lines), and a rubric with a floor."""
    nb = json.loads((ROOT / "exercises" / "source" / "07_capstone.ipynb").read_text("utf-8"))
    cell = next(c for c in nb["cells"] if c.get("id") == "q2-answer")
    text = "".join(cell["source"])
    body = re.sub(r"### (BEGIN|END) SOLUTION", "", text)
    assert 500 <= len(body.split()) <= 700, len(body.split())
    assert re.search(r"\d+\.\d places", body), "no computed figure"
    c09 = next(line for line in body.splitlines() if "C09" in line)
    assert "yomiuri_2022_12_08_nss_draft" in c09 and "seed001]" not in c09, c09
    for line in body.splitlines():
        if line.strip() and not line.startswith("**To:**"):
            assert line.rstrip().endswith((".", "]", ")")), f"not a full sentence: {line!r}"
    assert "under the minimum" in cell["metadata"]["trilat"]["rubric"]


def _part_sections(name: str) -> list[list[int]]:
    """The numbered sections (## N.) of each part of a lesson, split at its 'Part N of' cells."""
    parts: list[list[int]] = [[]]
    for c in _cells(name):
        if c["cell_type"] != "markdown":
            continue
        if re.search(r"\*\*Part \d+ of \d+\*\*", c["text"]):
            parts.append([])
        parts[-1] += [int(n) for n in re.findall(r"^## (\d+)\.", c["text"], re.M)]
    return parts


@pytest.mark.parametrize("name", [n for n in LESSONS if n[:2] not in ("00",)])
def test_two_sessions_split_where_the_notebook_splits(name: str) -> None:
    """A note's "session 1 = ... §1–N" must end where the notebook's Part 2 line falls, so an
    instructor who follows the note stops the class at the same place as the students' notebook."""
    parts = _part_sections(name)
    m = re.search(r"\*\*Two sessions:\*\*.*?session 1 = [^§]*§1–(\d+)", _notes(name), re.S)
    if len(parts) < 2 or not m:
        return
    assert int(m.group(1)) == max(parts[0]), (
        f"{name}: the teaching note's session 1 ends at §{m.group(1)}, the notebook's Part 1 at "
        f"§{max(parts[0])}"
    )
