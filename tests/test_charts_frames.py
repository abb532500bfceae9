"""Small frames shaped like the data contract, shared by the chart and widget tests.

They let the tests assert exact answers (counts, ranks, patterns) on data whose content we know.
The one test here checks that they keep the packaged datasets' columns, so they cannot drift.
Rows are simplified teaching fixtures, not a source of facts.
"""

from __future__ import annotations

import pandas as pd
import pytest

LEVELS = ["envoys/other", "vice/deputy ministers", "ministers", "leaders"]
EFFECTS = ["strains", "neutral", "improves"]
STANCES = ["partner", "partner with caution", "concern", "challenge"]


def _dated(labels: list[str]) -> dict[str, object]:
    """date_label/precision/date/date_start/date_end/year columns from labels like 2016-07."""
    prec, date, start, end = [], [], [], []
    for label in labels:
        parts = label.split("-")
        if len(parts) == 3:
            p, s = "day", pd.Timestamp(label)
            e = s
        elif len(parts) == 2:
            p, s = "month", pd.Timestamp(label + "-01")
            e = s + pd.offsets.MonthEnd(0)
        else:
            p, s = "year", pd.Timestamp(label + "-01-01")
            e = pd.Timestamp(label + "-12-31")
        prec.append(p)
        date.append(s if p == "day" else pd.NaT)
        start.append(s)
        end.append(e)
    return {
        "date_label": pd.array(labels, dtype="string"),
        "date_precision": pd.Categorical(prec, categories=["year", "month", "day"], ordered=True),
        "date": pd.to_datetime(pd.Series(date)),
        "date_start": pd.to_datetime(pd.Series(start)),
        "date_end": pd.to_datetime(pd.Series(end)),
        "year": pd.array([int(x[:4]) for x in labels], dtype="Int64"),
    }


def s(values: list[object]) -> pd.arrays.StringArray:
    return pd.array(values, dtype="string")


def meetings() -> pd.DataFrame:
    rows = [
        # id, date, level, track, place, context, event, admin, jp, rok
        ("M01", "2014-03-25", "leaders", "leaders", "The Hague", "sidelines",
         "Nuclear Security Summit", "Obama", "Abe Shinzo", "Park Geun-hye"),
        ("M02", "2016-01", "vice/deputy ministers", "foreign", "Tokyo", "standalone", None,
         "Obama", "Abe Shinzo", "Park Geun-hye"),
        ("M03", "2017-07", "ministers", "foreign", "Hamburg", "sidelines", "G20 summit",
         "Trump (1st)", "Abe Shinzo", "Moon Jae-in"),
        ("M04", "2022-06-29", "leaders", "leaders", "Madrid", "sidelines", "NATO summit",
         "Biden", "Kishida Fumio", "Yoon Suk Yeol"),
        ("M05", "2023-08-18", "leaders", "leaders", "Camp David", "standalone", None,
         "Biden", "Kishida Fumio", "Yoon Suk Yeol"),
        ("M06", "2023-11", "ministers", "defence", "Jakarta", "sidelines", "ADMM-Plus",
         "Biden", "Kishida Fumio", "Yoon Suk Yeol"),
        ("M07", "2025-02-15", "ministers", "foreign", "Munich", "sidelines",
         "Munich Security Conference", "Trump (2nd)", "Ishiba Shigeru", "Yoon Suk Yeol"),
    ]  # fmt: skip
    cols = list(zip(*rows, strict=True))
    presidents = {"Obama": "Barack Obama", "Trump (1st)": "Donald Trump", "Biden": "Joe Biden",
                  "Trump (2nd)": "Donald Trump"}  # fmt: skip
    n = len(rows)
    return pd.DataFrame(
        {
            "meeting_id": s(list(cols[0])),
            **_dated(list(cols[1])),
            "level": pd.Categorical(cols[2], categories=LEVELS, ordered=True),
            "track": s(list(cols[3])),
            "place": s(list(cols[4])),
            "host_context": s(list(cols[5])),
            "host_event": s(list(cols[6])),
            "us_president": s([presidents[a] for a in cols[7]]),
            "japan_pm": s(list(cols[8])),
            "rok_president": s(list(cols[9])),
            "us_administration": s(list(cols[7])),
            "in_table1": pd.array([True] * n, dtype="boolean"),
            "table1_row": pd.array(list(range(1, n + 1)), dtype="Int64"),
            "source_id": s(["seed000"] * n),
            "other_source_ids": s([None, "state_2016_01_16_tokyo", None, None, None, None, None]),
            "notes": s([None] * n),
        }
    )


