"""TriangleExplorer: the strategic-triangle patterns applied to U.S.–Japan–ROK ties.

Each side of the triangle is amity or enmity, and the pattern follows from how many sides are
friendly: three (ménage à trois), two (romantic triangle, with a pivot), one (stable marriage,
with an outsider) or none (unit veto). The first three are Dittmer's (1981), the framework seed
000 uses; the all-hostile "unit veto" completes the set in later work in the same tradition.
The explanations below are the course's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..schema import BILATERAL_DYADS, COUNTRIES, EFFECTS
from ..theme import COUNTRY_NAMES

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


def country_name(code: str) -> str:
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
                f"{country_name(pivot)} is on good terms with both {COUNTRY_NAMES[a]} and"
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
                f"{country_name(a)} and {COUNTRY_NAMES[b]} are partners, while both are at odds"
                f" with {COUNTRY_NAMES[out]}, which stands alone. The pair can rely on each other,"
                f" so the pattern is steady, but {COUNTRY_NAMES[out]} has every reason to try to"
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
        counts = {k: sum(1 for r in sel if r[2] == k) for k in EFFECTS}
        n_str, n_neu, n_imp = counts.values()  # EFFECTS: strains, neutral, improves
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
                **{k: counts[k] for k in reversed(EFFECTS)},  # improves first, as in ``basis``
                "state": state,
                "basis": basis,
                "event_ids": ", ".join(r[3] for r in sel) if ids else "",
                "trilateral": n_tri,
            }
        )
    return pd.DataFrame(rows)
