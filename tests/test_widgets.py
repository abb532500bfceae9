"""Explorers, headless: set controls from Python (observers fire at once) and check the data,
the sentences and the chart spec each widget shows; the pure functions are tested directly."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import ipywidgets as w
import pandas as pd
import pytest
import test_charts_frames as F

from trilat_lessons import analysis as an  # the pure functions behind the explorers
from trilat_lessons import charts
from trilat_lessons import widgets as W
from trilat_lessons.schema import CRITERIA
from trilat_lessons.widgets._base import KEYBOARD_HELP, SpecTemplate, chart_spec, spec_of
from trilat_lessons.widgets.policy import YOURS
from trilat_lessons.widgets.triangle import FROM_DATA, MANUAL


def descendants(widget: w.Widget) -> Iterator[w.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def assert_keyboard_usable(widget: w.Widget) -> None:
    """Every control is a standard, focusable ipywidget with a visible label."""
    controls = [
        c
        for c in descendants(widget)
        if isinstance(c, w.ValueWidget | w.Button) and not isinstance(c, w.HTML | w.Label)
    ]
    assert controls, "no controls found"
    for c in controls:
        label = c.description
        assert label and label.strip(), f"{type(c).__name__} without a label"


def svg_of(view: w.HTML) -> str:
    assert "<svg" in view.value, "the chart is not drawn as inline SVG"
    return view.value


def chart_title(explorer: w.Widget) -> str:
    title = explorer.chart.to_dict()["title"]
    return title["text"] if isinstance(title, dict) else title


# --- TimelineExplorer ---------------------------------------------------------------------------


@pytest.fixture
def timeline() -> W.TimelineExplorer:
    return W.TimelineExplorer(F.meetings(), F.leaders())


def test_filter_meetings_by_each_filter() -> None:
    m = F.meetings()
    assert len(an.filter_meetings(m)) == 7
    assert list(an.filter_meetings(m, administration="Biden")["meeting_id"]) == [
        "M04",
        "M05",
        "M06",
    ]
    assert list(an.filter_meetings(m, level=["leaders"], track="all")["meeting_id"]) == [
        "M01",
        "M04",
        "M05",
    ]
    assert list(an.filter_meetings(m, track="defence")["meeting_id"]) == ["M06"]
    assert list(an.filter_meetings(m, years=(2023, 2017))["meeting_id"]) == [
        "M03",
        "M04",
        "M05",
        "M06",
    ]
    assert len(an.filter_meetings(m, administration=[])) == 7  # empty list keeps everything
    assert an.filter_meetings(m, administration="Carter").empty


def test_summarize_selection_sentences() -> None:
    m = F.meetings()
    assert (
        an.summarize_selection(m.iloc[:0], total=7) == "No meetings out of 7 match this selection."
    )
    one = an.summarize_selection(an.filter_meetings(m, track="defence"), total=7)
    assert one.startswith("1 of 7 meetings matches: ") and "Jakarta" in one and "Biden" in one
    many = an.summarize_selection(m, total=7)
    assert many == (
        "7 of 7 meetings match, from 2014-03-25 to 2025-02-15: the most common levels are leaders"
        " and ministers (3 each), most took place under Biden (3), and the busiest year was 2023"
        " (2)."
    )


def test_summarize_selection_names_every_tied_value() -> None:
    """A tie is reported as a tie, never as a single winner."""
    m = F.meetings()
    two_years = m[m["year"].isin([2014, 2016])]  # one meeting in each year, different levels
    text = an.summarize_selection(two_years)
    assert "the busiest years were 2014 and 2016 (1 each)" in text
    assert "the most common levels are" in text


def test_count_table_has_levels_by_administration_with_totals() -> None:
    table = an.count_table(F.meetings())
    assert list(table.index) == [
        "leaders",
        "ministers",
        "vice/deputy ministers",
        "envoys/other",
        "Total",
    ]
    assert list(table.columns) == ["Obama", "Trump (1st)", "Biden", "Trump (2nd)", "Total"]
    assert table.loc["leaders", "Biden"] == 2
    assert table.loc["Total", "Total"] == 7


def test_timeline_explorer_updates_data_summary_table_and_chart(
    timeline: W.TimelineExplorer,
) -> None:
    assert len(timeline.selection) == 7
    before = svg_of(timeline.chart_view)
    timeline.administration.value = "Biden"
    assert list(timeline.selection["meeting_id"]) == ["M04", "M05", "M06"]
    assert timeline.summary.startswith("3 of 7 meetings match")
    assert timeline.summary in timeline.summary_view.value
    assert timeline.counts.loc["Total", "Total"] == 3
    assert "<caption" in timeline.table_view.value
    spec = timeline.chart.to_dict()
    assert "Timeline of 3 trilateral" in spec["description"]
    assert svg_of(timeline.chart_view) != before  # the shown chart changed
    timeline.level.value = "leaders"
    timeline.years.value = (2023, 2025)
    assert list(timeline.selection["meeting_id"]) == ["M05"]
    assert "Camp David" in timeline.summary


def test_timeline_explorer_value_round_trip_and_defaults(timeline: W.TimelineExplorer) -> None:
    assert timeline.value == {
        "administration": "all",
        "level": "all",
        "track": "all",
        "years": (2014, 2025),
    }
    timeline.value = {"track": "foreign", "years": (2016, 2018)}
    assert list(timeline.selection["meeting_id"]) == ["M02", "M03"]
    assert timeline.value["track"] == "foreign"
    x = next(
        e["encoding"]["x"]
        for e in timeline.chart.to_dict()["vconcat"][1]["layer"]
        if e["encoding"]["x"]["field"] == "when"
    )
    assert x["scale"]["domain"][0] < "2014-03-01"  # the axis keeps the whole period
    assert_keyboard_usable(timeline)


def test_timeline_explorer_constructor_filters() -> None:
    explorer = W.TimelineExplorer(F.meetings(), F.leaders(), administration="Obama")
    assert explorer.summary.startswith("2 of 7")


# --- OpinionExplorer ---------------------------------------------------------------------------


@pytest.fixture
def opinion() -> W.OpinionExplorer:
    return W.OpinionExplorer(F.opinion())


def test_opinion_series_and_selection() -> None:
    cat = an.opinion_series(F.opinion())
    good = cat[cat["measure"] == "good impression"].set_index("label")
    assert good.loc["ROK → Japan", "n"] == 4 and good.loc["Japan → ROK", "last"] == 2021
    sel = an.select_opinion(F.opinion(), ("ROK", "Japan"), "good impression")
    assert list(sel["obs_id"]) == ["O01", "O02", "O03", "O04"]
    assert list(an.select_opinion(F.opinion(), "all", "bad impression")["obs_id"]) == ["O08"]


def test_describe_opinion_keeps_the_sources_wording() -> None:
    sel = an.select_opinion(F.opinion(), None, "good impression")
    assert an.describe_opinion(sel) == (
        "'good impression' — Japan respondents on ROK: 20% in 2019, then over 60% in 2021;"
        " ROK respondents on Japan: 31.7% in 2019, then 25–35% in 2022."
    )
    assert an.describe_opinion(sel.iloc[:0]) == "No survey results match this selection."


def test_opinion_explorer_series_and_measure(opinion: W.OpinionExplorer) -> None:
    assert opinion.value == {"measure": "good impression", "series": "all"}
    assert "seed002" in opinion.source_view.value  # the source is shown under the chart
    before = svg_of(opinion.chart_view)
    opinion.series.value = "Japan → ROK"
    assert set(opinion.selection["obs_id"]) == {"O05", "O06", "O07"}
    assert "over 60%" in opinion.summary
    assert svg_of(opinion.chart_view) != before
    opinion.measure.value = "bad impression"
    assert [v for _, v in opinion.series.options] == ["all", "ROK → Japan"]
    assert opinion.series.value == "all"  # Japan → ROK has no such measure
    assert list(opinion.selection["obs_id"]) == ["O08"]
    assert opinion.sources == ["seed001"] or opinion.sources[0].endswith("[seed001]")
    assert chart_title(opinion) == "Public opinion: bad impression"
    opinion.value = {"measure": "good impression", "series": "ROK → Japan"}
    assert len(opinion.selection) == 4
    assert_keyboard_usable(opinion)


# --- TriangleExplorer ---------------------------------------------------------------------------

A, E = "amity", "enmity"
PATTERNS = [
    ((A, A, A), "ménage à trois", None),
    ((A, A, E), "romantic triangle", "U.S."),
    ((A, E, A), "romantic triangle", "Japan"),
    ((E, A, A), "romantic triangle", "ROK"),
    ((A, E, E), "stable marriage", None),
    ((E, A, E), "stable marriage", None),
    ((E, E, A), "stable marriage", None),
    ((E, E, E), "unit veto", None),
]


@pytest.mark.parametrize(("sides", "name", "pivot"), PATTERNS)
def test_classify_triangle_names_every_pattern(
    sides: tuple[str, str, str], name: str, pivot: str | None
) -> None:
    pattern = an.classify_triangle(*sides)
    assert (pattern.name, pattern.pivot) == (name, pivot)
    sentences = re.split(r"(?<=[.!?])\s+", pattern.explanation.strip())
    assert len(sentences) == 2, pattern.explanation
    if pivot:
        assert pattern.roles[pivot] == "pivot"
        assert sorted(pattern.roles.values()) == ["pivot", "wing", "wing"]


def test_classify_triangle_roles_and_inputs() -> None:
    marriage = an.classify_triangle(True, -1, "enmity")
    assert marriage.roles == {"U.S.": "partner", "Japan": "partner", "ROK": "outsider"}
    assert "South Korea" in marriage.explanation
    with pytest.raises(ValueError, match="amity"):
        an.classify_triangle("friendly-ish", A, A)
    with pytest.raises(ValueError):
        an.classify_triangle(0, A, A)


def test_dyad_states_from_events_reads_dyads_and_effects() -> None:
    ev = an.dyad_states_from_events(F.events(), 2019).set_index("dyad")
    assert ev.loc["Japan–ROK", "state"] == "enmity"  # E03, E04 strain
    assert (ev.loc["U.S.–ROK", "strains"], ev.loc["U.S.–ROK", "neutral"]) == (1, 1)
    assert ev.loc["U.S.–ROK", "state"] == "enmity"
    assert ev.loc["U.S.–Japan", "state"] == "amity"
    assert "taken as amity" in ev.loc["U.S.–Japan", "basis"]
    later = an.dyad_states_from_events(F.events(), 2023).set_index("dyad")
    assert later.loc["Japan–ROK", "state"] == "amity"  # E06 improves
    assert later.loc["U.S.–ROK", "year_used"] == 2019  # no U.S.–ROK event in 2023
    assert later.loc["U.S.–ROK", "basis"].startswith("none in 2023; in 2019")
    assert later["trilateral"].iloc[0] == 1  # Camp David counts apart, for no single side


def test_triangle_explorer_manual_and_from_data() -> None:
    tri = W.TriangleExplorer(F.events())
    assert tri.value["pattern"] == "romantic triangle" and tri.value["pivot"] == "U.S."
    assert "pivot" in tri.pattern_view.value and "<svg" in tri.chart_view.value
    before = tri.chart_view.value
    tri.sides["Japan–ROK"].value = "amity"
    assert tri.pattern.name == "ménage à trois"
    assert tri.chart.to_dict()["title"]["text"] == "Strategic triangle: ménage à trois"
    assert tri.chart_view.value != before
    tri.value = {"U.S.–Japan": "enmity", "U.S.–ROK": "enmity", "Japan–ROK": "enmity"}
    assert tri.value["pattern"] == "unit veto"
    tri.value = {"year": 2019}
    assert tri.mode.value == FROM_DATA
    assert tri.value["pattern"] == "stable marriage" and tri.value["year"] == 2019
    assert all(side.disabled for side in tri.sides.values())
    assert "What the events data suggest for 2019" in tri.evidence_view.value
    assert "E03, E04" in tri.evidence_view.value
    tri.year.value = 2023
    assert (tri.value["pattern"], tri.value["pivot"]) == ("romantic triangle", "Japan")
    assert tri.year.layout.display is None
    tri.mode.value = MANUAL
    assert not any(side.disabled for side in tri.sides.values())
    assert tri.year.layout.display == "none"  # no empty, disabled Year dropdown to tab to
    # choices are radio buttons: the chosen one is exposed to screen readers (checked)
    assert all(type(c).__name__ == "RadioButtons" for c in [tri.mode, *tri.sides.values()])
    assert tri.evidence_view.value == ""
    assert_keyboard_usable(tri)


# --- PolicyWorkbench --------------------------------------------------------------------------


def test_rank_options_by_hand() -> None:
    ranking = an.rank_options(F.policy_options(), {c: 1.0 for c in CRITERIA})
    p3 = ranking.set_index("option_id").loc["P3"]
    # P3: cost 1 and China risk 1 (reversed: best), feasibility 5, support 4/4/4
    assert p3["score"] == pytest.approx(100 * (1 + 1 + 1 + 0.75 * 3) / 6, abs=0.05)
    pts = [c for c in ranking.columns if c.startswith("pts_")]
    assert ranking[pts].sum(axis=1).tolist() == pytest.approx(ranking["score"].tolist(), abs=0.06)
    assert list(ranking["rank"]) == sorted(ranking["rank"])
    only_cost = an.rank_options(F.policy_options(), {"cost": 1})
    assert list(only_cost["option_id"][:1]) == ["P3"]  # the cheapest option wins
    zero = an.rank_options(F.policy_options(), {"cost": 0})
    assert set(zero["score"]) == {0.0}


def test_rank_options_rejects_bad_weights() -> None:
    with pytest.raises(ValueError, match="unknown criteria"):
        an.rank_options(F.policy_options(), {"popularity": 1})
    with pytest.raises(ValueError, match="0 or more"):
        an.rank_options(F.policy_options(), {"cost": -1})
    with pytest.raises(ValueError, match="several perspectives"):
        an.rank_options(F.policy_options(), F.policy_weights())
    with pytest.raises(ValueError, match="no preset"):
        an.preset_weights(F.policy_weights(), "China")


def test_compare_rankings_and_describe_change() -> None:
    table = an.compare_rankings(F.policy_options(), F.policy_weights())
    assert list(table.columns) == ["option", "U.S.", "Japan", "ROK", "balanced"]
    assert table.loc["P1", "U.S."] == 3 and table.loc["P1", "ROK"] == 4
    text = an.describe_ranking_change(table, "U.S.", "ROK")
    assert text == (
        "From the U.S. weights to the ROK weights, the top option stays P3: Option P3; the"
        " biggest move is P1: Option P1 (3rd → 4th)."
    )
    assert an.describe_ranking_change(table, "ROK", "balanced").startswith(
        "The ranking is the same"
    )


def test_ranking_sentence_uses_whole_labels_and_tables_cut_at_a_word() -> None:
    """Lesson 06 once read '... in fre… (17th → 24th)': a label cut mid-word, in a sentence."""
    from trilat_lessons.analysis.policy import _option_labels, full_labels

    asks = "Hold regular trilateral exercises and share missile warning data in free time"
    options = pd.DataFrame({"option_id": ["P1"], "asks": [asks]})
    short = _option_labels(options)[0]
    assert short.endswith("…") and short[:-1] in f"P1: {asks}"
    assert short[:-1].split()[-1] in asks.split()  # whole words only
    table = pd.DataFrame({"option": [short, "P2: Talk."], "a": [1, 2], "b": [2, 1]}, ["P1", "P2"])
    text = an.describe_ranking_change(table, "a", "b", full_labels(options))
    assert f"P1: {asks}" in text and "…" not in text


def test_ranking_table_names_every_option_in_full() -> None:
    """Lesson 06's ranking table once cut option names at about 60 characters."""
    from trilat_lessons import load
    from trilat_lessons.widgets.policy import full_labels

    options = load("policy_options")
    table = an.compare_rankings(options, load("policy_weights"))
    whole = full_labels(options)
    assert table["option"].to_dict() == whole
    assert max(len(v) for v in whole.values()) > 60 and not table["option"].str.endswith("…").any()


