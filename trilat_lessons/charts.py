"""The course's charts: one builder per chart, each returning a small, accessible altair chart.

Every builder takes an optional DataFrame (default: the packaged dataset), so an exercise or a
widget can pass filtered rows. Data are aggregated in pandas first and only the columns a chart
uses go into its spec, which keeps specs small. Every chart has a title, plain-word axis titles
and a ``description`` (read by screen readers); tooltips carry place, context and source id,
which the offline renderer turns into hover titles.

    import trilat_lessons as tl
    tl.setup()
    tl.charts.meetings_timeline()

The charts the explorers redraw are built in two steps: a ``*_parts`` function does the pandas
work and returns :class:`ChartParts` (named datasets, the values the spec shows such as title,
description and scale domains, and the layout), and :func:`draw` turns parts into the altair
chart. The builder is the two in a row; an explorer draws once with markers in place of the
data and values (``draw(parts, placeholders=True)``) and afterwards only fills in new values.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .codebook import BILATERAL_DYADS, EVENT_CATEGORIES, OBSTACLE_LABELS
from .codebook import EFFECTS as EFFECT_ORDER
from .codebook import LEVELS as LEVEL_ORDER
from .theme import (
    ADMINISTRATION_COLORS,
    COUNTRY_COLORS,
    COUNTRY_NAMES,
    EFFECT_COLORS,
    EFFECT_SHAPES,
    LEVEL_COLORS,
    MIN_FONT_SIZE,
    STANCE_COLORS,
    STATE_COLORS,
    band_colors,
    color_scale_args,
    readable_text_color,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd

__all__ = [
    "OBSTACLE_LABELS",
    "QUALIFIER_SHAPES",
    "ChartParts",
    "administration_terms",
    "chart_data",
    "china_stance_matrix",
    "draw",
    "events_timeline",
    "leaders_timeline",
    "meetings_per_year",
    "meetings_timeline",
    "meetings_timeline_parts",
    "obstacles_heatmap",
    "opinion_labels",
    "opinion_periods",
    "opinion_trends",
    "opinion_trends_parts",
    "opinion_when",
    "policy_ranking",
    "policy_ranking_parts",
    "triangle_diagram",
    "triangle_diagram_parts",
]

QUALIFIER_SHAPES: dict[str, str] = {"exact": "circle", "about": "diamond", "over": "triangle-up"}

RANGE_OPACITY = 0.28
"""Opacity of the shaded bands of published ranges in the opinion charts."""


LINES = "split(datum.label, '\\n')"
"""Vega label expression: a label with line breaks (from :func:`wrap_label`) on several lines."""


def wrap_label(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters ("\\n" between them), so an
    axis label is shown whole (with ``labelExpr=LINES``) instead of cut off with "…"."""
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _one_line(label: str) -> str:
    """A wrapped label back on one line, without a final full stop (for sentences)."""
    return str(label).replace("\n", " ").rstrip(".")


def _row_height(labels: Any) -> int:
    """Pixels per bar row: room for the most lines any label has (13 px a line, 24 at least)."""
    lines = max((str(x).count("\n") + 1 for x in labels), default=1)
    return max(24, 13 * lines + 6)


def year_axis(**kwargs: Any) -> alt.Axis:
    """A date axis labelled by year, one tick per year at most (never "2021 2021 2022"):
    month ticks labelled "%Y" repeat the year; labels that would overlap are thinned."""
    import altair as alt

    return alt.Axis(
        format="%Y",
        tickCount={"interval": "year", "step": 1},
        labelOverlap=True,
        **kwargs,
    )


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


_SIMPLE = (str, int, bool)


def _plain_values(series: pd.Series) -> list[Any]:
    """A column as JSON-friendly Python values (what ``_plain`` gives for each cell)."""
    out = series.tolist()  # numpy scalars become Python ones; NA, NaT and Timestamps stay
    for i, v in enumerate(out):
        if isinstance(v, _SIMPLE):
            continue
        if isinstance(v, float):
            if v != v:
                out[i] = None
            continue
        out[i] = _plain(v)
    return out


