"""The alliance-theory helper of lesson 05: events counted per U.S. administration."""

from __future__ import annotations

import pandas as pd

from trilat_lessons.analysis.alliance import OUTSIDE, SPANS_A_CHANGE, events_by_administration


def _leaders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["U.S.", "U.S.", "Japan"],
            "term_label": ["A", "B", "PM"],
            "term_start": pd.to_datetime(["2010-01-20", "2014-01-20", "2010-01-01"]),
            "term_end": pd.to_datetime(["2014-01-20", None, None]),
        }
    )


def _events(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    ids, start, end, dyads, effect = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "event_id": list(ids),
            "date_start": pd.to_datetime(list(start)),
            "date_end": pd.to_datetime(list(end)),
            "dyads": list(dyads),
            "effect": list(effect),
        }
    )


def test_counts_effects_per_administration_for_one_dyad() -> None:
    ev = _events(
        [
            ("E1", "2011-05-01", "2011-05-31", "Japan–ROK", "strains"),
            ("E2", "2012-01-01", "2012-12-31", "Japan–ROK;trilateral", "improves"),
            ("E3", "2015-03-01", "2015-03-01", "Japan–ROK", "strains"),
            ("E4", "2015-03-02", "2015-03-02", "U.S.–ROK", "strains"),  # other dyad: ignored
        ]
    )
    out = events_by_administration(ev, _leaders()).set_index("administration")
    assert list(out.index) == ["A", "B"]  # U.S. terms only, in order; no extra rows
    assert out.loc["A", ["strains", "neutral", "improves", "net"]].tolist() == [1, 0, 1, 0]
    assert out.loc["B", ["strains", "improves", "net"]].tolist() == [1, 0, -1]
    assert out.loc["A", "event_ids"] == "E1, E2" and out.loc["B", "event_ids"] == "E3"


def test_an_event_spanning_a_change_or_outside_the_terms_is_not_guessed() -> None:
    ev = _events(
        [
            ("E1", "2014-01-01", "2014-12-31", "Japan–ROK", "strains"),  # A then B
            ("E2", "1965-01-01", "1965-12-31", "Japan–ROK", "neutral"),  # before the data
        ]
    )
    out = events_by_administration(ev, _leaders()).set_index("administration")
    assert out.loc[SPANS_A_CHANGE, "event_ids"] == "E1"
    assert out.loc[OUTSIDE, "event_ids"] == "E2"
    assert out.loc[["A", "B"], ["strains", "neutral", "improves"]].to_numpy().sum() == 0


def test_no_events_gives_zeros_not_an_error() -> None:
    out = events_by_administration(
        _events([("E1", "2011-01-01", "2011-01-01", "x", "strains")]), _leaders()
    )
    assert out[["strains", "neutral", "improves"]].to_numpy().sum() == 0
    assert list(out["event_ids"]) == ["", ""]
