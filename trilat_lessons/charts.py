"""The course's charts: one builder per chart, each returning a small, accessible altair chart.

Every builder takes an optional DataFrame (default: the packaged dataset), so an exercise or a
widget can pass filtered rows. Data are aggregated in pandas first and only the columns a chart
uses go into its spec, which keeps specs small. Every chart has a title, plain-word axis titles
and a ``description`` (read by screen readers); tooltips carry place, context and source id,
which the offline renderer turns into hover titles.

    import trilat_lessons as tl
    tl.setup()
    tl.charts.meetings_timeline()
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .theme import (
    ADMINISTRATION_COLORS,
    COUNTRY_COLORS,
    DYADS,
    EFFECT_COLORS,
    EFFECT_ORDER,
    EFFECT_SHAPES,
    EVENT_CATEGORIES,
    LEVEL_COLORS,
    LEVEL_ORDER,
    STANCE_COLORS,
    color_scale_args,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd

__all__ = [
    "OBSTACLE_LABELS",
    "QUALIFIER_SHAPES",
    "administration_terms",
    "chart_data",
    "china_stance_matrix",
    "events_timeline",
    "meetings_per_year",
    "meetings_timeline",
    "obstacles_heatmap",
    "opinion_labels",
    "opinion_periods",
    "opinion_trends",
    "opinion_when",
    "policy_ranking",
    "triangle_diagram",
]

OBSTACLE_LABELS: dict[str, str] = {
    "korea_japan_history": "Korea–Japan history disputes",
    "diverging_threat_perceptions": "Diverging threat perceptions",
    "china_gap": "Different views of China",
    "us_dependence": "Dependence on the U.S.",
    "domestic_politics": "Domestic politics",
    "geography": "Geography",
    "weak_institutions": "Weak institutions",
    "us_economic_policy": "U.S. economic policy",
    "china_wedge": "China driving a wedge",
    "us_reliability": "Doubts about U.S. reliability",
}
"""Plain words for the obstacle codes (axis labels); unknown codes are spelled out from the code."""

QUALIFIER_SHAPES: dict[str, str] = {"exact": "circle", "about": "diamond", "over": "triangle-up"}


# --- helpers ------------------------------------------------------------------------------------


def _load(df: pd.DataFrame | None, name: str) -> pd.DataFrame:
    """The frame passed in, or the packaged dataset ``name``."""
    if df is None:
        from .datasets import load

        df = load(name)
    return df.reset_index(drop=True)  # filtered or concatenated frames may repeat labels


def _plain(value: Any) -> Any:
    """A JSON-friendly Python value (NA/NaN -> None, numpy scalars -> int/float/str)."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return value


