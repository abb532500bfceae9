"""Chart builders: every spec has a title, a description, plain-word axis titles and a small size;
each builder draws what its data say (checked on small frames whose content we know)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import altair as alt
import pandas as pd
import pytest
import test_charts_frames as F

import trilat_lessons as tl
from trilat_lessons import charts
from trilat_lessons.analysis.opinion import opinion_labels
from trilat_lessons.analysis.policy import preset_weights, rank_options
from trilat_lessons.render import chart_to_svg
from trilat_lessons.theme import ADMINISTRATION_COLORS, COUNTRY_COLORS, EFFECT_COLORS, STATE_COLORS

SPEC_BUDGET = 100_000  # bytes of JSON per chart: small enough to ship in every notebook

BUILDERS: dict[str, Callable[[], alt.TopLevelMixin]] = {
    "meetings_timeline": lambda: charts.meetings_timeline(F.meetings(), F.leaders()),
    "meetings_timeline_no_bands": lambda: charts.meetings_timeline(F.meetings(), bands=False),
    "meetings_per_year": lambda: charts.meetings_per_year(F.meetings()),
    "events_timeline": lambda: charts.events_timeline(F.events()),
    "opinion_trends": lambda: charts.opinion_trends(F.opinion()),
    "china_stance_matrix": lambda: charts.china_stance_matrix(F.china_stances()),
    "obstacles_heatmap": lambda: charts.obstacles_heatmap(F.obstacles()),
    "policy_ranking": lambda: charts.policy_ranking(
        options=F.policy_options(), weights=preset_weights(F.policy_weights(), "ROK")
    ),
    "triangle_diagram": lambda: charts.triangle_diagram("amity", "amity", "enmity"),
    "leaders_timeline": lambda: charts.leaders_timeline(F.leaders()),
}

DEFAULT_DATA_BUILDERS: dict[str, Callable[[], alt.TopLevelMixin]] = {
    "meetings_timeline": charts.meetings_timeline,
    "meetings_per_year": charts.meetings_per_year,
    "events_timeline": charts.events_timeline,
    "opinion_trends": charts.opinion_trends,
    "china_stance_matrix": charts.china_stance_matrix,
    "obstacles_heatmap": charts.obstacles_heatmap,
    "policy_ranking": charts.policy_ranking,
    "leaders_timeline": charts.leaders_timeline,
}


# --- helpers ------------------------------------------------------------------------------------


def views(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every unit view (a dict with ``mark``) inside a layered / concatenated spec."""
    if "mark" in spec:
        yield spec
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            yield from views(sub)


def encodings(spec: dict[str, Any], channel: str) -> list[dict[str, Any]]:
    return [v["encoding"][channel] for v in views(spec) if channel in v.get("encoding", {})]


