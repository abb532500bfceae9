"""OpinionExplorer: pick a survey series (respondents → target) and a measure; see the trend."""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ._base import CONTROL_STYLE, ChartExplorer, heading, load_default, paragraph, spec_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..charts import ChartParts

ALL = "all"


def _label(respondents: Any, target: Any) -> str:
    return f"{respondents} → {target}"


def opinion_series(opinion: pd.DataFrame) -> pd.DataFrame:
    """One row per (respondents, target, measure) with its label, count and first/last year."""
    d = opinion.assign(
        respondents=opinion["respondents"].astype(str),
        target=opinion["target"].astype(str),
        measure=opinion["measure"].astype(str),
    )
    out = (
        d.groupby(["measure", "respondents", "target"])
        .agg(n=("obs_id", "size"), first=("year", "min"), last=("year", "max"))
        .reset_index()
    )
    out.insert(
        0, "label", [_label(r, t) for r, t in zip(out["respondents"], out["target"], strict=True)]
    )
    return out


def _pairs(series: str | tuple[str, str] | Iterable[Any] | None) -> set[str] | None:
    """Labels wanted: None/"all" = all; a label, a (respondents, target) pair, or a list of them."""
    if series is None or (isinstance(series, str) and series.lower() == ALL):
        return None
    if isinstance(series, str):
        return {series}
    items = list(series)
    if len(items) == 2 and all(isinstance(i, str) for i in items) and "→" not in items[0]:
        return {_label(*items)}
    return {i if isinstance(i, str) else _label(*i) for i in items}


def select_opinion(
    opinion: pd.DataFrame,
    series: str | tuple[str, str] | Iterable[Any] | None = None,
    measure: str | None = None,
) -> pd.DataFrame:
    """Survey rows of one measure for the chosen series (label ``"ROK → Japan"`` or a pair)."""
    keep = opinion["measure"].astype(str) == measure if measure is not None else None
    wanted = _pairs(series)
    rows = opinion if keep is None else opinion[keep.fillna(False).astype(bool)]
    if wanted is not None:
        labels = [_label(r, t) for r, t in zip(rows["respondents"], rows["target"], strict=True)]
        rows = rows[[lab in wanted for lab in labels]]
    return rows.sort_values(["respondents", "target", "year"], kind="stable", na_position="first")


def describe_opinion(selection: pd.DataFrame) -> str:
    """One sentence: each series' first and last published figure, in the source's own terms."""
    import pandas as pd

    from ..charts import _when_words, opinion_labels, opinion_periods

    if selection.empty:
        return "No survey results match this selection."
    first, last = opinion_periods(selection)
    labels = opinion_labels(selection).tolist()
    when = _when_words(first, last)
    starts = first.tolist()
    # figures in order of their first survey year (stable; unknown years last), grouped by
    # (respondents, target) in sorted order, as pandas' groupby(sort=True) would
    known = [s is not pd.NA for s in starts]
    order = sorted(range(len(starts)), key=lambda i: (not known[i], starts[i] if known[i] else 0))
    keys = [selection[c] for c in ("respondents", "target")]
    groups: dict[tuple[Any, Any], list[int]] = {}
    values = [k.tolist() for k in keys]
    for i in order:
        r, t = values[0][i], values[1][i]
        if not (pd.isna(r) or pd.isna(t)):
            groups.setdefault((r, t), []).append(i)
    parts = []
    for r, t in sorted(groups, key=lambda k: (_sort_key(keys[0], k[0]), _sort_key(keys[1], k[1]))):
        figs = [f"{labels[i]} in {when[i]}" for i in groups[(r, t)]]
        shown = figs if len(figs) <= 2 else [figs[0], figs[-1]]
        parts.append(f"{r} respondents on {t}: " + ", then ".join(shown))
    measure = selection["measure"].iloc[0]
    return f"'{measure}' — " + "; ".join(parts) + "."


def _sort_key(column: pd.Series, value: Any) -> Any:
    """How groupby(sort=True) orders a key: by category order for categoricals, else by value."""
    if hasattr(column, "cat"):
        return list(column.cat.categories).index(value)
    return value


def opinion_citation(selection: pd.DataFrame) -> list[str]:
    """The citations (short style) of every source behind the selected rows, in order of use."""
    ids = list(dict.fromkeys(selection["source_id"].dropna().astype(str)))
    if "other_source_ids" in selection.columns:
        for extra in selection["other_source_ids"].dropna().astype(str):
            ids += [i.strip() for i in extra.split(";") if i.strip() and i.strip() not in ids]
    return [_citation(source_id) for source_id in ids]