def chart_data(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain JSON records: what a builder inlines in its spec (NA becomes null)."""
    cols = [str(c) for c in df.columns]
    if not len(df) or not cols:
        return [{} for _ in range(len(df))] if not cols else []
    values = [_plain_values(df.iloc[:, j]) for j in range(len(cols))]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)]


def _text(series: pd.Series) -> pd.Series:
    """A string column with missing values as empty strings."""
    import pandas as pd

    if series.dtype.kind in "mM":  # dates and durations: pandas' own formatting
        return series.astype("string").fillna("").astype(str)
    out = [
        v
        if isinstance(v, str)
        else ""
        if v is None or v is pd.NA or (isinstance(v, float) and v != v)
        else str(v)
        for v in series.tolist()
    ]
    return pd.Series(out, index=series.index, dtype=object)


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


def _titled(text: str, n: int, what: str) -> str | dict[str, str]:
    """A chart title; with a subtitle saying so when the selection is empty."""
    return text if n else {"text": text, "subtitle": f"No {what} in this selection."}


def _covered(title: str | dict[str, Any], name: str) -> dict[str, Any]:
    """The title with a first subtitle line stating the period the dataset covers.

    Read from the package metadata (the codebook), so charts that show time never leave the
    reader guessing where the record stops.
    """
    from .datasets import coverage

    cov = coverage(name)
    out = dict(title) if isinstance(title, dict) else {"text": title}
    if not cov["start"]:
        return out
    line = f"Dataset '{name}' covers {cov['start']} to {cov['end']}."
    rest = out.get("subtitle")
    out["subtitle"] = [line, *([rest] if isinstance(rest, str) else rest or [])]
    return out


def _empty_note(chart: alt.Chart, n: int, what: str) -> alt.Chart:
    """Title subtitle saying the selection is empty, so an empty chart is never a mystery."""
    if n:
        return chart
    title = chart.title
    if isinstance(title, dict) or hasattr(title, "to_dict"):  # keep an existing subtitle
        t = title if isinstance(title, dict) else title.to_dict()
        sub = t.get("subtitle") or []
        sub = [sub] if isinstance(sub, str) else list(sub)
        return chart.properties(title={**t, "subtitle": [*sub, f"No {what} in this selection."]})
    return chart.properties(title=_titled(title, n, what))


# --- parts and drawing ------------------------------------------------------------------------

SLOT_MARK = "@@trilat-slot:"
"""Prefix of the placeholder strings ``draw(parts, placeholders=True)`` puts in place of slots."""

DATA_MARK = "@@trilat-dataset"
"""Key of the single placeholder row that stands in for each named dataset."""


@dataclass(frozen=True)
class ChartParts:
    """A chart before drawing: what the pandas preparation produced, ready for :func:`draw`.

    ``data``: the inlined datasets by name (one DataFrame each). ``slots``: every other value
    taken from the data that the spec shows as is: ``title``, ``description``, scale domains and
    ranges, sort orders, axis titles. ``layout``: what decides the spec's structure (which layers
    exist, sizes), as ``(name, value)`` pairs. Parts of the same ``kind`` and ``layout`` draw the
    same spec except for data and slots, so an explorer can build it once and fill it in.
    """

    kind: str
    data: Mapping[str, pd.DataFrame]
    slots: Mapping[str, Any]
    layout: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def title(self) -> Any:
        return self.slots["title"]

    @property
    def description(self) -> str:
        return str(self.slots["description"])


_DRAW: dict[str, Callable[..., Any]] = {}


def _drawing(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function that draws parts of ``kind``."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _DRAW[kind] = fn
        return fn

    return register


def draw(parts: ChartParts, *, placeholders: bool = False) -> alt.TopLevelMixin:
    """The altair chart of ``parts`` (what the builders return).

    With ``placeholders=True`` every dataset is one marker row (``{DATA_MARK: name}``) and every
    slot the string ``SLOT_MARK + name``: the spec's skeleton, for an explorer to fill in.
    """
    import altair as alt
    from altair.utils.schemapi import debug_mode

    if placeholders:  # markers are no valid domains etc.: skip altair's checks while drawing
        data = {k: alt.Data(values=[{DATA_MARK: k}]) for k in parts.data}
        slots = {k: SLOT_MARK + k for k in parts.slots}
        with debug_mode(False):
            return _DRAW[parts.kind](data, slots, dict(parts.layout))
    data = {k: alt.Data(values=chart_data(v)) for k, v in parts.data.items()}
    return _DRAW[parts.kind](data, dict(parts.slots), dict(parts.layout))


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


def _meeting_rows(m: pd.DataFrame) -> pd.DataFrame:
    """One row per meeting: where the timeline puts its dot and what its tooltip says."""
    import pandas as pd

    when = _mid_dates(m) if len(m) else pd.Series([], dtype="datetime64[ns]")
    leaders_cols = [c for c in ("us_president", "japan_pm", "rok_president") if c in m.columns]
    names = [[t or "?" for t in _text(m[c])] for c in leaders_cols]
    who = [", ".join(row) for row in zip(*names, strict=True)] if names else [""] * len(m)
    return pd.DataFrame(
        {
            "when": _iso(when) if len(m) else [],
            "date": _col(m, "date_label"),
            "title": _col(m, "title"),
            "level": _col(m, "level"),
            "track": _col(m, "track"),
            "place": _col(m, "place"),
            "context": _meeting_context(m),
            "administration": _col(m, "us_administration"),
            "leaders": who,
            "meeting": _col(m, "meeting_id"),
            "source": _sources(m),
        }
    )


def _timeline_span(m: pd.DataFrame, span: tuple[Any, Any] | None) -> tuple[Any, Any]:
    """First and last date of the time axis: ``span``, else the meetings' dates ± 120 days."""
    import pandas as pd

    if span is not None:
        return pd.Timestamp(span[0]), pd.Timestamp(span[1])
    if len(m):
        pad = pd.Timedelta(days=120)
        return (
            pd.to_datetime(m["date_start"]).min() - pad,
            pd.to_datetime(m["date_end"]).max() + pad,
        )
    return pd.Timestamp("2014-01-01"), pd.Timestamp("2025-12-31")