def leaders() -> pd.DataFrame:
    rows = [
        ("us_obama", "U.S.", "Barack Obama", "Obama", "2009-01-20", "2017-01-20"),
        ("us_trump1", "U.S.", "Donald Trump", "Trump", "2017-01-20", "2021-01-20"),
        ("us_biden", "U.S.", "Joe Biden", "Biden", "2021-01-20", "2025-01-20"),
        ("us_trump2", "U.S.", "Donald Trump", "Trump", "2025-01-20", None),
        ("jp_abe2", "Japan", "Abe Shinzo", "Abe", "2012-12-26", "2020-09-16"),
        ("jp_suga", "Japan", "Suga Yoshihide", "Suga", "2020-09-16", "2021-10-04"),
        ("jp_kishida", "Japan", "Kishida Fumio", "Kishida", "2021-10-04", "2024-10-01"),
        ("jp_ishiba", "Japan", "Ishiba Shigeru", "Ishiba", "2024-10-01", None),
        ("kr_park", "ROK", "Park Geun-hye", "Park", "2013-02-25", "2017-03-10"),
        ("kr_moon", "ROK", "Moon Jae-in", "Moon", "2017-05-10", "2022-05-10"),
        ("kr_yoon", "ROK", "Yoon Suk Yeol", "Yoon", "2022-05-10", "2025-04-04"),
    ]
    c = list(zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "leader_id": s(list(c[0])),
            "country": s(list(c[1])),
            "office": s(["President" if x != "Japan" else "Prime Minister" for x in c[1]]),
            "name": s(list(c[2])),
            "name_short": s(list(c[3])),
            "term_start": pd.to_datetime(pd.Series(c[4])),
            "term_end": pd.to_datetime(pd.Series(c[5])),
            "acting": pd.array([False] * len(rows), dtype="boolean"),
            "notes": s([None] * len(rows)),
            "source_id": s(["us_const_amend20"] * len(rows)),
        }
    )


def events() -> pd.DataFrame:
    rows = [
        ("E01", "2015-12-28", "Comfort women agreement", "history", "Japan;ROK", "Japan–ROK",
         "improves"),
        ("E02", "2018-10-30", "Forced labour ruling", "history", "Japan;ROK", "Japan–ROK",
         "strains"),
        ("E03", "2019-07", "Japan tightens export controls", "economy", "Japan;ROK", "Japan–ROK",
         "strains"),
        ("E04", "2019-08", "ROK gives notice on GSOMIA", "security", "Japan;ROK;U.S.",
         "Japan–ROK;U.S.–ROK", "strains"),
        ("E05", "2019", "Alliance cost-sharing talks", "security", "U.S.;ROK", "U.S.–ROK",
         "neutral"),
        ("E06", "2023-03-16", "Yoon visits Tokyo", "diplomacy", "Japan;ROK", "Japan–ROK",
         "improves"),
        ("E07", "2023-08-18", "Camp David summit", "diplomacy", "U.S.;Japan;ROK", "trilateral",
         "improves"),
    ]  # fmt: skip
    c = list(zip(*rows, strict=True))
    n = len(rows)
    return pd.DataFrame(
        {
            "event_id": s(list(c[0])),
            **_dated(list(c[1])),
            "title": s(list(c[2])),
            "description": s(list(c[2])),
            "category": s(list(c[3])),
            "countries": s(list(c[4])),
            "dyads": s(list(c[5])),
            "effect": pd.Categorical(c[6], categories=EFFECTS, ordered=True),
            "source_id": s(["seed002"] * n),
            "other_source_ids": s([None] * n),
            "notes": s([None] * n),
        }
    )


def opinion() -> pd.DataFrame:
    na = None
    rows = [
        # id, year, respondents, target, measure, value, qualifier, low, high
        ("O01", 2019, "ROK", "Japan", "good impression", 31.7, "exact", na, na),
        ("O02", 2020, "ROK", "Japan", "good impression", 12.3, "exact", na, na),
        ("O03", 2021, "ROK", "Japan", "good impression", 20.0, "about", na, na),
        ("O04", 2022, "ROK", "Japan", "good impression", na, "exact", 25.0, 35.0),
        ("O05", 2019, "Japan", "ROK", "good impression", 20.0, "exact", na, na),
        ("O06", 2020, "Japan", "ROK", "good impression", 25.9, "exact", na, na),
        ("O07", 2021, "Japan", "ROK", "good impression", 60.0, "over", na, na),
        ("O08", 2020, "ROK", "Japan", "bad impression", 71.6, "exact", na, na),
    ]
    c = list(zip(*rows, strict=True))
    n = len(rows)
    return pd.DataFrame(
        {
            "obs_id": s(list(c[0])),
            "survey": s(["EAI–Genron"] * n),
            "year": pd.array(list(c[1]), dtype="Int64"),
            "period_start": pd.array(list(c[1]), dtype="Int64"),
            "period_end": pd.array(list(c[1]), dtype="Int64"),
            "respondents": s(list(c[2])),
            "target": s(list(c[3])),
            "measure": s(list(c[4])),
            "value": pd.array(list(c[5]), dtype="Float64"),
            "qualifier": s(list(c[6])),
            "unit": s(["%"] * n),
            "range_low": pd.array(list(c[7]), dtype="Float64"),
            "range_high": pd.array(list(c[8]), dtype="Float64"),
            "source_id": s(["seed002"] * (n - 1) + ["seed001"]),
            "notes": s([None] * n),
        }
    )


