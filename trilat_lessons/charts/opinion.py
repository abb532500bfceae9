"""Public opinion: published survey figures over time, with ranges as bands."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..analysis.frames import text_column
from ..analysis.opinion import opinion_labels, opinion_periods, series_label, when_words
from ..schema import QUALIFIERS
from ..theme import COUNTRY_COLORS, MIN_FONT_SIZE, band_colors, readable_text_color
from ._core import (
    ChartParts,
    _covered,
    _drawing,
    _load,
    _present,
    _shape_args,
    _sources,
    _titled,
    draw,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd


QUALIFIER_SHAPES: dict[str, str] = dict(
    zip(QUALIFIERS, ["circle", "diamond", "triangle-up"], strict=True)
)


RANGE_OPACITY = 0.28
"""Opacity of the shaded bands of published ranges in the opinion charts."""


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
        measure = str(text_column(o, "measure").value_counts().idxmax())
    if measure is not None:
        o = o[text_column(o, "measure") == measure]
    if series is not None:
        wanted = {s if isinstance(s, str) else f"{s[0]} → {s[1]}" for s in series}
        o = o[series_label(o).isin(wanted)]
    first, last = opinion_periods(o)
    when = when_words(first, last)
    value = o["value"].astype("Float64")
    low = o["range_low"].astype("Float64")
    qualifier = [q or "exact" for q in text_column(o, "qualifier")]
    published = opinion_labels(o).tolist()
    labels = [  # qualified figures and ranges get a label next to their mark
        f"{p} ({w})" if v is pd.NA else p if q != "exact" else ""
        for p, w, v, q in zip(published, when, value.tolist(), qualifier, strict=True)
    ]
    series_labels = series_label(o)
    d = pd.DataFrame(
        {
            "year": o["year"].astype("Int64"),
            "x0": first.astype("Float64") - 0.3,
            "x1": last.astype("Float64") + 0.3,
            "when": when,
            "series": series_labels,
            "respondents": text_column(o, "respondents"),
            "target": text_column(o, "target"),
            "value": value,
            "low": low,
            "high": o["range_high"].astype("Float64"),
            "qualifier": qualifier,
            "published": published,
            "survey": text_column(o, "survey"),
            "obs_id": text_column(o, "obs_id"),
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
        frame = frame[text_column(frame, "measure") == measure]
    f_series = series_label(frame)
    labels = sorted(f_series.unique())
    firsts = (
        pd.DataFrame({"series": f_series, "respondents": text_column(frame, "respondents")})
        .drop_duplicates("series")
        .set_index("series")["respondents"]
    )
    palette = list(COUNTRY_COLORS.values())
    rng = [
        COUNTRY_COLORS.get(firsts.get(s, ""), palette[i % len(palette)])
        for i, s in enumerate(labels)
    ]
    unit = text_column(frame, "unit").iloc[0] if len(frame) else ""
    f_first, f_last = opinion_periods(frame)
    lo, hi = (int(f_first.min()), int(f_last.max())) if f_first.notna().any() else (2000, 2025)
    qualifiers = _present(text_column(frame, "qualifier").replace("", "exact"), QUALIFIER_SHAPES)
    shapes = _shape_args(QUALIFIER_SHAPES, qualifiers)
    slots: dict[str, Any] = {
        "series_domain": labels,
        "series_range": rng,
        "target_domain": sorted(set(text_column(frame, "target"))),
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
