"""Public checks: judge an exported answer against a question's key without knowing the answer.

Values are normalised to a canonical text and compared as salted SHA-256 digests (the salt is the
set and question id, so equal answers to different questions hash differently). Common wrong
answers are recognised the same way and named; their messages are sealed with a key derived
from the wrong answer itself (``seal``), so the public key cannot be read for "every wrong choice
has a message, so the answer is the one without" until a student types that wrong answer.
Tables and charts are also checked on their structure (columns, kinds, row count; mark,
encodings and their order, title, description), which is not secret.
The same functions run in ``check()`` and in ``trilat grade``, on the same exported JSON.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, cast

from .chart import canon_chart
from .describe import TIME_SPAN_TIP, TYPE_WORDS, describe, malformed, not_attempted
from .records import Exported, KeyQuestion, Outcome
from .seal import digest, unseal
from .table import canon_table
from .text import norm_text, num_text

# ---------------------------------------------------------------------------- canonical forms


def canonical(q: KeyQuestion, exported: Exported) -> tuple[str, Any]:
    """Canonical text of a well-formed answer: ``("ok", text)``, else ``("bad", Outcome)``."""
    expect = q["expect"]
    want = expect["type"]
    kind = exported.get("type")
    if kind in ("missing", "placeholder"):
        return "bad", not_attempted(q, exported)
    if kind == "too_large":
        return "bad", Outcome(
            "malformed",
            f"Your answer is {exported.get('what')}: far too large to be the answer to {q['id']}.",
        )
    if kind == "unexportable":
        return "bad", Outcome(
            "malformed",
            f"Your answer ({exported.get('pytype')}) could not be read: {exported.get('error')}.",
        )
    if kind == "none":
        tip = (
            "Did you forget to assign your result? Methods called with inplace=True, and "
            "print(), return None."
        )
        return "bad", malformed(q, exported, tip)
    handler = _CANON.get(want)
    if handler is None:  # pragma: no cover - keys are validated at release
        return "bad", Outcome("malformed", f"{q['id']}: unknown answer type {want!r} in the key.")
    return handler(q, exported)


def _scalar_of(exported: Exported) -> bool:
    """True for a one-value Series/DataFrame (to suggest .iloc[0] / .item())."""
    kind = exported.get("type")
    if kind == "Series" and len(exported.get("data", [])) == 1:
        return True
    if kind == "DataFrame" and len(exported.get("data", [])) == 1:
        return len(exported["columns"]) == 1
    return False


def _canon_number(q: KeyQuestion, exported: Exported) -> tuple[str, Any]:
    want = q["expect"]["type"]
    kind = exported.get("type")
    if kind == "bool":
        return "bad", malformed(q, exported, "True/False is not a count or a measure.")
    if kind == "str":
        v = exported.get("value", "").strip().replace(",", "")
        if re.fullmatch(r"-?\d+(\.\d+)?", v):
            return "bad", malformed(q, exported, "Write the number without quotes.")
        return "bad", malformed(q, exported)
    if kind in ("Series", "DataFrame"):
        if _scalar_of(exported):
            tip = "Take the single value out of it, e.g. with .iloc[0] or .item()."
        elif kind == "DataFrame":
            tip = "len(df) counts the rows of a table."
        else:
            tip = (
                f"A Series holds many values; {q['id']} asks for one number (e.g. .sum() or len())."
            )
        if kind == "Series" and str(exported.get("dtype", "")).startswith("timedelta"):
            tip += " Its values are time spans: " + TIME_SPAN_TIP[0].lower() + TIME_SPAN_TIP[1:]
        return "bad", malformed(q, exported, tip)
    if kind == "timedelta":
        return "bad", malformed(q, exported, TIME_SPAN_TIP)
    if kind not in ("int", "float"):
        return "bad", malformed(q, exported)
    value: Any = exported.get("value")
    if isinstance(value, str):  # nan / inf
        return "bad", Outcome(
            "malformed",
            f"Your answer is {value}: a missing or infinite value, not a number. "
            "Check for empty selections or division by zero.",
        )
    if want == "int":
        if kind == "float" and float(value) != int(value):
            return "bad", malformed(q, exported, "This question counts things: no fractions.")
        return "ok", f"int:{int(value)}"
    decimals = int(q["expect"].get("decimals", 2))
    return "ok", f"num:{num_text(value, decimals)}"


def _canon_str(q: KeyQuestion, exported: Exported) -> tuple[str, Any]:
    kind = exported.get("type")
    if kind != "str":
        tip = 'Write it as text in quotes, e.g. "...".' if kind in ("int", "float") else ""
        if kind == "list" and len(exported.get("items", [])) == 1:
            tip = "Give the single text itself, not a list holding it."
        return "bad", malformed(q, exported, tip)
    text = norm_text(exported.get("value", ""))
    if not text:
        return "bad", Outcome("malformed", f"Your answer to {q['id']} is an empty text.")
    return "ok", f"str:{text}"


# Other names students type for a listed answer, as canonical texts (the data's own spelling wins).
_ALIASES = {
    "south korea": "rok",
    "republic of korea": "rok",
    "korea": "rok",
    "united states": "us",
    "united states of america": "us",
    "usa": "us",
    "america": "us",
}


def _near_choices(text: str, choices: list[str]) -> list[str]:
    """The listed choices a canonical text outside them most likely means, tried in order: the
    singular or plural, spaces for underscores ("china gap"), another name of the same country
    ("south korea" for "ROK"), the one choice named inside a longer answer ("fear of
    abandonment"), then a close spelling ("abandonement"). Empty when nothing is close."""
    canon = {norm_text(c): c for c in choices}

    def rule_hits(t: str, c: str, rule: int) -> bool:
        if rule == 0:
            return c in (t + "s", t.removesuffix("s"))
        if rule == 1:
            return c.replace("_", " ") == t.replace("_", " ")
        if rule == 2:
            return _ALIASES.get(t) == c
        return re.search(rf"(?<!\w){re.escape(c)}(?!\w)", t) is not None

    for rule in range(4):
        near = [orig for c, orig in canon.items() if rule_hits(text, c, rule)]
        if len(near) == 1:
            return near
    close = difflib.get_close_matches(text, list(canon), n=2, cutoff=0.8)
    return [canon[close[0]]] if len(close) == 1 else []


def outside_choices(q: KeyQuestion, canon: str) -> Outcome | None:
    """For a ``str`` question with ``choices``: the message when the canonical answer is none of
    them (checked after the accepted answers and known wrong answers, so an ``accept()``-ed
    spelling never gets it), else None. A well-formed text outside the list is a wrong answer,
    not a type problem: the student gave the right kind of thing, just not a listed one."""
    choices = q["expect"].get("choices")
    if not choices or not canon.startswith("str:"):
        return None
    if canon[4:] in {norm_text(c) for c in choices}:
        return None
    listed = ", ".join(repr(c) for c in choices)
    text = canon[4:]
    near = _near_choices(text, choices)
    if near:  # a spelling of a listed answer: say which listed spelling was meant
        return Outcome(
            "incorrect",
            f"{q['id']}: not one of the choices: did you mean {near[0]!r}? Copy the spelling from "
            f"the list: {listed}.",
        )
    return Outcome("incorrect", f"{q['id']}: not one of the choices: {listed}.")


def _canon_bool(q: KeyQuestion, exported: Exported) -> tuple[str, Any]:
    if exported.get("type") != "bool":
        tip = "Write True or False without quotes." if exported.get("type") == "str" else ""
        return "bad", malformed(q, exported, tip)
    return "ok", f"bool:{bool(exported.get('value'))}"


def _item_canon(expect_item: str, e: Exported, decimals: int) -> str | None:
    kind = e.get("type")
    if expect_item == "str" and kind == "str":
        return norm_text(e.get("value", ""))
    if expect_item in ("int", "float") and kind in ("int", "float"):
        v: Any = e.get("value")
        if isinstance(v, str):
            return None
        if expect_item == "int" and float(v) != int(v):
            return None
        return num_text(v, decimals)
    if expect_item == "bool" and kind == "bool":
        return str(e.get("value"))
    return None


LIST_TIPS = {
    "str": 'Put each item in quotes inside square brackets, e.g. ["a", "b"].',
    "int": "Put the numbers inside square brackets, without quotes, e.g. [2015, 2019].",
    "float": "Put the numbers inside square brackets, without quotes, e.g. [1.5, 2.25].",
    "bool": "Put True or False inside square brackets, without quotes, e.g. [True, False].",
}


def _canon_list(q: KeyQuestion, exported: Exported) -> tuple[str, Any]:
    expect = q["expect"]
    kind = exported.get("type")
    items: list[Exported]
    if kind == "list":
        items = exported.get("items", [])
    elif kind == "Series":
        items = [_plain_to_export(v) for v in exported.get("data", [])]
    else:
        item_type = expect.get("items", "str")
        tip = LIST_TIPS.get(item_type, "") if kind == "str" else ""
        return "bad", malformed(q, exported, tip)
    item_type = expect.get("items", "str")
    decimals = int(expect.get("decimals", 2))
    canon = []
    for i, e in enumerate(items):
        c = _item_canon(item_type, e, decimals)
        if c is None:
            want = TYPE_WORDS.get(item_type, item_type)
            msg = (
                f"Item {i + 1} of your list is {describe(e)}; each item of {q['id']} should be "
                f"{want}."
            )
            if e.get("type") == "timedelta" and item_type in ("int", "float"):
                msg += " " + TIME_SPAN_TIP
            elif e.get("type") == "str" and item_type != "str":
                msg += " " + LIST_TIPS.get(item_type, "")
            return "bad", Outcome("malformed", msg.rstrip())
        canon.append(c)
    if expect.get("length") is not None and len(canon) != expect["length"]:
        n = expect["length"]
        return "bad", Outcome(
            "incorrect", f"{q['id']} expects {n} item{'s' * (n != 1)}; your list has {len(canon)}."
        )
    if not expect.get("ordered", False):
        canon.sort()
    return "ok", "list:" + json.dumps(canon, ensure_ascii=False)


def _plain_to_export(v: Any) -> Exported:
    if isinstance(v, bool):
        return {"type": "bool", "value": v}
    if isinstance(v, int):
        return {"type": "int", "value": v}
    if isinstance(v, float):
        return {"type": "float", "value": v}
    if isinstance(v, str):
        return {"type": "str", "value": v}
    return {"type": "none"}


_CANON = {
    "int": _canon_number,
    "float": _canon_number,
    "str": _canon_str,
    "bool": _canon_bool,
    "list": _canon_list,
    "DataFrame": canon_table,
    "chart": canon_chart,
}


# ---------------------------------------------------------------------------- verdict


def evaluate(set_id: str, q: KeyQuestion, exported: Exported) -> Outcome:
    """Run the public checks of question ``q`` (a key entry) on one exported answer."""
    if q.get("kind") == "manual":
        return Outcome("manual", "Graded by your instructor from your written answer.")
    status, result = canonical(q, exported)
    if status != "ok":
        return cast(Outcome, result)
    if q["expect"]["type"] == "chart":
        return Outcome("correct", "")
    d = digest(set_id, q["id"], result)
    if d in q.get("answers", []):
        return Outcome("correct", "")
    for w in q.get("wrong", []):
        if d == w["digest"]:
            if "sealed" in w:
                return Outcome("incorrect", unseal(set_id, q["id"], result, w["sealed"]))
            return Outcome("incorrect", str(w.get("message", "")))
    off_list = outside_choices(q, result)
    if off_list is not None:
        return off_list
    return Outcome("incorrect", fallback(q))


def fallback(q: KeyQuestion) -> str:
    """The message for a wrong answer no ``wrong()`` entry foresaw: the key's ``recheck`` text
    (the one thing to re-check: a filter, a year range, a column), else its hint."""
    if q.get("recheck"):
        return f"Not the expected answer yet. Re-check {q['recheck']}"
    return q.get("hint") or "Not the expected answer yet: re-check each step of your answer."
