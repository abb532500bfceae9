"""Survey figures in words, and selections of survey series (what the OpinionExplorer shows).

Figures keep the sources' own qualifiers ("about", "over") and ranges; ``charts.opinion`` draws
them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..schema import QUALIFIERS
from .frames import ALL, plain_value, text_column

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _fmt_number(x: float | None) -> str:
    if x is None or x != x:
        return ""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def opinion_labels(o: pd.DataFrame) -> pd.Series:
    """How each figure is published, in words: ``31%``, ``about 31%``, ``over 60%``, ``20–30%``."""
    unit = text_column(o, "unit").map(
        lambda u: "%" if u.strip() == "%" or u.strip().startswith("percent") else f" {u}".rstrip()
    )
    qual = text_column(o, "qualifier")
    out = []
    for v, q, lo, hi, u in zip(
        o["value"], qual, o["range_low"], o["range_high"], unit, strict=True
    ):
        v, lo, hi = plain_value(v), plain_value(lo), plain_value(hi)
        rng = f"{_fmt_number(lo)}–{_fmt_number(hi)}{u}" if lo is not None and hi is not None else ""
        if v is None:
            text = rng or "no figure"
        else:
            text = f"{_fmt_number(v)}{u}"
            if q in QUALIFIERS and q != "exact":  # "about 31%", "over 60%"
                text = f"{q} {text}"
            if rng:
                text += f" (range {rng})"
        out.append(text)
    import pandas as pd

    return pd.Series(out, index=o.index, dtype=object)


def series_label(o: pd.DataFrame) -> pd.Series:
    return text_column(o, "respondents") + " → " + text_column(o, "target")


def opinion_periods(o: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """First and last survey year of each row: its ``year``, else its ``period_start``/``_end``."""
    year = o["year"].astype("Int64")
    first = year.fillna(o["period_start"].astype("Int64")) if "period_start" in o else year
    last = year.fillna(o["period_end"].astype("Int64")) if "period_end" in o else year
    return first, last.fillna(first)


def opinion_when(o: pd.DataFrame) -> pd.Series:
    """When each figure was surveyed, in words: ``2021`` or ``2017–2021``."""
    import pandas as pd

    return pd.Series(when_words(*opinion_periods(o)), index=o.index, dtype=str)


def when_words(first: pd.Series, last: pd.Series) -> list[str]:
    import pandas as pd

    return [
        "?" if f is pd.NA else str(f) if f == t else f"{f}–{t}"
        for f, t in zip(first.tolist(), last.tolist(), strict=True)
    ]


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

    if selection.empty:
        return "No survey results match this selection."
    first, last = opinion_periods(selection)
    labels = opinion_labels(selection).tolist()
    when = when_words(first, last)
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
