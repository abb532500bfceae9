"""What the student is told about the form of an answer: its type in words, and the verdicts for
an answer of the wrong type (``malformed``) or not given yet (``not_attempted``)."""

from __future__ import annotations

from .records import Exported, KeyQuestion, Outcome

TYPE_WORDS = {
    "int": "a whole number (int)",
    "float": "a number",
    "str": "a short text (str)",
    "bool": "True or False (bool)",
    "list": "a list",
    "DataFrame": "a table (pandas DataFrame)",
    "chart": "an altair chart",
}


TIME_SPAN_TIP = "Use `.days` (or `/ pd.Timedelta(days=365.25)` for years) to turn it into a number."


def plural(n: int, word: str) -> str:
    """``1 value``, ``2 values``."""
    return f"{n} {word}{'s' * (n != 1)}"


def describe(exported: Exported) -> str:
    """How to name what the student gave, in words."""
    kind = exported.get("type")
    if kind == "int":
        return "a whole number (int)"
    if kind == "float":
        return "a decimal number (float)"
    if kind == "str":
        v = exported.get("value", "")
        return f"the text {v!r}" if len(v) <= 40 else f"a text of {len(v)} characters"
    if kind == "bool":
        return f"{exported.get('value')} (a bool)"
    if kind == "none":
        return "None"
    if kind == "list":
        n = len(exported.get("items", []))
        return f"a {exported.get('pytype', 'list')} of {plural(n, 'item')}"
    if kind == "dict":
        return "a dict"
    if kind == "DataFrame":
        rows, cols = len(exported.get("data", [])), len(exported.get("columns", []))
        return f"a DataFrame ({plural(rows, 'row')} x {plural(cols, 'column')})"
    if kind == "Series":
        return f"a Series of {plural(len(exported.get('data', [])), 'value')}"
    if kind in ("chart", "bad_chart"):
        return "an altair chart"
    if kind == "datetime":
        return "a date"
    if kind == "timedelta":
        return f"a time span ({exported.get('pytype', 'Timedelta')})"
    return f"an object of type {exported.get('pytype', 'unknown')}"


def malformed(q: KeyQuestion, exported: Exported, tip: str = "") -> Outcome:
    """The verdict for an answer of the wrong type: what was expected, what was given, a tip."""
    want = TYPE_WORDS.get(q["expect"]["type"], q["expect"]["type"])
    msg = f"{q['id']} expects {want}; you gave {describe(exported)}."
    return Outcome("malformed", msg + (f" {tip}" if tip else ""))


def not_attempted(q: KeyQuestion, exported: Exported) -> Outcome:
    """The verdict for an answer not given yet (variable missing, or still ``...``)."""
    var = q["variable"]
    if exported.get("type") == "missing":
        msg = f"{var} is not defined yet: write your answer in the answer cell, run it, then check."
    else:
        msg = f"Replace the ... in `{var} = ...` with your answer, run that cell, then check."
    return Outcome("not attempted", msg)
