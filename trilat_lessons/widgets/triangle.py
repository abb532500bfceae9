"""TriangleExplorer: set the sides of the U.S.–Japan–ROK triangle (or read them from the events
data) and see the pattern; the patterns are in :mod:`trilat_lessons.analysis.triangle`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..analysis.triangle import (
    AMITY,
    ENMITY,
    TrianglePattern,
    classify_triangle,
    country_name,
    dyad_states_from_events,
    normalize_state,
)
from ..schema import BILATERAL_DYADS
from ._base import CONTROL_STYLE, ChartExplorer, heading, load_default, spec_of, table_html

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


MANUAL, FROM_DATA = "Set the sides myself", "Read a year from the events data"


class TriangleExplorer(ChartExplorer, w.VBox):
    """Set each side to amity or enmity (or pick a year from the events data); see the pattern.

    ``spec`` is the diagram's Vega-Lite spec, ``chart`` the altair chart.
    """

    fallback_name = "Triangle explorer"

    def __init__(
        self,
        events: pd.DataFrame | None = None,
        *,
        us_jp: str = AMITY,
        us_rok: str = AMITY,
        jp_rok: str = ENMITY,
        year: int | None = None,
    ) -> None:
        self._events = events
        self._events_loaded: pd.DataFrame | None = events
        # radio buttons, not toggle buttons: a screen reader hears which one is chosen (toggle
        # buttons have no aria-pressed) and the chosen one is marked by its filled circle
        self.mode = w.RadioButtons(
            options=[MANUAL, FROM_DATA],
            value=FROM_DATA if year is not None else MANUAL,
            description="How",
            style=CONTROL_STYLE,
            orientation="horizontal",
        )
        self.sides = {
            dyad: w.RadioButtons(
                options=[AMITY, ENMITY],
                value=normalize_state(state),
                description=dyad,
                style=CONTROL_STYLE,
                orientation="horizontal",
            )
            for dyad, state in zip(BILATERAL_DYADS, (us_jp, us_rok, jp_rok), strict=True)
        }
        self.year = w.Dropdown(
            description="Year",
            style=CONTROL_STYLE,
            disabled=year is None,
            layout=w.Layout(display="none" if year is None else None),
        )
        if year is not None:
            self._fill_years(year)
        self.chart_view = w.HTML(layout=w.Layout(min_height="300px", overflow="auto"))
        self.pattern_view = w.HTML()
        self.evidence_view = w.HTML()
        self.pattern: TrianglePattern = classify_triangle(us_jp, us_rok, jp_rok)
        self.evidence: pd.DataFrame | None = None
        super().__init__(
            [
                heading(
                    "<b>Strategic triangle</b> (after Dittmer 1981): set each side, or read a"
                    " year from the events data."
                ),
                self.mode,
                *self.sides.values(),
                self.year,
                self.chart_view,
                self.pattern_view,
                self.evidence_view,
            ]
        )
        self.add_class("trilat-explorer")
        self.mode.observe(self._on_mode, names="value")
        self.year.observe(self._on_change, names="value")
        for side in self.sides.values():
            side.observe(self._on_change, names="value")
        self.refresh()

    @property
    def events(self) -> pd.DataFrame:
        """The events table (loaded on first use, so the manual mode needs no data)."""
        if self._events_loaded is None:
            self._events_loaded = load_default(None, "events")
        return self._events_loaded

    def _fill_years(self, year: int | None = None) -> None:
        years = sorted(int(y) for y in self.events["year"].dropna().unique())
        self._holding = True
        try:
            self.year.options = years
            if years:
                self.year.value = year if year in years else years[-1]
        finally:
            self._holding = False

    _holding = False

    def _on_mode(self, _change: dict[str, Any]) -> None:
        from_data = self.mode.value == FROM_DATA
        if from_data and not self.year.options:
            self._fill_years()
        self.year.disabled = not from_data
        self.year.layout.display = None if from_data else "none"  # no empty control to tab to
        for side in self.sides.values():
            side.disabled = from_data
        self.refresh()

    def _on_change(self, _change: dict[str, Any]) -> None:
        if not self._holding:
            self.refresh()

    @property
    def value(self) -> dict[str, Any]:
        """Each side's state, the pattern's name and its pivot (None unless romantic triangle)."""
        return {
            **{d: s.value for d, s in self.sides.items()},
            "pattern": self.pattern.name,
            "pivot": self.pattern.pivot,
            "year": self.year.value if self.mode.value == FROM_DATA else None,
        }

    @value.setter
    def value(self, states: dict[str, Any]) -> None:
        """Set sides by dyad (``{"Japan–ROK": "amity"}``) or pick a year (``{"year": 2019}``)."""
        if states.get("year") is not None:
            self.mode.value = FROM_DATA
            self.year.value = int(states["year"])
            return
        self.mode.value = MANUAL
        self._holding = True
        try:
            for dyad, state in states.items():
                if dyad in self.sides:
                    self.sides[dyad].value = normalize_state(state)
        finally:
            self._holding = False
        self.refresh()

    def _update(self) -> None:
        """Recompute the sides (from data in year mode), the pattern and the diagram's spec."""
        from ..charts import triangle_diagram_parts

        subtitle = "Sides set by you"
        self.evidence = None
        if self.mode.value == FROM_DATA and self.year.value is not None:
            self.evidence = dyad_states_from_events(self.events, self.year.value)
            self._holding = True
            try:
                for dyad, state in zip(self.evidence["dyad"], self.evidence["state"], strict=True):
                    self.sides[dyad].value = state
            finally:
                self._holding = False
            subtitle = f"Sides suggested by the events data for {self.year.value}"
        states = [self.sides[d].value for d in BILATERAL_DYADS]
        self.pattern = classify_triangle(*states)
        pivot = f" — pivot: {country_name(self.pattern.pivot)}" if self.pattern.pivot else ""
        self.pattern_view.value = (
            f'<div role="status" aria-live="polite"><p><b>{self.pattern.name.capitalize()}</b>'
            f"{pivot}</p><p>{self.pattern.explanation}</p></div>"
        )
        if self.evidence is None:
            self.evidence_view.value = ""
        else:
            shown = self.evidence.set_index("dyad")[["state", "basis", "event_ids"]]
            shown.columns = ["Suggested state", "Events that year", "Event ids"]
            self.evidence_view.value = table_html(
                shown, f"What the events data suggest for {self.year.value}"
            ) + (
                "<p style='font-size:12px'>"
                f"{int(self.evidence['trilateral'].iloc[0])} events that year concern"
                " trilateral cooperation as a whole and decide no single side. A side is amity when"
                " its events improve ties at least as often as they strain them: a rough reading,"
                " so weigh the events yourself.</p>"
            )
        self.spec = spec_of(triangle_diagram_parts(*states, subtitle=subtitle))
