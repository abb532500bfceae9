"""Load the course datasets shipped inside the package.

>>> import trilat_lessons as tl
>>> meetings = tl.load("meetings")            # clean, typed DataFrame
>>> table1 = tl.load("meetings", raw=True)    # Table 1 of seed000 as printed
>>> tl.info("meetings")                       # the codebook

Files are read with :mod:`importlib.resources`, so this works from a wheel, on Binder and in
JupyterLite. pandas is imported inside the functions, not at module import. Loaded frames are
cached; every call returns a copy, so changing a result never changes the next one.
"""

from __future__ import annotations

import difflib
import io
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "cleaning_log",
    "codebook",
    "info",
    "list_datasets",
    "load",
    "load_china_stances",
    "load_events",
    "load_leaders",
    "load_meetings",
    "load_obstacles",
    "load_opinion",
    "load_policy_options",
    "load_policy_weights",
    "load_sources",
]

_CACHE: dict[tuple[str, bool], pd.DataFrame] = {}


def _read_text(rel: str) -> str:
    return (
        resources.files("trilat_lessons")
        .joinpath("data", *rel.split("/"))
        .read_text(encoding="utf-8")
    )


@cache
def datapackage() -> dict[str, Any]:
    """The parsed ``datapackage.json`` (cached; do not modify it): every resource's schema."""
    return json.loads(_read_text("datapackage.json"))


@cache
def _resources() -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in datapackage()["resources"]}


def resource(name: str) -> dict[str, Any]:
    """The ``datapackage.json`` entry of one resource (a dataset, ``raw_*`` or ``cleaning_log``)."""
    return _resources()[name]


def coverage(name: str) -> dict[str, str]:
    """The period a dataset covers, as stated in its codebook: ``start``, ``end``, ``basis``.

    ``start``/``end`` are date labels at their known precision ('' when the data are not tied
    to a period, e.g. the policy weights).
    """
    _check_name(name, list_datasets())
    return dict(_resources()[name].get("trilat:coverage", {"start": "", "end": "", "basis": ""}))


def list_datasets() -> list[str]:
    """Names of the clean datasets, in codebook order."""
    return [n for n, r in _resources().items() if not n.startswith("raw_") and n != "cleaning_log"]


def _raw_names() -> list[str]:
    return [n.removeprefix("raw_") for n in _resources() if n.startswith("raw_")]


def _check_name(name: str, allowed: list[str], what: str = "dataset") -> None:
    if name in allowed:
        return
    close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise KeyError(
        f"Unknown {what} {name!r}.{hint} Available: {', '.join(allowed)}. "
        "(See trilat_lessons.list_datasets().)"
    )


def _frame(resource: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    fields = resource["schema"]["fields"]
    text = _read_text(resource["path"])
    df = pd.read_csv(
        io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], engine="c"
    )
    for f in fields:
        col, ftype = f["name"], f["type"]
        enum = f.get("constraints", {}).get("enum")
        s = df[col]
        if enum is not None:
            df[col] = s.astype(pd.CategoricalDtype(enum, ordered=bool(f.get("trilat:ordered"))))
        elif ftype == "integer":
            df[col] = pd.to_numeric(s).astype("Int64")
        elif ftype == "number":
            df[col] = pd.to_numeric(s).astype("Float64")
        elif ftype == "boolean":
            df[col] = s.map({"true": True, "false": False}).astype("boolean")
        elif ftype == "date":
            df[col] = pd.to_datetime(s, format="%Y-%m-%d")
        else:
            df[col] = s.astype("string")
    return df


def load(name: str, raw: bool = False) -> pd.DataFrame:
    """Load a dataset as a pandas DataFrame.

    ``raw=True`` returns the raw transcription instead (all text, as printed): for
    ``meetings`` that is Table 1 of seed000; raw-only files such as ``meetings_text`` can be
    loaded by name with ``raw=True``.
    """
    if raw:
        twin = _resources()[name]["trilat:raw"] if name in list_datasets() else None
        key = twin.removeprefix("raw/").removesuffix(".csv") if twin else name
        _check_name(key, _raw_names(), "raw file")
        res = _resources()[f"raw_{key}"]
    else:
        _check_name(name, list_datasets())
        res = _resources()[name]
    ck = (res["name"], raw)
    if ck not in _CACHE:
        _CACHE[ck] = _frame(res)
    return _CACHE[ck].copy()


