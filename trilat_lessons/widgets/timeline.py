"""TimelineExplorer: filter the trilateral meetings; see chart, counts and one summary sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..analysis.frames import ALL
from ..analysis.meetings import count_table, filter_meetings, meeting_levels, summarize_selection
from ..theme import ADMINISTRATION_COLORS
from ._base import (
    CONTROL_STYLE,
    ChartExplorer,
    heading,
    load_default,
    paragraph,
    spec_of,
    table_html,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..charts import ChartParts


class TimelineExplorer(ChartExplorer, w.VBox):
    """Filter the meetings by administration, level, track and years; see chart, counts, summary.

    The chart keeps the whole period, every level and track and the full legend while you
    filter, so dots never jump; ``spec`` is its Vega-Lite spec, ``chart`` the altair chart.
    """

    fallback_name = "Timeline explorer"

    def __init__(
        self,
        meetings: pd.DataFrame | None = None,
        leaders: pd.DataFrame | None = None,
        *,
        administration: str = ALL,
        level: str = ALL,
        track: str = ALL,
        years: tuple[int, int] | None = None,
    ) -> None:
        import pandas as pd

        self.meetings = load_default(meetings, "meetings")
        self.leaders = load_default(leaders, "leaders")
        m = self.meetings
        admins_present = set(m["us_administration"].dropna().astype(str))
        admins = [a for a in ADMINISTRATION_COLORS if a in admins_present]
        admins += sorted(admins_present - set(admins))
        tracks = sorted(set(m["track"].dropna().astype(str)))
        pad = pd.Timedelta(days=120)
        self.span = (
            (pd.to_datetime(m["date_start"]).min() - pad, pd.to_datetime(m["date_end"]).max() + pad)
            if len(m)
            else None
        )
        y = m["year"].dropna().astype(int)
        lo, hi = (int(y.min()), int(y.max())) if len(y) else (2014, 2025)

        self.administration = w.Dropdown(
            options=[("All administrations", ALL), *[(a, a) for a in admins]],
            value=administration,
            description="U.S. administration",
            style=CONTROL_STYLE,
        )
        self.level = w.Dropdown(
            options=[("All levels", ALL), *[(lv, lv) for lv in reversed(meeting_levels(m))]],
            value=level,
            description="Level",
            style=CONTROL_STYLE,
        )
        self.track = w.Dropdown(
            options=[("All tracks", ALL), *[(t, t) for t in tracks]],
            value=track,
            description="Track",
            style=CONTROL_STYLE,
        )
        self.years = w.IntRangeSlider(
            value=years or (lo, hi),
            min=lo,
            max=hi,
            step=1,
            description="Years",
            continuous_update=False,
            style=CONTROL_STYLE,
            layout=w.Layout(width="420px"),
        )
        self.chart_view = w.HTML(layout=w.Layout(min_height="320px", overflow="auto"))
        self.summary_view = w.HTML()
        self.table_view = w.HTML()
        self.selection: pd.DataFrame = m
        self.summary = ""
        self.counts: pd.DataFrame | None = None
        self._axes: ChartParts | None = None  # the chart's frame, computed once (see _update)
        controls = [self.administration, self.level, self.track, self.years]
        super().__init__(
            [
                heading(
                    "<b>Timeline explorer</b>: choose filters; the chart, summary and table update."
                ),
                w.HBox(controls[:3], layout=w.Layout(flex_flow="row wrap")),
                self.years,
                self.chart_view,
                self.summary_view,
                self.table_view,
            ]
        )
        self.add_class("trilat-explorer")
        for control in controls:
            control.observe(self._on_change, names="value")
        self.refresh()

    @property
    def value(self) -> dict[str, Any]:
        """The current filters: administration, level, track and (first, last) year."""
        return {
            "administration": self.administration.value,
            "level": self.level.value,
            "track": self.track.value,
            "years": tuple(self.years.value),
        }

    @value.setter
    def value(self, filters: dict[str, Any]) -> None:
        with self.hold_sync():
            self._holding = True
            try:
                for key, val in filters.items():
                    getattr(self, key).value = val
            finally:
                self._holding = False
        self.refresh()

    _holding = False

    def _on_change(self, _change: dict[str, Any]) -> None:
        if not self._holding:
            self.refresh()

    def _update(self) -> None:
        """Recompute the selection, summary, table and chart spec (the SVG comes after)."""
        from ..charts import meetings_timeline_parts

        v = self.value
        self.selection = filter_meetings(
            self.meetings, v["administration"], v["level"], v["track"], v["years"]
        )
        self.summary = summarize_selection(self.selection, total=len(self.meetings))
        self.counts = count_table(self.selection)
        self.summary_view.value = paragraph(self.summary)
        self.table_view.value = table_html(self.counts, "Meetings by level and administration")
        parts = meetings_timeline_parts(
            self.selection,
            self.leaders,
            span=self.span,
            width=540,
            axes_from=self.meetings,
            reuse=self._axes,
        )
        self._axes = self._axes or parts  # axes, legend and leader bands never change
        self.spec = spec_of(parts)
