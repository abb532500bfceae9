"""Small pandas helpers shared by the analysis and the charts: cells as plain values or text."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


ALL = "all"
"""The choice that keeps every row (an explorer's "All ..." option)."""


def plain_value(value: Any) -> Any:
    """A JSON-friendly Python value (NA/NaN -> None, numpy scalars -> int/float/str)."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if hasattr(value, "item"):  # numpy scalar
        return plain_value(value.item())
    return value


def as_text(series: pd.Series) -> pd.Series:
    """A string column with missing values as empty strings."""
    import pandas as pd

    if series.dtype.kind in "mM":  # dates and durations: pandas' own formatting
        return series.astype("string").fillna("").astype(str)
    out = [
        v
        if isinstance(v, str)
        else ""
        if v is None or v is pd.NA or (isinstance(v, float) and v != v)
        else str(v)
        for v in series.tolist()
    ]
    return pd.Series(out, index=series.index, dtype=object)


def text_column(df: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as text, or empty strings when the frame lacks it."""
    import pandas as pd

    if name in df.columns:
        return as_text(df[name])
    return pd.Series([""] * len(df), index=df.index, dtype=object)
