"""TimelineExplorer: filter the trilateral meetings; see chart, counts and one summary sentence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..codebook import LEVELS
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

ALL = "all"

Choice = str | Iterable[str] | None


def _wanted(choice: Choice) -> set[str] | None:
    """None when a filter keeps everything (None, ``"all"`` or empty), else the set of values."""
    if choice is None:
        return None
    if isinstance(choice, str):
        return None if choice.lower() == ALL else {choice}
    values = {str(c) for c in choice}
    return values or None


def filter_meetings(
    meetings: pd.DataFrame,
    administration: Choice = None,
    level: Choice = None,
    track: Choice = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The meetings matching every filter; ``None``/``"all"`` keeps all, a list keeps any of it."""
    import pandas as pd

    keep = pd.Series(True, index=meetings.index)
    for column, choice in (
        ("us_administration", administration),
        ("level", level),
        ("track", track),
    ):
        wanted = _wanted(choice)
        if wanted is not None:
            keep &= meetings[column].astype("string").isin(wanted).fillna(False).astype(bool)
    if years is not None:
        lo, hi = sorted(int(y) for y in years)
        keep &= meetings["year"].between(lo, hi).fillna(False).astype(bool)
    return meetings[keep]


def _levels(meetings: pd.DataFrame) -> list[str]:
    col = meetings["level"]
    if hasattr(col, "cat") and col.cat.ordered:
        return [str(c) for c in col.cat.categories]
    return [lv for lv in LEVELS if lv in set(col.astype(str))]


def count_table(selection: pd.DataFrame) -> pd.DataFrame:
    """Meetings counted by level (rows, highest first) and U.S. administration, with totals."""
    import pandas as pd

    levels = list(reversed(_levels(selection))) if len(selection) else list(reversed(LEVELS))
    admins_present = set(selection["us_administration"].dropna().astype(str))
    admins = [a for a in ADMINISTRATION_COLORS if a in admins_present]
    admins += sorted(admins_present - set(admins))
    pairs = Counter(
        (str(lv), str(ad))
        for lv, ad in zip(
            selection["level"].tolist(), selection["us_administration"].tolist(), strict=True
        )
        if not (pd.isna(lv) or pd.isna(ad))
    )
    rows = [[pairs.get((lv, ad), 0) for ad in admins] for lv in levels]
    rows = [[*row, sum(row)] for row in rows]
    rows.append([sum(col) for col in zip(*rows, strict=True)] if rows else [0] * (len(admins) + 1))
    table = pd.DataFrame(rows, index=[*levels, "Total"], columns=[*admins, "Total"], dtype="int64")
    table.index.name = "Level"
    table.columns.name = "U.S. administration"
    return table


def _top(series: pd.Series) -> tuple[str, int, bool]:
    """The most frequent value(s), their count, and whether several tie (a tie names them all)."""
    counts = series.dropna().astype(str).value_counts()
    counts = counts[counts == counts.max()].sort_index()
    names = [str(x) for x in counts.index]
    label = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return label, int(counts.iloc[0]), len(names) > 1


def summarize_selection(selection: pd.DataFrame, total: int | None = None) -> str:
    """One sentence on a selection: how many, when, top level, administration, busiest year."""
    import pandas as pd

    n = len(selection)
    of = f" of {total}" if total is not None else ""
    if n == 0:
        return f"No meetings{of.replace(' of', ' out of')} match this selection."
    ordered = selection.sort_values("date_start")
    if n == 1:
        row = ordered.iloc[0]
        where = f" in {row['place']}" if pd.notna(row.get("place")) else ""
        return (
            f"1{of} meetings matches: a {row['level']} meeting on {row['date_label']}{where},"
            f" under the {row['us_administration']} administration."
        )
    first, last = ordered["date_label"].iloc[0], ordered["date_label"].iloc[-1]
    level, n_level, tie_l = _top(selection["level"])
    admin, n_admin, tie_a = _top(selection["us_administration"])
    year, n_year, tie_y = _top(selection["year"].astype("Int64"))
    each = lambda tie: " each" if tie else ""  # noqa: E731
    return (
        f"{n}{of} meetings match, from {first} to {last}: the most common"
        f" {'levels are' if tie_l else 'level is'} {level} ({n_level}{each(tie_l)}), most took"
        f" place under {admin} ({n_admin}{each(tie_a)}), and the busiest"
        f" {'years were' if tie_y else 'year was'} {year} ({n_year}{each(tie_y)})."
    )


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
            options=[("All levels", ALL), *[(lv, lv) for lv in reversed(_levels(m))]],
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
