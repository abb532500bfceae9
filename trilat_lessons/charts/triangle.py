"""The strategic triangle of U.S.–Japan–ROK relations as a diagram."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..analysis.triangle import AMITY, ENMITY, classify_triangle, normalize_state
from ..schema import BILATERAL_DYADS, COUNTRIES
from ..theme import COUNTRY_COLORS, STATE_COLORS, color_scale_args
from ._core import ChartParts, _drawing, draw

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt


_US, _JAPAN, _ROK = COUNTRIES
_NODES = {_US: (0.5, 0.9), _ROK: (0.0, 0.0), _JAPAN: (1.0, 0.0)}
"""Where each country sits (U.S. on top, ROK left, Japan right); this order is the legend's."""


def triangle_diagram_parts(
    us_jp: str | bool = "amity",
    us_rok: str | bool = "amity",
    jp_rok: str | bool = "amity",
    *,
    subtitle: str | None = None,
) -> ChartParts:
    """The pandas half of :func:`triangle_diagram` (same arguments)."""
    import pandas as pd

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
                scale=alt.Scale(domain=[AMITY, ENMITY], range=[[1, 0], [9, 6]]),
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
