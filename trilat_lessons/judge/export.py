"""Turn a student's answer into plain JSON: the only thing that ever leaves a student's kernel.

Both ``check()`` (in the student's notebook) and ``trilat grade`` (in the grader's own process)
judge this exported form, so the instant feedback and the grade can never disagree, and nothing
from a submission is ever unpickled or executed by the grader. Nothing here imports pandas or
altair: an answer can only be a DataFrame or a chart if the student's kernel already imported them.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from .records import ChartData, Exported

MISSING: Any = object()  # sentinel: the answer variable does not exist

MAX_STR = 100_000  # characters in one string answer
MAX_ITEMS = 10_000  # elements in one list / dict / array
MAX_DEPTH = 4  # nesting of lists in lists
MAX_CELLS = 500_000  # rows x columns of one DataFrame
MAX_CHART_BYTES = 5_000_000  # JSON size of one chart spec
MAX_DIGEST_COLUMNS = 20  # columns summarised for a light chart (check()'s data checks)
DATA_META = "trilat_data"  # usermeta key of a light chart's data summary


class _TooLarge(Exception):
    """An answer is too large to export (and far too large to be a sensible answer)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def type_name(value: Any) -> str:
    """The type of ``value`` as a student would recognise it (never calls the value's own code)."""
    t = type(value)
    mod = getattr(t, "__module__", "") or ""
    name = getattr(t, "__qualname__", getattr(t, "__name__", "object"))
    if mod.startswith("pandas"):
        return name  # DataFrame, Series, Timestamp
    if mod.startswith("altair"):
        return f"altair {name}"
    if mod == "numpy":
        return f"numpy {name}"
    if mod in ("builtins", ""):
        return name
    return f"{mod.split('.')[0]}.{name}"


def export_value(value: Any, *, chart_data: bool = True) -> Exported:
    """Export one answer to a JSON-safe dict; never raises.

    ``chart_data=False`` (used by ``check()``) embeds only the first row of a chart's DataFrame
    (same field types, a fraction of the time) plus a bounded summary of the whole table in the
    spec's ``usermeta`` (row count and a short digest per column), so check() can still tell a
    chart drawn from the wrong rows.
    """
    try:
        if not chart_data:
            value = _light_chart(value)
        return _export(value, 0)
    except _TooLarge as exc:
        return {"type": "too_large", "pytype": type_name(value), "what": exc.what}
    except RecursionError:
        return {"type": "unexportable", "pytype": type_name(value), "error": "nested too deeply"}
    except Exception as exc:  # student objects can raise anything from their own methods
        msg = f"{type(exc).__name__}: {str(exc)[:200]}"
        return {"type": "unexportable", "pytype": type_name(value), "error": msg}


def _float(x: float) -> Any:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _export(value: Any, depth: int) -> Exported:
    if value is MISSING:
        return {"type": "missing"}
    if value is Ellipsis:
        return {"type": "placeholder"}
    if value is None:
        return {"type": "none"}
    t = type(value)
    if t is bool:
        return {"type": "bool", "value": value}
    if t is int:
        if abs(value) > 10**300:
            raise _TooLarge("a number with hundreds of digits")
        return {"type": "int", "value": value}
    if t is float:
        return {"type": "float", "value": _float(value)}
    if t is str:
        if len(value) > MAX_STR:
            raise _TooLarge(f"a text of {len(value):,} characters")
        return {"type": "str", "value": value}
    mod = getattr(t, "__module__", "") or ""
    if mod == "numpy":
        return _export_numpy(value, depth)
    if mod.startswith("pandas"):
        return _export_pandas(value, depth)
    if mod.startswith("altair") and hasattr(value, "to_dict"):
        return _export_chart(value)
    if isinstance(value, bool):  # subclasses
        return {"type": "bool", "value": bool(value)}
    if isinstance(value, int):
        return _export(int(value), depth)
    if isinstance(value, float):
        return {"type": "float", "value": _float(float(value))}
    if isinstance(value, str):
        return _export(str(value), depth)
    if isinstance(value, (list, tuple, set, frozenset)):
        if depth >= MAX_DEPTH:
            raise _TooLarge("lists nested more than four deep")
        if len(value) > MAX_ITEMS:
            raise _TooLarge(f"a {type_name(value)} of {len(value):,} items")
        items = list(value)
        if isinstance(value, (set, frozenset)):
            exported = [_export(v, depth + 1) for v in items]
            exported.sort(key=lambda e: json.dumps(e, sort_keys=True))
        else:
            exported = [_export(v, depth + 1) for v in items]
        return {"type": "list", "pytype": type_name(value), "items": exported}
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            raise _TooLarge("dicts nested more than four deep")
        if len(value) > MAX_ITEMS:
            raise _TooLarge(f"a dict of {len(value):,} items")
        pairs = [[_export(k, depth + 1), _export(v, depth + 1)] for k, v in value.items()]
        return {"type": "dict", "items": pairs}
    import datetime as _dt

    if isinstance(value, (_dt.datetime, _dt.date)):
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, _dt.timedelta):
        return _time_span(value.total_seconds(), type_name(value))
    return {"type": "other", "pytype": type_name(value)}