def view_data(spec: dict[str, Any], view: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline rows a view draws (altair moves them to top-level ``datasets``)."""
    data = view.get("data") or spec.get("data")
    if data is None:
        return []
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


def data_with(spec: dict[str, Any], column: str) -> list[dict[str, Any]]:
    """Rows of the first view whose data have ``column``."""
    for view in views(spec):
        rows = view_data(spec, view)
        if rows and column in rows[0]:
            return rows
    for sub in spec.get("vconcat", []) + spec.get("layer", []):
        for view in views(sub):
            rows = view_data(sub, view) if "data" in view or "data" in sub else []
            if rows and column in rows[0]:
                return rows
    raise AssertionError(f"no view has a {column!r} column")


def title_text(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    return title.get("text", "") if isinstance(title, dict) else str(title or "")


def tooltip_fields(spec: dict[str, Any]) -> set[str]:
    fields: set[str] = set()
    for enc in encodings(spec, "tooltip"):
        for t in enc if isinstance(enc, list) else [enc]:
            fields.add(t["field"])
    return fields


# --- every builder ----------------------------------------------------------------------------


@pytest.fixture(params=sorted(BUILDERS))
def built(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any], alt.TopLevelMixin]:
    chart = BUILDERS[request.param]()
    return request.param, chart.to_dict(), chart  # to_dict() validates against the schema


def test_every_chart_has_title_description_and_small_spec(
    built: tuple[str, dict[str, Any], alt.TopLevelMixin],
) -> None:
    name, spec, _ = built
    assert title_text(spec).strip(), f"{name}: no title"
    assert len(spec.get("description", "")) > 40, f"{name}: description missing or too short"
    assert len(json.dumps(spec)) < SPEC_BUDGET


def test_every_axis_has_a_plain_word_title(
    built: tuple[str, dict[str, Any], alt.TopLevelMixin],
) -> None:
    name, spec, _ = built
    checked = 0
    for channel in ("x", "y"):
        for enc in encodings(spec, channel):
            if "field" not in enc or enc.get("axis", {}) is None:
                continue  # constant or hidden axis (e.g. the triangle diagram's layout)
            title = enc.get("title")
            assert isinstance(title, str) and title.strip(), f"{name}: {channel} has no title"
            assert title != enc["field"], f"{name}: {channel} title is the raw field name"
            assert "_" not in title, f"{name}: {channel} title {title!r} is not plain words"
            checked += 1
    if name != "triangle_diagram":
        assert checked >= 2


def test_every_chart_renders_offline_to_labelled_svg(
    built: tuple[str, dict[str, Any], alt.TopLevelMixin],
) -> None:
    _, _spec, chart = built
    svg = chart_to_svg(chart)
    root = re.search(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="graphics-document document"' in root
    assert "aria-label=" in root and "<desc>" in svg
    assert "http://" not in svg.replace("http://www.w3.org", "")
    marks = re.findall(r'role="graphics-symbol"[^>]*>\s*<title>', svg)
    assert marks, "data marks must carry a hover title"


# --- meetings ---------------------------------------------------------------------------------


def test_meetings_timeline_places_colours_and_explains_each_meeting() -> None:
    spec = charts.meetings_timeline(F.meetings(), F.leaders()).to_dict()
    rows = {r["meeting"]: r for r in data_with(spec, "meeting")}
    assert set(rows) == {f"M0{i}" for i in range(1, 8)}
    assert rows["M01"]["context"] == "sidelines: Nuclear Security Summit"
    assert rows["M01"]["place"] == "The Hague"
    assert rows["M02"]["source"] == "seed000 (also state_2016_01_16_tokyo)"
    assert rows["M02"]["when"] == "2016-01-16"  # month known, day not: the middle of January
    assert rows["M01"]["when"] == "2014-03-25"  # day known: that day
    assert {"place", "context", "source", "leaders", "date"} <= tooltip_fields(spec)
    colour = next(e for e in encodings(spec, "color") if e["field"] == "administration")
    palette = dict(zip(colour["scale"]["domain"], colour["scale"]["range"], strict=True))
    for admin in ("Obama", "Trump (1st)", "Biden", "Trump (2nd)"):
        assert palette[admin] == ADMINISTRATION_COLORS[admin]
    levels = next(e for e in encodings(spec, "y") if e["field"] == "level")
    assert levels["sort"][0] == "leaders"  # highest level on top


def test_meetings_timeline_draws_presidential_terms_and_leader_strip() -> None:
    spec = charts.meetings_timeline(F.meetings(), F.leaders()).to_dict()
    bands = data_with(spec, "administration")
    terms = [r for r in bands if "start" in r]
    assert [t["administration"] for t in terms] == ["Obama", "Trump (1st)", "Biden", "Trump (2nd)"]
    strip = data_with(spec, "shade")
    assert {"Kishida", "Moon", "Biden"} <= {r["label"] for r in strip}
    assert "Shaded bands mark U.S. presidential terms" in spec["description"]


def test_administration_terms_numbers_repeat_presidents() -> None:
    terms = charts.administration_terms(F.leaders(), until=pd.Timestamp("2025-12-31"))
    assert list(terms["administration"]) == ["Obama", "Trump (1st)", "Biden", "Trump (2nd)"]
    assert terms["end"].iloc[-1] == pd.Timestamp("2025-12-31")  # in office: runs to the edge


def test_meetings_timeline_span_fixes_the_time_axis() -> None:
    one = F.meetings().iloc[[3]]
    spec = charts.meetings_timeline(one, F.leaders(), span=("2014-01-01", "2025-06-30")).to_dict()
    x = next(e for e in encodings(spec, "x") if e["field"] == "when")
    assert x["scale"]["domain"] == ["2014-01-01", "2025-06-30"]


def test_meetings_per_year_counts_by_level_and_keeps_empty_years() -> None:
    spec = charts.meetings_per_year(F.meetings()).to_dict()
    rows = data_with(spec, "level")
    assert sum(r["meetings"] for r in rows) == 7
    by = {(r["year"], r["level"]): r["meetings"] for r in rows}
    assert by[(2023, "leaders")] == 1 and by[(2023, "ministers")] == 1
    x = encodings(spec, "x")[0]
    assert x["scale"]["domain"] == list(range(2014, 2026))  # 2015, 2018... shown as empty years
    assert "busiest year was 2023 with 2 meetings" in spec["description"]
    tie = F.meetings()[F.meetings()["year"].isin([2014, 2016])]
    tied = charts.meetings_per_year(tie).to_dict()["description"]
    assert "busiest years were 2014 and 2016 with 1 meetings each" in tied  # a tie is not a winner


def test_empty_selection_still_builds_and_says_so() -> None:
    empty = F.meetings().iloc[:0]
    spec = charts.meetings_timeline(empty, F.leaders()).to_dict()
    assert spec["title"]["subtitle"][-1] == "No meetings in this selection."
    assert "0 trilateral" in spec["description"]


@pytest.mark.parametrize(
    ("build", "dataset"),
    [
        (lambda: charts.meetings_timeline(), "meetings"),
        (lambda: charts.meetings_per_year(), "meetings"),
        (lambda: charts.events_timeline(), "events"),
        (lambda: charts.leaders_timeline(), "leaders"),
        (lambda: charts.opinion_trends(), "opinion"),
        (lambda: charts.china_stance_matrix(), "china_stances"),
    ],
)
def test_charts_that_show_time_state_the_coverage_period(build, dataset) -> None:
    """Every chart with a time axis says where the record starts and stops (from the codebook)."""
    cov = tl.coverage(dataset)
    assert cov["start"] and cov["end"]
    title = build().to_dict()["title"]
    assert f"covers {cov['start']} to {cov['end']}." in title["subtitle"][0]


# --- events, opinion ----------------------------------------------------------------------------


def test_events_timeline_encodes_effect_by_fixed_colour_and_shape() -> None:
    spec = charts.events_timeline(F.events()).to_dict()
    assert "3 strains, 1 neutral, 3 improves" in spec["description"]
    view = next(views(spec))
    colour = view["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True)) == EFFECT_COLORS
    assert view["encoding"]["shape"]["field"] == "effect"  # not colour alone
    rows = {r["event_id"]: r for r in data_with(spec, "event_id")}
    assert rows["E04"]["dyads"] == "Japan–ROK, U.S.–ROK"
    assert {"event", "dyads", "source"} <= tooltip_fields(spec)


def test_opinion_trends_keeps_qualifiers_and_ranges_visible() -> None:
    spec = charts.opinion_trends(F.opinion()).to_dict()
    assert title_text(spec) == "Public opinion: good impression"  # the commonest measure
    rows = {r["obs_id"]: r for r in data_with(spec, "obs_id")}
    assert "O08" not in rows  # another measure
    assert rows["O03"]["label"] == "about 20%"
    assert rows["O07"]["label"] == "over 60%"
    assert rows["O04"]["label"] == "25–35% (2022)"
    assert rows["O01"]["label"] == ""  # exact figures need no qualifier label
    marks = [v["mark"]["type"] if isinstance(v["mark"], dict) else v["mark"] for v in views(spec)]
    assert "rect" in marks and "text" in marks  # ranges as bands, qualifiers as labels
    shape = next(e for e in encodings(spec, "shape"))
    assert shape["field"] == "qualifier"
    assert (
        "1 figures are published as 'about', 1 as 'over', and 1 as a range" in (spec["description"])
    )


def test_opinion_trends_draws_a_multi_year_range_over_its_period() -> None:
    o = F.opinion()
    extra = o.iloc[[3]].copy()
    extra["obs_id"] = pd.array(["O09"], dtype="string")
    extra["year"] = pd.array([None], dtype="Int64")
    extra["period_start"] = pd.array([2017], dtype="Int64")
    extra["period_end"] = pd.array([2021], dtype="Int64")
    spec = charts.opinion_trends(pd.concat([o, extra]), series=[("ROK", "Japan")]).to_dict()
    rows = {r["obs_id"]: r for r in data_with(spec, "obs_id")}
    assert rows["O09"]["when"] == "2017–2021"
    assert (rows["O09"]["x0"], rows["O09"]["x1"]) == pytest.approx((2016.7, 2021.3))
    assert set(rows) == {"O01", "O02", "O03", "O04", "O09"}  # only the chosen series


def test_opinion_labels_words() -> None:
    labels = opinion_labels(F.opinion())
    assert list(labels[:4]) == ["31.7%", "12.3%", "about 20%", "25–35%"]


# --- China stances, obstacles, policy, triangle ---------------------------------------------


def test_china_stance_matrix_keeps_the_most_wary_stance_and_every_quote() -> None:
    spec = charts.china_stance_matrix(F.china_stances()).to_dict()
    cells = data_with(spec, "quotes")
    rok = next(c for c in cells if c["country"] == "ROK")
    assert rok["stance"] == "concern"  # 'partner with caution' and 'concern' in one document
    assert "key partner" in rok["quotes"] and "rules-based order" in rok["quotes"]
    x = encodings(spec, "x")[0]
    assert x["sort"][0].replace("\n", " ") == "Japan: National Security Strategy (2013)"  # by date
    assert "(concern < challenge, from friendliest" in spec["description"]


def test_china_stance_matrix_keeps_two_countries_documents_of_one_name_apart() -> None:
    # the U.S. and the Japanese "National Security Strategy" of 2022 are different documents
    spec = charts.china_stance_matrix(F.china_stances()).to_dict()
    columns = [c.replace("\n", " ") for c in encodings(spec, "x")[0]["sort"]]  # wrapped labels
    assert "U.S.: National Security Strategy (2022)" in columns
    assert "Japan: National Security Strategy (2022)" in columns
    assert len(columns) == len(set(columns)) == 4
    assert "in 4 documents" in spec["description"]
    long = F.china_stances().iloc[[0]].assign(document="A" * 60)
    label = encodings(charts.china_stance_matrix(long).to_dict(), "x")[0]["sort"][0]
    # long titles are wrapped onto lines, never cut off; the country is kept
    assert "…" not in label and label.startswith("U.S.: ") and label.endswith("(2022)")
    assert label.replace("\n", "").count("A") == 60 and "\n" in label


def test_obstacles_heatmap_counts_each_seed_and_code_on_a_full_grid() -> None:
    spec = charts.obstacles_heatmap(F.obstacles()).to_dict()
    cells = data_with(spec, "count")
    assert len(cells) == 3 * 5  # every seed × every code, zeros included
    by = {(c["seed"], c["code"]): c["count"] for c in cells}
    assert by[("seed000", "korea_japan_history")] == 2
    assert by[("seed002", "us_dependence")] == 0
    assert sum(by.values()) == 8
    y = encodings(spec, "y")[0]
    assert y["sort"][0] == "Korea–Japan history disputes"  # commonest obstacle first, in words
    assert "Korea–Japan history disputes (3 of 3)" in spec["description"]


def test_policy_ranking_sorts_by_score_and_names_the_top_option() -> None:
    ranking = rank_options(F.policy_options(), preset_weights(F.policy_weights(), "U.S."))
    spec = charts.policy_ranking(ranking, perspective="U.S.").to_dict()
    y = encodings(spec, "y")[0]
    assert y["sort"] == list(ranking["label"])
    assert f"Top option: {ranking['label'].iloc[0]}" in spec["description"]
    assert title_text(spec) == "Policy options ranked with U.S. weights"


def test_policy_ranking_with_custom_weights_says_so() -> None:
    chart = charts.policy_ranking(options=F.policy_options(), weights={"cost": 1.0})
    assert title_text(chart.to_dict()) == "Policy options ranked with your weights"


def test_triangle_diagram_draws_enmity_dashed_and_names_the_pattern() -> None:
    spec = charts.triangle_diagram("amity", "enmity", "enmity", subtitle="test").to_dict()
    assert spec["title"] == {"text": "Strategic triangle: stable marriage", "subtitle": "test"}
    dash = next(e for e in encodings(spec, "strokeDash"))
    assert dict(zip(dash["scale"]["domain"], map(tuple, dash["scale"]["range"]), strict=True))[
        "enmity"
    ] != (1, 0)
    nodes = data_with(spec, "role")
    assert {n["country"]: n["role"] for n in nodes} == {
        "U.S.": "partner",
        "Japan": "partner",
        "ROK": "outsider",
    }
    colours = next(e for e in encodings(spec, "color") if e["field"] == "country")["scale"]
    assert (
        dict(zip(colours["domain"], colours["range"], strict=True))["ROK"] == COUNTRY_COLORS["ROK"]
    )


def test_triangle_diagram_colours_amity_and_enmity_sides() -> None:
    spec = charts.triangle_diagram("amity", "enmity", "enmity").to_dict()
    line = next(v for v in views(spec) if v["mark"]["type"] == "line")
    assert "color" not in line["mark"]  # no fixed grey for every side
    colour = line["encoding"]["color"]
    assert colour["field"] == "state"
    assert dict(zip(colour["scale"]["domain"], colour["scale"]["range"], strict=True)) == (
        STATE_COLORS
    )
    assert spec["resolve"]["scale"]["color"] == "independent"  # sides and countries apart
    svg = chart_to_svg(charts.triangle_diagram("amity", "enmity", "enmity"))
    assert f'stroke="{STATE_COLORS["amity"]}"' in svg
    assert f'stroke="{STATE_COLORS["enmity"]}"' in svg


def test_leaders_timeline_draws_each_countrys_leaders_in_the_range() -> None:
    chart = charts.leaders_timeline(F.leaders(), start="2024-01-01", end="2025-12-31")
    spec = chart.to_dict()
    rows = data_with(spec, "term")
    names = {c: [r["name"] for r in rows if r["country"] == c] for c in ("U.S.", "Japan", "ROK")}
    assert names == {
        "U.S.": ["Joe Biden", "Donald Trump"],
        "Japan": ["Kishida Fumio", "Ishiba Shigeru"],
        "ROK": ["Yoon Suk Yeol"],
    }
    by = {r["label"]: r for r in rows}
    # a bar is clipped to the range; its tooltip keeps the real term
    assert (by["Kishida"]["start"], by["Kishida"]["term"]) == (
        "2024-01-01",
        "2021-10-04 to 2024-10-01",
    )
    assert (by["Ishiba"]["end"], by["Ishiba"]["term"]) == ("2025-12-31", "since 2024-10-01")
    assert by["Ishiba"]["office"] == "Prime Minister" and by["Yoon"]["office"] == "President"
    assert {"name", "office", "term", "source"} <= tooltip_fields(spec)
    colour = next(e for e in encodings(spec, "color") if e["field"] == "country")["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True)) == {
        c: COUNTRY_COLORS[c] for c in ("U.S.", "Japan", "ROK")
    }
    x = next(e for e in encodings(spec, "x") if e["field"] == "start")
    assert x["scale"]["domain"] == ["2024-01-01", "2025-12-31"] and x["title"] == "Date"
    assert (
        "Ishiba Shigeru" in spec["description"]
        and "2024-01-01 to 2025-12-31" in (spec["description"])
    )


def test_leaders_timeline_default_range_reaches_the_latest_change() -> None:
    spec = charts.leaders_timeline(F.leaders()).to_dict()
    x = next(e for e in encodings(spec, "x") if e["field"] == "start")
    assert x["scale"]["domain"] == ["2014-01-01", "2025-12-31"]  # the data end in 2025
    assert {r["name"] for r in data_with(spec, "term")} >= {"Ishiba Shigeru", "Yoon Suk Yeol"}
    empty = charts.leaders_timeline(F.leaders(), start="1990-01-01", end="1991-01-01").to_dict()
    assert empty["title"]["subtitle"][-1] == "No leaders in this selection."
    with pytest.raises(ValueError, match="after end"):
        charts.leaders_timeline(F.leaders(), start="2025-01-01", end="2020-01-01")


# --- parts: the pandas half of the builders the explorers redraw ---------------------------


def test_builders_are_their_parts_drawn() -> None:
    parts = charts.meetings_timeline_parts(F.meetings(), F.leaders())
    assert set(parts.data) == {"meetings", "terms", "leaders"}
    assert parts.description.startswith("Timeline of 7 trilateral")
    built = charts.meetings_timeline(F.meetings(), F.leaders()).to_dict()
    assert charts.draw(parts).to_dict() == built
    tri = charts.triangle_diagram_parts("amity", "enmity", "amity")
    assert tri.title == {"text": "Strategic triangle: romantic triangle"}
    ranking = rank_options(F.policy_options(), preset_weights(F.policy_weights(), "U.S."))
    policy = charts.policy_ranking_parts(ranking, perspective="U.S.")
    assert policy.slots["order"] == list(ranking["label"])


def test_axes_from_keeps_the_whole_datas_frame_and_reuse_skips_recomputing_it() -> None:
    one = F.meetings().iloc[[3]]
    whole = charts.meetings_timeline_parts(F.meetings(), F.leaders())
    part = charts.meetings_timeline_parts(one, F.leaders(), axes_from=F.meetings())
    for key in ("time_domain", "admin_domain", "level_domain", "track_domain"):
        assert part.slots[key] == whole.slots[key], key
    assert len(part.data["meetings"]) == 1 and "Timeline of 1 " in part.description
    again = charts.meetings_timeline_parts(one, F.leaders(), axes_from=F.meetings(), reuse=part)
    assert again.slots == part.slots and again.layout == part.layout
    assert again.data["leaders"] is part.data["leaders"]  # taken, not recomputed
    pd.testing.assert_frame_equal(again.data["meetings"], part.data["meetings"])
    with pytest.raises(ValueError, match="reuse"):
        charts.meetings_timeline_parts(one, F.leaders(), bands=False, reuse=part)


def test_opinion_parts_keep_every_series_of_the_measure_in_the_legend() -> None:
    o = F.opinion()
    one = charts.opinion_trends_parts(o, series=["ROK → Japan"], axes_from=o)
    assert one.slots["series_domain"] == ["Japan → ROK", "ROK → Japan"]
    assert one.slots["value_domain"][0] == 0 and one.slots["value_domain"][1] >= 60
    assert "for ROK → Japan:" in one.description  # the sentence speaks of what is drawn
    assert set(one.data["opinion"]["series"]) == {"ROK → Japan"}
    alone = charts.opinion_trends_parts(o, series=[("ROK", "Japan")])
    assert alone.slots["series_domain"] == ["ROK → Japan"] and "value_domain" not in alone.slots


def test_chart_data_gives_plain_json_values() -> None:
    frame = pd.DataFrame(
        {
            "text": pd.array(["a", None], dtype="string"),
            "n": pd.array([1, None], dtype="Int64"),
            "x": [1.5, float("nan")],
            "when": pd.to_datetime(["2023-08-18", None]),
            "flag": pd.array([True, None], dtype="boolean"),
        }
    )
    assert charts.chart_data(frame) == [
        {"text": "a", "n": 1, "x": 1.5, "when": "2023-08-18", "flag": True},
        {"text": None, "n": None, "x": None, "when": None, "flag": None},
    ]
    assert json.dumps(charts.chart_data(frame))  # plain Python types only


# --- theme ------------------------------------------------------------------------------------


def test_fixed_palettes_have_one_distinct_colour_per_value() -> None:
    assert len(set(COUNTRY_COLORS.values())) == len(COUNTRY_COLORS) == 5
    assert len(set(ADMINISTRATION_COLORS.values())) == len(ADMINISTRATION_COLORS)


# --- the packaged datasets ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DEFAULT_DATA_BUILDERS))
def test_builders_default_to_the_packaged_dataset(name: str) -> None:
    F.real("meetings")  # skip while the datasets are not built
    chart = DEFAULT_DATA_BUILDERS[name]()
    spec = chart.to_dict()
    assert title_text(spec) and spec["description"]
    assert len(json.dumps(spec)) < SPEC_BUDGET


def test_long_labels_wrap_instead_of_being_cut_off() -> None:
    assert charts.wrap_label("short", 30) == "short"
    wrapped = charts.wrap_label("P23: Counter North Korean cyber threats together.", 20)
    assert "…" not in wrapped and wrapped.replace("\n", " ").endswith("threats together.")
    assert all(len(line) <= 20 for line in wrapped.split("\n"))
    spec = charts.policy_ranking().to_dict()
    labels = encodings(spec, "y")[0]["sort"]
    assert not any("…" in x for x in labels)
    assert encodings(spec, "y")[0]["axis"]["labelExpr"] == charts.LINES


def test_date_axes_tick_once_a_year_so_labels_never_repeat() -> None:
    axis = charts.year_axis().to_dict()
    assert axis["format"] == "%Y" and axis["tickCount"] == {"interval": "year", "step": 1}
