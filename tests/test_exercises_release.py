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
KEYS = ROOT / "trilat_lessons" / "exercises" / "keys"


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
                "recheck",
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


def _str_question(choices: list[str], solution: str, key: str) -> list:
    return [
        cell("setup", "import trilat_lessons as tl", "setup"),
        cell(
            "answer",
            f"### BEGIN SOLUTION\nq1_answer = {solution!r}\n### END SOLUTION",
            "a1",
            question="q1",
            points=1,
            expect="str",
            choices=choices,
        ),
        cell(
            "key",
            "from trilat_lessons.exercises.authoring import accept, variant, wrong\n" + key,
            "k",
        ),
    ]


def test_choices_fold_accents_and_accepted_answers_come_before_them(tmp_path):
    from trilat_lessons.judge import evaluate, export_value

    cells = _str_question(
        ["ménage à trois", "romantic triangle", "unit veto"],
        "ménage à trois",
        "accept('q1', 'a menage')\nwrong('q1', 'romantic triangle', 'Look at the third side.')",
    )
    rel = make_release(_write(tmp_path, cells), tmp_path / "ex", tmp_path / "keys")
    q = json.loads(rel.key)["questions"][0]

    def judge(text: str):
        return evaluate("03_test", q, export_value(text))

    for text in [
        "ménage à trois",
        "menage a trois",
        "MENAGE-A-TROIS.",
        " Ménage à Trois ",
        "a ménage",
    ]:
        assert judge(text).status == "correct", text
    assert judge("Romantic triangle!").message == "Look at the third side."
    off = judge("stable marriage")
    assert off.status == "incorrect" and off.message.startswith("q1: not one of the choices:")
    assert "menage" not in json.dumps(q["answers"])  # digests only


def test_choices_that_collide_or_miss_the_solution_are_refused(tmp_path):
    cells = _str_question(["U.S.", "US", "Japan"], "Japan", "")
    with pytest.raises(SourceError, match=r"the choices 'U\.S\.' and 'US' are the same answer"):
        make_release(_write(tmp_path, cells), tmp_path, tmp_path)
    cells = _str_question(["U.S.", "Japan"], "ROK", "")
    with pytest.raises(SourceError, match="the solution is not one of the choices"):
        make_release(_write(tmp_path, cells), tmp_path, tmp_path)
    cells = _str_question(["U.S.", "Japan"], "Japan", "wrong('q1', 'japan.', 'no')")
    with pytest.raises(SourceError, match="wrong\\(\\) value 'no' equals the right answer"):
        make_release(_write(tmp_path, cells), tmp_path, tmp_path)
    # a wrong() value equal to an accept()-ed one is refused whichever call comes first
    cells = _str_question(
        ["U.S.", "Japan"], "Japan", "wrong('q1', 'Nippon', 'no')\naccept('q1', 'nippon')"
    )
    with pytest.raises(SourceError, match="equals the right answer"):
        make_release(_write(tmp_path, cells), tmp_path, tmp_path)


def test_wrong_calls_with_one_value_merge_their_messages(tmp_path):
    key = (
        "wrong('q1', 'U.S.', 'First reason.')\n"
        "wrong('q1', 'us', 'Second reason.')\n"
        "wrong('q1', 'US', 'First reason.')  # the same message is not repeated\n"
        "wrong('q1', 'ROK', 'Other.')"
    )
    cells = _str_question(["U.S.", "Japan", "ROK"], "Japan", key)
    rel = make_release(_write(tmp_path, cells), tmp_path / "ex", tmp_path / "keys")
    q = json.loads(rel.key)["questions"][0]
    messages = [_said(rel.key, "US"), _said(rel.key, "ROK")]
    assert messages == ["First reason. Another common slip: Second reason.", "Other."]
    assert len(q["wrong"]) == 2


def _said(key_text: str, value: str) -> str:
    """What check() tells a student who answers ``value``."""
    from trilat_lessons.judge import evaluate, export_value

    key = json.loads(key_text)
    return evaluate(key["set"], key["questions"][0], export_value(value)).message


