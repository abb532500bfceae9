"""trilat release: committed student notebooks and keys equal a fresh release, hold no solution or
hidden check, lock the right cells; sources are validated with messages an author can act on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trilat_lessons.grading.release import make_release, student_notebook
from trilat_lessons.grading.scaffold import cell, source_notebook, template, write_notebook
from trilat_lessons.grading.source import SourceError, load_source, solution_lines

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "exercises" / "source").glob("*.ipynb"))
DEMO = ROOT / "tests" / "grading_corpus" / "source" / "00_demo.ipynb"


def test_there_are_exercise_sets():
    names = {p.stem for p in SOURCES}
    assert {"01_history", "02_obstacles_korea_japan"} <= names


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_release_equals_fresh_release(source: Path):
    rel = make_release(source, ROOT / "exercises")
    assert rel.notebook_path.is_file(), f"run: trilat release {source}"
    assert rel.changed() == [], f"out of date; run: trilat release {source.relative_to(ROOT)}"


@pytest.mark.parametrize("source", [*SOURCES, DEMO], ids=lambda p: p.stem)
def test_release_holds_no_solution_or_hidden_check(source: Path):
    src = load_source(source)
    nb = student_notebook(src)
    text = json.dumps(nb)
    secrets = []
    for c in src.cells:
        if c.role in ("answer", "rubric-answer"):
            secrets += solution_lines(c.source)
        if c.role in ("hidden", "key"):
            secrets += [ln.strip() for ln in c.source.splitlines() if len(ln.strip()) > 15]
    public = "\n".join(
        c.source for c in src.cells if c.role not in ("answer", "rubric-answer", "hidden", "key")
    )
    secrets = [s for s in secrets if len(s) > 12 and s not in public]
    assert secrets
    leaked = [s for s in secrets if json.dumps(s)[1:-1] in text]
    assert leaked == []
    assert "BEGIN SOLUTION" not in text and "@hidden" not in text
    roles = [c["metadata"]["trilat"]["role"] for c in nb["cells"]]
    assert "hidden" not in roles and "key" not in roles
    for c in nb["cells"]:
        editable = c["metadata"]["trilat"]["role"] in ("answer", "rubric-answer")
        assert c["metadata"]["editable"] is editable and c["metadata"]["deletable"] is False
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None
    ids = [c["id"] for c in nb["cells"]]
    assert ids == [c.id for c in src.cells if c.role not in ("hidden", "key")]
    answers = [c["source"] for c in nb["cells"] if c["metadata"]["trilat"]["role"] == "answer"]
    assert all("= ...  # your answer here" in a for a in answers)


def test_release_is_deterministic(tmp_path):
    a = make_release(DEMO, tmp_path / "a", tmp_path / "ka")
    b = make_release(DEMO, tmp_path / "b", tmp_path / "kb")
    assert a.notebook == b.notebook and a.key == b.key
    assert a.write() == [a.notebook_path, a.key_path]
    assert a.write() == []  # unchanged files are not rewritten


def test_keys_of_real_sets_reveal_no_values():
    for source in SOURCES:
        key = json.loads(
            (ROOT / "trilat_lessons" / "exercises" / "keys" / f"{source.stem}.json").read_text()
        )
        assert key["set"] == source.stem
        for q in key["questions"]:
            assert set(q) <= {
                "id",
                "kind",
                "points",
                "variable",
                "expect",
                "answers",
                "wrong",
                "hint",
                "hidden",
                "public_weight",
                "title",
                "rubric",
            }
            if q["kind"] == "auto":
                assert q["expect"]["type"] == "chart" or q["answers"]


def _write(tmp_path: Path, cells: list, **meta) -> Path:
    nb = source_notebook("03_test", "Test", cells)
    nb["metadata"]["trilat"].update(meta)
    path = tmp_path / "03_test.ipynb"
    path.write_text(json.dumps(nb))  # raw JSON: nbformat would repair duplicate ids
    return path


def test_author_mistakes_are_listed_plainly(tmp_path):
    cells = [
        cell("setup", "x = 1", "setup"),
        cell("answer", "q1_answer = 1", "a1", question="q1", points=2, expect="int"),
        cell("answer", "### BEGIN SOLUTION\nq2_answer = 2\n### END SOLUTION", "a2", question="q2"),
        cell(
            "answer",
            "### BEGIN SOLUTION\nq3_answer = 2",
            "a3",
            question="q3",
            points=1,
            expect="number",
        ),
        cell(
            "rubric-answer",
            "### BEGIN SOLUTION\ntext\n### END SOLUTION",
            "a4",
            question="q4",
            points=1,
        ),
        cell("setup", "y = 2", "setup"),
    ]
    cells[0]["metadata"]["trilat"]["role"] = "helper"
    path = _write(tmp_path, cells, set="3_bad")
    with pytest.raises(SourceError) as err:
        load_source(path)
    msg = str(err.value)
    for words in [
        '"set": "NN_topic"',
        "needs a role",
        "without a solution block",
        'q2 needs "points"',
        "1 BEGIN SOLUTION and 0 END SOLUTION",
        "expect",
        'add "rubric"',
        "repeats the cell id 'setup'",
    ]:
        assert words in msg, (words, msg)


def test_solution_that_fails_its_own_checks_is_refused(tmp_path):
    cells = [
        cell("setup", "import trilat_lessons as tl", "setup"),
        cell(
            "answer",
            "### BEGIN SOLUTION\nq1_answer = 'seven'\n### END SOLUTION",
            "a1",
            question="q1",
            points=1,
            expect="int",
        ),
        cell(
            "answer",
            "### BEGIN SOLUTION\nq2_answer = 2\n### END SOLUTION",
            "a2",
            question="q2",
            points=1,
            expect="int",
        ),
        cell(
            "key", "from trilat_lessons.exercises.authoring import wrong\nwrong('q2', 2, 'no')", "k"
        ),
        cell(
            "hidden",
            "from trilat_lessons.exercises.authoring import hidden\n"
            "@hidden('q2', 'is three')\ndef _(a):\n    return a == 3",
            "h",
        ),
    ]
    with pytest.raises(SourceError) as err:
        make_release(_write(tmp_path, cells), tmp_path, tmp_path)
    msg = str(err.value)
    assert "q1: the solution fails its own public checks" in msg
    assert "wrong() value 'no' equals the right answer" in msg


def test_scaffold_template_is_a_valid_source(tmp_path):
    path = write_notebook(tmp_path / "03_new.ipynb", template("03_new", "New set"))
    src = load_source(path)
    assert [q.id for q in src.questions.values()] == ["q1", "q2"]
    roles = {c.role for c in src.cells}
    assert roles == {
        "text",
        "setup",
        "question",
        "answer",
        "key",
        "check",
        "hidden",
        "rubric-answer",
    }