def china_stances() -> pd.DataFrame:
    rows = [
        ("C01", "U.S.", "White House", "National Security Strategy", "2022-10-12", "challenge",
         "most consequential geopolitical challenge"),
        ("C02", "Japan", "Cabinet", "National Security Strategy", "2022-12-16", "challenge",
         "greatest strategic challenge"),
        ("C03", "ROK", "Government", "Indo-Pacific Strategy", "2022-12-28", "partner with caution",
         "key partner"),
        ("C04", "ROK", "Government", "Indo-Pacific Strategy", "2022-12-28", "concern",
         "rules-based order"),
        ("C05", "Japan", "Cabinet", "National Security Strategy", "2013-12-17", "concern",
         "matter of concern"),
    ]  # fmt: skip
    c = list(zip(*rows, strict=True))
    n = len(rows)
    return pd.DataFrame(
        {
            "stance_id": s(list(c[0])),
            "country": s(list(c[1])),
            "actor": s(list(c[2])),
            "document": s(list(c[3])),
            **{k: v for k, v in _dated(list(c[4])).items() if k not in ("date_start", "date_end")},
            "quote": s(list(c[6])),
            "stance": pd.Categorical(c[5], categories=STANCES, ordered=True),
            "source_id": s(["seed001"] * n),
            "notes": s([None] * n),
        }
    )


def obstacles() -> pd.DataFrame:
    rows = [
        ("B01", "seed000", "korea_japan_history", "history disputes"),
        ("B02", "seed000", "korea_japan_history", "colonial legacy"),
        ("B03", "seed000", "us_dependence", "US-led structure"),
        ("B04", "seed000", "china_gap", "China trade exposure"),
        ("B05", "seed002", "korea_japan_history", "forced labour"),
        ("B06", "seed002", "domestic_politics", "leaders' politics"),
        ("B07", "seed004", "korea_japan_history", "comfort women, Dokdo"),
        ("B08", "seed004", "diverging_threat_perceptions", "aims differ"),
    ]
    c = list(zip(*rows, strict=True))
    n = len(rows)
    return pd.DataFrame(
        {
            "obstacle_id": s(list(c[0])),
            "seed_id": s(list(c[1])),
            "code": s(list(c[2])),
            "label": s(list(c[3])),
            "detail": s(list(c[3])),
            "viewpoint": s(["ROK"] * n),
            "source_id": s(list(c[1])),
        }
    )


CRITERIA = ["cost", "feasibility", "china_reaction_risk", "support_us", "support_japan",
            "support_rok"]  # fmt: skip


def policy_options() -> pd.DataFrame:
    rows = [
        # id, area, cost, feas, china, us, jp, rok
        ("P1", "security", 4, 3, 5, 5, 4, 2),
        ("P2", "economy", 2, 4, 2, 3, 4, 5),
        ("P3", "institutions", 1, 5, 1, 4, 4, 4),
        ("P4", "history", 2, 2, 1, 2, 2, 5),
    ]
    c = list(zip(*rows, strict=True))
    n = len(rows)
    frame = pd.DataFrame(
        {
            "option_id": s(list(c[0])),
            "area": s(list(c[1])),
            "actors": s(["U.S.;Japan;ROK"] * n),
            "asks": s([f"Option {x}" for x in c[0]]),
            "proposed_by": s(["seed002"] * n),
        }
    )
    for i, criterion in enumerate(CRITERIA):
        frame[criterion] = pd.array(list(c[2 + i]), dtype="Int64")
    frame["rationale"] = s(["teaching judgment"] * n)
    frame["source_id"] = s(["seed002"] * n)
    return frame


def policy_weights() -> pd.DataFrame:
    table = {
        "U.S.": [1, 2, 0, 3, 1, 1],
        "Japan": [1, 2, 1, 1, 3, 1],
        "ROK": [1, 1, 3, 1, 1, 3],
        "balanced": [1, 1, 1, 1, 1, 1],
    }
    rows = [(p, c, float(w)) for p, ws in table.items() for c, w in zip(CRITERIA, ws, strict=True)]
    c = list(zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "perspective": s(list(c[0])),
            "criterion": s(list(c[1])),
            "weight": pd.array(list(c[2]), dtype="Float64"),
            "rationale": s(["teaching judgment"] * len(rows)),
        }
    )


FRAMES = {
    "meetings": meetings,
    "leaders": leaders,
    "events": events,
    "opinion": opinion,
    "china_stances": china_stances,
    "obstacles": obstacles,
    "policy_options": policy_options,
    "policy_weights": policy_weights,
}


def real(name: str) -> pd.DataFrame:
    """The packaged dataset, or skip the test while the datasets are not built yet."""
    try:
        from trilat_lessons.datasets import load
    except ImportError:
        pytest.skip("trilat_lessons.datasets is not built yet")
    try:
        return load(name)
    except (FileNotFoundError, KeyError, ValueError) as exc:
        pytest.skip(f"dataset {name!r} not available yet: {exc}")


@pytest.mark.parametrize("name", sorted(FRAMES))
def test_sample_frames_have_the_packaged_columns(name: str) -> None:
    """The sample frames use the real column names the charts and widgets rely on."""
    sample = FRAMES[name]()
    packaged = real(name)
    missing = [c for c in sample.columns if c not in packaged.columns]
    assert not missing, f"{name}: sample columns not in the packaged dataset: {missing}"