@lru_cache(maxsize=512)
def _citation(source_id: str) -> str:
    """``short citation [id]``, or the id alone when it cannot be cited (the data are packaged
    and fixed, so each id is looked up once)."""
    try:
        from ..sources import cite
    except ImportError:  # sources module not built yet: show the ids
        return source_id
    try:
        return f"{cite(source_id, title_limit=None)} [{source_id}]"  # never cut mid-title
    except Exception:  # an unknown id must not break the explorer; show it as it is
        return source_id


class OpinionExplorer(ChartExplorer, w.VBox):
    """Pick a measure and a survey series; see the trend with published ranges and its sources.

    Within a measure the chart keeps its axes and legend (every series of the measure) while
    you pick a series; ``spec`` is its Vega-Lite spec, ``chart`` the altair chart.
    """

    fallback_name = "Opinion explorer"

    def __init__(
        self,
        opinion: pd.DataFrame | None = None,
        *,
        measure: str | None = None,
        series: str = ALL,
    ) -> None:
        self.opinion = load_default(opinion, "opinion")
        self.catalog = opinion_series(self.opinion)
        measures = list(
            self.catalog.groupby("measure")["n"].sum().sort_values(ascending=False).index
        )
        self.measure = w.Dropdown(
            options=measures,
            value=measure or (measures[0] if measures else None),
            description="Measure",
            style=CONTROL_STYLE,
        )
        self.series = w.Dropdown(description="Series (respondents → about)", style=CONTROL_STYLE)
        self._set_series_options(series)
        self.chart_view = w.HTML(layout=w.Layout(min_height="300px", overflow="auto"))
        self.source_view = w.HTML()
        self.summary_view = w.HTML()
        self.selection: pd.DataFrame = self.opinion.iloc[:0]
        self.summary = ""
        self.sources: list[str] = []
        self._axes: dict[Any, ChartParts] = {}  # per measure: the chart's axes and legend
        super().__init__(
            [
                heading(
                    "<b>Opinion explorer</b>: pick a measure and a series; shaded bars are"
                    " published ranges, shapes show 'about' and 'over'."
                ),
                w.HBox([self.measure, self.series], layout=w.Layout(flex_flow="row wrap")),
                self.chart_view,
                self.source_view,
                self.summary_view,
            ]
        )
        self.add_class("trilat-explorer")
        self.measure.observe(self._on_measure, names="value")
        self.series.observe(self._on_series, names="value")
        self.refresh()

    def _set_series_options(self, keep: str = ALL) -> None:
        rows = self.catalog[self.catalog["measure"] == self.measure.value]
        labels = list(dict.fromkeys(rows["label"]))
        self._holding = True
        try:
            self.series.options = [("All series", ALL), *[(lab, lab) for lab in labels]]
            self.series.value = keep if keep in labels else ALL
        finally:
            self._holding = False

    _holding = False

    def _on_measure(self, _change: dict[str, Any]) -> None:
        self._set_series_options(self.series.value)
        self.refresh()

    def _on_series(self, _change: dict[str, Any]) -> None:
        if not self._holding:
            self.refresh()

    @property
    def value(self) -> dict[str, Any]:
        """The current choice: ``{"measure": ..., "series": label or "all"}``."""
        return {"measure": self.measure.value, "series": self.series.value}

    @value.setter
    def value(self, choice: dict[str, Any]) -> None:
        if "measure" in choice:
            self.measure.value = choice["measure"]
        if "series" in choice:
            self.series.value = choice["series"]

    def _update(self) -> None:
        """Reselect rows; recompute sources, summary and chart spec (the SVG comes after)."""
        from ..charts import opinion_trends_parts

        measure = self.measure.value
        self.selection = select_opinion(self.opinion, self.series.value, measure)
        self.summary = describe_opinion(self.selection)
        self.sources = opinion_citation(self.selection)
        cites = "; ".join(html.escape(s) for s in self.sources) or "none"
        self.source_view.value = (
            f'<p class="trilat-source" style="font-size:12px">Source: {cites}</p>'
        )
        self.summary_view.value = paragraph(self.summary)
        parts = opinion_trends_parts(
            self.selection, measure=measure, axes_from=self.opinion, reuse=self._axes.get(measure)
        )
        self._axes.setdefault(measure, parts)
        self.spec = spec_of(parts)