def _time_span(seconds: float, pytype: str) -> Exported:
    """A duration (Timedelta, timedelta, timedelta64): a time span, never a bare number."""
    return {"type": "timedelta", "pytype": pytype, "seconds": _float(float(seconds))}


def _export_numpy(value: Any, depth: int) -> Exported:
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        if value.size > MAX_ITEMS:
            raise _TooLarge(f"an array of {value.size:,} values")
        out = _export(value.tolist(), depth)
        out["pytype"] = "numpy ndarray"
        out["shape"] = list(value.shape)
        return out
    if np is not None and isinstance(value, np.timedelta64):  # .item() may give an int of ns
        if np.isnat(value):
            return {"type": "none", "pytype": "NaT"}
        return _time_span(value / np.timedelta64(1, "s"), "numpy timedelta64")
    if np is not None and isinstance(value, np.datetime64):
        if np.isnat(value):
            return {"type": "none", "pytype": "NaT"}
        return {"type": "datetime", "value": str(np.datetime_as_string(value))}
    if np is not None and isinstance(value, np.generic):
        return _export(value.item(), depth)
    return {"type": "other", "pytype": type_name(value)}


def _export_pandas(value: Any, depth: int) -> Exported:
    pd = sys.modules.get("pandas")
    if pd is None:
        return {"type": "other", "pytype": type_name(value)}
    if isinstance(value, pd.DataFrame):
        rows, cols = value.shape
        if rows * cols > MAX_CELLS:
            raise _TooLarge(f"a DataFrame of {rows:,} rows and {cols:,} columns")
        if isinstance(value.columns, pd.MultiIndex):
            columns = [" / ".join(str(p) for p in c) for c in value.columns]
            value = value.set_axis(columns, axis=1)
        split = json.loads(value.to_json(orient="split", date_format="iso", default_handler=str))
        return {
            "type": "DataFrame",
            "columns": [str(c) for c in value.columns],
            "dtypes": [str(d) for d in value.dtypes],
            "index_names": [None if n is None else str(n) for n in value.index.names],
            "index": split.get("index", []),
            "data": split.get("data", []),
        }
    if isinstance(value, pd.Series):
        if len(value) > MAX_CELLS:
            raise _TooLarge(f"a Series of {len(value):,} values")
        split = json.loads(value.to_json(orient="split", date_format="iso", default_handler=str))
        return {
            "type": "Series",
            "name": None if value.name is None else str(value.name),
            "dtype": str(value.dtype),
            "index_names": [None if n is None else str(n) for n in value.index.names],
            "index": split.get("index", []),
            "data": split.get("data", []),
        }
    if isinstance(value, pd.Index):
        if len(value) > MAX_ITEMS:
            raise _TooLarge(f"an Index of {len(value):,} values")
        out = _export(value.tolist(), depth)
        out["pytype"] = "pandas Index"
        return out
    if isinstance(value, pd.Timestamp):
        if value is pd.NaT:
            return {"type": "none", "pytype": "NaT"}
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, pd.Timedelta):
        return _time_span(value.total_seconds(), "pandas Timedelta")
    if value is pd.NA or value is getattr(pd, "NaT", None):
        return {"type": "none", "pytype": type_name(value)}
    return {"type": "other", "pytype": type_name(value)}