def test_ranking_sentence_with_your_weights_and_labels_ending_in_a_full_stop() -> None:
    """Lesson 06 once read 'From U.S. to your weights weights ... together., and the ...'."""
    table = pd.DataFrame(
        {
            "option": ["P1: Work together.", "P2: Talk more.", "P3: Wait."],
            "U.S.": [1, 2, 3],
            "your weights": [3, 2, 1],
        },
        index=["P1", "P2", "P3"],
    )
    text = an.describe_ranking_change(table, "U.S.", "your weights")
    assert text == (
        "From the U.S. weights to your weights, the top option changes from P1: Work together"
        " to P3: Wait; the biggest move is P1: Work together (1st → 3rd)."
    )
    assert "weights weights" not in text and ".," not in text and ".;" not in text


def test_policy_workbench_presets_sliders_and_dataframes() -> None:
    bench = W.PolicyWorkbench(F.policy_options(), F.policy_weights(), perspective="U.S.")
    us = an.preset_weights(F.policy_weights(), "U.S.")
    assert bench.value == us
    pd.testing.assert_frame_equal(
        bench.ranking, an.rank_options(F.policy_options(), us), check_dtype=False
    )
    assert list(bench.weights.columns) == ["criterion", "label", "weight"]
    before = bench.chart_view.value
    bench.preset.value = "ROK"
    assert bench.value == an.preset_weights(F.policy_weights(), "ROK")
    assert bench.chart_view.value != before
    assert "ranked with ROK weights" in bench.chart.to_dict()["title"]
    assert list(bench.comparison.columns)[-1] == YOURS
    assert bench.comparison[YOURS].equals(bench.comparison["ROK"])
    bench.sliders["cost"].value = 5.0
    assert bench.preset.value == "custom"
    assert bench.weights.set_index("criterion").loc["cost", "weight"] == 5.0
    assert bench.ranking["option_id"].iloc[0] == "P3"
    assert "your weights" in bench.change
    bench.value = dict.fromkeys(CRITERIA, 0.0)
    assert set(bench.ranking["score"]) == {0.0}
    assert "All weights are 0" in bench.change_view.value
    assert_keyboard_usable(bench)


