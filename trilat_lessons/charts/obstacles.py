"""Obstacles to cooperation named in each source document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.frames import text_column
from ..schema import OBSTACLE_LABELS
from ._core import _empty_note, _load, chart_data

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd


def _obstacle_label(code: str) -> str:
    return OBSTACLE_LABELS.get(code, code.replace("_", " ").capitalize())


def obstacles_heatmap(obstacles: pd.DataFrame | None = None) -> alt.LayerChart:
    """Heat map: how often each source document names each obstacle to cooperation."""
    import altair as alt
    import pandas as pd

    ob = _load(obstacles, "obstacles")
    d = pd.DataFrame(
        {
            "seed": text_column(ob, "seed_id"),
            "code": text_column(ob, "code"),
            "label": text_column(ob, "label"),
            "obstacle_id": text_column(ob, "obstacle_id"),
            "source": text_column(ob, "source_id"),
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