def chart_data(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain JSON records: what a builder inlines in its spec (NA becomes null)."""
    cols = list(df.columns)
    return [
        {c: _plain(v) for c, v in zip(cols, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]


def _text(series: pd.Series) -> pd.Series:
    """A string column with missing values as empty strings."""
    return series.astype("string").fillna("").astype(str)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as text, or empty strings when the frame lacks it."""
    import pandas as pd

    if name in df.columns:
        return _text(df[name])
    return pd.Series([""] * len(df), index=df.index, dtype=object)


def _mid_dates(df: pd.DataFrame) -> pd.Series:
    """Where to plot each dated row: the known day, else the middle of its possible span."""
    import pandas as pd

    start = pd.to_datetime(df["date_start"])
    end = pd.to_datetime(df["date_end"]).fillna(start)
    mid = start + (end - start) / 2
    if "date" in df.columns:
        mid = pd.to_datetime(df["date"]).fillna(mid)
    return mid.dt.normalize()


def _iso(series: pd.Series) -> pd.Series:
    return series.dt.strftime("%Y-%m-%d")


def _present(values: Iterable[Any], order: Iterable[str]) -> list[str]:
    """The values in ``order`` that occur, then any others (sorted): a stable legend order."""
    import pandas as pd

    seen = {str(v) for v in values if not pd.isna(v)}
    ordered = [v for v in order if v in seen]
    return ordered + sorted(seen - set(ordered))


def _ordered_levels(series: pd.Series, fallback: list[str]) -> list[str]:
    """Category order of an ordered column, else ``fallback``."""
    cats = getattr(series, "cat", None)
    if cats is not None and series.cat.ordered:
        return [str(c) for c in series.cat.categories]
    return fallback


def _sources(df: pd.DataFrame) -> pd.Series:
    """``source_id`` plus any ``other_source_ids``, as one readable string per row."""
    main = _col(df, "source_id")
    other = _col(df, "other_source_ids").str.replace(";", ", ")
    return main.where(other == "", main + " (also " + other + ")")


def _empty_note(chart: alt.Chart, n: int, what: str) -> alt.Chart:
    """Title subtitle saying the selection is empty, so an empty chart is never a mystery."""
    if n:
        return chart
    return chart.properties(
        title={"text": chart.title, "subtitle": f"No {what} in this selection."}
    )


# --- meetings -------------------------------------------------------------------------------


def _meeting_context(m: pd.DataFrame) -> pd.Series:
    context = _col(m, "host_context")
    event = _col(m, "host_event")
    with_event = context + ": " + event
    return with_event.where((event != "") & (context != ""), context.where(context != "", event))


def administration_terms(leaders: pd.DataFrame, until: pd.Timestamp | None = None) -> pd.DataFrame:
    """U.S. presidential terms as (administration, start, end), labelled as in ``meetings``."""
    import pandas as pd

    us = leaders[_text(leaders["country"]) == "U.S."].sort_values("term_start")
    if "acting" in us.columns:
        us = us[~us["acting"].fillna(False).astype(bool)]
    short = _text(us["name_short"]) if "name_short" in us.columns else _text(us["name"])
    given = _col(us, "term_label").tolist()
    labels: list[str] = []
    for i, name in enumerate(short):
        if given[i] in ADMINISTRATION_COLORS:
            labels.append(given[i])
            continue
        n_same = int((short == name).sum())
        if name in ADMINISTRATION_COLORS or n_same == 1:
            labels.append(name)
        else:
            k = int((short.iloc[: i + 1] == name).sum())
            labels.append(f"{name} ({'1st' if k == 1 else '2nd' if k == 2 else f'{k}th'})")
    end = pd.to_datetime(us["term_end"])
    if until is not None:
        end = end.fillna(until)
    return pd.DataFrame(
        {"administration": labels, "start": pd.to_datetime(us["term_start"]).values, "end": end}
    ).reset_index(drop=True)


def meetings_timeline(
    meetings: pd.DataFrame | None = None,
    leaders: pd.DataFrame | None = None,
    *,
    bands: bool = True,
    span: tuple[Any, Any] | None = None,
    width: int = 620,
) -> alt.VConcatChart | alt.LayerChart:
    """Each trilateral meeting as a dot (date × level), coloured by U.S. administration.

    Shaded bands behind the dots show U.S. presidential terms, and a strip above names the
    leaders of the three countries; hovering a dot shows place, context, leaders and source id.
    ``span`` fixes the time axis (first, last date), e.g. to keep it still while filtering.
    """
    import altair as alt
    import pandas as pd

    m = _load(meetings, "meetings")
    levels = _ordered_levels(m["level"], LEVEL_ORDER) if len(m) else LEVEL_ORDER
    when = _mid_dates(m) if len(m) else pd.Series([], dtype="datetime64[ns]")
    leaders_cols = [c for c in ("us_president", "japan_pm", "rok_president") if c in m.columns]
    who = (
        m[leaders_cols].astype("string").fillna("?").agg(", ".join, axis=1)
        if leaders_cols and len(m)
        else pd.Series([""] * len(m), index=m.index)
    )
    d = pd.DataFrame(
        {
            "when": _iso(when) if len(m) else [],
            "date": _col(m, "date_label"),
            "title": _col(m, "title"),
            "level": _col(m, "level"),
            "track": _col(m, "track"),
            "place": _col(m, "place"),
            "context": _meeting_context(m),
            "administration": _col(m, "us_administration"),
            "leaders": who.astype(str),
            "meeting": _col(m, "meeting_id"),
            "source": _sources(m),
        }
    )
    admins = _present(d["administration"], ADMINISTRATION_COLORS)
    if span is not None:
        lo, hi = pd.Timestamp(span[0]), pd.Timestamp(span[1])
    elif len(m):
        lo = pd.to_datetime(m["date_start"]).min() - pd.Timedelta(days=120)
        hi = pd.to_datetime(m["date_end"]).max() + pd.Timedelta(days=120)
    else:
        lo, hi = pd.Timestamp("2014-01-01"), pd.Timestamp("2025-12-31")
    x_scale = alt.Scale(domain=[lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")])

    terms = pd.DataFrame(columns=["administration", "start", "end"])
    lead = None
    if bands:
        lead = _load(leaders, "leaders")
        terms = administration_terms(lead, until=hi)
        terms = terms[(terms["end"] >= lo) & (terms["start"] <= hi)].copy()
        terms["start"] = terms["start"].clip(lower=lo)
        terms["end"] = terms["end"].clip(upper=hi)
        admins = _present(list(d["administration"]) + list(terms["administration"]), admins)
    color = alt.Color(
        "administration:N",
        title="U.S. administration",
        scale=alt.Scale(**color_scale_args(ADMINISTRATION_COLORS, admins)),
        legend=alt.Legend(symbolOpacity=1),
    )
    x = alt.X("when:T", title="Date", scale=x_scale, axis=alt.Axis(format="%Y"))
    dots = (
        alt.Chart(alt.Data(values=chart_data(d)))
        .mark_point(filled=True, size=80, opacity=0.9, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=alt.Y("level:N", title="Level of the meeting", sort=list(reversed(levels))),
            yOffset=alt.YOffset("track:N"),
            color=color,
            tooltip=[
                alt.Tooltip("title:N", title="Meeting"),
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("level:N", title="Level"),
                alt.Tooltip("track:N", title="Track"),
                alt.Tooltip("place:N", title="Place"),
                alt.Tooltip("context:N", title="Context"),
                alt.Tooltip("leaders:N", title="Leaders (U.S., Japan, ROK)"),
                alt.Tooltip("meeting:N", title="Meeting id"),
                alt.Tooltip("source:N", title="Source id"),
            ],
        )
        .properties(width=width, height=220)
    )
    layers: list[Any] = []
    if bands and len(terms):
        t = terms.assign(start=_iso(terms["start"]), end=_iso(terms["end"]))
        layers.append(
            alt.Chart(alt.Data(values=chart_data(t)))
            .mark_rect(opacity=0.13)
            .encode(
                x=alt.X("start:T", scale=x_scale, title="Date"),
                x2="end:T",
                color=color,
                tooltip=[
                    alt.Tooltip("administration:N", title="U.S. administration"),
                    alt.Tooltip("start:N", title="From"),
                    alt.Tooltip("end:N", title="To"),
                ],
            )
        )
    main = alt.layer(*layers, dots)
    n = len(d)
    by_date = d.sort_values("when", kind="stable")["date"]
    shown_admins = ", ".join(_present(d["administration"], admins))
    dates = f"{by_date.iloc[0]} to {by_date.iloc[-1]}" if n else "no dates"
    desc = (
        f"Timeline of {n} trilateral U.S.–Japan–ROK meetings ({dates}). Each dot is one meeting,"
        " placed by date and level (leaders, ministers, vice or deputy ministers, envoys),"
        f" coloured by U.S. administration ({shown_admins or 'none'})."
        + (
            " Shaded bands mark U.S. presidential terms; the top strip names each country's"
            " leaders."
            if bands
            else ""
        )
    )
    title = "Trilateral meetings over time, by level"
    if not bands or lead is None:
        return _empty_note(main.properties(title=title, description=desc), n, "meetings")
    strip = _leader_strip(lead, lo, hi, x_scale, width)
    chart = (
        alt.vconcat(strip, main, spacing=6)
        .resolve_scale(color="independent")
        .properties(title=title, description=desc)
    )
    return _empty_note(chart, n, "meetings")


def _leader_strip(
    leaders: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp, x_scale: alt.Scale, width: int
) -> alt.LayerChart:
    """Leader terms of the three countries as labelled bars above the timeline."""
    import altair as alt
    import pandas as pd

    lead = leaders[_text(leaders["country"]).isin(["U.S.", "Japan", "ROK"])].copy()
    lead["start"] = pd.to_datetime(lead["term_start"])
    lead["end"] = pd.to_datetime(lead["term_end"]).fillna(hi)
    lead = lead[(lead["end"] >= lo) & (lead["start"] <= hi)].sort_values(["country", "start"])
    lead["start"] = lead["start"].clip(lower=lo)
    lead["end"] = lead["end"].clip(upper=hi)
    acting = lead["acting"].fillna(False).astype(bool) if "acting" in lead else False
    short = _col(lead, "name_short").where(_col(lead, "name_short") != "", _col(lead, "name"))
    s = pd.DataFrame(
        {
            "country": _text(lead["country"]),
            "name": _col(lead, "name")
            + pd.Series(acting, index=lead.index).map({True: " (acting)", False: ""}),
            "label": short,
            "start": _iso(lead["start"]),
            "end": _iso(lead["end"]),
            "mid": _iso(lead["start"] + (lead["end"] - lead["start"]) / 2),
            "days": (lead["end"] - lead["start"]).dt.days,
            "shade": lead.groupby("country").cumcount() % 2,
            "source": _col(lead, "source_id"),
        }
    )
    base = alt.Chart(alt.Data(values=chart_data(s))).encode(
        y=alt.Y("country:N", title="In office", sort=["U.S.", "Japan", "ROK"])
    )
    bars = base.mark_bar(stroke="white", strokeWidth=1).encode(
        x=alt.X("start:T", scale=x_scale, axis=None),
        x2="end:T",
        color=alt.Color(
            "country:N", scale=alt.Scale(**color_scale_args(COUNTRY_COLORS)), legend=None
        ),
        opacity=alt.Opacity("shade:O", scale=alt.Scale(range=[0.35, 0.6]), legend=None),
        tooltip=[
            alt.Tooltip("name:N", title="Leader"),
            alt.Tooltip("start:N", title="From"),
            alt.Tooltip("end:N", title="To"),
            alt.Tooltip("source:N", title="Source id"),
        ],
    )
    labels = (
        base.transform_filter("datum.days > 300")
        .mark_text(fontSize=9, color="black")
        .encode(x=alt.X("mid:T", scale=x_scale, axis=None), text="label:N")
    )
    return alt.layer(bars, labels).properties(width=width, height=60)


def meetings_per_year(meetings: pd.DataFrame | None = None) -> alt.LayerChart:
    """Stacked bars: how many trilateral meetings took place each year, split by level."""
    import altair as alt
    import pandas as pd

    m = _load(meetings, "meetings")
    levels = _ordered_levels(m["level"], LEVEL_ORDER) if len(m) else LEVEL_ORDER
    years = m["year"].dropna().astype(int)
    counts = (
        pd.DataFrame({"year": years, "level": _col(m, "level").loc[years.index]})
        .groupby(["year", "level"])
        .size()
        .rename("meetings")
        .reset_index()
    )
    counts["order"] = counts["level"].map({lv: i for i, lv in enumerate(levels)})
    all_years = list(range(int(years.min()), int(years.max()) + 1)) if len(years) else []
    totals = counts.groupby("year", as_index=False)["meetings"].sum()
    x = alt.X("year:O", title="Year", scale=alt.Scale(domain=all_years))
    top = int(totals["meetings"].max()) if len(totals) else 1
    ticks = list(range(0, top + 1)) if top <= 12 else None  # whole numbers only
    y = alt.Y(
        "meetings:Q",
        title="Number of meetings",
        axis=alt.Axis(values=ticks, format="d") if ticks else alt.Axis(format="d"),
        stack="zero",
    )
    bars = (
        alt.Chart(alt.Data(values=chart_data(counts)))
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "level:N",
                title="Level",
                scale=alt.Scale(**color_scale_args(LEVEL_COLORS, levels)),
                sort=list(reversed(levels)),
            ),
            order=alt.Order("order:Q", sort="descending"),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("level:N", title="Level"),
                alt.Tooltip("meetings:Q", title="Meetings"),
            ],
        )
    )
    text = (
        alt.Chart(alt.Data(values=chart_data(totals)))
        .mark_text(dy=-7, fontSize=11)
        .encode(x=x, y=y, text="meetings:Q")
    )
    busiest = (
        f" The busiest year was {int(totals.loc[totals['meetings'].idxmax(), 'year'])}"
        f" with {int(totals['meetings'].max())} meetings."
        if len(totals)
        else ""
    )
    desc = (
        f"Bar chart of {int(counts['meetings'].sum())} trilateral meetings per year"
        + (f" from {all_years[0]} to {all_years[-1]}" if all_years else "")
        + ", each bar split by level (leaders, ministers, vice or deputy ministers, envoys)."
        + busiest
    )
    chart = alt.layer(bars, text).properties(
        title="Trilateral meetings per year, by level", description=desc, width=560, height=260
    )
    return _empty_note(chart, len(counts), "meetings")


