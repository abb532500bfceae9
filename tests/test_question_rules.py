"""Release refuses question texts that give another question's answer away, and hidden checks whose
requirement the question does not state (grading/question_rules.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trilat_lessons.grading.instructor import run_instructor
from trilat_lessons.grading.question_rules import prompts, release_problems
from trilat_lessons.grading.release import make_release
from trilat_lessons.grading.scaffold import cell, source_notebook
from trilat_lessons.grading.source import SourceError, load_source

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "exercises" / "source").glob("*.ipynb"))
IMPORTS = "from trilat_lessons.exercises.authoring import accept, hidden, wrong\n"


def _source(
    tmp_path: Path,
    q2_prompt: str,
    *,
    key: str = "",
    hidden: str = "",
    choices: list[str] | None = None,
    q2_meta: dict[str, str] | None = None,
) -> Path:
    meta = {"choices": choices} if choices else {}
    cells = [
        cell("setup", "import trilat_lessons as tl\n" + IMPORTS, "setup"),
        cell("question", '**q1.** Which meeting? Give its id, e.g. `"T99"`.', "q1-q"),
        cell(
            "answer",
            '### BEGIN SOLUTION\nq1_answer = "T10"\n### END SOLUTION',
            "q1-a",
            question="q1",
            points=1,
            expect="str",
            **meta,
        ),
        cell("question", q2_prompt, "q2-q"),
        cell(
            "answer",
            "### BEGIN SOLUTION\nq2_answer = 3\n### END SOLUTION",
            "q2-a",
            question="q2",
            points=1,
            expect="int",
            **(q2_meta or {}),
        ),
    ]
    if key:
        cells.append(cell("key", key, "k"))
    if hidden:
        cells.append(cell("hidden", hidden, "h"))
    path = tmp_path / "03_rules.ipynb"
    path.write_text(json.dumps(source_notebook("03_rules", "Rules", cells)))
    return path


def _problems(path: Path) -> list[str]:
    src = load_source(path)
    return release_problems(src, run_instructor(src))


def test_clean_texts_pass(tmp_path):
    path = _source(tmp_path, "**q2.** How many meetings were there in 2018?")
    assert _problems(path) == []
    make_release(path, tmp_path / "out", tmp_path / "keys")


@pytest.mark.parametrize(
    "where",
    [
        *("prompt", "tip", "wrong", "wrong, other case and quotes", "accepted spelling"),
        *("recheck", "chart table message"),
    ],
)
def test_a_text_answer_named_in_another_question_is_refused(tmp_path, where):
    prompt, key, q2_meta = "**q2.** How many meetings were there in 2018?", "", {}
    if where == "prompt":
        prompt = "**q2.** The meeting T10 was special. How many meetings were there in 2018?"
    elif where == "tip":
        prompt += "\n\n*Tip:* start from row `t10`."
    elif where == "wrong":
        key = 'wrong("q2", 4, "You counted T10 too.")'
    elif where == "wrong, other case and quotes":
        key = 'wrong("q2", 4, "You counted (t10) too.")'
    elif where == "recheck":  # check()'s fallback message for a wrong q2
        q2_meta = {"recheck": "the count: meeting T10 is one of them"}
    elif where == "chart table message":  # check()'s word on a chart's table (01 q5's kind)
        q2_meta = {"chart": {"data": {"rows_message": "keep the row of T10."}}}
    else:
        prompt += " Leave out PYEONGCHANG."
        key = 'accept("q1", "Pyeongchang")'
    path = _source(tmp_path, prompt, key=key, q2_meta=q2_meta)
    problems = _problems(path)
    assert len(problems) == 1 and "gives away the answer to q1" in problems[0], problems
    assert problems[0].startswith("q2's text")
    with pytest.raises(SourceError, match="gives away the answer to q1"):
        make_release(path, tmp_path / "out", tmp_path / "keys")


def test_a_choice_answer_counts_only_when_singled_out(tmp_path):
    choices = ["T10", "T27"]
    beside = _source(tmp_path, "**q2.** Compare T10 and T27: how many?", choices=choices)
    assert _problems(beside) == []
    alone = _source(tmp_path, "**q2.** Start from T10: how many?", choices=choices)
    assert ["gives away the answer to q1" in p for p in _problems(alone)] == [True]


HIDDEN = '@hidden("q2", "matches a fresh count"{extra})\ndef _(answer):\n    return answer == 3\n'


def test_a_hidden_check_must_name_a_requirement_the_question_states(tmp_path):
    prompt = "**q2.** How many meetings were there in **2018**, at every level?"
    missing = _source(tmp_path, prompt, hidden=IMPORTS + HIDDEN.format(extra=""))
    assert ["needs requires=" in p for p in _problems(missing)] == [True]
    unstated = _source(
        tmp_path, prompt, hidden=IMPORTS + HIDDEN.format(extra=', requires="in colour order"')
    )
    problems = _problems(unstated)
    assert ["the question text does not state" in p for p in problems] == [True], problems
    with pytest.raises(SourceError, match="does not state"):
        make_release(unstated, tmp_path / "out", tmp_path / "keys")
    stated = _source(
        tmp_path,
        prompt,
        hidden=IMPORTS + HIDDEN.format(extra=', requires="in 2018, at every level"'),
    )
    assert _problems(stated) == []


def test_question_cells_belong_to_the_next_answer():
    src = load_source(ROOT / "exercises" / "source" / "04_china_perceptions.ipynb")
    text = prompts(src)
    assert "codebook's order" in text["q7"] and "codebook's order" not in text["q6"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_course_sets_pass_the_rules(source):
    src = load_source(source)
    run = run_instructor(src)
    assert release_problems(src, run) == []
    # every hidden check states its requirement; a set without auto-checked code questions
    # (the capstone) may have none
    assert all(h.requires for h in run.hidden)
    has_hidden_cells = any(
        c["metadata"].get("trilat", {}).get("role") == "hidden" for c in src.nb["cells"]
    )
    assert bool(run.hidden) == has_hidden_cells


def test_a_pasted_todo_stub_message_is_refused(tmp_path):
    """A stub from key_suggestions.md pasted without writing its message must not reach
    students as feedback."""
    prompt = "**q2.** How many meetings were there in 2018?"
    stub = 'wrong("q2", 4, "TODO: the misconception this answer reveals")'
    problems = _problems(_source(tmp_path, prompt, key=IMPORTS + stub))
    assert any("TODO placeholder" in p and "q2" in p for p in problems), problems
    written = 'wrong("q2", 4, "You counted the 2017 meeting too.")'
    assert _problems(_source(tmp_path, prompt, key=IMPORTS + written)) == []


def test_grading_refuses_what_release_refuses(tmp_path):
    """A key_suggestions.md stub pasted unedited never reaches students through `trilat grade`
    either: the grading prepare step runs the same rules and refuses with a clear message."""
    from trilat_lessons.grading.options import GradeOptions
    from trilat_lessons.grading.prepare import prepare

    prompt = "**q2.** How many meetings were there in 2018?"
    stub = 'wrong("q2", 4, "TODO: the misconception this answer reveals")'
    with pytest.raises(SourceError, match="nothing was graded") as err:
        prepare(_source(tmp_path, prompt, key=IMPORTS + stub), GradeOptions(), [])
    assert "TODO placeholder" in str(err.value) and "trilat release" in str(err.value)
    written = 'wrong("q2", 4, "You counted the 2017 meeting too.")'
    grader = prepare(_source(tmp_path, prompt, key=IMPORTS + written), GradeOptions(), [])
    assert grader.source.set_id == "03_rules"