def _canon_cell(v: Any) -> str:
    """One value as the text a column digest hashes: numbers as floats, missing as ''."""
    if v is None or isinstance(v, bool):
        return "" if v is None else str(v)
    try:
        if isinstance(v, int | float) or type(v).__module__ == "numpy":
            f = float(v)
            return "" if math.isnan(f) else repr(f)
    except (TypeError, ValueError):
        pass
    return str(v)


def column_digest(values: Any) -> str:
    """A short order-free digest of a column's values: equal multisets give equal digests."""
    import hashlib

    text = json.dumps(sorted(_canon_cell(v) for v in values))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def data_summary(table: Any, columns: list[Any]) -> ChartData:
    """Row count and per-column digests of a DataFrame (at most MAX_DIGEST_COLUMNS columns)."""
    digests = {str(c): column_digest(table[c].tolist()) for c in columns[:MAX_DIGEST_COLUMNS]}
    return {"rows": len(table), "digests": digests}


def _light_chart(value: Any) -> Any:
    """A shallow copy of a chart whose DataFrame is cut to one row (types are inferred alike),
    with a summary of the whole table in ``usermeta`` (see ``export_value``)."""
    mod = getattr(type(value), "__module__", "") or ""
    pd = sys.modules.get("pandas")
    if not mod.startswith("altair") or pd is None:
        return value
    data = getattr(value, "data", None)
    if not isinstance(data, pd.DataFrame) or len(data) > 5000 or not hasattr(value, "copy"):
        return value
    try:  # keep only the columns the chart mentions: sanitising costs per column
        mentioned = repr(getattr(value, "encoding", "")) + repr(getattr(value, "transform", ""))
        cols = [c for c in data.columns if str(c) in mentioned]
    except Exception:
        cols = list(data.columns)
    light = value.copy(deep=False)
    cols = cols or list(data.columns)
    light.data = data.loc[:, cols].head(1)
    try:
        summary = data_summary(data, cols)
        meta = getattr(value, "usermeta", None)
        meta = dict(meta) if isinstance(meta, dict) else {}
        light.usermeta = {**meta, DATA_META: summary}
    except Exception:  # a summary is a bonus: never let it break the export
        pass
    return light


def _export_chart(value: Any) -> Exported:
    try:
        spec = value.to_dict(validate=False)
    except Exception as exc:
        name = type(exc).__name__
        msg = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        return {"type": "bad_chart", "pytype": type_name(value), "error": f"{name}: {msg}"}
    text = json.dumps(spec, default=str)
    if len(text) > MAX_CHART_BYTES:
        raise _TooLarge(f"a chart spec of {len(text):,} bytes")
    return {"type": "chart", "pytype": type_name(value), "spec": json.loads(text)}


def decode(exported: Exported) -> Any:
    """Rebuild a convenient Python value from an export (for hidden checks); never unpickles.

    DataFrames come back as pandas DataFrames (values as exported, dtypes restored where
    possible), charts as their Vega-Lite dict, lists as lists.
    """
    kind = exported.get("type")
    if kind in ("int", "float", "str", "bool", "datetime"):
        v = exported.get("value")
        if kind == "float" and isinstance(v, str):
            return float(v)
        return v
    if kind == "none":
        return None
    if kind == "timedelta":
        import datetime as _dt

        seconds = exported.get("seconds")
        return _dt.timedelta(seconds=seconds) if isinstance(seconds, (int, float)) else None
    if kind == "list":
        return [decode(e) for e in exported.get("items", [])]
    if kind == "dict":
        out: dict[Any, Any] = {}
        for k, v in exported.get("items", []):
            key = decode(k)
            try:
                hash(key)
            except TypeError:
                key = json.dumps(k, sort_keys=True)
            out[key] = decode(v)
        return out
    if kind == "chart":
        return exported.get("spec", {})
    if kind in ("DataFrame", "Series"):
        import pandas as pd

        if kind == "Series":
            s = pd.Series(exported.get("data", []), name=exported.get("name"))
            return _restore_dtype(s, exported.get("dtype", "object"))
        df = pd.DataFrame(exported.get("data", []), columns=exported.get("columns", []))
        if df.shape[1] != len(exported.get("columns", [])):  # pragma: no cover - defensive
            return df
        for i, dtype in enumerate(exported.get("dtypes", [])):
            if i < df.shape[1]:
                df.isetitem(i, _restore_dtype(df.iloc[:, i], dtype))
        return df
    return None