# --- events ---------------------------------------------------------------------------------


def events_timeline(events: pd.DataFrame | None = None) -> alt.Chart:
    """Events by date and category; colour and shape show whether each strained or improved ties."""
    import altair as alt
    import pandas as pd

    e = _load(events, "events")
    d = pd.DataFrame(
        {
            "when": _iso(_mid_dates(e)) if len(e) else [],
            "date": _col(e, "date_label"),
            "event": _col(e, "title"),
            "category": _col(e, "category"),
            "dyads": _col(e, "dyads").str.replace(";", ", "),
            "effect": _col(e, "effect"),
            "event_id": _col(e, "event_id"),
            "source": _sources(e),
        }
    )
    cats = _present(d["category"], EVENT_CATEGORIES)
    effects = _present(d["effect"], EFFECT_ORDER)
    counts = d["effect"].value_counts()
    summary = ", ".join(f"{int(counts.get(k, 0))} {k}" for k in EFFECT_ORDER)
    desc = (
        f"Timeline of {len(d)} events that shaped U.S.–Japan–ROK ties, one row per category"
        f" ({', '.join(cats) or 'none'}). Colour and shape show the effect on ties as the source"
        f" presents it: {summary}."
    )
    chart = (
        alt.Chart(alt.Data(values=chart_data(d)))
        .mark_point(filled=True, size=110, opacity=0.85)
        .encode(
            x=alt.X("when:T", title="Date", axis=alt.Axis(format="%Y"), scale=_date_scale(e)),
            y=alt.Y("category:N", title="Category of event", sort=cats),
            color=alt.Color(
                "effect:N",
                title="Effect on ties",
                scale=alt.Scale(**color_scale_args(EFFECT_COLORS, effects)),
            ),
            shape=alt.Shape(
                "effect:N",
                title="Effect on ties",
                scale=alt.Scale(**_shape_args(EFFECT_SHAPES, effects)),
            ),
            tooltip=[
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("event:N", title="Event"),
                alt.Tooltip("category:N", title="Category"),
                alt.Tooltip("dyads:N", title="Ties affected"),
                alt.Tooltip("effect:N", title="Effect"),
                alt.Tooltip("event_id:N", title="Event id"),
                alt.Tooltip("source:N", title="Source id"),
            ],
        )
        .properties(
            title="Events and their effect on ties", description=desc, width=600, height=240
        )
    )
    return _empty_note(chart, len(d), "events")