def test_wrong_messages_are_sealed_by_their_wrong_answer(tmp_path):
    from trilat_lessons.judge import evaluate, export_value

    key = "wrong('q1', 'U.S.', 'Washington is a wing.')\nwrong('q1', 'ROK', 'Seoul is a wing.')"
    cells = _str_question(["U.S.", "Japan", "ROK"], "Japan", key)
    rel = make_release(_write(tmp_path, cells), tmp_path / "ex", tmp_path / "keys")
    # the public key does not say which choices have a message, so it does not single out the
    # one without: no message text, no readable hint of its answer
    assert b"wing" not in rel.key and b"Washington" not in rel.key
    assert all(set(w) == {"digest", "sealed"} for w in json.loads(rel.key)["questions"][0]["wrong"])
    key = json.loads(rel.key)
    q = key["questions"][0]
    assert evaluate(key["set"], q, export_value("u.s.")).message == "Washington is a wing."
    assert evaluate(key["set"], q, export_value("Japan")).status == "correct"
    assert evaluate(key["set"], q, export_value("ROK")).message == "Seoul is a wing."
    for sid in SOURCES:  # the course's keys: every wrong() message is sealed
        course = json.loads((KEYS / f"{sid.stem}.json").read_text())
        for cq in course["questions"]:
            assert all("message" not in w and w["sealed"] for w in cq.get("wrong", [])), cq["id"]


def test_wrong_table_of_another_shape_is_refused_with_the_rows_hint_advice(tmp_path):
    cells = [
        cell("setup", "import pandas as pd\nt = pd.DataFrame({'a': [1, 2, 3]})", "setup"),
        cell(
            "answer",
            "### BEGIN SOLUTION\nq1_answer = t\n### END SOLUTION",
            "a1",
            question="q1",
            points=1,
            expect="DataFrame",
        ),
        cell(
            "key",
            "from trilat_lessons.exercises.authoring import wrong\n"
            "wrong('q1', t.head(2), 'You dropped a row.')",
            "k",
        ),
    ]
    with pytest.raises(SourceError) as err:
        make_release(_write(tmp_path, cells), tmp_path, tmp_path)
    msg = str(err.value)
    assert "q1 expects 3 rows; your table has 2" in msg
    assert "must keep the expected shape" in msg and "rows_hint" in msg


def test_a_stated_colour_order_is_checked_by_check_itself():
    """04 q7: check() gives ✅ only when the hidden checks can give full marks for the order."""
    import altair as alt

    import trilat_lessons as tl
    from trilat_lessons.judge import evaluate, export_value

    key = json.loads((KEYS / "04_china_perceptions.json").read_text())
    q7 = next(q for q in key["questions"] if q["id"] == "q7")
    stances = tl.load("china_stances")

    def status(color) -> str:
        chart = alt.Chart(stances, title="t", description="d").mark_point()
        chart = chart.encode(x="year:O", y="country:N", color=color)
        return evaluate(key["set"], q7, export_value(chart)).status

    assert status("stance") == "correct"
    order = list(stances["stance"].cat.categories)
    assert status(alt.Color("stance:O", sort=order)) == "correct"
    assert status("stance:N") == status("stance:O") == "incorrect"
    assert status(alt.Color("stance:O", sort=order[::-1])) == "incorrect"


def test_release_runs_check_and_hidden_checks_on_each_variant(tmp_path):
    hidden = (
        "from trilat_lessons.exercises.authoring import hidden\n"
        "@hidden('q1', 'capitalised', requires='capitalised')\n"
        "def _(answer):\n    return answer.strip() == 'Japan'\n"
    )
    ask = cell("question", "## q1\nWhich country? Write its name capitalised.", "q1-question")
    ok = _str_question(["U.S.", "Japan", "ROK"], "Japan", "variant('q1', 'Japan ')")
    ok.insert(1, ask)
    make_release(
        _write(tmp_path, [*ok, cell("hidden", hidden, "h")]), tmp_path / "a", tmp_path / "k"
    )
    # check() accepts "japan" (case is ignored), the hidden check does not: refused
    bad = _str_question(["U.S.", "Japan", "ROK"], "Japan", "variant('q1', 'japan')")
    bad.insert(1, ask)
    with pytest.raises(SourceError, match="fails on variant 1"):
        make_release(
            _write(tmp_path, [*bad, cell("hidden", hidden, "h")]), tmp_path / "b", tmp_path / "k2"
        )
    # a variant that check() refuses is refused too
    off = _str_question(["U.S.", "Japan", "ROK"], "Japan", "variant('q1', 'ROK')")
    with pytest.raises(SourceError, match="public checks fail on variant 1"):
        make_release(_write(tmp_path, off), tmp_path / "c", tmp_path / "k3")
