"""Student side: check() and progress() on the demo set (tests/grading_corpus/source/00_demo)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "grading_corpus"
DEMO = CORPUS / "source" / "00_demo.ipynb"


@pytest.fixture(scope="module")
def demo_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Release the demo set's key into a temporary folder."""
    from trilat_lessons.grading.release import make_release

    out = tmp_path_factory.mktemp("demo")
    rel = make_release(DEMO, out / "ex", out / "keys")
    rel.write()
    return out / "keys"


@pytest.fixture
def demo(demo_keys: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """check() bound to the demo set, with progress stored in a temporary file."""
    import pandas as pd

    import trilat_lessons.exercises as ex
    from trilat_lessons.exercises import _progress

    monkeypatch.setenv("TRILAT_EXERCISE_KEYS", str(demo_keys))
    monkeypatch.setenv("TRILAT_PROGRESS_FILE", str(tmp_path / "progress.json"))
    _progress.reset_cache()
    started = ex.start("00_demo")
    assert "00_demo" in repr(started)
    talks = pd.DataFrame(
        {
            "year": [2014, 2016, 2016, 2017, 2018, 2018, 2019, 2023, 2023, 2023],
            "level": [
                "leaders",
                "vice",
                "leaders",
                "leaders",
                "ministers",
                "vice",
                "ministers",
                "leaders",
                "leaders",
                "ministers",
            ],
            "days": [1, 2, 1, 1, 2, 1, 1, 3, 1, 2],
        }
    )
    yield ex, talks
    _progress.reset_cache()
    ex._CURRENT = None


def test_correct_answer_passes_and_is_honest_about_hidden_checks(demo):
    ex, _ = demo
    r = ex.check("q1", answer=5)
    assert r.status == "correct" and bool(r)
    assert "At grading, 1 hidden check will also run" in r.text()
    r2 = ex.check("q2", answer=1.4)
    assert r2.status == "correct"
    assert "No hidden checks" in r2.text()


def test_answer_is_read_from_the_callers_namespace(demo):
    ex, _ = demo
    globals()["q1_answer"] = 5
    try:
        assert ex.check("q1").status == "correct"
    finally:
        del globals()["q1_answer"]
    assert ex.check("q1").status == "not attempted"


def test_misconceptions_are_named(demo):
    ex, _ = demo
    r = ex.check("q1", answer=10)
    assert r.status == "incorrect"
    assert "every level" in r.message
    assert "vice-level" in ex.check("q1", answer=7).message
    generic = ex.check("q1", answer=4)
    assert generic.status == "incorrect" and "Keep only the rows" in generic.message


@pytest.mark.parametrize(
    ("question", "value", "words"),
    [
        ("q1", "5", "without quotes"),
        ("q1", 5.5, "no fractions"),
        ("q1", True, "True/False"),
        ("q1", [5], "you gave a list of 1 item"),
        ("q1", None, "forget to assign"),
        ("q2", float("nan"), "missing or infinite"),
        ("q3", 3, "text in quotes"),
        ("q3", "presidents", "not one of the choices"),
        ("q3", "", "empty text"),
    ],
)
def test_type_and_shape_messages(demo, question, value, words):
    ex, _ = demo
    r = ex.check(question, answer=value)
    assert r.status in ("malformed", "incorrect")
    assert words in r.message, r.message


def test_table_messages(demo):
    ex, talks = demo
    series = talks.groupby("year").size()
    r = ex.check("q4", answer=series)
    assert r.status == "malformed" and "reset_index" in r.message
    no_reset = series.to_frame("talks")
    assert "index" in ex.check("q4", answer=no_reset).message
    renamed = series.reset_index(name="n")
    message = ex.check("q4", answer=renamed).message
    assert "Name the column 'talks'" in message and ".rename(" not in message
    assert "rows differ" in ex.check("q4", answer=renamed.head(1)).message
    good = series.reset_index(name="talks")
    assert ex.check("q4", answer=good).status == "correct"
    assert ex.check("q4", answer=good.sample(frac=1, random_state=1)).status == "correct"
    floats = good.astype({"talks": "float64"})
    assert ex.check("q4", answer=floats).status == "correct"  # whole numbers stored as float
    texts = good.astype({"talks": "string"})
    assert "should hold whole numbers" in ex.check("q4", answer=texts).message
    short = good.head(3)
    assert "expects 6 rows" in ex.check("q4", answer=short).message
    wrong_values = good.assign(talks=good["talks"] + 1)
    r = ex.check("q4", answer=wrong_values)
    assert r.status == "incorrect"
    assert ex.check("q4", answer=talks.head(0)).status == "incorrect"
    assert ex.check("q1", answer=talks).message.endswith("len(df) counts the rows of a table.")


def test_chart_checks_structure_not_pixels(demo):
    import altair as alt

    ex, talks = demo
    per = talks.groupby("year").size().reset_index(name="talks")
    good = alt.Chart(per, title="T", description="D").mark_bar().encode(x="year:O", y="talks:Q")
    r = ex.check("q5", answer=good)
    assert r.status == "correct" and "hidden check" in r.text()
    line = good.mark_line()
    assert "mark_line" in ex.check("q5", answer=line).message
    untitled = alt.Chart(per).mark_bar().encode(x="year:O", y="talks:Q")
    msg = ex.check("q5", answer=untitled).message
    assert "title" in msg and "description" in msg
    quantitative = good.encode(x="year:Q")
    assert "ordinal (:O)" in ex.check("q5", answer=quantitative).message
    assert "alt.Chart(your_table)" in ex.check("q5", answer=per).message
    joined = good | good
    assert "one chart" in ex.check("q5", answer=joined).message


def test_bad_input_never_raises(demo):
    ex, _ = demo

    class Hostile:
        def __eq__(self, other):
            raise RuntimeError("no")

        def __repr__(self):
            raise RuntimeError("no")

        def __len__(self):
            raise RuntimeError("no")

    import pandas as pd

    cases = [
        Hostile(),
        list(range(100_000)),
        "x" * 1_000_000,
        {"a": 1},
        object(),
        print,
        pd.DataFrame({"a": range(600_000)}),
        10**400,
        [[[[[[1]]]]]],
        b"bytes",
    ]
    for value in cases:
        r = ex.check("q1", answer=value)
        assert r.status in ("malformed", "incorrect"), (type(value), r)
        assert "Traceback" not in r.text()
    assert "too large" in ex.check("q1", answer=list(range(100_000))).message


def test_not_attempted_unknown_and_unstarted(demo):
    ex, _ = demo
    assert ex.check("q1", answer=...).status == "not attempted"
    assert "There is no question 'q9'" in ex.check("q9")
    assert "no exercise set" in ex.check("nope:q1").lower()
    ex._CURRENT = None
    assert "does not know which exercise set" in ex.check("q1")
    assert ex.check("00_demo:q1", answer=5).status == "correct"
    assert "There is no exercise set" in ex.start("99_missing")


def test_check_all_and_rendering(demo):
    ex, _ = demo
    globals().update(q1_answer=5, q3_answer="Leaders")
    try:
        report = ex.check()
    finally:
        del globals()["q1_answer"], globals()["q3_answer"]
    text = report.text()
    assert text.startswith("00_demo: 2 of 5 auto-checked questions pass (3 of 8 points).")
    assert "q6 (2 points) graded by your instructor" in text
    html = report._repr_html_()
    assert 'role="status"' in html and "not attempted" in html
    assert "<script" not in html
    one = ex.check("q1", answer="<b>5</b>")
    assert "&lt;b&gt;" in one._repr_html_()


def test_keys_do_not_contain_answers(demo_keys):
    text = (demo_keys / "00_demo.json").read_text()
    key = json.loads(text)
    for q in key["questions"]:
        assert "value" not in json.dumps(q)
    assert "1.4" not in text
    assert "talks.groupby" not in text


def test_progress_records_last_result_and_survives_unwritable_store(demo, monkeypatch, tmp_path):
    ex, _ = demo
    from trilat_lessons.exercises import _progress

    ex.check("q1", answer=5)
    ex.check("q2", answer=2.0)
    stored = json.loads((tmp_path / "progress.json").read_text())
    assert stored["sets"]["00_demo"]["q1"]["status"] == "correct"
    report = ex.progress()
    line = next(row for row in report.rows if row[0] == "00_demo")
    assert dict(line[2]) == {
        "q1": "correct",
        "q2": "incorrect",
        "q3": "unchecked",
        "q4": "unchecked",
        "q5": "unchecked",
        "q6": "manual",
    }
    assert "00_demo" in report.text() and "<table>" in report._repr_html_()
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TRILAT_PROGRESS_FILE", str(blocked / "progress.json"))
    _progress.reset_cache()
    assert ex.check("q1", answer=5).status == "correct"  # cannot write: still fine
    assert ex.progress().rows


def test_hidden_decorator_in_a_notebook_prints_one_line(demo, capsys):
    from trilat_lessons.exercises.authoring import hidden

    globals()["q1_answer"] = 5
    try:
        hidden("q1", "is five")(lambda a: a == 5)
        hidden("q1", "is six")(lambda a: a == 6)
    finally:
        del globals()["q1_answer"]
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "hidden check of q1 (is five): passes on this notebook",
        "hidden check of q1 (is six): FAILS on this notebook",
    ]


