"""Tools for writing exercise sets: misconceptions, accepted alternatives, hidden checks, helpers.

Used only in the instructor source's ``key`` and ``hidden`` cells (both removed from the student
release)::

    from trilat_lessons.exercises.authoring import accept, hidden, wrong

    wrong("q1", len(with_vice), "You counted vice-ministerial meetings too.")
    accept("q4", "Republic of Korea")

    @hidden("q5", "the counts match the clean data in every year", requires="in every year")
    def _(answer):
        return same_table(answer, expected_table)

``wrong``/``accept`` record values that ``trilat release`` hashes into the public key. ``hidden``
registers a check that ``trilat grade`` runs in the grader's own process on the exported answer;
run inside a notebook (e.g. by nbval on the instructor source) it checks the notebook's own answer
at once and prints one line, so the stored output proves the solution passes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..judge import (
    MISSING,
    AuthorRecord,
    HiddenCheck,
    RecordKind,
    canonical,
    decode,
    dtype_kind,
    export_value,
)
from ..judge.records import ColumnSpec, Expect, KeyQuestion

__all__ = [
    "HiddenCheck",
    "KeyCollector",
    "accept",
    "chart_encoding",
    "chart_table",
    "collecting",
    "hidden",
    "same_table",
    "same_value",
    "variant",
    "wrong",
]


@dataclass
class KeyCollector:
    """What the key and hidden cells of one instructor source declare, in call order: the
    ``wrong()``/``accept()``/``variant()`` records and the ``hidden()`` checks."""

    records: list[AuthorRecord] = field(default_factory=list)
    hidden: list[HiddenCheck] = field(default_factory=list)

    def add(self, kind: RecordKind, question: str, value: Any, message: str = "") -> None:
        """Record one value (exported, as the grader will see it) for ``question``."""
        self.records.append(AuthorRecord(kind, question, export_value(value), message))


# the collector the authoring calls append to; None (in a notebook): wrong()/accept()/variant()
# do nothing and hidden() checks the notebook's own answer at once
_ACTIVE: ContextVar[KeyCollector | None] = ContextVar("trilat_key_collector", default=None)


@contextmanager
def collecting(collector: KeyCollector | None = None) -> Iterator[KeyCollector]:
    """Collect the authoring calls made inside the ``with`` block (``trilat release`` and
    ``trilat grade`` run an instructor source's cells in one)::

        with collecting() as declared:
            exec(key_cell_code, namespace)
        declared.records, declared.hidden
    """
    active = collector if collector is not None else KeyCollector()
    token = _ACTIVE.set(active)
    try:
        yield active
    finally:
        _ACTIVE.reset(token)


def wrong(question: str, value: Any, message: str) -> None:
    """Record a common wrong answer to ``question`` and the misconception it reveals."""
    active = _ACTIVE.get()
    if active is not None:
        active.add("wrong", question, value, message)


def accept(question: str, value: Any) -> None:
    """Record another answer to ``question`` that counts as correct (e.g. a spelling variant)."""
    active = _ACTIVE.get()
    if active is not None:
        active.add("accept", question, value)


def variant(question: str, value: Any) -> None:
    """Record another correct answer, written differently (e.g. a chart built another way).

    Not added to the key: ``trilat release`` runs the public checks *and* the hidden checks on it
    and refuses the release when either fails, so ✅ from ``check()`` means full marks for the
    ways of answering the author foresaw.
    """
    active = _ACTIVE.get()
    if active is not None:
        active.add("variant", question, value)


def hidden(
    question: str, description: str, *, requires: str | None = None, weight: float = 1
) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Decorator: register a hidden check of ``question`` (function of the decoded answer).

    The function gets the student's answer as the grader sees it (numbers, strings, lists, a
    pandas DataFrame, or a chart's Vega-Lite dict) and returns True/None to pass, False to fail.
    ``description`` is shown to the student in feedback, so it must not give the answer away.
    ``requires`` quotes the words of the question text that tell the student what this check
    tests: ``trilat release`` refuses a hidden check without it, or whose phrase the question
    text does not contain (a ✅ from check() must not hide a requirement nobody stated).
    """

    def register(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
        check = HiddenCheck(question, description, float(weight), func, requires)
        active = _ACTIVE.get()
        if active is not None:
            active.hidden.append(check)
        else:
            _run_in_notebook(check)
        return func

    return register


def _run_in_notebook(check: HiddenCheck) -> None:
    """In a notebook: run the hidden check on this notebook's answer and print one line."""
    from ..judge import find_question, load_key

    variable = f"{check.question}_answer"
    try:
        from . import current_set

        set_id = current_set()
        key = load_key(set_id) if set_id else None
        q = find_question(key, check.question) if key else None
        if q:
            variable = q["variable"]
    except Exception:
        pass
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    ns: dict[str, Any] = shell.user_ns if shell is not None else sys._getframe(2).f_globals
    value = decode(export_value(ns.get(variable, MISSING)))
    verdict = "passes" if check.run(value) else "FAILS"
    print(f"hidden check of {check.question} ({check.description}): {verdict} on this notebook")


# ---------------------------------------------------------------------------- helpers for checks


def same_value(answer: Any, expected: Any, *, decimals: int = 2) -> bool:
    """True when two numbers/strings/lists agree after the public checks' normalisation."""
    exp = export_value(expected)
    kind = exp["type"]
    if kind == "list":
        items = exp.get("items", [])
        item = items[0].get("type", "str") if items else "str"
        spec: Expect = {
            "type": "list",
            "items": item,
            "ordered": True,
            "decimals": decimals,
        }
    else:
        spec = {"type": kind, "decimals": decimals}
    q: KeyQuestion = {"id": "q", "variable": "v", "expect": spec}
    a = canonical(q, export_value(answer))
    b = canonical(q, exp)
    return a[0] == b[0] == "ok" and a[1] == b[1]


def same_table(answer: Any, expected: Any, *, ordered: bool = False, decimals: int = 2) -> bool:
    """True when two DataFrames hold the same columns and values (row order ignored by default)."""
    exp = export_value(expected)
    if exp.get("type") != "DataFrame":
        return False
    columns = [
        ColumnSpec(name=c, kind=dtype_kind(d, [r[i] for r in exp["data"]]))
        for i, (c, d) in enumerate(zip(exp["columns"], exp["dtypes"], strict=True))
    ]
    spec: Expect = {
        "type": "DataFrame",
        "columns": columns,
        "ordered": ordered,
        "decimals": decimals,
    }
    q: KeyQuestion = {"id": "q", "variable": "v", "expect": spec}
    a = canonical(q, export_value(answer))
    b = canonical(q, exp)
    return a[0] == b[0] == "ok" and a[1] == b[1]


def chart_table(spec: dict[str, Any]) -> Any:
    """The inline data of a chart spec as a DataFrame (empty when the chart has none)."""
    import pandas as pd

    if not isinstance(spec, dict):
        return pd.DataFrame()
    data = spec.get("data") or {}
    values = data.get("values")
    if values is None and data.get("name"):
        values = (spec.get("datasets") or {}).get(data["name"])
    if values is None:
        for layer in spec.get("layer", []):
            found = chart_table({**layer, "datasets": spec.get("datasets")})
            if len(found):
                return found
        return pd.DataFrame()
    return pd.DataFrame(values)


def chart_encoding(spec: dict[str, Any], channel: str) -> dict[str, Any]:
    """One encoding channel of a (single-view or first-layer) chart spec, or {}."""
    if not isinstance(spec, dict):
        return {}
    enc = spec.get("encoding") or {}
    if channel in enc:
        return enc[channel]
    for layer in spec.get("layer", []):
        if channel in (layer.get("encoding") or {}):
            return layer["encoding"][channel]
    return {}
