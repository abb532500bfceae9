"""Assessment aligned with the objectives: every learning objective of every lesson is assessed by
at least one exercise question (the map in docs/course_plan.yaml), every set has written answers
graded by a rubric, and the capstone draws the course together."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from test_objectives_support import ROOT, objectives

PLAN = yaml.safe_load((ROOT / "docs" / "course_plan.yaml").read_text(encoding="utf-8"))
SOURCES = {p.stem[:2]: p for p in (ROOT / "exercises" / "source").glob("*.ipynb")}


def _questions(set_number: str) -> dict[str, dict]:
    """Question id -> its answer cell's trilat metadata, for one exercise source."""
    nb = json.loads(SOURCES[set_number].read_text(encoding="utf-8"))
    return {
        c["metadata"]["trilat"]["question"]: {
            **c["metadata"]["trilat"],
            "source": "".join(c["source"]),
        }
        for c in nb["cells"]
        if c.get("metadata", {}).get("trilat", {}).get("role") in ("answer", "rubric-answer")
    }


@pytest.mark.parametrize("lesson", list(PLAN["lessons"]))
def test_every_objective_is_assessed_by_a_real_question(lesson: str) -> None:
    mapped = PLAN["lessons"][lesson].get("objectives") or []
    stated = objectives(lesson)
    assert stated, f"{lesson}: no learning objectives found in the first cell"
    assert [m["objective"] for m in mapped] == stated, (
        f"{lesson}: docs/course_plan.yaml objectives differ from the lesson's first cell"
    )
    for m in mapped:
        refs = m.get("assessed_by") or []
        assert refs, f"{lesson}: objective not assessed: {m['objective']!r}"
        for ref in refs:
            set_number, _, q = ref.partition("/")
            assert set_number in SOURCES, f"{ref}: no exercise set {set_number}"
            assert q in _questions(set_number), f"{ref}: no such question"
            assert set_number >= lesson[:2], f"{ref} comes before lesson {lesson}"
        if lesson[:2] != "00":  # a lesson's own set (or the capstone) assesses each objective
            assert any(r[:2] in (lesson[:2], "07") for r in refs), (lesson, m["objective"])


@pytest.mark.parametrize("set_number", [f"0{i}" for i in range(1, 7)])
def test_every_set_has_written_answers_with_rubrics(set_number: str) -> None:
    qs = _questions(set_number)
    written = [q for q in qs.values() if q["role"] == "rubric-answer"]
    assert len(written) >= 2, f"set {set_number}: fewer than two rubric questions"
    assert all(q.get("rubric") for q in written)
    share = sum(q["points"] for q in written) / sum(q["points"] for q in qs.values())
    assert share >= 0.25, f"set {set_number}: written answers are only {share:.0%} of the points"
    interpretive = [q for q in qs.values() if q.get("choices")]
    assert interpretive, f"set {set_number}: no interpretive choice item"


def test_capstone_has_a_rubric_and_an_exemplar_drawing_on_the_course() -> None:
    qs = _questions("07")
    essay = [q for q in qs.values() if q["role"] == "rubric-answer"]
    assert essay and essay[0]["points"] >= 10 and essay[0].get("rubric")
    exemplar = essay[0]["source"]
    assert "BEGIN SOLUTION" in exemplar and len(exemplar.split()) >= 300
    assert len(set(re.findall(r"seed00\d", exemplar))) >= 3, "the exemplar cites three seeds"


def _question_text(set_number: str, qid: str) -> str:
    """A question's text and its rubric, whitespace-normalised, lower case."""
    nb = json.loads(SOURCES[set_number].read_text(encoding="utf-8"))
    parts = ["".join(c["source"]) for c in nb["cells"] if c.get("id") == f"{qid}-question"]
    parts.append(str(_questions(set_number)[qid].get("rubric", "")))
    return " ".join(" ".join(parts).split()).lower()


@pytest.mark.parametrize("lesson", list(PLAN["lessons"]))
def test_an_evidence_phrase_ties_each_checked_link_to_its_question(lesson: str) -> None:
    """A link named in ``evidence`` must be visible in the question (its text or rubric); lesson
    00's objectives (skills, not content) must all carry one, so a thin link fails here."""
    for m in PLAN["lessons"][lesson].get("objectives") or []:
        evidence = m.get("evidence") or {}
        assert set(evidence) <= set(m["assessed_by"]), (lesson, m["objective"])
        if lesson[:2] == "00" and lesson != "00b_python_primer":
            assert set(evidence) == set(m["assessed_by"]) or m["objective"].startswith(
                ("load one", "trace any")
            ), f"{lesson}: give an evidence phrase for each link of {m['objective']!r}"
        for ref, phrase in evidence.items():
            set_number, _, q = ref.partition("/")
            text = _question_text(set_number, q)
            assert " ".join(phrase.split()).lower() in text, f"{ref} does not ask {phrase!r}"


# an objective that asks students to explain or to quote is assessed only where a question asks it
# (the objective's word -> what the question's text or rubric must then contain)
_VERBS = {
    "explain": r"\bexplain|\bwhy\b",
    "quoting": r"quotation marks|\bquoting\b|\bquote (a|the|one)\b",
    "quote": r"quotation marks|\bquoting\b|\bquote (a|the|one)\b",
    "hover": r"\bhover",
}


@pytest.mark.parametrize("lesson", list(PLAN["lessons"]))
def test_an_explain_or_quote_objective_is_asked_by_a_mapped_question(lesson: str) -> None:
    """A count cannot assess "explain why ..." and a choice cannot assess "quoting a few words":
    some question mapped to such an objective must itself ask to explain or to quote."""
    for m in PLAN["lessons"][lesson].get("objectives") or []:
        for word, asks in _VERBS.items():
            if not re.search(rf"\b{word}\b", m["objective"]):
                continue
            texts = [_question_text(*ref.split("/")) for ref in m["assessed_by"]]
            assert any(re.search(asks, t) for t in texts), (
                f"{lesson}: {m['objective']!r} asks to {word}, but none of "
                f"{m['assessed_by']} asks for it"
            )
