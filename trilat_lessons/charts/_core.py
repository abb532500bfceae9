"""The charts' shared machinery: parts and drawing, label and axis helpers, frame helpers.

Every topic module of this package builds its charts with these; the names with a leading
underscore are private to the ``charts`` package (its modules share them), not to this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..analysis.frames import plain_value, text_column

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd


LINES = "split(datum.label, '\\n')"
"""Vega label expression: a label with line breaks (from :func:`wrap_label`) on several lines."""


def wrap_label(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters ("\\n" between them), so an
    axis label is shown whole (with ``labelExpr=LINES``) instead of cut off with "…"."""
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _one_line(label: str) -> str:
    """A wrapped label back on one line, without a final full stop (for sentences)."""
    return str(label).replace("\n", " ").rstrip(".")


def _row_height(labels: Any) -> int:
    """Pixels per bar row: room for the most lines any label has (13 px a line, 24 at least)."""
    lines = max((str(x).count("\n") + 1 for x in labels), default=1)
    return max(24, 13 * lines + 6)


def year_axis(**kwargs: Any) -> alt.Axis:
    """A date axis labelled by year, one tick per year at most (never "2021 2021 2022"):
    month ticks labelled "%Y" repeat the year; labels that would overlap are thinned."""
    import altair as alt

    return alt.Axis(
        format="%Y",
        tickCount={"interval": "year", "step": 1},
        labelOverlap=True,
        **kwargs,
    )


def _load(df: pd.DataFrame | None, name: str) -> pd.DataFrame:
    """The frame passed in, or the packaged dataset ``name``."""
    if df is None:
        from ..datasets import load

        df = load(name)
    return df.reset_index(drop=True)  # filtered or concatenated frames may repeat labels


_SIMPLE = (str, int, bool)


def _plain_values(series: pd.Series) -> list[Any]:
    """A column as JSON-friendly Python values (what ``plain_value`` gives for each cell)."""
    out = series.tolist()  # numpy scalars become Python ones; NA, NaT and Timestamps stay
    for i, v in enumerate(out):
        if isinstance(v, _SIMPLE):
            continue
        if isinstance(v, float):
            if v != v:
                out[i] = None
            continue
        out[i] = plain_value(v)
    return out