def test_import_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, trilat_lessons, trilat_lessons.exercises, trilat_lessons.grading;"
        "print(sorted(m for m in ('pandas', 'altair', 'nbclient', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_accepted_spelling_is_right_even_outside_the_choices(demo):
    ex, _ = demo
    for text in ["leaders", "LEADERS!", " “Leaders.” ", "leader", "Leader"]:
        assert ex.check("q3", answer=text).status == "correct", text
    r = ex.check("q3", answer="presidents")
    assert r.status == "incorrect" and r.message.startswith("q3: not one of the choices:")


def test_two_mistakes_with_one_answer_show_both_messages(demo):
    ex, _ = demo
    r = ex.check("q1", answer=7)
    assert r.status == "incorrect"
    assert r.message == (
        "You counted vice-level talks too. Another common slip: "
        "You left out only the ministers-level talks."
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("menage a trois", "ménage à trois"),
        ("MÉNAGE-À-TROIS.", "ménage à trois"),
        ("Tokyo", "Tōkyō"),
        ("Lodz", "Łódź"),
        ("Yoon Suk-yeol", "Yoon Suk Yeol"),
        ("Japan-ROK", "Japan–ROK"),
        ("Dokdo / Takeshima", "Dokdo/Takeshima"),
        ("U.S.", "US"),
        ("'Kishida, Fumio'", "kishida fumio"),
        ("ｶﾞｲﾑｼｮｳ", "ガイムショウ"),  # width only
    ],
)
def test_text_answers_ignore_case_accents_and_punctuation(a, b):
    from trilat_lessons.judge import norm_text

    assert norm_text(a) == norm_text(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ガイムショウ", "カイムショウ"),  # kana voicing marks change the word: kept
        ("대한민국", "대한민극"),
        ("history_issues", "history issues"),  # identifiers keep their underscores
        ("romantic triangle", "stable marriage"),
    ],
)
def test_text_answers_keep_real_differences(a, b):
    from trilat_lessons.judge import norm_text

    assert norm_text(a) != norm_text(b)
    assert norm_text("대한민국") == "대한민국"  # Hangul syllables survive decomposition