def _leader_rows(leaders: pd.DataFrame, lo: Any, hi: Any) -> pd.DataFrame:
    """Terms of the U.S., Japanese and ROK leaders that overlap ``lo``–``hi``, clipped to it.

    ``start``/``end`` are where the bar is drawn; ``term`` gives the real dates in words (an
    open term runs to ``hi`` on the chart and reads "since ...").
    """
    import pandas as pd

    lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
    lead = leaders[_text(leaders["country"]).isin(["U.S.", "Japan", "ROK"])].copy()
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
    short = _col(lead, "name_short").where(_col(lead, "name_short") != "", _col(lead, "name"))
    return pd.DataFrame(
        {
            "country": _text(lead["country"]),
            "name": _col(lead, "name") + acting.map({True: " (acting)", False: ""}),
            "label": short,
            "office": _col(lead, "office"),
            "start": _iso(lead["start"]),
            "end": _iso(lead["end"]),
            "mid": _iso(lead["start"] + (lead["end"] - lead["start"]) / 2),
            "days": (lead["end"] - lead["start"]).dt.days,
            "shade": lead.groupby("country").cumcount() % 2,
            "term": term,
            "source": _col(lead, "source_id"),
        }
    )


_TIMELINE_AXES = (
    "time_domain",
    "admin_domain",
    "admin_range",
    "level_sort",
    "level_domain",
    "track_domain",
)