def test_policy_workbench_compare_with() -> None:
    bench = W.PolicyWorkbench(F.policy_options(), F.policy_weights(), perspective="ROK")
    bench.compare.value = "U.S."
    assert bench.change.startswith("From the U.S. weights to your weights,")
    assert "P1: Option P1 (3rd → 4th)" in bench.change


# --- Quiz -------------------------------------------------------------------------------------


def test_grade_choice_single_and_multiple() -> None:
    opts = ["Madrid", "Camp David", "Hiroshima"]
    right = W.grade_choice(opts, "Camp David", 1, {"Camp David": "Yes: August 2023."})
    assert right.correct and right.score == 1.0 and right.message == "Correct!"
    assert right.feedback[1].text == "August 2023."  # the verdict words already say "right"
    wrong = W.grade_choice(opts, 1, "Madrid", {"Madrid": "That was June 2022, at NATO."})
    assert not wrong.correct
    assert wrong.feedback[0].text == "That was June 2022, at NATO." and not wrong.feedback[0].ok
    assert "missed" in wrong.feedback[1].text.lower()
    partial = W.grade_choice(opts, [0, 1], ["Madrid"])
    assert not partial.correct and partial.score == pytest.approx(2 / 3)
    assert W.grade_choice(opts, 0, None).message == "Choose an option first."
    with pytest.raises(ValueError, match="not one of the options"):
        W.grade_choice(opts, "Tokyo", None)
    with pytest.raises(ValueError, match="one feedback text per option"):
        W.grade_choice(opts, 0, 0, ["only one"])


