"""Feedback for the mistakes students really make, on the real exercise keys: off-by-one year
ranges, text case, a listed answer misspelt or outside the list (a wrong answer, never a type
problem), and a fallback that names the one thing to re-check instead of restating the task."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from trilat_lessons.exercises._display import CheckResult
from trilat_lessons.judge import evaluate, export_value

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "trilat_lessons" / "exercises" / "keys"


def _key(set_id: str) -> dict:
    return json.loads((KEYS / f"{set_id}.json").read_text(encoding="utf-8"))


def _judge(set_id: str, qid: str, value):
    q = next(q for q in _key(set_id)["questions"] if q["id"] == qid)
    return evaluate(set_id, q, export_value(value))


@pytest.mark.parametrize("path", sorted(KEYS.glob("*.json")), ids=lambda p: p.stem)
def test_every_auto_question_names_what_to_recheck(path: Path) -> None:
    for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
        if q["kind"] == "auto" and q["expect"]["type"] != "chart":
            assert q.get("recheck"), f"{path.stem} {q['id']}: add a recheck text to its answer cell"


@pytest.mark.parametrize(
    ("set_id", "qid", "value", "words"),
    [
        ("01_history", "q1", 4, "off by one"),  # 2018-2023 or 2017-2022 instead of 2017-2023
        ("01_history", "q1", 7, "off by one"),  # 2016-2023 or 2017-2024 (or the leaders' track)
        ("01_history", "q1", 7, "leaders' track"),
        ("02_obstacles_korea_japan", "q1", 0, "case-sensitive"),  # 'japan–rok'
        ("04_china_perceptions", "q1", 0, "case-sensitive"),  # 'china'
    ],
)
def test_predictable_mistakes_get_their_own_message(set_id, qid, value, words) -> None:
    r = _judge(set_id, qid, value)
    assert r.status == "incorrect" and words in r.message, r.message


def test_a_well_typed_answer_outside_the_choices_is_wrong_not_a_type_problem() -> None:
    for value in ["China", "the North"]:
        r = _judge("04_china_perceptions", "q3", value)
        assert r.status == "incorrect", r
        assert r.message.startswith("q3: not one of the choices: 'U.S.', 'Japan', 'ROK'")
        shown = CheckResult("04_china_perceptions", "q3", r.status, r.message, points=1).text()
        assert "check the type" not in shown and "not yet" in shown


def test_singular_for_plural_names_the_listed_spelling() -> None:
    r = _judge("01_history", "q4", "DPRK envoy")
    assert r.status == "incorrect" and "did you mean 'DPRK envoys'?" in r.message


def test_the_fallback_names_the_thing_to_recheck_not_the_task() -> None:
    r = _judge("01_history", "q4", "economic")  # a listed track, but not the busiest
    assert r.message.startswith("Not the expected answer yet. Re-check the counts")
    assert "filters" not in r.message
    r = _judge("04_china_perceptions", "q2", 1999)
    assert "clean events table" in r.message


def _bar(data, x: str, y: str, color: str | None = None):
    import altair as alt

    enc = {"x": x, "y": y, **({"color": color} if color else {})}
    return alt.Chart(data, title="t", description="d").mark_bar().encode(**enc)


def test_check_sees_a_chart_drawn_from_filtered_rows() -> None:
    """01 q5: check() exports one row of a chart's table; its summary still shows a filter."""
    import trilat_lessons as tl

    m = tl.load("meetings")
    key = _key("01_history")
    q = next(q for q in key["questions"] if q["id"] == "q5")
    whole = evaluate(
        "01_history", q, export_value(_bar(m, "year:O", "count()", "level:N"), chart_data=False)
    )
    assert whole.status == "correct", whole
    part = _bar(m[m["year"] >= 2015], "year:O", "count()", "level:N")
    out = evaluate("01_history", q, export_value(part, chart_data=False))
    assert out.status == "incorrect" and "whole meetings table" in out.message


def _chart_verdict(set_id: str, qid: str, chart):
    q = next(q for q in _key(set_id)["questions"] if q["id"] == qid)
    return evaluate(set_id, q, export_value(chart, chart_data=False))


def test_check_sees_05_q2_drawn_from_q1s_table_or_with_sideless_events() -> None:
    """05 q2: the exploded events without the rows naming no side; q1's counts are not it."""
    import trilat_lessons as tl

    events = tl.load("events")
    pairs = events.assign(dyad=events["dyads"].str.split(";")).explode("dyad")
    pairs["dyad"] = pairs["dyad"].str.strip()
    kept = pairs[pairs["dyad"].notna()]
    right = _chart_verdict(
        "05_theory_and_comparison", "q2", _bar(kept, "dyad:N", "count()", "effect")
    )
    assert right.status == "correct", right
    q1_table = pd.crosstab(kept["dyad"], kept["effect"]).reset_index()  # q1's answer
    for wrong in (
        _bar(q1_table, "dyad:N", "count()", "effect:N"),
        _bar(pairs, "dyad:N", "count()", "effect"),
    ):
        out = _chart_verdict("05_theory_and_comparison", "q2", wrong)
        assert out.status == "incorrect" and "not from the table of q1" in out.message, out


