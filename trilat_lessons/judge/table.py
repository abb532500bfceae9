"""Canonical form of a table answer (pandas DataFrame, exported): columns, kinds, rows, cells."""

from __future__ import annotations

import json
from typing import Any

from .describe import malformed, plural
from .records import Expect, Exported, KeyQuestion, Outcome
from .text import num_text


def dtype_kind(dtype: str, values: list[Any] | None = None) -> str:
    """Coarse kind of a pandas dtype name: integer, float, bool, datetime, string, other."""
    d = dtype.lower()
    if d.startswith(("int", "uint")):
        return "integer"
    if d.startswith("float"):
        return "float"
    if d in ("bool", "boolean"):
        return "bool"
    if d.startswith("datetime") or d.startswith("period"):
        return "datetime"
    if d in ("str", "string") or d.startswith("string") or d.startswith("category"):
        return "string"
    if d == "object" and values is not None:
        present = [v for v in values if v is not None]
        if all(isinstance(v, str) for v in present):
            return "string"
    return "other"


KIND_WORDS = {
    "integer": "whole numbers",
    "float": "numbers",
    "bool": "True/False values",
    "datetime": "dates (datetime64)",
    "string": "text",
    "other": "mixed values",
}


def _cell(v: Any, kind: str, decimals: int) -> Any:
    if v is None:
        return None
    if kind in ("integer", "float"):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return str(v)
        return num_text(v, decimals)
    if kind == "datetime" and isinstance(v, str):
        return v[:10] if v[10:].strip("T0:.Z") == "" else v
    if kind == "bool":
        return bool(v)
    return str(v)


def _kinds_compatible(want: str, got: str, values: list[Any]) -> bool:
    if want == got:
        return True
    if want == "float" and got == "integer":
        return True
    if want == "integer" and got == "float":
        return all(
            v is None or (isinstance(v, (int, float)) and float(v).is_integer()) for v in values
        )
    return False


def _one_column_off(expect: Expect, exported: Exported, want: str, got: str) -> str:
    """Advice when one column has another name: a new name only helps if the rows are right too
    (the lessons name columns where they are made, with assign(...) or reset_index(name=...))."""
    rows = expect.get("rows")
    if rows is not None and len(exported.get("data", [])) != rows:
        return f"A new name for {got!r} would not be enough: the rows differ too. " + (
            expect.get("rows_hint") or "Re-check how you built the table."
        )
    return (
        f"Name the column {want!r} where you make it, not {got!r}: e.g. "
        f'.reset_index(name="{want}") or .assign({want}=...).'
    )


def canon_table(q: KeyQuestion, exported: Exported) -> tuple[str, Any]:
    expect = q["expect"]
    kind = exported.get("type")
    qid = q["id"]
    if kind == "Series":
        tip = (
            "Tip: .reset_index() turns a grouped Series into a table, with a column for each "
            "group key (name the counts with .reset_index(name=...))."
        )
        return "bad", malformed(q, exported, tip)
    if kind != "DataFrame":
        return "bad", malformed(q, exported)
    want_cols = [c["name"] for c in expect["columns"]]
    got_cols = exported.get("columns", [])
    if len(set(got_cols)) != len(got_cols):
        dup = sorted({c for c in got_cols if got_cols.count(c) > 1})
        return "bad", Outcome("incorrect", f"Your table has duplicate columns: {dup}.")
    missing = [c for c in want_cols if c not in got_cols]
    extra = [c for c in got_cols if c not in want_cols]
    if missing or extra:
        parts = [f"{qid} expects the columns {want_cols}; your table has {got_cols}."]
        index_names = [n for n in exported.get("index_names", []) if n]
        if missing and set(missing) <= set(index_names):
            parts.append(
                f"{missing} {'is' if len(missing) == 1 else 'are'} in your table's index: "
                "add .reset_index() to make them columns."
            )
        elif missing and extra and len(missing) == len(extra) == 1:
            parts.append(_one_column_off(expect, exported, missing[0], extra[0]))
        return "bad", Outcome("incorrect", " ".join(parts))
    data = exported.get("data", [])
    idx = [got_cols.index(c) for c in want_cols]
    dtypes = exported.get("dtypes", [])
    for spec, i in zip(expect["columns"], idx, strict=True):
        values = [row[i] for row in data]
        got_kind = dtype_kind(dtypes[i] if i < len(dtypes) else "object", values)
        if not _kinds_compatible(spec["kind"], got_kind, values):
            return "bad", Outcome(
                "incorrect",
                f"Column {spec['name']!r} should hold {KIND_WORDS[spec['kind']]}; yours holds "
                f"{KIND_WORDS.get(got_kind, got_kind)} ({dtypes[i]}).",
            )
    rows = expect.get("rows")
    if rows is not None and len(data) != rows:
        if expect.get("reveal_rows", True):
            msg = f"{qid} expects {plural(rows, 'row')}; your table has {len(data)}."
        else:
            msg = f"Your table does not have the expected number of rows ({len(data)})."
        hint = expect.get("rows_hint")
        return "bad", Outcome("incorrect", msg + (f" {hint}" if hint else ""))
    decimals = int(expect.get("decimals", 2))
    canon_rows = [
        [
            _cell(row[i], spec["kind"], decimals)
            for spec, i in zip(expect["columns"], idx, strict=True)
        ]
        for row in data
    ]
    texts = [json.dumps(r, ensure_ascii=False) for r in canon_rows]
    if not expect.get("ordered", False):
        texts.sort()
    return "ok", "table:" + "\n".join(texts)