def test_missed_feedback_reads_once_without_doubled_verdicts() -> None:
    opts = ["It took place in July 2016; the source does not give the day.", "In 2015."]
    notes = ["Right: July 2016 is all the source says.", "No. That is a year early."]
    wrong = W.grade_choice(opts, 0, 1, notes)
    missed, chosen = wrong.feedback
    assert missed.text == "July 2016 is all the source says."  # no "Missed: Right: ..."
    assert chosen.text == "That is a year early."
    from trilat_lessons.widgets.quiz import feedback_line

    line = feedback_line(missed)
    assert "Missed</b> — It took place in July 2016; the source does not give the day: July" in line
    assert ".:" not in line and "Missed: " not in line and "Right:" not in line
    yes = W.grade_choice(["A", "B"], 0, 0, ["Yes. Well read.", ""]).feedback[0]
    assert yes.text == "Well read."


def test_check_with_nothing_chosen_reveals_nothing() -> None:
    opts = ["Madrid", "Camp David", "Hiroshima"]
    notes = {"Madrid": "No: NATO.", "Camp David": "Right: August 2023.", "Hiroshima": "No: G7."}
    empty = W.grade_choice(opts, "Camp David", None, notes)
    assert empty.message == "Choose an option first." and not empty.correct
    assert all(f.text == "" for f in empty.feedback)
    quiz = W.Quiz("Where?", opts, correct="Camp David", feedback=notes)
    quiz.check()
    shown = quiz.feedback_view.value
    assert "Choose an option first." in shown and "August 2023" not in shown and "<li>" not in shown


