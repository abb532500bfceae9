"""Policy options ranked by their weighted score."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..analysis.frames import text_column
from ..analysis.policy import preset_weights, rank_options
from ..theme import MIN_FONT_SIZE
from ._core import (
    LINES,
    ChartParts,
    _drawing,
    _load,
    _one_line,
    _row_height,
    _titled,
    draw,
    wrap_label,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd


def policy_ranking_parts(
    ranking: pd.DataFrame | None = None,
    *,
    perspective: str = "balanced",
    options: pd.DataFrame | None = None,
    weights: pd.DataFrame | Mapping[str, float] | None = None,
) -> ChartParts:
    """The pandas half of :func:`policy_ranking` (same arguments)."""
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
        ids, asks = text_column(r, "option_id").astype(str), text_column(r, "asks").astype(str)
        label_src = (ids + ": " + asks).where(asks.str.strip() != "", ids)
    else:
        label_src = text_column(r, "label") if "label" in r.columns else text_column(r, "option_id")
    option = label_src.map(lambda t: wrap_label(t, 56))
    cols = ("rank", "option", "option_id", "area", "asks", "score", "rationale")
    keep = [c for c in cols if c in r or c == "option"]
    d = r.assign(option=option)[keep]
    d["source"] = text_column(r, "source_id")
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