def cleaning_log() -> pd.DataFrame:
    """Every change between raw and clean data: dataset, row_id, column, before, after, reason."""
    ck = ("cleaning_log", False)
    if ck not in _CACHE:
        _CACHE[ck] = _frame(_resources()["cleaning_log"])
    return _CACHE[ck].copy()


def codebook(name: str) -> pd.DataFrame:
    """The codebook of a dataset as a DataFrame (one row per column)."""
    import pandas as pd

    _check_name(name, [*list_datasets(), "cleaning_log"])
    rows = []
    for f in _resources()[name]["schema"]["fields"]:
        cons = f.get("constraints", {})
        allowed = cons.get("enum")
        if allowed is not None:
            sep = " < " if f.get("trilat:ordered") else ", "
            allowed = sep.join(allowed)
        elif "minimum" in cons or "maximum" in cons:
            allowed = f"{cons.get('minimum', '')}-{cons.get('maximum', '')}"
        rows.append(
            {
                "column": f["name"],
                "type": _dtype_label(f),
                "description": f["description"],
                "unit": f.get("trilat:unit"),
                "allowed": allowed,
                "required": bool(cons.get("required", False)),
            }
        )
    return pd.DataFrame(rows).astype(
        {c: "string" for c in ("column", "type", "description", "unit", "allowed")}
    )


def _dtype_label(f: dict[str, Any]) -> str:
    if "enum" in f.get("constraints", {}):
        return "ordered category" if f.get("trilat:ordered") else "category"
    return {
        "integer": "Int64",
        "number": "Float64",
        "boolean": "boolean",
        "date": "datetime64",
        "string": "string",
    }[f["type"]]


def info(name: str) -> None:
    """Print the codebook of a dataset: description, provenance, known gaps and every column."""
    _check_name(name, [*list_datasets(), "cleaning_log"])
    res = _resources()[name]
    n_rows = len(cleaning_log()) if name == "cleaning_log" else len(load(name))
    lines = [f"{res['title']} ({name}): {n_rows} rows", "", res["description"], ""]
    cov = res.get("trilat:coverage")
    if cov:
        span = f"{cov['start']} to {cov['end']}" if cov["start"] else "no period"
        lines += [f"Coverage: {span} ({cov['basis']})", ""]
    if "trilat:provenance" in res:
        lines += ["Provenance: " + res["trilat:provenance"], ""]
    if res.get("trilat:known_gaps"):
        lines += ["Known gaps:", *[f"  - {g}" for g in res["trilat:known_gaps"]], ""]
    if "trilat:raw" in res:
        lines += [f"Raw twin: load({name!r}, raw=True)  [{res['trilat:raw']}]", ""]
    lines.append("Columns:")
    for _, row in codebook(name).iterrows():
        extra = []
        if isinstance(row["unit"], str):
            extra.append(f"unit: {row['unit']}")
        if isinstance(row["allowed"], str):
            extra.append(f"values: {row['allowed']}")
        tail = f" [{'; '.join(extra)}]" if extra else ""
        lines.append(f"  {row['column']} ({row['type']}): {row['description']}{tail}")
    lines += ["", "Cite the sources of a row with trilat_lessons.source_of(dataset, row_id)."]
    print("\n".join(lines))


def load_sources() -> pd.DataFrame:
    """Every cited document (seeds first). See ``info('sources')``."""
    return load("sources")


def load_leaders() -> pd.DataFrame:
    """U.S. presidents, Japanese prime ministers, ROK presidents 1989-2025."""
    return load("leaders")


def load_meetings() -> pd.DataFrame:
    """Trilateral meetings: Table 1 of seed000 plus gatherings named in the seeds' texts."""
    return load("meetings")


def load_events() -> pd.DataFrame:
    """Timeline of events the seeds discuss, with their effect on the triangle."""
    return load("events")


def load_opinion() -> pd.DataFrame:
    """Public-opinion figures printed in the seeds (tidy long form)."""
    return load("opinion")


def load_china_stances() -> pd.DataFrame:
    """How each government characterises China, with a short verbatim phrase."""
    return load("china_stances")


def load_obstacles() -> pd.DataFrame:
    """Obstacles to trilateral cooperation named in each seed, coded."""
    return load("obstacles")


def load_policy_options() -> pd.DataFrame:
    """Recommendations of seeds 002-004 with teaching-judgment scores."""
    return load("policy_options")


def load_policy_weights() -> pd.DataFrame:
    """Preset weights (U.S., Japan, ROK, balanced) for the weighing exercise."""
    return load("policy_weights")