def test_rightly_unpicked_options_get_no_feedback_and_marks_are_words() -> None:
    opts = ["Madrid", "Camp David", "Hiroshima"]
    notes = {"Madrid": "No: NATO.", "Camp David": "Right: August 2023.", "Hiroshima": "No: G7."}
    quiz = W.Quiz("Where?", opts, correct="Camp David", feedback=notes)
    quiz.value = "Camp David"
    quiz.check()
    shown = quiz.feedback_view.value
    assert "No: NATO." not in shown and "No: G7." not in shown  # left out, rightly: nothing
    assert "Right choice" in shown and "August 2023" in shown
    for emoji in ("✔", "✘", "✅", "❌", "⚠", "⬜"):
        assert emoji not in shown
    assert '<svg aria-hidden="true"' in shown  # the mark is drawn; the words carry the meaning


def test_course_widgets_carry_a_static_fallback_and_the_page_helper() -> None:
    from trilat_lessons.labhooks import FALLBACK_MARK, WIDGET_VIEW, strip_widget_views
    from trilat_lessons.linkguard import link_guard_html

    quiz = W.Quiz("Where?", ["A", "B"], correct="A")
    bundle = quiz._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and FALLBACK_MARK in bundle["text/html"]
    assert "run this cell" in bundle["text/plain"]
    assert link_guard_html() in quiz.children[0].value  # keys typed in it stay out of shortcuts
    nb = {"cells": [{"cell_type": "code", "outputs": [{"data": dict(bundle)}]}]}
    other = {"data": {WIDGET_VIEW: {"model_id": "x"}, "text/plain": "someone else's widget"}}
    nb["cells"][0]["outputs"].append(other)
    assert strip_widget_views(nb) == 1
    assert WIDGET_VIEW not in nb["cells"][0]["outputs"][0]["data"]
    assert WIDGET_VIEW in other["data"]  # not ours: left as it is


