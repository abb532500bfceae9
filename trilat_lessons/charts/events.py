"""Events by date and category, and their effect on ties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.frames import text_column
from ..schema import EFFECTS as EFFECT_ORDER
from ..schema import EVENT_CATEGORIES
from ..theme import EFFECT_COLORS, EFFECT_SHAPES, color_scale_args
from ._core import (
    _covered,
    _date_scale,
    _empty_note,
    _iso,
    _load,
    _mid_dates,
    _present,
    _shape_args,
    _sources,
    chart_data,
    year_axis,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd


def events_timeline(events: pd.DataFrame | None = None) -> alt.Chart:
    """Events by date and category; colour and shape show whether each strained or improved ties."""
    import altair as alt
    import pandas as pd

    e = _load(events, "events")
    d = pd.DataFrame(
        {
            "when": _iso(_mid_dates(e)) if len(e) else [],
            "date": text_column(e, "date_label"),
            "event": text_column(e, "title"),
            "category": text_column(e, "category"),
            "dyads": text_column(e, "dyads").str.replace(";", ", "),
            "effect": text_column(e, "effect"),
            "event_id": text_column(e, "event_id"),
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
