"""TriangleExplorer: the strategic-triangle patterns applied to U.S.–Japan–ROK ties.

Each side of the triangle is amity or enmity, and the pattern follows from how many sides are
friendly: three (ménage à trois), two (romantic triangle, with a pivot), one (stable marriage,
with an outsider) or none (unit veto). The first three are Dittmer's (1981), the framework seed
000 uses; the all-hostile "unit veto" completes the set in later work in the same tradition.
The explanations below are the course's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..codebook import BILATERAL_DYADS, COUNTRIES
from ..theme import COUNTRY_NAMES
from ._base import CONTROL_STYLE, ChartExplorer, heading, load_default, spec_of, table_html

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

AMITY, ENMITY = "amity", "enmity"


def normalize_state(state: str | bool | int) -> str:
    """``"amity"`` or ``"enmity"`` from a word, a bool (True = amity) or a sign (+1 / -1)."""
    if isinstance(state, bool):
        return AMITY if state else ENMITY
    if isinstance(state, int | float):
        if state == 0:
            raise ValueError("a side is either amity (positive) or enmity (negative), not 0")
        return AMITY if state > 0 else ENMITY
    word = str(state).strip().lower()
    if word in (AMITY, "positive", "+", "friendly", "friends"):
        return AMITY
    if word in (ENMITY, "negative", "-", "hostile", "rivals"):
        return ENMITY
    raise ValueError(f"unknown state {state!r}: use 'amity' or 'enmity'")


def _name(code: str) -> str:
    name = COUNTRY_NAMES.get(code, code)
    return name[0].upper() + name[1:]


@dataclass(frozen=True)
class TrianglePattern:
    """The named pattern (Dittmer's three, or unit veto) for one setting of the three sides."""

    key: str
    name: str
    states: dict[str, str]
    pivot: str | None = None
    roles: dict[str, str] = field(default_factory=dict)
    explanation: str = ""

    def __str__(self) -> str:
        return f"{self.name}: {self.explanation}"


def classify_triangle(
    us_jp: str | bool | int, us_rok: str | bool | int, jp_rok: str | bool | int
) -> TrianglePattern:
    """Name the pattern: Dittmer's ménage à trois, romantic triangle or stable marriage, or the
    all-hostile unit veto (from later work on the strategic triangle)."""
    states = dict(
        zip(BILATERAL_DYADS, (normalize_state(s) for s in (us_jp, us_rok, jp_rok)), strict=True)
    )
    friendly = [d for d, s in states.items() if s == AMITY]
    ties = {c: [d for d in friendly if c in d.split("–")] for c in COUNTRIES}
    if len(friendly) == 3:
        return TrianglePattern(
            "menage_a_trois",
            "ménage à trois",
            states,
            roles={c: "partner" for c in COUNTRIES},
            explanation=(
                "All three pairs are on good terms, so each country can work with both of the"
                " others and none can be played off against the rest. It is the most cooperative"
                " pattern, but it lasts only while every pair keeps its own relationship in repair."
            ),
        )
    if len(friendly) == 2:
        pivot = next(c for c in COUNTRIES if len(ties[c]) == 2)
        a, b = (c for c in COUNTRIES if c != pivot)
        return TrianglePattern(
            "romantic_triangle",
            "romantic triangle",
            states,
            pivot=pivot,
            roles={pivot: "pivot", a: "wing", b: "wing"},
            explanation=(
                f"{_name(pivot)} is on good terms with both {COUNTRY_NAMES[a]} and"
                f" {COUNTRY_NAMES[b]}, who are at odds with each other, so {COUNTRY_NAMES[pivot]}"
                " is the pivot that both of them court. The pivot gains leverage from its place in"
                " the middle, but it may be pressed to take a side if the quarrel deepens."
            ),
        )
    if len(friendly) == 1:
        a, b = friendly[0].split("–")
        out = next(c for c in COUNTRIES if c not in (a, b))
        return TrianglePattern(
            "stable_marriage",
            "stable marriage",
            states,
            roles={a: "partner", b: "partner", out: "outsider"},
            explanation=(
                f"{_name(a)} and {COUNTRY_NAMES[b]} are partners, while both are at odds with"
                f" {COUNTRY_NAMES[out]}, which stands alone. The pair can rely on each other, so"
                f" the pattern is steady, but {COUNTRY_NAMES[out]} has every reason to try to"
                " split them."
            ),
        )
    return TrianglePattern(
        "unit_veto",
        "unit veto",
        states,
        roles={c: "rival" for c in COUNTRIES},
        explanation=(
            "All three pairs are at odds, so every country faces two opponents and can count on"
            " no partner. Each can block the others but none can lead, which gives all three a"
            " reason to look for a partner."
        ),
    )


_EFFECT_SCORE = {"improves": 1, "neutral": 0, "strains": -1}


def dyad_states_from_events(events: pd.DataFrame, year: int) -> pd.DataFrame:
    """The state of each side in ``year`` suggested by the events data (their dyads and effects).

    A side is amity when the events tagged with it that year improve ties at least as often as
    they strain them, enmity otherwise. If no event names the side that year, the latest earlier
    year that has one decides; with none at all the side is taken as amity. Events tagged only
    ``trilateral`` concern cooperation among all three, not one side, so they decide nothing and
    are counted separately (``trilateral`` column).
    """
    import pandas as pd

    y = int(year)
    ids = events["event_id"].astype(str).tolist() if "event_id" in events.columns else None
    # (year, dyad tags, effect, event id) of every dated event up to ``year``, in data order
    rows_upto = [
        (int(yr), {x.strip() for x in tags.split(";")}, str(effect), ids[i] if ids else "")
        for i, (yr, tags, effect) in enumerate(
            zip(
                events["year"].tolist(),
                events["dyads"].astype("string").fillna("").tolist(),
                events["effect"].astype(str).tolist(),
                strict=True,
            )
        )
        if not pd.isna(yr) and int(yr) <= y
    ]
    n_tri = sum(1 for yr, tags, _, _ in rows_upto if yr == y and "trilateral" in tags)
    rows = []
    for dyad in BILATERAL_DYADS:
        mine = [r for r in rows_upto if dyad in r[1]]
        years_with = sorted({r[0] for r in mine})
        used = y if y in years_with else (years_with[-1] if years_with else None)
        sel = [r for r in mine if r[0] == used]
        n_imp, n_neu, n_str = (
            sum(1 for r in sel if r[2] == k) for k in ("improves", "neutral", "strains")
        )
        state = AMITY if n_imp >= n_str else ENMITY
        if used is None:
            basis = f"no event names {dyad} up to {year}: taken as amity"
        else:
            basis = f"{n_imp} improve, {n_neu} neutral, {n_str} strain"
            if used != y:
                basis = f"none in {year}; in {used}: " + basis
        rows.append(
            {
                "dyad": dyad,
                "year_used": used,
                "improves": n_imp,
                "neutral": n_neu,
                "strains": n_str,
                "state": state,
                "basis": basis,
                "event_ids": ", ".join(r[3] for r in sel) if ids else "",
                "trilateral": n_tri,
            }
        )
    return pd.DataFrame(rows)


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
        pivot = f" — pivot: {_name(self.pattern.pivot)}" if self.pattern.pivot else ""
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