def _date_scale(df: pd.DataFrame, pad_days: int = 120) -> alt.Scale:
    """A time scale from the first to the last possible date, padded so edge marks show whole."""
    import altair as alt
    import pandas as pd

    if not len(df):
        return alt.Scale()
    pad = pd.Timedelta(days=pad_days)
    lo = pd.to_datetime(df["date_start"]).min() - pad
    hi = pd.to_datetime(df["date_end"]).max() + pad
    return alt.Scale(domain=[lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")])


def _shape_args(shapes: Mapping[str, str], present: list[str]) -> dict[str, Any]:
    domain = [k for k in shapes if k in present] + [v for v in present if v not in shapes]
    return {"domain": domain, "range": [shapes.get(k, "square") for k in domain]}


# --- opinion --------------------------------------------------------------------------------


def _fmt_number(x: float | None) -> str:
    if x is None or x != x:
        return ""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def opinion_labels(o: pd.DataFrame) -> pd.Series:
    """How each figure is published, in words: ``31%``, ``about 31%``, ``over 60%``, ``20–30%``."""
    unit = _col(o, "unit").map(
        lambda u: "%" if u.strip() == "%" or u.strip().startswith("percent") else f" {u}".rstrip()
    )
    qual = _col(o, "qualifier")
    out = []
    for v, q, lo, hi, u in zip(
        o["value"], qual, o["range_low"], o["range_high"], unit, strict=True
    ):
        v, lo, hi = _plain(v), _plain(lo), _plain(hi)
        rng = f"{_fmt_number(lo)}–{_fmt_number(hi)}{u}" if lo is not None and hi is not None else ""
        if v is None:
            text = rng or "no figure"
        else:
            text = f"{_fmt_number(v)}{u}"
            if q in ("about", "over"):
                text = f"{q} {text}"
            if rng:
                text += f" (range {rng})"
        out.append(text)
    import pandas as pd

    return pd.Series(out, index=o.index, dtype=object)


def _series_label(o: pd.DataFrame) -> pd.Series:
    return _col(o, "respondents") + " → " + _col(o, "target")


def opinion_periods(o: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """First and last survey year of each row: its ``year``, else its ``period_start``/``_end``."""
    year = o["year"].astype("Int64")
    first = year.fillna(o["period_start"].astype("Int64")) if "period_start" in o else year
    last = year.fillna(o["period_end"].astype("Int64")) if "period_end" in o else year
    return first, last.fillna(first)


def opinion_when(o: pd.DataFrame) -> pd.Series:
    """When each figure was surveyed, in words: ``2021`` or ``2017–2021``."""
    first, last = opinion_periods(o)
    text = first.astype("string").fillna("?")
    span = first.astype("string") + "–" + last.astype("string")
    return text.where(first.isna() | (first == last), span).astype(str)


def opinion_trends(
    opinion: pd.DataFrame | None = None,
    *,
    measure: str | None = None,
    series: Iterable[tuple[str, str]] | None = None,
) -> alt.LayerChart:
    """Survey results over time per respondents → target, with published ranges as bands.

    One measure per chart (default: the measure with most observations). Shapes and labels keep
    the sources' qualifiers ("about", "over") visible; a published range is a shaded band over
    the years it covers.
    """
    import altair as alt
    import pandas as pd

    o = _load(opinion, "opinion")
    if measure is None and len(o):
        measure = str(_col(o, "measure").value_counts().idxmax())
    if measure is not None:
        o = o[_col(o, "measure") == measure]
    if series is not None:
        wanted = {f"{r} → {t}" for r, t in series}
        o = o[_series_label(o).isin(wanted)]
    unit = _col(o, "unit").iloc[0] if len(o) else ""
    first, last = opinion_periods(o)
    d = pd.DataFrame(
        {
            "year": o["year"].astype("Int64"),
            "x0": first.astype("Float64") - 0.3,
            "x1": last.astype("Float64") + 0.3,
            "when": opinion_when(o),
            "series": _series_label(o),
            "respondents": _col(o, "respondents"),
            "target": _col(o, "target"),
            "value": o["value"].astype("Float64"),
            "low": o["range_low"].astype("Float64"),
            "high": o["range_high"].astype("Float64"),
            "qualifier": _col(o, "qualifier").replace("", "exact"),
            "published": opinion_labels(o),
            "survey": _col(o, "survey"),
            "obs_id": _col(o, "obs_id"),
            "source": _sources(o),
        }
    )
    d["label"] = d["published"].where(d["qualifier"] != "exact", "")
    is_range = d["value"].isna()
    d.loc[is_range, "label"] = d["published"] + " (" + d["when"] + ")"
    labels = sorted(d["series"].unique())
    firsts = d.drop_duplicates("series").set_index("series")["respondents"]
    palette = list(COUNTRY_COLORS.values())
    rng = [
        COUNTRY_COLORS.get(firsts.get(s, ""), palette[i % len(palette)])
        for i, s in enumerate(labels)
    ]
    color = alt.Color(
        "series:N",
        title="Asked → about",
        scale=alt.Scale(domain=labels, range=rng),
        legend=alt.Legend(symbolOpacity=1),
    )
    dash = alt.StrokeDash("target:N", title="Opinion about")
    y_title = unit.capitalize() if unit else (measure or "value").capitalize()
    lo, hi = (int(first.min()), int(last.max())) if first.notna().any() else (2000, 2025)
    tooltip = [
        alt.Tooltip("series:N", title="Respondents → about whom"),
        alt.Tooltip("when:N", title="Survey year(s)"),
        alt.Tooltip("published:N", title="Published figure"),
        alt.Tooltip("survey:N", title="Survey"),
        alt.Tooltip("obs_id:N", title="Observation id"),
        alt.Tooltip("source:N", title="Source id"),
    ]
    base = alt.Chart(alt.Data(values=chart_data(d)))
    x_scale = alt.Scale(domain=[lo - 0.6, hi + 0.6], nice=False)
    x_axis = alt.Axis(format="d", tickMinStep=1, values=list(range(lo, hi + 1)))
    x = alt.X("year:Q", title="Survey year", axis=x_axis, scale=x_scale)
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True))
    ranges = (
        base.transform_filter("datum.low != null && datum.high != null")
        .mark_rect(opacity=0.28)
        .encode(
            x=alt.X("x0:Q", title="Survey year", axis=x_axis, scale=x_scale),
            x2="x1:Q",
            y=alt.Y("low:Q", title=y_title),
            y2="high:Q",
            color=color,
            tooltip=tooltip,
        )
    )
    valued = base.transform_filter("datum.value != null && datum.year != null")
    lines = valued.mark_line(strokeWidth=2).encode(x=x, y=y, color=color, strokeDash=dash)
    points = valued.mark_point(filled=True, size=70, opacity=1).encode(
        x=x,
        y=y,
        color=color,
        shape=alt.Shape(
            "qualifier:N",
            title="As published",
            scale=alt.Scale(
                **_shape_args(QUALIFIER_SHAPES, _present(d["qualifier"], QUALIFIER_SHAPES))
            ),
        ),
        tooltip=tooltip,
    )
    text = (
        base.transform_filter("datum.label != ''")
        .transform_calculate(
            ypos="datum.value != null ? datum.value : datum.high",
            xpos="datum.value != null ? datum.year : datum.x0",
        )
        .mark_text(align="left", dx=7, dy=-6, fontSize=10)
        .encode(
            x=alt.X("xpos:Q", title="Survey year", scale=x_scale, axis=x_axis),
            y=alt.Y("ypos:Q", title=y_title),
            text="label:N",
            color=color,
        )
    )
    quals = d["qualifier"].value_counts()
    n_range = int(d["low"].notna().sum())
    desc = (
        f"Chart of '{measure}' in {len(d)} published survey figures"
        + (f" covering {lo} to {hi}" if len(d) else "")
        + f" for {', '.join(labels) or 'no series'}: points for single figures, shaded bands"
        + f" for ranges. {int(quals.get('about', 0))} figures are published as 'about', "
        + f"{int(quals.get('over', 0))} as 'over', and {n_range} as a range."
    )
    chart = alt.layer(ranges, lines, points, text).properties(
        title=f"Public opinion: {measure}" if measure else "Public opinion",
        description=desc,
        width=520,
        height=280,
    )
    return _empty_note(chart, len(d), "survey results")


# --- China stances, obstacles ---------------------------------------------------------------


def china_stance_matrix(china_stances: pd.DataFrame | None = None) -> alt.LayerChart:
    """Grid of each country's stated stance on China, per document (columns in date order)."""
    import altair as alt
    import pandas as pd

    s = _load(china_stances, "china_stances")
    stance_order = _ordered_levels(s["stance"], list(STANCE_COLORS)) if len(s) else []
    rank = {st: i for i, st in enumerate(stance_order)}
    d = pd.DataFrame(
        {
            "country": _col(s, "country"),
            "document": _col(s, "document"),
            "year": s["year"].astype("Int64"),
            "stance": _col(s, "stance"),
            "quote": "“" + _col(s, "quote") + "” (" + _col(s, "actor") + ")",
            "stance_id": _col(s, "stance_id"),
            "source": _col(s, "source_id"),
            "sort": s["date_start"]
            if "date_start" in s.columns
            else pd.to_datetime(
                s["year"].astype("Int64").astype(str), format="%Y", errors="coerce"
            ),
        }
    )
    short = d["document"].map(lambda t: t if len(t) <= 28 else t[:27].rstrip() + "…")
    d["column"] = short + " (" + d["year"].astype("string").fillna("n.d.") + ")"
    d["title"] = d["document"] + " (" + d["year"].astype("string").fillna("n.d.") + ")"
    d["rank"] = d["stance"].map(rank).fillna(-1)
    # several statements in one cell: keep the most wary stance and list every quote
    g = d.sort_values("rank").groupby(["country", "column"], sort=False)
    cells = g.agg(
        stance=("stance", "last"),
        title=("title", "first"),
        quotes=("quote", " · ".join),
        ids=("stance_id", ", ".join),
        source=("source", lambda v: ", ".join(dict.fromkeys(v))),
        sort=("sort", "min"),
        year=("year", "min"),
    ).reset_index()
    columns = list(cells.sort_values(["sort", "column"])["column"].drop_duplicates())
    countries = _present(cells["country"], list(COUNTRY_COLORS))
    cells = cells.drop(columns=["sort"])
    stances = _present(cells["stance"], stance_order)
    enc = {
        "x": alt.X(
            "column:N",
            title="Document (year)",
            sort=columns,
            axis=alt.Axis(labelAngle=-30, labelLimit=0),
        ),
        "y": alt.Y("country:N", title="Country", sort=countries),
    }
    base = alt.Chart(alt.Data(values=chart_data(cells)))
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        **enc,
        color=alt.Color(
            "stance:N",
            title="Stance on China",
            scale=alt.Scale(**color_scale_args(STANCE_COLORS, stances)),
            sort=stances,
        ),
        tooltip=[
            alt.Tooltip("country:N", title="Country"),
            alt.Tooltip("title:N", title="Document"),
            alt.Tooltip("stance:N", title="Stance"),
            alt.Tooltip("quotes:N", title="Words used"),
            alt.Tooltip("ids:N", title="Stance id"),
            alt.Tooltip("source:N", title="Source id"),
        ],
    )
    text = base.mark_text(fontSize=10).encode(**enc, text="stance:N")
    desc = (
        f"Matrix of stances towards China stated by {', '.join(countries) or 'no country'}"
        f" in {len(columns)} documents, ordered by date. Each cell names the stance"
        f" ({' < '.join(stances) or 'none'}, from friendliest to most wary) and its colour"
        " darkens as the stance grows warier; empty cells mean the document states none."
    )
    chart = alt.layer(rect, text).properties(
        title="How each government describes China, document by document",
        description=desc,
        width=max(200, 105 * len(columns)),
        height=max(60, 45 * len(countries)),
    )
    return _empty_note(chart, len(cells), "stances")