def test_saved_course_links_become_text_so_an_untrusted_reopening_has_none() -> None:
    """JupyterLab sanitizes an untrusted notebook's HTML, and no script of the course runs there
    without its JupyterLab extension: a stored course link would pass typed letters to the
    notebook's shortcuts."""
    from trilat_lessons import source_of
    from trilat_lessons.labhooks import pre_save
    from trilat_lessons.linkguard import link_guard_html

    cited = source_of("meetings", "T18")._repr_html_()
    assert "<a " not in cited and 'class="trilat-url">https://' in cited  # text, even unsaved
    # a course link as an older version stored it, and the page's script carrier
    legacy = '<a href="https://a.b/c" data-lm-suppress-shortcuts="true">https://a.b/c</a>'
    other = '<a href="https://example.org">theirs</a>'
    nb = {
        "cells": [
            {"cell_type": "code", "outputs": [{"data": {"text/html": [cited, legacy]}}]},
            {"cell_type": "code", "outputs": [{"data": {"text/html": other}}]},
            {"cell_type": "code", "outputs": [{"data": {"text/html": link_guard_html()}}]},
        ]
    }
    pre_save({"type": "notebook", "content": nb})
    saved = nb["cells"][0]["outputs"][0]["data"]["text/html"]
    assert "<a " not in saved and "https://a.b/c" in saved  # the address stays, as text
    assert nb["cells"][1]["outputs"][0]["data"]["text/html"] == other  # not ours
    # the page's script carrier is kept (a trusted reopening runs it; a sanitizer drops it whole)
    assert nb["cells"][2]["outputs"][0]["data"]["text/html"] == link_guard_html()
    legacy_img = '<img alt="" hidden width="1" height="1" src="data:," onerror="x()">'
    nb["cells"][2]["outputs"][0]["data"]["text/html"] = legacy_img  # an older version's carrier
    pre_save({"type": "notebook", "content": nb})
    assert nb["cells"][2]["outputs"][0]["data"]["text/html"] == ""


def test_quiz_single_choice_feedback_and_reset() -> None:
    quiz = W.Quiz(
        "Where did the three leaders hold their first standalone summit?",
        ["Madrid", "Camp David", "Hiroshima"],
        correct="Camp David",
        feedback={"Madrid": "Madrid was on the sidelines of the NATO summit."},
        explanation="Camp David, August 2023.",
    )
    assert not quiz.multiple and quiz.value is None
    quiz.value = "Madrid"
    result = quiz.check()
    assert not result.correct and not quiz.correct
    assert "NATO summit" in quiz.feedback_view.value and "Wrong choice" in quiz.feedback_view.value
    quiz.value = 1  # by index
    assert quiz.feedback_view.value == ""  # old feedback cleared when the choice changes
    quiz.check_button.click()
    assert quiz.result is not None and quiz.result.correct
    assert "Correct!" in quiz.feedback_view.value and "August 2023" in quiz.feedback_view.value
    assert_keyboard_usable(quiz)


def test_quiz_multiple_select() -> None:
    quiz = W.Quiz("Which are obstacles?", ["history", "geography", "weather"], ["history", 1])
    assert quiz.multiple and len(quiz.choices) == 3
    quiz.choices[0].value = True
    assert quiz.value == ("history",)
    assert quiz.check().score == pytest.approx(2 / 3)
    quiz.value = ["history", "geography"]
    assert quiz.correct and quiz.check().correct
    assert_keyboard_usable(quiz)