def test_check_sees_02_q5_filtered_inside_the_chart() -> None:
    """02 q5: the two 2021 rows selected with pandas; a transform_filter over opinion is not it."""
    import altair as alt

    import trilat_lessons as tl

    opinion = tl.load("opinion")
    rows = opinion[
        (opinion["measure"] == "negative impression of the other country")
        & (opinion["year"] == 2021)
    ]
    right = _chart_verdict("02_obstacles_korea_japan", "q5", _bar(rows, "respondents:N", "value:Q"))
    assert right.status == "correct", right
    filtered = _bar(opinion, "respondents:N", "value:Q").transform_filter(
        (alt.datum.measure == "negative impression of the other country") & (alt.datum.year == 2021)
    )
    out = _chart_verdict("02_obstacles_korea_japan", "q5", filtered)
    assert out.status == "incorrect" and "not from opinion with a filter" in out.message, out
    other = rows.assign(value=100 - rows["value"])  # the share not negative
    out = _chart_verdict("02_obstacles_korea_japan", "q5", _bar(other, "respondents:N", "value:Q"))
    assert out.status == "incorrect" and "different respondents or values" in out.message, out


def test_check_sees_04_q7_drawn_from_part_of_the_stances() -> None:
    """04 q7: every row of the stances table; Japan's rows alone are not it."""
    import altair as alt

    import trilat_lessons as tl

    stances = tl.load("china_stances")

    def points(data):
        return (
            alt.Chart(data, title="t", description="d")
            .mark_point()
            .encode(x="year:O", y="country:N", color="stance")
        )

    right = _chart_verdict("04_china_perceptions", "q7", points(stances))
    assert right.status == "correct", right
    japan = stances[stances["country"] == "Japan"]
    out = _chart_verdict("04_china_perceptions", "q7", points(japan))
    assert out.status == "incorrect" and "every row of the stances table" in out.message, out


def test_check_sees_a_reversed_rank_change() -> None:
    """06 q5: ROK − U.S. instead of U.S. − ROK has the right shape but the wrong values."""
    import trilat_lessons as tl

    moves = tl.analysis.compare_rankings(tl.load("policy_options"), tl.load("policy_weights"))
    moves = moves.reset_index()
    key = _key("06_policy_options")
    q = next(q for q in key["questions"] if q["id"] == "q5")
    for sign, status in ((1, "correct"), (-1, "incorrect")):
        moves["rank_change"] = sign * (moves["U.S."] - moves["ROK"])
        chart = _bar(moves, "rank_change:Q", "option_id:N")
        out = evaluate("06_policy_options", q, export_value(chart, chart_data=False))
        assert out.status == status
    # the message speaks of what the question asks, not of a variable only the model answer has
    assert "moves[" not in out.message and "U.S. preset minus" in out.message, out.message
    assert "other order" in out.message, out.message


def test_04_q4_comparing_stances_as_text_is_not_rewarded() -> None:
    """The mistake the question warns about must give a different, flagged count."""
    import trilat_lessons as tl

    stance = tl.load("china_stances")["stance"]
    right = int((stance >= "partner with caution").sum())
    as_text = int((stance.astype(str) >= "partner with caution").sum())
    assert as_text != right
    assert _judge("04_china_perceptions", "q4", right).status == "correct"
    out = _judge("04_china_perceptions", "q4", as_text)
    assert out.status == "incorrect" and "as text" in out.message


@pytest.mark.parametrize(
    ("set_id", "qid", "value", "must", "must_not"),
    [
        # 01 q1 without the year filter: named alone, not confused with the vice-ministerial slip
        ("01_history", "q1", 9, "every year", "vice-ministerial"),
        # 01 q1 = 7: the leaders' track and a range off by one give it; one message names both
        ("01_history", "q1", 7, "Two slips give this number", "Or:"),
        # 02 q1 typed with a hyphen: the dash message, no unrelated case message
        ("02_obstacles_korea_japan", "q1", 0, "en dash", "Or:"),
        # 02 q4 rounded to a whole number
        ("02_obstacles_korea_japan", "q4", 14.0, "one decimal", "Or:"),
        # 05 q7 with the date filter forgotten: the date is named among the possible slips
        ("05_theory_and_comparison", "q7", 8, "date_start", "Another common slip"),
        # 05 q6 answered with the pattern's key
        ("05_theory_and_comparison", "q6", "menage_a_trois", "name (.name)", "not one of"),
    ],
)
def test_feedback_names_the_mistake_that_gives_the_value(set_id, qid, value, must, must_not):
    out = _judge(set_id, qid, value)
    assert out.status == "incorrect"
    assert must in out.message and must_not not in out.message, out.message


