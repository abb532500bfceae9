"""How each government describes China, document by document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.frames import text_column
from ..theme import COUNTRY_COLORS, MIN_FONT_SIZE, STANCE_COLORS, color_scale_args
from ._core import (
    LINES,
    _covered,
    _empty_note,
    _load,
    _ordered_levels,
    _present,
    chart_data,
    wrap_label,
)

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd


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
            "country": text_column(s, "country"),
            "document": text_column(s, "document"),
            "year": s["year"].astype("Int64"),
            "stance": text_column(s, "stance"),
            "quote": "“" + text_column(s, "quote") + "” (" + text_column(s, "actor") + ")",
            "stance_id": text_column(s, "stance_id"),
            "source": text_column(s, "source_id"),
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
