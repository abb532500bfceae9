"""The trilateral meetings: over time by level (with U.S. terms and leaders), and per year."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..analysis.frames import as_text, text_column
from ..schema import LEVELS as LEVEL_ORDER
from ..theme import ADMINISTRATION_COLORS, LEVEL_COLORS, color_scale_args
from ._core import (
    ChartParts,
    _covered,
    _drawing,
    _empty_note,
    _iso,
    _load,
    _mid_dates,
    _ordered_levels,
    _present,
    _sources,
    _titled,
    chart_data,
    draw,
    year_axis,
)
from .leaders import leader_rows, leader_strip

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd


def _meeting_context(m: pd.DataFrame) -> pd.Series:
    context = text_column(m, "host_context")
    event = text_column(m, "host_event")
    with_event = context + ": " + event
    return with_event.where((event != "") & (context != ""), context.where(context != "", event))


def administration_terms(leaders: pd.DataFrame, until: pd.Timestamp | None = None) -> pd.DataFrame:
    """U.S. presidential terms as (administration, start, end), labelled as in ``meetings``."""
    import pandas as pd

    us = leaders[as_text(leaders["country"]) == "U.S."].sort_values("term_start")
    if "acting" in us.columns:
        us = us[~us["acting"].fillna(False).astype(bool)]
    short = as_text(us["name_short"]) if "name_short" in us.columns else as_text(us["name"])
    given = text_column(us, "term_label").tolist()
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
    names = [[t or "?" for t in as_text(m[c])] for c in leaders_cols]
    who = [", ".join(row) for row in zip(*names, strict=True)] if names else [""] * len(m)
    return pd.DataFrame(
        {
            "when": _iso(when) if len(m) else [],
            "date": text_column(m, "date_label"),
            "title": text_column(m, "title"),
            "level": text_column(m, "level"),
            "track": text_column(m, "track"),
            "place": text_column(m, "place"),
            "context": _meeting_context(m),
            "administration": text_column(m, "us_administration"),
            "leaders": who,
            "meeting": text_column(m, "meeting_id"),
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
        frame_admins = list(text_column(frame, "us_administration"))
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
            data["leaders"] = leader_rows(lead, lo, hi)
        present_levels = set(text_column(frame, "level"))
        level_axis = [lv for lv in reversed(levels) if lv in present_levels or not len(frame)]
        level_axis += sorted(present_levels - set(levels))  # levels outside the known order
        colours = color_scale_args(ADMINISTRATION_COLORS, admins)
        axes = {
            "time_domain": [lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")],
            "admin_domain": colours["domain"],
            "admin_range": colours["range"],
            "level_sort": list(reversed(levels)),
            "level_domain": level_axis,
            "track_domain": sorted(set(text_column(frame, "track"))),
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
    strip = leader_strip(data["leaders"], x_scale, width)
    return (
        alt.vconcat(strip, main, spacing=6)
        .resolve_scale(color="independent")
        .properties(title=s["title"], description=s["description"])
    )


def meetings_per_year(meetings: pd.DataFrame | None = None) -> alt.LayerChart:
    """Stacked bars: how many trilateral meetings took place each year, split by level."""
    import altair as alt
    import pandas as pd

    m = _load(meetings, "meetings")
    levels = _ordered_levels(m["level"], LEVEL_ORDER) if len(m) else LEVEL_ORDER
    years = m["year"].dropna().astype(int)
    counts = (
        pd.DataFrame({"year": years, "level": text_column(m, "level").loc[years.index]})
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
