"""Step ``leaders``: heads of government with their terms, and who was in office when."""

from __future__ import annotations

import itertools
from datetime import date

from ..schema import COUNTRIES
from .common import BuildError, Log
from .curation import Curation


def leader_in_office(leaders: list[dict[str, str]], country: str, day: str) -> dict | None:
    """The leader of ``country`` in office on ``day`` (ISO), or None."""
    for ld in leaders:
        if ld["country"] != country:
            continue
        if ld["term_start"] <= day and (not ld["term_end"] or day < ld["term_end"]):
            return ld
    return None


def leader_over(leaders: list[dict[str, str]], country: str, start: str, end: str) -> dict | None:
    """The leader in office over the whole span, or None if there was none or a change."""
    a = leader_in_office(leaders, country, start)
    b = leader_in_office(leaders, country, end)
    if a is None or b is None or a["leader_id"] != b["leader_id"]:
        return None
    return a


def build_leaders(raw: list[dict[str, str]], log: Log, cur: Curation) -> list[dict[str, str]]:
    """The leaders rows, corrected; terms must be valid dates and must not overlap."""
    rows = [dict(r) for r in raw]
    cur.apply_corrections(log, "leaders", rows, "leader_id")
    for r in rows:
        for col in ("term_start", "term_end", "powers_suspended_from"):
            if r[col]:
                date.fromisoformat(r[col])
        if r["term_end"] and r["term_end"] <= r["term_start"]:
            raise BuildError(f"leader {r['leader_id']}: term ends before it starts")
    for country in COUNTRIES:
        terms = sorted((r for r in rows if r["country"] == country), key=lambda r: r["term_start"])
        for a, b in itertools.pairwise(terms):
            if not a["term_end"] or a["term_end"] > b["term_start"]:
                raise BuildError(f"overlapping terms: {a['leader_id']} / {b['leader_id']}")
    return rows