def _obstacle_label(code: str) -> str:
    return OBSTACLE_LABELS.get(code, code.replace("_", " ").capitalize())


def obstacles_heatmap(obstacles: pd.DataFrame | None = None) -> alt.LayerChart:
    """Heat map: how often each source document names each obstacle to cooperation."""
    import altair as alt
    import pandas as pd

    ob = _load(obstacles, "obstacles")
    d = pd.DataFrame(
        {
            "seed": _col(ob, "seed_id"),
            "code": _col(ob, "code"),
            "label": _col(ob, "label"),
            "obstacle_id": _col(ob, "obstacle_id"),
            "source": _col(ob, "source_id"),
        }
    )
    seeds = sorted(d["seed"].unique())
    codes = list(
        d["code"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index
    )
    grid = pd.MultiIndex.from_product([seeds, codes], names=["seed", "code"]).to_frame(index=False)
    agg = (
        d.groupby(["seed", "code"])
        .agg(
            count=("obstacle_id", "size"),
            named=("label", lambda v: "; ".join(dict.fromkeys(v))),
            ids=("obstacle_id", ", ".join),
            source=("source", lambda v: ", ".join(dict.fromkeys(v))),
        )
        .reset_index()
    )
    cells = grid.merge(agg, on=["seed", "code"], how="left")
    cells["count"] = cells["count"].fillna(0).astype(int)
    cells[["named", "ids", "source"]] = cells[["named", "ids", "source"]].fillna("")
    cells["obstacle"] = cells["code"].map(_obstacle_label)
    order = [_obstacle_label(c) for c in codes]
    enc = {
        "x": alt.X(
            "seed:N", title="Source document (seed)", sort=seeds, axis=alt.Axis(labelAngle=0)
        ),
        "y": alt.Y("obstacle:N", title="Obstacle to cooperation", sort=order),
    }
    base = alt.Chart(alt.Data(values=chart_data(cells)))
    vmax = max(1, int(cells["count"].max()) if len(cells) else 1)
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        **enc,
        color=alt.condition(
            "datum.count == 0",
            alt.value("#f2f2f2"),
            alt.Color(
                "count:Q",
                title="Times named",
                scale=alt.Scale(domain=[0, vmax], scheme="blues"),
                legend=alt.Legend(values=list(range(1, vmax + 1)), format="d"),
            ),
        ),
        tooltip=[
            alt.Tooltip("seed:N", title="Seed"),
            alt.Tooltip("obstacle:N", title="Obstacle"),
            alt.Tooltip("count:Q", title="Times named"),
            alt.Tooltip("named:N", title="As the seed puts it"),
            alt.Tooltip("ids:N", title="Obstacle ids"),
            alt.Tooltip("source:N", title="Source id"),
        ],
    )
    text = (
        base.transform_filter("datum.count > 0")
        .mark_text(fontSize=11)
        .encode(
            **enc,
            text="count:Q",
            color=alt.condition(
                f"datum.count > {vmax / 2}", alt.value("white"), alt.value("black")
            ),
        )
    )
    named_by = (
        cells.assign(any=cells["count"] > 0)
        .groupby("obstacle")["any"]
        .sum()
        .sort_values(ascending=False)
    )
    lead = (
        (
            f" Named by the most seeds: {named_by.index[0]} ({int(named_by.iloc[0])} of"
            f" {len(seeds)})."
        )
        if len(named_by)
        else ""
    )
    desc = (
        f"Heat map of {int(cells['count'].sum())} obstacles to trilateral cooperation named in"
        f" {len(seeds)} source documents; rows are obstacle types, columns are documents, and the"
        f" number in a cell is how often that document names that obstacle (blank: never)." + lead
    )
    chart = alt.layer(rect, text).properties(
        title="Obstacles to cooperation named in each source",
        description=desc,
        width=max(160, 70 * len(seeds)),
        height=max(80, 26 * len(codes)),
    )
    return _empty_note(chart, len(d), "obstacles")