def test_tip_for_a_text_given_as_a_list_depends_on_the_item_type():
    from trilat_lessons.judge import evaluate, export_value

    def message(items: str, value) -> str:
        q = {"id": "q5", "variable": "q5_answer", "expect": {"type": "list", "items": items}}
        return evaluate("s", q, export_value(value)).message

    numbers = message("int", "2015, 2016")
    assert "[2015, 2019]" in numbers and "without quotes" in numbers and '"a"' not in numbers
    assert "without quotes, e.g. [1.5" in message("float", "1.5 2.5")
    assert 'in quotes inside square brackets, e.g. ["a", "b"]' in message("str", "a, b")
    item = message("int", [2015, "2016"])
    assert item.startswith("Item 2 of your list is the text '2016'") and "without quotes" in item


def test_time_spans_given_for_numbers_get_a_tip(demo):
    import datetime

    import numpy as np
    import pandas as pd

    ex, _ = demo
    for value in [pd.Timedelta(days=400), datetime.timedelta(days=400), np.timedelta64(400, "D")]:
        for q in ("q1", "q2"):
            r = ex.check(q, answer=value)
            assert r.status == "malformed", (q, value)
            assert "you gave a time span" in r.message
            assert "Use `.days` (or `/ pd.Timedelta(days=365.25)` for years)" in r.message
    spans = pd.Series(pd.to_timedelta([1, 2], unit="D"))
    assert "time spans: use `.days`" in ex.check("q2", answer=spans).message
    single = ex.check("q2", answer=spans.iloc[:1]).message
    assert "Take the single value" in single and "time spans: use `.days`" in single


def test_time_span_inside_a_list_of_numbers_gets_the_tip():
    import pandas as pd

    from trilat_lessons.judge import decode, evaluate, export_value

    q = {"id": "q5", "variable": "q5_answer", "expect": {"type": "list", "items": "float"}}
    r = evaluate("s", q, export_value([1.5, pd.Timedelta(days=2)]))
    assert r.message.startswith("Item 2 of your list is a time span (pandas Timedelta)")
    assert "`.days`" in r.message
    assert decode(export_value(pd.Timedelta(days=2))).days == 2  # hidden checks get a timedelta


def test_messages_are_sentences_with_singular_and_plural_right(demo):
    import altair as alt
    import pandas as pd

    ex, talks = demo
    one = ex.check("q1", answer=pd.Series([5]))
    assert "you gave a Series of 1 value." in one.message and "Take the single value" in one.message
    assert "(1 row x 1 column)" in ex.check("q1", answer=pd.DataFrame({"n": [5]})).message
    assert "(10 rows x 3 columns)" in ex.check("q1", answer=talks).message
    per = talks.groupby("year").size().reset_index(name="talks")
    untitled = ex.check("q5", answer=alt.Chart(per).mark_bar().encode(x="year:O", y="talks:Q"))
    assert untitled.message.startswith("Almost: Give the chart a title")
    assert "Give the chart a description" in untitled.message
    answers = {
        "q1": [None, "five", 10**400, float("nan"), [1, 2], per],
        "q3": ["", 3],
        "q4": [per.head(2), per.rename(columns={"talks": "n"}), per.astype({"talks": "string"})],
        "q5": [alt.Chart(per).mark_line().encode(x="year:N", y="talks:Q")],
    }
    for qid, values in answers.items():
        for value in values:
            msg = ex.check(qid, answer=value).message
            first = msg.split()[0]
            assert first[0].isupper() or first == qid, (qid, msg)