def chart_data(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain JSON records: what a builder inlines in its spec (NA becomes null)."""
    cols = [str(c) for c in df.columns]
    if not len(df) or not cols:
        return [{} for _ in range(len(df))] if not cols else []
    values = [_plain_values(df.iloc[:, j]) for j in range(len(cols))]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)]


def _mid_dates(df: pd.DataFrame) -> pd.Series:
    """Where to plot each dated row: the known day, else the middle of its possible span."""
    import pandas as pd

    start = pd.to_datetime(df["date_start"])
    end = pd.to_datetime(df["date_end"]).fillna(start)
    mid = start + (end - start) / 2
    if "date" in df.columns:
        mid = pd.to_datetime(df["date"]).fillna(mid)
    return mid.dt.normalize()


def _iso(series: pd.Series) -> pd.Series:
    return series.dt.strftime("%Y-%m-%d")


def _present(values: Iterable[Any], order: Iterable[str]) -> list[str]:
    """The values in ``order`` that occur, then any others (sorted): a stable legend order."""
    import pandas as pd

    seen = {str(v) for v in values if not pd.isna(v)}
    ordered = [v for v in order if v in seen]
    return ordered + sorted(seen - set(ordered))


def _ordered_levels(series: pd.Series, fallback: list[str]) -> list[str]:
    """Category order of an ordered column, else ``fallback``."""
    cats = getattr(series, "cat", None)
    if cats is not None and series.cat.ordered:
        return [str(c) for c in series.cat.categories]
    return fallback


def _sources(df: pd.DataFrame) -> pd.Series:
    """``source_id`` plus any ``other_source_ids``, as one readable string per row."""
    main = text_column(df, "source_id")
    other = text_column(df, "other_source_ids").str.replace(";", ", ")
    return main.where(other == "", main + " (also " + other + ")")


def _titled(text: str, n: int, what: str) -> str | dict[str, str]:
    """A chart title; with a subtitle saying so when the selection is empty."""
    return text if n else {"text": text, "subtitle": f"No {what} in this selection."}


def _covered(title: str | dict[str, Any], name: str) -> dict[str, Any]:
    """The title with a first subtitle line stating the period the dataset covers.

    Read from the package metadata (the codebook), so charts that show time never leave the
    reader guessing where the record stops.
    """
    from ..datasets import coverage

    cov = coverage(name)
    out: dict[str, Any] = dict(title) if isinstance(title, dict) else {"text": title}
    if not cov["start"]:
        return out
    line = f"Dataset '{name}' covers {cov['start']} to {cov['end']}."
    rest = out.get("subtitle")
    out["subtitle"] = [line, *([rest] if isinstance(rest, str) else rest or [])]
    return out


def _empty_note(chart: alt.Chart, n: int, what: str) -> alt.Chart:
    """Title subtitle saying the selection is empty, so an empty chart is never a mystery."""
    if n:
        return chart
    title = chart.title
    if isinstance(title, dict) or hasattr(title, "to_dict"):  # keep an existing subtitle
        t = title if isinstance(title, dict) else title.to_dict()
        sub = t.get("subtitle") or []
        sub = [sub] if isinstance(sub, str) else list(sub)
        return chart.properties(title={**t, "subtitle": [*sub, f"No {what} in this selection."]})
    return chart.properties(title=_titled(title, n, what))


SLOT_MARK = "@@trilat-slot:"
"""Prefix of the placeholder strings ``draw(parts, placeholders=True)`` puts in place of slots."""


DATA_MARK = "@@trilat-dataset"
"""Key of the single placeholder row that stands in for each named dataset."""


@dataclass(frozen=True)
class ChartParts:
    """A chart before drawing: what the pandas preparation produced, ready for :func:`draw`.

    ``data``: the inlined datasets by name (one DataFrame each). ``slots``: every other value
    taken from the data that the spec shows as is: ``title``, ``description``, scale domains and
    ranges, sort orders, axis titles. ``layout``: what decides the spec's structure (which layers
    exist, sizes), as ``(name, value)`` pairs. Parts of the same ``kind`` and ``layout`` draw the
    same spec except for data and slots, so an explorer can build it once and fill it in.
    """

    kind: str
    data: Mapping[str, pd.DataFrame]
    slots: Mapping[str, Any]
    layout: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def title(self) -> Any:
        return self.slots["title"]

    @property
    def description(self) -> str:
        return str(self.slots["description"])


_DRAW: dict[str, Callable[..., Any]] = {}


def _drawing(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function that draws parts of ``kind``."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _DRAW[kind] = fn
        return fn

    return register


def draw(parts: ChartParts, *, placeholders: bool = False) -> alt.TopLevelMixin:
    """The altair chart of ``parts`` (what the builders return).

    With ``placeholders=True`` every dataset is one marker row (``{DATA_MARK: name}``) and every
    slot the string ``SLOT_MARK + name``: the spec's skeleton, for an explorer to fill in.
    """
    import altair as alt
    from altair.utils.schemapi import debug_mode

    if placeholders:  # markers are no valid domains etc.: skip altair's checks while drawing
        data = {k: alt.Data(values=[{DATA_MARK: k}]) for k in parts.data}
        slots = {k: SLOT_MARK + k for k in parts.slots}
        with debug_mode(False):
            return _DRAW[parts.kind](data, slots, dict(parts.layout))
    data = {k: alt.Data(values=chart_data(v)) for k, v in parts.data.items()}
    return _DRAW[parts.kind](data, dict(parts.slots), dict(parts.layout))


def _date_scale(df: pd.DataFrame, pad_days: int = 120) -> alt.Scale:
    """A time scale from the first to the last possible date, padded so edge marks show whole."""
    import altair as alt
    import pandas as pd

    if not len(df):
        return alt.Scale()
    pad = pd.Timedelta(days=pad_days)
    lo = pd.to_datetime(df["date_start"]).min() - pad
    hi = pd.to_datetime(df["date_end"]).max() + pad
    return alt.Scale(domain=[lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")])


def _shape_args(shapes: Mapping[str, str], present: list[str]) -> dict[str, Any]:
    domain = [k for k in shapes if k in present] + [v for v in present if v not in shapes]
    return {"domain": domain, "range": [shapes.get(k, "square") for k in domain]}