# --- chart html, packaged data -----------------------------------------------------------------


def test_chart_html_uses_the_course_theme_whatever_is_active() -> None:
    import altair as alt

    from trilat_lessons.widgets._base import chart_spec

    chart = W.TimelineExplorer(F.meetings(), F.leaders()).chart
    with alt.theme.enable("default"):
        assert chart_spec(chart)["config"]["font"].startswith("DejaVu Sans")
    html = W.chart_html(chart)
    assert html.startswith('<figure class="trilat-chart"') and "<svg" in html


def test_explorers_run_on_the_packaged_datasets() -> None:
    F.real("meetings")  # skip while the datasets are not built
    timeline = W.TimelineExplorer()
    first = timeline.chart_view.value
    timeline.administration.value = timeline.administration.options[1][1]
    assert timeline.chart_view.value != first and len(timeline.selection) > 0
    opinion = W.OpinionExplorer()
    assert "<svg" in opinion.chart_view.value and opinion.sources
    tri = W.TriangleExplorer(year=2023)
    assert tri.value["year"] == 2023 and tri.evidence is not None
    bench = W.PolicyWorkbench()
    assert sorted(bench.comparison.columns) == sorted(
        ["option", "U.S.", "Japan", "ROK", "balanced", YOURS]
    )


# --- spec templates: the explorers' fast path ---------------------------------------------------


def inline(spec: dict) -> dict:
    """The spec with every named dataset put back into the view that uses it."""
    named = spec.get("datasets", {})

    def walk(node: object) -> object:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "data" and isinstance(value, dict) and value.get("name") in named:
                    out[key] = {"values": named[value["name"]]}
                else:
                    out[key] = walk(value)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = walk(spec)
    out.pop("datasets", None)
    return out


def explorer_parts() -> Iterator[charts.ChartParts]:
    """Parts as the explorers make them, over many selections."""
    m, lead = F.meetings(), F.leaders()
    for sel in (m, m[m["us_administration"] == "Biden"], m.iloc[:0], m[m["level"] == "leaders"]):
        yield charts.meetings_timeline_parts(sel, lead, span=("2013-09-01", "2026-01-01"),
                                             width=540, axes_from=m)  # fmt: skip
    o = F.opinion()
    for measure in ("good impression", "bad impression"):
        for series in (None, ["ROK → Japan"], ["Japan → ROK"]):
            yield charts.opinion_trends_parts(o, measure=measure, series=series, axes_from=o)
    for perspective in ("U.S.", "ROK", "balanced"):
        ranking = an.rank_options(
            F.policy_options(), an.preset_weights(F.policy_weights(), perspective)
        )
        yield charts.policy_ranking_parts(ranking, perspective=perspective)
    for sides in PATTERNS:
        yield charts.triangle_diagram_parts(*sides[0], subtitle="Sides set by you")


def test_spec_template_fills_in_what_altair_would_build() -> None:
    for parts in explorer_parts():
        expected = inline(chart_spec(charts.draw(parts)))
        assert inline(spec_of(parts)) == expected, (parts.kind, parts.description)


def test_spec_template_names_its_datasets_and_keeps_its_skeleton() -> None:
    parts = charts.meetings_timeline_parts(F.meetings(), F.leaders())
    template = SpecTemplate(parts)
    assert template.datasets == ["leaders", "meetings", "terms"]
    spec = template.fill(parts)
    names = {v["data"]["name"] for v in views_with_data(spec)}
    assert names <= set(spec["datasets"]) == {"leaders", "meetings", "terms"}
    fresh = json.dumps(spec, sort_keys=True)
    spec["datasets"]["meetings"].clear()  # changing one spec ...
    spec["vconcat"][1]["layer"][1]["encoding"]["y"]["scale"]["domain"].append("x")
    assert json.dumps(template.fill(parts), sort_keys=True) == fresh  # ... never the next
    with pytest.raises(ValueError, match="do not fit"):
        template.fill(charts.meetings_timeline_parts(F.meetings(), bands=False))


def views_with_data(spec: dict) -> Iterator[dict]:
    if isinstance(spec.get("data"), dict):
        yield spec
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            yield from views_with_data(sub)


