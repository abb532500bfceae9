"""Filtering and counting the trilateral meetings (what the TimelineExplorer shows)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..schema import LEVELS
from ..theme import ADMINISTRATION_COLORS
from .frames import ALL

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


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


def meeting_levels(meetings: pd.DataFrame) -> list[str]:
    col = meetings["level"]
    if hasattr(col, "cat") and col.cat.ordered:
        return [str(c) for c in col.cat.categories]
    return [lv for lv in LEVELS if lv in set(col.astype(str))]


def count_table(selection: pd.DataFrame) -> pd.DataFrame:
    """Meetings counted by level (rows, highest first) and U.S. administration, with totals."""
    import pandas as pd

    levels = list(reversed(meeting_levels(selection))) if len(selection) else list(reversed(LEVELS))
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