def test_a_tie_on_the_latest_date_accepts_either_statement() -> None:
    """04 q5: Japan's two statements of 2022-12-16 (one document, two statements): a new-to-old
    sort with keep='first' picks the other one, and is as right as the old-to-new sort."""
    stances = pd.read_csv(ROOT / "trilat_lessons" / "data" / "china_stances.csv")
    cols = ["country", "year", "quote", "stance"]
    newest_first = stances.sort_values(["year", "date_label"], ascending=False, kind="stable")
    assert (
        _judge("04_china_perceptions", "q5", newest_first.drop_duplicates("country")[cols]).status
        == "correct"
    )


@pytest.mark.parametrize("shorthand", ["stance:N", "stance:O"])
def test_an_ordered_colour_message_says_what_works(shorthand: str) -> None:
    """04 q7: neither ':N' nor ':O' alone gives the codebook's order; both messages name the
    plain field name and sort=[...], so a student is not sent round in circles."""
    import altair as alt

    import trilat_lessons as tl

    chart = (
        alt.Chart(tl.load("china_stances"), title="t", description="d")
        .mark_point()
        .encode(x="year:O", y="country:N", color=shorthand)
    )
    msg = _judge("04_china_perceptions", "q7", chart).message
    assert "plain field name, 'stance'" in msg and "sort=[...]" in msg, msg
    assert "should be ordinal (:O)" not in msg, msg  # a bare ':O' is the next dead end


@pytest.mark.parametrize(
    ("set_id", "qid", "value", "words"),
    [
        ("03_obstacles_structure", "q5", 5, "rounded"),
        ("06_policy_options", "q3", 56, "rounded"),
        ("06_policy_options", "q7", "diplomacy", "More than one slip"),
        # 03 q3: the right codes with china_gap written as the lesson's prose names it
        ("03_obstacles_structure", "q3",
         ["China gap", "diverging_threat_perceptions", "us_economic_policy"], "'china_gap'"),
    ],
)  # fmt: skip
def test_rounding_and_several_slips_get_their_own_message(set_id, qid, value, words):
    r = _judge(set_id, qid, value)
    assert r.status == "incorrect" and words in r.message, r.message


def test_a_score_rounded_half_up_by_hand_is_accepted() -> None:
    """06 q3 asks for a score worked out by hand: 56.25 rounded as people round (56.3) is as right
    as Python's round() (56.2) or the unrounded score, never "re-check the three steps"."""
    for value in (56.25, 56.2, 56.3):
        r = _judge("06_policy_options", "q3", value)
        assert r.status == "correct", (value, r.message)


@pytest.mark.parametrize(
    ("set_id", "qid", "value", "meant"),
    [
        ("04_china_perceptions", "q3", "South Korea", "ROK"),  # another name of a country
        ("04_china_perceptions", "q9", "South Korea", "ROK"),
        ("05_theory_and_comparison", "q4", "Republic of Korea", "ROK"),
        ("04_china_perceptions", "q3", "United States", "U.S."),
        ("05_theory_and_comparison", "q10", "fear of abandonment", "abandonment"),  # inside
        ("05_theory_and_comparison", "q10", "abandonement", "abandonment"),  # a typo
        ("01_history", "q4", "DPRK envoy", "DPRK envoys"),  # singular for plural
    ],
)
def test_every_near_spelling_of_a_choice_gets_the_same_suggestion(set_id, qid, value, meant):
    """One rule for "did you mean ...?" across the sets, not a wrong() entry here and there."""
    r = _judge(set_id, qid, value)
    assert r.status == "incorrect" and f"did you mean {meant!r}?" in r.message, r.message


@pytest.mark.parametrize(
    ("set_id", "qid", "value", "words"),
    [
        # 03 q3: counting rows instead of different sources now changes the answer
        ("03_obstacles_structure", "q3", [
            "china_gap", "diverging_threat_perceptions", "us_economic_policy", "us_reliability",
        ], "counted rows"),
        ("05_theory_and_comparison", "q5", [2014, 2015, 2016], "stops before its end"),  # range end
        ("05_theory_and_comparison", "q5", [2015, 2016, 2023], "starts in 2014"),
        ("06_policy_options", "q2", "P17", ".abs()"),  # the largest change of one sign only
    ],
)  # fmt: skip
def test_predictable_slips_change_the_answer(set_id, qid, value, words) -> None:
    """A predictable slip must not score full marks because the data give the same answer."""
    r = _judge(set_id, qid, value)
    assert r.status == "incorrect" and words in r.message, r.message