def test_explorers_update_their_text_before_drawing(timeline: W.TimelineExplorer) -> None:
    seen: dict[str, object] = {}

    def draw() -> None:  # stands in for the SVG render
        seen["summary"] = timeline.summary_view.value
        seen["table"] = timeline.table_view.value
        seen["spec"] = timeline.spec

    timeline._draw = draw
    timeline.administration.value = "Biden"
    assert "3 of 7 meetings match" in str(seen["summary"])
    assert "<caption" in str(seen["table"])
    assert "Timeline of 3 trilateral" in seen["spec"]["description"]  # type: ignore[index]


def test_timeline_explorer_keeps_its_axes_and_legend_while_filtering(
    timeline: W.TimelineExplorer,
) -> None:
    def frame(spec: dict) -> tuple:
        dots = spec["vconcat"][1]["layer"][1]["encoding"]
        return (
            dots["x"]["scale"]["domain"],
            dots["y"]["scale"]["domain"],
            dots["yOffset"]["scale"]["domain"],
            dots["color"]["scale"]["domain"],
        )

    before = frame(timeline.spec)
    timeline.value = {"level": "leaders", "track": "leaders"}
    assert len(timeline.spec["datasets"]["meetings"]) == 3
    assert frame(timeline.spec) == before
    assert before[1] == ["leaders", "ministers", "vice/deputy ministers"]  # every level stays
    assert W.chart_html(timeline.spec).startswith('<figure class="trilat-chart"')


def test_opinion_explorer_keeps_the_measures_series_colours(opinion: W.OpinionExplorer) -> None:
    colour = opinion.spec["layer"][0]["encoding"]["color"]["scale"]
    opinion.series.value = "ROK → Japan"
    assert opinion.spec["layer"][0]["encoding"]["color"]["scale"] == colour
    assert {r["series"] for r in opinion.spec["datasets"]["opinion"]} == {"ROK → Japan"}


def test_explorer_chart_is_its_spec_as_an_altair_chart(timeline: W.TimelineExplorer) -> None:
    import altair as alt

    timeline.track.value = "foreign"
    chart = timeline.chart
    assert isinstance(chart, alt.VConcatChart)
    assert inline(chart.to_dict()) == inline(timeline.spec)  # to_dict() validates it too
    assert timeline.chart is chart  # made once per spec


def test_explorers_tell_how_to_use_them_with_the_keyboard() -> None:
    explorers = [
        W.TimelineExplorer(F.meetings(), F.leaders()),
        W.OpinionExplorer(F.opinion()),
        W.TriangleExplorer(F.events()),
        W.PolicyWorkbench(F.policy_options(), F.policy_weights()),
    ]
    for explorer in explorers:
        help_text = explorer.children[0].value
        assert "Tab" in help_text and "Alt+↓" in help_text and "Space" in help_text
        assert html.escape(KEYBOARD_HELP) in help_text


def test_a_quiz_id_depends_on_its_question_not_on_memory() -> None:
    """A lesson executed twice gives the same page (the website): the id is the quiz's number
    in the kernel and a digest of its question and options, never a memory address."""

    def qid(quiz: W.Quiz) -> str:
        return quiz.children[0].value.split('id="', 1)[1].split('"', 1)[0]

    first, again = (W.Quiz("Where?", ["Madrid", "Camp David"], correct=1) for _ in range(2))
    other = W.Quiz("When?", ["Madrid", "Camp David"], correct=1)
    number, digest = qid(first).removeprefix("trilat-q-").split("-")
    assert re.fullmatch(r"[0-9]+", number) and re.fullmatch(r"[0-9a-f]{8}", digest)
    assert qid(again) == f"trilat-q-{int(number) + 1}-{digest}"
    assert not qid(other).endswith(digest)


def test_quiz_names_its_group_and_keeps_one_live_region() -> None:
    """The options' group is named by the question (the page helper sets role=radiogroup and
    aria-labelledby); the feedback box is the live region from the start, its HTML only text."""
    quiz = W.Quiz("Where?", ["Madrid", "Camp David"], correct="Camp David")
    question = quiz.children[0].value
    qid = question.split('id="', 1)[1].split('"', 1)[0]
    assert 'class="trilat-question"' in question and qid.startswith("trilat-q-")
    other = W.Quiz("Where?", ["Madrid", "Camp David"], correct="Camp David").children[0].value
    assert qid not in other  # ids are unique in the page
    assert "trilat-feedback" in quiz.feedback_view._dom_classes
    assert "radiogroup" in question and ".trilat-feedback" in question  # the helper does it
    quiz.value = "Madrid"
    quiz.check()
    assert 'role="status"' not in quiz.feedback_view.value  # no new region per answer