SAFE_DTYPE = re.compile(
    r"^(u?int(8|16|32|64)|U?Int(8|16|32|64)|float(16|32|64)|Float(32|64)|bool|boolean|object|"
    r"str|string|category|datetime64\[(ns|us|ms|s)(, [A-Za-z0-9_/+-]{1,40})?\]|"
    r"timedelta64\[(ns|us|ms|s)\])$"
)
EXPORT_TYPES = {
    "missing", "placeholder", "none", "bool", "int", "float", "str", "list", "dict", "datetime",
    "timedelta", "DataFrame", "Series", "chart", "other", "too_large", "unexportable",
}  # fmt: skip


def valid_export(exported: Any) -> bool:
    """True when an export (from an untrusted kernel) has a known shape within the size caps.

    The grader calls this before judging: a forged export cannot declare a dtype that allocates
    gigabytes, nest without end, or hold more than an honest export could.
    """
    budget = [4 * MAX_CELLS]

    def ok(e: Any, depth: int) -> bool:
        budget[0] -= 1
        if budget[0] < 0 or depth > 2 * MAX_DEPTH + 2 or not isinstance(e, dict):
            return False
        kind = e.get("type")
        if kind not in EXPORT_TYPES:
            return False
        if kind == "str":
            return isinstance(e.get("value"), str) and len(e["value"]) <= MAX_STR
        if kind == "int":
            v = e.get("value")
            return isinstance(v, int) and abs(v) <= 10**300
        if kind == "list":
            items = e.get("items", [])
            return (
                isinstance(items, list)
                and len(items) <= MAX_ITEMS
                and all(ok(i, depth + 1) for i in items)
            )
        if kind == "dict":
            items = e.get("items", [])
            return (
                isinstance(items, list)
                and len(items) <= MAX_ITEMS
                and all(
                    isinstance(p, list)
                    and len(p) == 2
                    and ok(p[0], depth + 1)
                    and ok(p[1], depth + 1)
                    for p in items
                )
            )
        if kind in ("DataFrame", "Series"):
            data = e.get("data", [])
            if not isinstance(data, list) or len(data) > MAX_CELLS:
                return False
            dtypes = e.get("dtypes", []) if kind == "DataFrame" else [e.get("dtype", "object")]
            if not isinstance(dtypes, list) or len(dtypes) > 10_000:
                return False
            if not all(isinstance(d, str) and SAFE_DTYPE.match(d) for d in dtypes):
                return False
            if kind == "DataFrame":
                cols = e.get("columns", [])
                if not isinstance(cols, list) or len(cols) > 10_000:
                    return False
                if not all(isinstance(r, list) and len(r) <= len(cols) for r in data):
                    return False
                if len(data) * max(len(cols), 1) > MAX_CELLS:
                    return False
            return True
        if kind == "chart":
            return isinstance(e.get("spec", {}), dict)
        return True

    try:
        return ok(exported, 0)
    except RecursionError:
        return False


def _restore_dtype(series: Any, dtype: str) -> Any:
    import pandas as pd

    if not isinstance(dtype, str) or not SAFE_DTYPE.match(dtype):
        return series
    try:
        if dtype.startswith("datetime64"):
            return pd.to_datetime(series)
        if dtype in ("object", "str") or dtype.startswith("category"):
            return series.astype("string") if dtype != "object" else series
        return series.astype(dtype)
    except Exception:
        return series