# --- policy ---------------------------------------------------------------------------------


def policy_ranking(
    ranking: pd.DataFrame | None = None,
    *,
    perspective: str = "balanced",
    options: pd.DataFrame | None = None,
    weights: pd.DataFrame | Mapping[str, float] | None = None,
) -> alt.LayerChart:
    """Horizontal bars: policy options ranked by their weighted score (0–100).

    Pass a ``ranking`` from ``rank_options`` (e.g. the PolicyWorkbench's), or let the builder
    rank ``options`` with ``weights`` (default: the ``perspective`` preset).
    """
    import altair as alt

    from .widgets.policy import preset_weights, rank_options

    if ranking is None:
        opts = _load(options, "policy_options")
        if weights is None:
            weights = preset_weights(_load(None, "policy_weights"), perspective)
        else:
            perspective = "your"
        ranking = rank_options(opts, weights)
    r = ranking.copy()
    label_src = _col(r, "label") if "label" in r.columns else _col(r, "option_id")
    r = r.assign(option=label_src.map(lambda t: t if len(t) <= 44 else t[:43].rstrip() + "…"))
    cols = ("rank", "option", "option_id", "area", "asks", "score", "rationale")
    keep = [c for c in cols if c in r]
    d = r[keep].copy()
    d["source"] = _col(r, "source_id")
    d["score"] = d["score"].astype(float).round(1)
    order = list(d.sort_values(["score", "option"], ascending=[False, True])["option"])
    enc_y = alt.Y(
        "option:N",
        title="Policy option",
        sort=order,
        axis=alt.Axis(labelLimit=0, titleAngle=0, titleAlign="left", titleX=-5, titleY=-8),
    )
    base = alt.Chart(alt.Data(values=chart_data(d)))
    titles = {
        "asks": "What it asks",
        "option_id": "Option id",
        "rationale": "Why (teaching judgment)",
    }
    bars = base.mark_bar(color="#4c78a8").encode(
        x=alt.X(
            "score:Q",
            title="Weighted score (0 = worst, 100 = best on every criterion)",
            scale=alt.Scale(domain=[0, 100]),
        ),
        y=enc_y,
        tooltip=[
            alt.Tooltip(
                c + (":Q" if c in ("rank", "score") else ":N"),
                title=titles.get(c, c.replace("_", " ").capitalize()),
            )
            for c in [*keep, "source"]
            if c != "option"
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=10).encode(
        x=alt.X("score:Q", title="Weighted score (0 = worst, 100 = best on every criterion)"),
        y=enc_y,
        text=alt.Text("score:Q", format=".0f"),
    )
    best = order[0] if order else "none"
    desc = (
        f"Bar chart ranking {len(d)} policy options by weighted score with {perspective} weights;"
        f" longer bars score better. Top option: {best}."
    )
    title = f"Policy options ranked with {perspective} weights"
    chart = alt.layer(bars, text).properties(
        title=title, description=desc, width=420, height=max(60, 24 * len(d))
    )
    return _empty_note(chart, len(d), "policy options")


# --- strategic triangle ---------------------------------------------------------------------

_NODES = {"U.S.": (0.5, 0.9), "ROK": (0.0, 0.0), "Japan": (1.0, 0.0)}


def triangle_diagram(
    us_jp: str | bool = "amity",
    us_rok: str | bool = "amity",
    jp_rok: str | bool = "amity",
    *,
    subtitle: str | None = None,
) -> alt.LayerChart:
    """The U.S.–Japan–ROK triangle: solid, labelled sides are amity; dashed sides are enmity."""
    import altair as alt
    import pandas as pd

    from .widgets.triangle import classify_triangle, normalize_state

    states = dict(zip(DYADS, (normalize_state(s) for s in (us_jp, us_rok, jp_rok)), strict=True))
    pattern = classify_triangle(*states.values())
    edges = []
    for dyad, state in states.items():
        a, b = dyad.split("–")
        for end, node in enumerate((a, b)):
            x, y = _NODES[node]
            edges.append({"dyad": dyad, "state": state, "end": end, "x": x, "y": y})
    e = pd.DataFrame(edges)
    mids = e.groupby(["dyad", "state"], as_index=False)[["x", "y"]].mean()
    nodes = pd.DataFrame(
        [
            {
                "country": c,
                "x": x,
                "y": y,
                "role": pattern.roles.get(c, ""),
                "label": c + (f" ({pattern.roles[c]})" if pattern.roles.get(c) else ""),
            }
            for c, (x, y) in _NODES.items()
        ]
    )
    ax = {"axis": None, "scale": alt.Scale(domain=[-0.25, 1.25])}
    ay = {"axis": None, "scale": alt.Scale(domain=[-0.2, 1.1])}
    lines = (
        alt.Chart(alt.Data(values=chart_data(e)))
        .mark_line(strokeWidth=4, color="#444444")
        .encode(
            x=alt.X("x:Q", **ax),
            y=alt.Y("y:Q", **ay),
            detail="dyad:N",
            order="end:Q",
            strokeDash=alt.StrokeDash(
                "state:N",
                scale=alt.Scale(domain=["amity", "enmity"], range=[[1, 0], [9, 6]]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("dyad:N", title="Pair"), alt.Tooltip("state:N", title="Relation")],
        )
    )
    edge_text = (
        alt.Chart(alt.Data(values=chart_data(mids)))
        .mark_text(fontSize=11, fontWeight="bold", dy=-9)
        .encode(x=alt.X("x:Q", **ax), y=alt.Y("y:Q", **ay), text="state:N")
    )
    node_pts = (
        alt.Chart(alt.Data(values=chart_data(nodes)))
        .mark_circle(size=900, opacity=1)
        .encode(
            x=alt.X("x:Q", **ax),
            y=alt.Y("y:Q", **ay),
            color=alt.Color(
                "country:N",
                scale=alt.Scale(**color_scale_args(COUNTRY_COLORS, list(_NODES))),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("role:N", title="Role"),
            ],
        )
    )
    node_text = (
        alt.Chart(alt.Data(values=chart_data(nodes)))
        .mark_text(fontSize=12, fontWeight="bold", dy=28)
        .encode(x=alt.X("x:Q", **ax), y=alt.Y("y:Q", **ay), text="label:N")
    )
    desc = (
        "Triangle diagram of U.S.–Japan–ROK relations: "
        + ", ".join(f"{d} {s}" for d, s in states.items())
        + f". Pattern: {pattern.name}"
        + (f", pivot {pattern.pivot}" if pattern.pivot else "")
        + "."
    )
    title: Any = {"text": f"Strategic triangle: {pattern.name}"}
    if subtitle:
        title["subtitle"] = subtitle
    return alt.layer(lines, edge_text, node_pts, node_text).properties(
        title=title, description=desc, width=320, height=260
    )
