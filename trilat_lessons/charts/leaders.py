"""Heads of government of the U.S., Japan and the ROK: their chart, and the strip of leaders
above the meetings timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..analysis.frames import as_text, text_column
from ..schema import COUNTRIES
from ..theme import COUNTRY_COLORS, COUNTRY_NAMES, MIN_FONT_SIZE, color_scale_args
from ._core import _covered, _empty_note, _iso, _load, chart_data, year_axis

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd


def leader_rows(leaders: pd.DataFrame, lo: Any, hi: Any) -> pd.DataFrame:
    """Terms of the U.S., Japanese and ROK leaders that overlap ``lo``–``hi``, clipped to it.

    ``start``/``end`` are where the bar is drawn; ``term`` gives the real dates in words (an
    open term runs to ``hi`` on the chart and reads "since ...").
    """
    import pandas as pd

    lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
    lead = leaders[as_text(leaders["country"]).isin(COUNTRIES)].copy()
    lead["start"] = pd.to_datetime(lead["term_start"])
    real_end = pd.to_datetime(lead["term_end"])
    lead["end"] = real_end.fillna(hi)
    lead["real_end"] = real_end
    lead = lead[(lead["end"] >= lo) & (lead["start"] <= hi)].sort_values(["country", "start"])
    start_text = _iso(lead["start"])
    end_text = _iso(lead["real_end"]).fillna("")
    term = ("since " + start_text).where(end_text == "", start_text + " to " + end_text)
    if "powers_suspended_from" in lead.columns:
        suspended = _iso(pd.to_datetime(lead["powers_suspended_from"])).fillna("")
        term = term.where(suspended == "", term + " (powers suspended from " + suspended + ")")
    lead["start"] = lead["start"].clip(lower=lo)
    lead["end"] = lead["end"].clip(upper=hi)
    acting = (
        lead["acting"].fillna(False).astype(bool)
        if "acting" in lead
        else pd.Series(False, index=lead.index)
    )
    short = text_column(lead, "name_short").where(
        text_column(lead, "name_short") != "", text_column(lead, "name")
    )
    return pd.DataFrame(
        {
            "country": as_text(lead["country"]),
            "name": text_column(lead, "name") + acting.map({True: " (acting)", False: ""}),
            "label": short,
            "office": text_column(lead, "office"),
            "start": _iso(lead["start"]),
            "end": _iso(lead["end"]),
            "mid": _iso(lead["start"] + (lead["end"] - lead["start"]) / 2),
            "days": (lead["end"] - lead["start"]).dt.days,
            "shade": lead.groupby("country").cumcount() % 2,
            "term": term,
            "source": text_column(lead, "source_id"),
        }
    )


def leader_tooltip() -> list[Any]:
    import altair as alt

    return [
        alt.Tooltip("name:N", title="Leader"),
        alt.Tooltip("office:N", title="Office"),
        alt.Tooltip("term:N", title="Term"),
        alt.Tooltip("source:N", title="Source id"),
    ]


def leader_strip(data: Any, x_scale: alt.Scale, width: int) -> alt.LayerChart:
    """Leader terms of the three countries as labelled bars above the timeline."""
    import altair as alt

    base = alt.Chart(data).encode(y=alt.Y("country:N", title="In office", sort=list(COUNTRIES)))
    bars = base.mark_bar(stroke="white", strokeWidth=1).encode(
        x=alt.X("start:T", scale=x_scale, axis=None),
        x2="end:T",
        color=alt.Color(
            "country:N", scale=alt.Scale(**color_scale_args(COUNTRY_COLORS)), legend=None
        ),
        opacity=alt.Opacity("shade:O", scale=alt.Scale(range=[0.35, 0.6]), legend=None),
        tooltip=leader_tooltip(),
    )
    labels = (
        base.transform_filter("datum.days > 300")
        .mark_text(fontSize=MIN_FONT_SIZE, color="black")
        .encode(x=alt.X("mid:T", scale=x_scale, axis=None), text="label:N")
    )
    return alt.layer(bars, labels).properties(width=width, height=60)


def leaders_timeline(
    leaders: pd.DataFrame | None = None, *, start: Any = None, end: Any = None
) -> alt.LayerChart:
    """Heads of government of the U.S., Japan and the ROK as bars over a chosen date range.

    ``start``/``end`` (dates or strings like ``"2024-01-01"``) default to the twelve calendar
    years up to the end of the year of the latest date in the data, so the recent changes of
    leader show. A term still running is drawn to ``end``; hovering a bar shows the leader's
    name, office, term and source id.
    """
    import altair as alt
    import pandas as pd

    lead = _load(leaders, "leaders")
    dates = pd.concat(
        [
            pd.to_datetime(lead[c])
            for c in ("term_start", "term_end", "powers_suspended_from")
            if c in lead.columns
        ]
    ).dropna()
    latest = dates.max() if len(dates) else pd.Timestamp("2025-12-31")
    hi = pd.Timestamp(end) if end is not None else pd.Timestamp(year=latest.year, month=12, day=31)
    lo = (
        pd.Timestamp(start)
        if start is not None
        else pd.Timestamp(year=hi.year - 11, month=1, day=1)
    )
    if lo > hi:
        raise ValueError(f"start ({lo.date()}) is after end ({hi.date()})")
    rows = leader_rows(lead, lo, hi)
    countries = list(COUNTRIES)
    x_scale = alt.Scale(domain=[lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")])
    base = alt.Chart(alt.Data(values=chart_data(rows))).encode(
        y=alt.Y("country:N", title="Country", sort=countries, scale=alt.Scale(domain=countries))
    )
    bars = base.mark_bar(stroke="white", strokeWidth=1.5).encode(
        x=alt.X("start:T", title="Date", scale=x_scale, axis=year_axis()),
        x2="end:T",
        color=alt.Color(
            "country:N",
            title="Country",
            scale=alt.Scale(**color_scale_args(COUNTRY_COLORS, countries)),
            legend=None,
        ),
        opacity=alt.Opacity("shade:O", scale=alt.Scale(range=[0.55, 0.85]), legend=None),
        tooltip=leader_tooltip(),
    )
    width = 620
    px_per_day = width / max(1, (hi - lo).days)
    labels = (  # a name only where it fits inside its bar (about 6 px per character)
        base.transform_filter(f"datum.days * {px_per_day:.4f} > 6 * length(datum.label) + 6")
        .mark_text(fontSize=MIN_FONT_SIZE, color="black")
        .encode(x=alt.X("mid:T", scale=x_scale, title="Date"), text="label:N")
    )
    per_country = []
    for c in countries:
        names = list(dict.fromkeys(rows.loc[rows["country"] == c, "name"]))
        if names:
            per_country.append(f"{COUNTRY_NAMES[c]}: {', '.join(names)}")
    span_text = f"{lo.strftime('%Y-%m-%d')} to {hi.strftime('%Y-%m-%d')}"
    desc = (
        f"Bars showing who led the U.S. (president), Japan (prime minister) and South Korea"
        f" (president) from {span_text}, one row per country; a bar runs from the day the"
        f" leader took office to the day the term ended."
        + (f" In order: {'; '.join(per_country)}." if per_country else " No leader in range.")
    )
    chart = alt.layer(bars, labels).properties(
        title=_covered("Heads of government of the U.S., Japan and South Korea", "leaders"),
        description=desc,
        width=width,
        height=120,
    )
    return _empty_note(chart, len(rows), "leaders")