def meetings_timeline_parts(
    meetings: pd.DataFrame | None = None,
    leaders: pd.DataFrame | None = None,
    *,
    bands: bool = True,
    span: tuple[Any, Any] | None = None,
    width: int = 620,
    axes_from: pd.DataFrame | None = None,
    reuse: ChartParts | None = None,
) -> ChartParts:
    """The pandas half of :func:`meetings_timeline` (same arguments).

    ``axes_from``: meetings whose extent fixes the axes and legend (time span, levels, tracks,
    administrations), e.g. all meetings while ``meetings`` is a filtered selection; default:
    ``meetings`` themselves. ``reuse``: parts made earlier with the same ``leaders``,
    ``bands``, ``span``, ``width`` and ``axes_from``; everything that does not depend on
    ``meetings`` (axes, legend, the leader bands and strip) is taken from them, so an explorer
    that only changes the selection redoes only the meetings' rows.
    """
    m = _load(meetings, "meetings")
    d = _meeting_rows(m)
    if reuse is not None:
        if reuse.kind != "meetings_timeline" or dict(reuse.layout)["bands"] != bands:
            raise ValueError("reuse must be meetings_timeline parts with the same bands")
        data = {k: v for k, v in reuse.data.items() if k != "meetings"}
        axes = {k: reuse.slots[k] for k in _TIMELINE_AXES}
        layout = reuse.layout
    else:
        frame = m if axes_from is None else axes_from.reset_index(drop=True)
        levels = _ordered_levels(frame["level"], LEVEL_ORDER) if len(frame) else LEVEL_ORDER
        lo, hi = _timeline_span(frame, span)
        frame_admins = list(_col(frame, "us_administration"))
        admins = _present(frame_admins, ADMINISTRATION_COLORS)
        data = {}
        n_terms = 0
        if bands:
            lead = _load(leaders, "leaders")
            terms = administration_terms(lead, until=hi)
            terms = terms[(terms["end"] >= lo) & (terms["start"] <= hi)].copy()
            terms["start"] = terms["start"].clip(lower=lo)
            terms["end"] = terms["end"].clip(upper=hi)
            admins = _present(frame_admins + list(terms["administration"]), admins)
            n_terms = len(terms)
            if n_terms:
                data["terms"] = terms.assign(start=_iso(terms["start"]), end=_iso(terms["end"]))
            data["leaders"] = _leader_rows(lead, lo, hi)
        present_levels = set(_col(frame, "level"))
        level_axis = [lv for lv in reversed(levels) if lv in present_levels or not len(frame)]
        level_axis += sorted(present_levels - set(levels))  # levels outside the known order
        colours = color_scale_args(ADMINISTRATION_COLORS, admins)
        axes = {
            "time_domain": [lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")],
            "admin_domain": colours["domain"],
            "admin_range": colours["range"],
            "level_sort": list(reversed(levels)),
            "level_domain": level_axis,
            "track_domain": sorted(set(_col(frame, "track"))),
        }
        layout = (("bands", bands), ("terms", bool(n_terms)), ("width", width))
    n = len(d)
    by_date = d.sort_values("when", kind="stable")["date"]
    shown_admins = ", ".join(_present(d["administration"], axes["admin_domain"]))
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
    return ChartParts(
        "meetings_timeline",
        {"meetings": d, **data},
        {
            "title": _covered(
                _titled("Trilateral meetings over time, by level", n, "meetings"), "meetings"
            ),
            "description": desc,
            **axes,
        },
        layout,
    )


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
    return draw(meetings_timeline_parts(meetings, leaders, bands=bands, span=span, width=width))


@_drawing("meetings_timeline")
def _draw_meetings_timeline(
    data: Mapping[str, Any], s: Mapping[str, Any], layout: Mapping[str, Any]
) -> alt.VConcatChart | alt.LayerChart:
    import altair as alt

    width = layout["width"]
    x_scale = alt.Scale(domain=s["time_domain"])
    color = alt.Color(
        "administration:N",
        title="U.S. administration",
        scale=alt.Scale(domain=s["admin_domain"], range=s["admin_range"]),
        legend=alt.Legend(symbolOpacity=1),
    )
    x = alt.X("when:T", title="Date", scale=x_scale, axis=year_axis())
    dots = (
        alt.Chart(data["meetings"])
        .mark_point(filled=True, size=80, opacity=0.9, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=alt.Y(
                "level:N",
                title="Level of the meeting",
                sort=s["level_sort"],
                scale=alt.Scale(domain=s["level_domain"]),
            ),
            yOffset=alt.YOffset("track:N", scale=alt.Scale(domain=s["track_domain"])),
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
    if layout["terms"]:
        layers.append(
            alt.Chart(data["terms"])
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
    if not layout["bands"]:
        return main.properties(title=s["title"], description=s["description"])
    strip = _leader_strip(data["leaders"], x_scale, width)
    return (
        alt.vconcat(strip, main, spacing=6)
        .resolve_scale(color="independent")
        .properties(title=s["title"], description=s["description"])
    )


def _leader_tooltip() -> list[Any]:
    import altair as alt

    return [
        alt.Tooltip("name:N", title="Leader"),
        alt.Tooltip("office:N", title="Office"),
        alt.Tooltip("term:N", title="Term"),
        alt.Tooltip("source:N", title="Source id"),
    ]


def _leader_strip(data: Any, x_scale: alt.Scale, width: int) -> alt.LayerChart:
    """Leader terms of the three countries as labelled bars above the timeline."""
    import altair as alt

    base = alt.Chart(data).encode(
        y=alt.Y("country:N", title="In office", sort=["U.S.", "Japan", "ROK"])
    )
    bars = base.mark_bar(stroke="white", strokeWidth=1).encode(
        x=alt.X("start:T", scale=x_scale, axis=None),
        x2="end:T",
        color=alt.Color(
            "country:N", scale=alt.Scale(**color_scale_args(COUNTRY_COLORS)), legend=None
        ),
        opacity=alt.Opacity("shade:O", scale=alt.Scale(range=[0.35, 0.6]), legend=None),
        tooltip=_leader_tooltip(),
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
    rows = _leader_rows(lead, lo, hi)
    countries = ["U.S.", "Japan", "ROK"]
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
        tooltip=_leader_tooltip(),
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
    top = totals[totals["meetings"] == totals["meetings"].max()] if len(totals) else totals
    top_years = [str(int(y)) for y in top["year"]]
    busiest = (  # a tie names every busiest year
        f" The busiest year was {top_years[0]} with {int(top['meetings'].iloc[0])} meetings."
        if len(top_years) == 1
        else f" The busiest years were {', '.join(top_years[:-1])} and {top_years[-1]}"
        f" with {int(top['meetings'].iloc[0])} meetings each."
        if top_years
        else ""
    )
    desc = (
        f"Bar chart of {int(counts['meetings'].sum())} trilateral meetings per year"
        + (f" from {all_years[0]} to {all_years[-1]}" if all_years else "")
        + ", each bar split by level (leaders, ministers, vice or deputy ministers, envoys)."
        + busiest
    )
    chart = alt.layer(bars, text).properties(
        title=_covered("Trilateral meetings per year, by level", "meetings"),
        description=desc,
        width=560,
        height=260,
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
            x=alt.X("when:T", title="Date", axis=year_axis(), scale=_date_scale(e)),
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
            title=_covered("Events and their effect on ties", "events"),
            description=desc,
            width=600,
            height=240,
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
    import pandas as pd

    return pd.Series(_when_words(*opinion_periods(o)), index=o.index, dtype=str)


def _when_words(first: pd.Series, last: pd.Series) -> list[str]:
    import pandas as pd

    return [
        "?" if f is pd.NA else str(f) if f == t else f"{f}–{t}"
        for f, t in zip(first.tolist(), last.tolist(), strict=True)
    ]


def opinion_trends_parts(
    opinion: pd.DataFrame | None = None,
    *,
    measure: str | None = None,
    series: Iterable[tuple[str, str]] | Iterable[str] | None = None,
    axes_from: pd.DataFrame | None = None,
    reuse: ChartParts | None = None,
) -> ChartParts:
    """The pandas half of :func:`opinion_trends` (same arguments).

    ``series`` also takes labels (``"ROK → Japan"``). ``axes_from``: survey rows whose extent
    fixes the axes and legends (years, value range, series colours, shapes), e.g. every series
    of the measure while ``series`` picks one; only the rows of ``measure`` count. ``reuse``:
    parts made earlier with the same ``measure`` and ``axes_from``, whose axes and legends are
    taken as they are.
    """
    import pandas as pd

    o = _load(opinion, "opinion")
    if measure is None and len(o):
        measure = str(_col(o, "measure").value_counts().idxmax())
    if measure is not None:
        o = o[_col(o, "measure") == measure]
    if series is not None:
        wanted = {s if isinstance(s, str) else f"{s[0]} → {s[1]}" for s in series}
        o = o[_series_label(o).isin(wanted)]
    first, last = opinion_periods(o)
    when = _when_words(first, last)
    value = o["value"].astype("Float64")
    low = o["range_low"].astype("Float64")
    qualifier = [q or "exact" for q in _col(o, "qualifier")]
    published = opinion_labels(o).tolist()
    labels = [  # qualified figures and ranges get a label next to their mark
        f"{p} ({w})" if v is pd.NA else p if q != "exact" else ""
        for p, w, v, q in zip(published, when, value.tolist(), qualifier, strict=True)
    ]
    series_labels = _series_label(o)
    d = pd.DataFrame(
        {
            "year": o["year"].astype("Int64"),
            "x0": first.astype("Float64") - 0.3,
            "x1": last.astype("Float64") + 0.3,
            "when": when,
            "series": series_labels,
            "respondents": _col(o, "respondents"),
            "target": _col(o, "target"),
            "value": value,
            "low": low,
            "high": o["range_high"].astype("Float64"),
            "qualifier": qualifier,
            "published": published,
            "survey": _col(o, "survey"),
            "obs_id": _col(o, "obs_id"),
            "source": _sources(o),
            "label": labels,
        }
    )
    if reuse is not None:
        if reuse.kind != "opinion_trends":
            raise ValueError("reuse must be opinion_trends parts")
        slots = {k: v for k, v in reuse.slots.items() if k not in ("title", "description")}
        layout = reuse.layout
    else:
        slots = _opinion_axes(o if axes_from is None else axes_from, measure, axes_from is not None)
        layout = (("fixed_values", axes_from is not None),)
    rng = list(slots["series_range"])
    bands = band_colors(rng, RANGE_OPACITY)
    shades = [readable_text_color(c, bands) for c in rng]
    text_colors = dict(zip(slots["series_domain"], shades, strict=True))
    d["label_color"] = [text_colors.get(x, "#000000") for x in d["series"]]
    slots["title"] = _covered(
        _titled(
            f"Public opinion: {measure}" if measure else "Public opinion", len(d), "survey results"
        ),
        "opinion",
    )
    # the description speaks of the drawn rows only
    shown = sorted(set(series_labels))
    d_lo, d_hi = (int(first.min()), int(last.max())) if first.notna().any() else (2000, 2025)
    quals = Counter(qualifier)
    n_range = int(low.notna().sum())
    slots["description"] = (
        f"Chart of '{measure}' in {len(d)} published survey figures"
        + (f" covering {d_lo} to {d_hi}" if len(d) else "")
        + f" for {', '.join(shown) or 'no series'}: points for single figures, shaded bands"
        + f" for ranges. {int(quals.get('about', 0))} figures are published as 'about', "
        + f"{int(quals.get('over', 0))} as 'over', and {n_range} as a range."
    )
    return ChartParts("opinion_trends", {"opinion": d}, slots, layout)


def _opinion_axes(frame: pd.DataFrame, measure: str | None, fixed: bool) -> dict[str, Any]:
    """Axes and legends of an opinion chart from the survey rows ``frame`` (of ``measure``)."""
    import pandas as pd

    frame = frame.reset_index(drop=True)
    if fixed and measure is not None:
        frame = frame[_col(frame, "measure") == measure]
    f_series = _series_label(frame)
    labels = sorted(f_series.unique())
    firsts = (
        pd.DataFrame({"series": f_series, "respondents": _col(frame, "respondents")})
        .drop_duplicates("series")
        .set_index("series")["respondents"]
    )
    palette = list(COUNTRY_COLORS.values())
    rng = [
        COUNTRY_COLORS.get(firsts.get(s, ""), palette[i % len(palette)])
        for i, s in enumerate(labels)
    ]
    unit = _col(frame, "unit").iloc[0] if len(frame) else ""
    f_first, f_last = opinion_periods(frame)
    lo, hi = (int(f_first.min()), int(f_last.max())) if f_first.notna().any() else (2000, 2025)
    qualifiers = _present(_col(frame, "qualifier").replace("", "exact"), QUALIFIER_SHAPES)
    shapes = _shape_args(QUALIFIER_SHAPES, qualifiers)
    slots: dict[str, Any] = {
        "series_domain": labels,
        "series_range": rng,
        "target_domain": sorted(set(_col(frame, "target"))),
        "shape_domain": shapes["domain"],
        "shape_range": shapes["range"],
        "y_title": unit.capitalize() if unit else (measure or "value").capitalize(),
        "year_domain": [lo - 0.6, hi + 0.6],
        "year_ticks": list(range(lo, hi + 1)),
    }
    if fixed:  # the value axis too stays still
        tops = pd.concat([frame["value"], frame["range_high"]]).astype("Float64").dropna()
        slots["value_domain"] = [0, float(tops.max()) if len(tops) else 100.0]
    return slots


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
    return draw(opinion_trends_parts(opinion, measure=measure, series=series))


@_drawing("opinion_trends")
def _draw_opinion_trends(
    data: Mapping[str, Any], s: Mapping[str, Any], layout: Mapping[str, Any]
) -> alt.LayerChart:
    import altair as alt

    color = alt.Color(
        "series:N",
        title="Asked → about",
        scale=alt.Scale(domain=s["series_domain"], range=s["series_range"]),
        legend=alt.Legend(symbolOpacity=1),
    )
    dash = alt.StrokeDash(
        "target:N", title="Opinion about", scale=alt.Scale(domain=s["target_domain"])
    )
    y_title = s["y_title"]
    tooltip = [
        alt.Tooltip("series:N", title="Respondents → about whom"),
        alt.Tooltip("when:N", title="Survey year(s)"),
        alt.Tooltip("published:N", title="Published figure"),
        alt.Tooltip("survey:N", title="Survey"),
        alt.Tooltip("obs_id:N", title="Observation id"),
        alt.Tooltip("source:N", title="Source id"),
    ]
    base = alt.Chart(data["opinion"])
    x_scale = alt.Scale(domain=s["year_domain"], nice=False)
    x_axis = alt.Axis(format="d", tickMinStep=1, values=s["year_ticks"])
    x = alt.X("year:Q", title="Survey year", axis=x_axis, scale=x_scale)
    y_scale = (
        alt.Scale(zero=True, domain=s["value_domain"], nice=True)
        if layout["fixed_values"]
        else alt.Scale(zero=True)
    )
    y = alt.Y("value:Q", title=y_title, scale=y_scale)
    ranges = (
        base.transform_filter("datum.low != null && datum.high != null")
        .mark_rect(opacity=RANGE_OPACITY)
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
            scale=alt.Scale(domain=s["shape_domain"], range=s["shape_range"]),
        ),
        tooltip=tooltip,
    )
    text = (
        base.transform_filter("datum.label != ''")
        .transform_calculate(
            ypos="datum.value != null ? datum.value : datum.high",
            xpos="datum.value != null ? datum.year : datum.x0",
        )
        .mark_text(align="left", dx=7, dy=-6, fontSize=MIN_FONT_SIZE)
        .encode(
            x=alt.X("xpos:Q", title="Survey year", scale=x_scale, axis=x_axis),
            y=alt.Y("ypos:Q", title=y_title),
            text="label:N",
            # darker shades of the series colours (4.5:1 on white and on the bands), given as
            # colours in the data: a second "series" scale would merge with the legend's
            color=alt.Color("label_color:N", scale=None, legend=None),
        )
    )
    return alt.layer(ranges, lines, points, text).properties(
        title=s["title"], description=s["description"], width=520, height=280
    )


# --- China stances, obstacles ---------------------------------------------------------------


def china_stance_matrix(china_stances: pd.DataFrame | None = None) -> alt.LayerChart:
    """Grid of each country's stated stance on China, per document (columns in date order).

    Each column is one country's document, labelled "country: document (year)" (titles longer
    than 40 characters are shortened; the tooltip gives the full title).
    """
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
    # one column per country's document: two countries' documents of the same name (each one's
    # "National Security Strategy") stay apart, and the label says whose document it is
    year = d["year"].astype("string").fillna("n.d.")
    d["column"] = (d["country"] + ": " + d["document"] + " (" + year + ")").map(
        lambda t: wrap_label(t, 30)
    )
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
            axis=alt.Axis(labelAngle=-30, labelLimit=0, labelExpr=LINES),
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
    text = base.mark_text(fontSize=MIN_FONT_SIZE).encode(
        **enc,
        text="stance:N",
        color=alt.condition(  # 4.5:1 or more on every cell colour
            alt.datum.stance == "challenge", alt.value("white"), alt.value("black")
        ),
    )
    desc = (
        f"Matrix of stances towards China stated by {', '.join(countries) or 'no country'}"
        f" in {len(columns)} documents, ordered by date. Each cell names the stance"
        f" ({' < '.join(stances) or 'none'}, from friendliest to most wary) and its colour"
        " darkens as the stance grows warier; empty cells mean the document states none."
    )
    chart = alt.layer(rect, text).properties(
        title=_covered(
            "How each government describes China, document by document", "china_stances"
        ),
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


def policy_ranking_parts(
    ranking: pd.DataFrame | None = None,
    *,
    perspective: str = "balanced",
    options: pd.DataFrame | None = None,
    weights: pd.DataFrame | Mapping[str, float] | None = None,
) -> ChartParts:
    """The pandas half of :func:`policy_ranking` (same arguments)."""
    from .widgets.policy import preset_weights, rank_options

    if ranking is None:
        opts = _load(options, "policy_options")
        if weights is None:
            weights = preset_weights(_load(None, "policy_weights"), perspective)
        else:
            perspective = "your"
        ranking = rank_options(opts, weights)
    r = ranking.reset_index(drop=True)
    # the chart shows each option whole, wrapped ("label" in a ranking is cut at 60 characters)
    if "asks" in r.columns and "option_id" in r.columns:
        ids, asks = _col(r, "option_id").astype(str), _col(r, "asks").astype(str)
        label_src = (ids + ": " + asks).where(asks.str.strip() != "", ids)
    else:
        label_src = _col(r, "label") if "label" in r.columns else _col(r, "option_id")
    option = label_src.map(lambda t: wrap_label(t, 56))
    cols = ("rank", "option", "option_id", "area", "asks", "score", "rationale")
    keep = [c for c in cols if c in r or c == "option"]
    d = r.assign(option=option)[keep]
    d["source"] = _col(r, "source_id")
    d["score"] = d["score"].astype(float).round(1)
    order = list(d.sort_values(["score", "option"], ascending=[False, True])["option"])
    best = _one_line(order[0]) if order else "none"
    desc = (
        f"Bar chart ranking {len(d)} policy options by weighted score with {perspective} weights;"
        f" longer bars score better. Top option: {best}."
    )
    return ChartParts(
        "policy_ranking",
        {"options": d},
        {
            "title": _titled(
                f"Policy options ranked with {perspective} weights", len(d), "policy options"
            ),
            "description": desc,
            "order": order,
        },
        (("columns", tuple(keep)), ("height", max(60, _row_height(d["option"]) * len(d)))),
    )


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
    return draw(
        policy_ranking_parts(ranking, perspective=perspective, options=options, weights=weights)
    )


@_drawing("policy_ranking")
def _draw_policy_ranking(
    data: Mapping[str, Any], s: Mapping[str, Any], layout: Mapping[str, Any]
) -> alt.LayerChart:
    import altair as alt

    keep = layout["columns"]
    enc_y = alt.Y(
        "option:N",
        title="Policy option",
        sort=s["order"],
        axis=alt.Axis(
            labelLimit=0,
            labelExpr=LINES,
            titleAngle=0,
            titleAlign="left",
            titleX=-5,
            titleY=-8,
        ),
    )
    base = alt.Chart(data["options"])
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
    text = base.mark_text(align="left", dx=4, fontSize=MIN_FONT_SIZE).encode(
        x=alt.X("score:Q", title="Weighted score (0 = worst, 100 = best on every criterion)"),
        y=enc_y,
        text=alt.Text("score:Q", format=".0f"),
    )
    return alt.layer(bars, text).properties(
        title=s["title"], description=s["description"], width=420, height=layout["height"]
    )


# --- strategic triangle ---------------------------------------------------------------------

_NODES = {"U.S.": (0.5, 0.9), "ROK": (0.0, 0.0), "Japan": (1.0, 0.0)}


def triangle_diagram_parts(
    us_jp: str | bool = "amity",
    us_rok: str | bool = "amity",
    jp_rok: str | bool = "amity",
    *,
    subtitle: str | None = None,
) -> ChartParts:
    """The pandas half of :func:`triangle_diagram` (same arguments)."""
    import pandas as pd

    from .widgets.triangle import classify_triangle, normalize_state

    states = dict(
        zip(BILATERAL_DYADS, (normalize_state(s) for s in (us_jp, us_rok, jp_rok)), strict=True)
    )
    pattern = classify_triangle(*states.values())
    edges = []
    for dyad, state in states.items():
        a, b = dyad.split("–")
        for end, node in enumerate((a, b)):
            x, y = _NODES[node]
            edges.append({"dyad": dyad, "state": state, "end": end, "x": x, "y": y})
    e = pd.DataFrame(edges)
    mids = e.groupby(["dyad", "state"], as_index=False)[["x", "y"]].mean()
    # each side's word sits beside its side, pushed out from the triangle's centre, not on it
    cx = sum(x for x, _ in _NODES.values()) / len(_NODES)
    cy = sum(y for _, y in _NODES.values()) / len(_NODES)
    mids["x"] = mids["x"] + (mids["x"] - cx) * 0.55
    mids["y"] = mids["y"] + (mids["y"] - cy) * 0.55
    nodes = pd.DataFrame(
        [
            {
                "country": c,
                "x": x,
                "y": y,
                "role": pattern.roles.get(c, ""),
                "label": c + (f" ({pattern.roles[c]})" if pattern.roles.get(c) else ""),
                # the name above the top corner and below the others, clear of the sides
                "label_y": y + 0.13 if y > 0.5 else y - 0.14,
            }
            for c, (x, y) in _NODES.items()
        ]
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
    return ChartParts(
        "triangle_diagram",
        {"sides": e, "side_labels": mids, "countries": nodes},
        {"title": title, "description": desc},
    )


def triangle_diagram(
    us_jp: str | bool = "amity",
    us_rok: str | bool = "amity",
    jp_rok: str | bool = "amity",
    *,
    subtitle: str | None = None,
) -> alt.LayerChart:
    """The U.S.–Japan–ROK triangle: amity sides are solid and blue, enmity sides dashed and
    vermillion (orange-red); each side is labelled with its state and each country with its
    role in the pattern (colours from ``theme.STATE_COLORS``)."""
    return draw(triangle_diagram_parts(us_jp, us_rok, jp_rok, subtitle=subtitle))


@_drawing("triangle_diagram")
def _draw_triangle_diagram(
    data: Mapping[str, Any], s: Mapping[str, Any], layout: Mapping[str, Any]
) -> alt.LayerChart:
    import altair as alt

    ax = {"axis": None, "scale": alt.Scale(domain=[-0.25, 1.25])}
    ay = {"axis": None, "scale": alt.Scale(domain=[-0.2, 1.1])}
    states = list(STATE_COLORS)
    lines = (
        alt.Chart(data["sides"])
        .mark_line(strokeWidth=4)
        .encode(
            x=alt.X("x:Q", **ax),
            y=alt.Y("y:Q", **ay),
            detail="dyad:N",
            order="end:Q",
            color=alt.Color(
                "state:N",
                scale=alt.Scale(domain=states, range=[STATE_COLORS[k] for k in states]),
                legend=None,
            ),
            strokeDash=alt.StrokeDash(
                "state:N",
                scale=alt.Scale(domain=["amity", "enmity"], range=[[1, 0], [9, 6]]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("dyad:N", title="Pair"), alt.Tooltip("state:N", title="Relation")],
        )
    )
    edge_text = (
        alt.Chart(data["side_labels"])
        .mark_text(fontSize=11, fontWeight="bold")
        .encode(x=alt.X("x:Q", **ax), y=alt.Y("y:Q", **ay), text="state:N")
    )
    countries = data["countries"]
    node_pts = (
        alt.Chart(countries)
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
        alt.Chart(countries)
        .mark_text(fontSize=12, fontWeight="bold")
        .encode(x=alt.X("x:Q", **ax), y=alt.Y("label_y:Q", **ay), text="label:N")
    )
    return (
        alt.layer(lines, edge_text, node_pts, node_text)
        .resolve_scale(color="independent")
        .properties(title=s["title"], description=s["description"], width=320, height=260)
    )
