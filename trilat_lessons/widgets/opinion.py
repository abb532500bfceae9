"""OpinionExplorer: pick a survey series (respondents → target) and a measure; see the trend."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..analysis.frames import ALL
from ..analysis.opinion import describe_opinion, opinion_citation, opinion_series, select_opinion
from ._base import CONTROL_STYLE, ChartExplorer, heading, load_default, paragraph, spec_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..charts import ChartParts


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
