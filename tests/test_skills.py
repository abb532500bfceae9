"""The skills path (docs/skills.yaml): no exercise question may need a skill that no lesson
taught before it. The skills a question needs are read from its solution code with ``ast``
(tests/skills_detect.py), so a new question using an untaught method fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from skills_detect import COURSE, ROOT, cell_code, solutions, tokens

SOURCES = sorted((ROOT / "exercises" / "source").glob("*.ipynb"))
SKILLS = yaml.safe_load((ROOT / "docs" / "skills.yaml").read_text(encoding="utf-8"))["skills"]


def _lesson_of(set_path: Path) -> str:
    """The lesson an exercise set follows (same name in notebooks/; the capstone: the last)."""
    name = set_path.stem
    return name if name in COURSE else COURSE[-1]


def _where(ref: str) -> tuple[str, str]:
    notebook, _, cell = ref.partition("#")
    return notebook, cell


def _available(lesson: str) -> dict[str, str]:
    """Token -> the skill that teaches it, for skills taught at or before ``lesson``."""
    limit = COURSE.index(lesson)
    out: dict[str, str] = {}
    for skill in SKILLS:
        notebook, _ = _where(skill["taught"])
        if notebook in COURSE and COURSE.index(notebook) <= limit:
            for token in skill["tokens"]:
                out.setdefault(token, skill["id"])
    return out


@pytest.mark.parametrize("skill", SKILLS, ids=lambda s: s["id"])
def test_each_skill_is_shown_and_practised_in_a_real_cell(skill: dict) -> None:
    notebook, cell = _where(skill["taught"])
    shown = cell_code(notebook, cell)
    assert shown is not None, f"{skill['taught']}: no such notebook cell"
    assert notebook in COURSE, f"{notebook} is not in the course order"
    missing = set(skill["tokens"]) - tokens(shown)
    assert not missing, f"{skill['taught']} does not show {sorted(missing)}"
    p_notebook, p_cell = _where(skill["practice"])
    practice = cell_code(p_notebook, p_cell)
    assert practice is not None, f"{skill['practice']}: no such practice cell"
    assert COURSE.index(p_notebook) <= COURSE.index(notebook) + 1


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_every_question_uses_only_skills_taught_before_it(path: Path) -> None:
    available = _available(_lesson_of(path))
    untaught = {
        q: sorted(tokens(code) - set(available))
        for q, code in solutions(path).items()
        if tokens(code) - set(available)
    }
    assert not untaught, (
        f"{path.stem}: questions use skills no lesson before them teaches "
        f"(add a worked example and a skill in docs/skills.yaml): {untaught}"
    )


def test_used_by_lists_are_what_the_solutions_use() -> None:
    expected: dict[str, set[str]] = {s["id"]: set() for s in SKILLS}
    for path in SOURCES:
        available = _available(_lesson_of(path))
        for q, code in solutions(path).items():
            for token in tokens(code) & set(available):
                expected[available[token]].add(f"{path.stem[:2]}/{q}")
    drift = {
        s["id"]: sorted(expected[s["id"]], key=lambda x: (x[:2], int(x.split("q")[-1])))
        for s in SKILLS
        if set(s.get("used_by", [])) != expected[s["id"]]
    }
    assert not drift, f"docs/skills.yaml used_by should read: {drift}"


def test_every_chart_question_follows_the_step_by_step_chart_section() -> None:
    chart_skills = [s for s in SKILLS if s["id"].startswith("chart-")]
    assert {t for s in chart_skills for t in s["tokens"]} >= {
        "alt.Chart", "encode", "title=", "description=", "enc:N", "enc:O", "enc:Q",
    }  # fmt: skip
