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

import base64
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

TYPE_WORDS = {
    "int": "a whole number (int)",
    "float": "a number",
    "str": "a short text (str)",
    "bool": "True or False (bool)",
    "list": "a list",
    "DataFrame": "a table (pandas DataFrame)",
    "chart": "an altair chart",
}

CHANNEL_TYPES = {"Q": "quantitative", "O": "ordinal", "N": "nominal", "T": "temporal"}
TYPE_LETTER = {v: k for k, v in CHANNEL_TYPES.items()}


@dataclass
class Outcome:
    """The verdict of the public checks on one answer."""

    status: str  # correct | incorrect | malformed | not attempted | manual
    message: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every public check passes."""
        return self.status == "correct"


# ---------------------------------------------------------------------------- hashing


def digest(set_id: str, question: str, canonical: str) -> str:
    """Salted digest of a canonical answer (salt: set and question id)."""
    return hashlib.sha256(f"trilat|{set_id}|{question}|{canonical}".encode()).hexdigest()


def _keystream(set_id: str, question: str, canonical: str, size: int) -> bytes:
    seed = f"trilat-message|{set_id}|{question}|{canonical}|"
    blocks = (hashlib.sha256(f"{seed}{i}".encode()).digest() for i in range(size // 32 + 1))
    return b"".join(blocks)[:size]


def seal(set_id: str, question: str, canonical: str, message: str) -> str:
    """A ``wrong()`` message encrypted with a key derived from its (salted) wrong answer."""
    data = message.encode()
    ks = _keystream(set_id, question, canonical, len(data))
    return base64.b64encode(bytes(a ^ b for a, b in zip(data, ks, strict=True))).decode()


def unseal(set_id: str, question: str, canonical: str, sealed: str) -> str:
    """The message ``seal`` stored, given the answer that opens it (undecodable: a plain note)."""
    try:
        data = base64.b64decode(sealed, validate=True)
        ks = _keystream(set_id, question, canonical, len(data))
        return bytes(a ^ b for a, b in zip(data, ks, strict=True)).decode()
    except (ValueError, UnicodeDecodeError):
        return "Not the expected answer yet."


# combining marks of Latin, Greek and Cyrillic accents (not the kana voicing marks U+3099/309A,
# which change a Japanese word, and not Hangul jamo, which NFC puts back together)
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"}
)
_SEPARATORS = "/\\\u2212"  # like dashes, these stand between words: "Dokdo/Takeshima"


def _punctuation(ch: str) -> str:
    """What a character becomes in the canonical text: dashes and slashes separate words, other
    punctuation (dots, commas, quotes, brackets, ...) is dropped; underscores and the rest stay."""
    if ch.isalnum() or ch.isspace() or ch == "_":
        return ch
    cat = unicodedata.category(ch)
    if cat == "Pd" or ch in _SEPARATORS:
        return " "
    if cat[0] == "P" or ch in "`\u00b4":
        return ""
    return ch


def norm_text(s: str) -> str:
    """Normalise free text for comparison: width, case, accents, punctuation, spacing.

    ``"Ménage à trois"``, ``"menage a trois"`` and ``" MENAGE-A-TROIS. "`` give the same text.
    """
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", s).casefold())
    s = unicodedata.normalize("NFC", _ACCENTS.sub("", s)).translate(_LETTERS)
    s = "".join(_punctuation(ch) for ch in s)
    return re.sub(r"\s+", " ", s).strip()


def _num_text(x: float, decimals: int) -> str:
    r = round(float(x), decimals)
    if r == int(r) and abs(r) < 1e15:
        return str(int(r))
    text = f"{r:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ---------------------------------------------------------------------------- describing

TIME_SPAN_TIP = "Use `.days` (or `/ pd.Timedelta(days=365.25)` for years) to turn it into a number."


def plural(n: int, word: str) -> str:
    """``1 value``, ``2 values``."""
    return f"{n} {word}{'s' * (n != 1)}"


def describe(exported: dict[str, Any]) -> str:
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


def _malformed(q: dict[str, Any], exported: dict[str, Any], tip: str = "") -> Outcome:
    want = TYPE_WORDS.get(q["expect"]["type"], q["expect"]["type"])
    msg = f"{q['id']} expects {want}; you gave {describe(exported)}."
    return Outcome("malformed", msg + (f" {tip}" if tip else ""))


def _not_attempted(q: dict[str, Any], exported: dict[str, Any]) -> Outcome:
    var = q["variable"]
    if exported.get("type") == "missing":
        msg = f"{var} is not defined yet: write your answer in the answer cell, run it, then check."
    else:
        msg = f"Replace the ... in `{var} = ...` with your answer, run that cell, then check."
    return Outcome("not attempted", msg)


# ---------------------------------------------------------------------------- canonical forms


def canonical(q: dict[str, Any], exported: dict[str, Any]) -> tuple[str, Any]:
    """Canonical text of a well-formed answer: ``("ok", text)``, else ``("bad", Outcome)``."""
    expect = q["expect"]
    want = expect["type"]
    kind = exported.get("type")
    if kind in ("missing", "placeholder"):
        return "bad", _not_attempted(q, exported)
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
        return "bad", _malformed(q, exported, tip)
    handler = _CANON.get(want)
    if handler is None:  # pragma: no cover - keys are validated at release
        return "bad", Outcome("malformed", f"{q['id']}: unknown answer type {want!r} in the key.")
    return handler(q, exported)


def _scalar_of(exported: dict[str, Any]) -> dict[str, Any] | None:
    """A one-value Series/DataFrame/list, unwrapped (to suggest .iloc[0] / .item())."""
    kind = exported.get("type")
    if kind == "Series" and len(exported.get("data", [])) == 1:
        return {"type": "one"}
    if kind == "DataFrame" and len(exported.get("data", [])) == 1 and len(exported["columns"]) == 1:
        return {"type": "one"}
    return None


def _canon_number(q: dict[str, Any], exported: dict[str, Any]) -> tuple[str, Any]:
    want = q["expect"]["type"]
    kind = exported.get("type")
    if kind == "bool":
        return "bad", _malformed(q, exported, "True/False is not a count or a measure.")
    if kind == "str":
        v = exported.get("value", "").strip().replace(",", "")
        if re.fullmatch(r"-?\d+(\.\d+)?", v):
            return "bad", _malformed(q, exported, "Write the number without quotes.")
        return "bad", _malformed(q, exported)
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
        return "bad", _malformed(q, exported, tip)
    if kind == "timedelta":
        return "bad", _malformed(q, exported, TIME_SPAN_TIP)
    if kind not in ("int", "float"):
        return "bad", _malformed(q, exported)
    value = exported.get("value")
    if isinstance(value, str):  # nan / inf
        return "bad", Outcome(
            "malformed",
            f"Your answer is {value}: a missing or infinite value, not a number. "
            "Check for empty selections or division by zero.",
        )
    if want == "int":
        if kind == "float" and float(value) != int(value):
            return "bad", _malformed(q, exported, "This question counts things: no fractions.")
        return "ok", f"int:{int(value)}"
    decimals = int(q["expect"].get("decimals", 2))
    return "ok", f"num:{_num_text(value, decimals)}"


def _canon_str(q: dict[str, Any], exported: dict[str, Any]) -> tuple[str, Any]:
    kind = exported.get("type")
    if kind != "str":
        tip = 'Write it as text in quotes, e.g. "...".' if kind in ("int", "float") else ""
        if kind == "list" and len(exported.get("items", [])) == 1:
            tip = "Give the single text itself, not a list holding it."
        return "bad", _malformed(q, exported, tip)
    text = norm_text(exported.get("value", ""))
    if not text:
        return "bad", Outcome("malformed", f"Your answer to {q['id']} is an empty text.")
    return "ok", f"str:{text}"


def outside_choices(q: dict[str, Any], canon: str) -> Outcome | None:
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
    near = [c for c in choices if norm_text(c) in (text + "s", text.removesuffix("s"))]
    if near:  # singular for plural or the reverse: say which listed spelling was meant
        return Outcome(
            "incorrect",
            f"{q['id']}: not one of the choices: did you mean {near[0]!r}? Copy the spelling from "
            f"the list: {listed}.",
        )
    return Outcome("incorrect", f"{q['id']}: not one of the choices: {listed}.")


def _canon_bool(q: dict[str, Any], exported: dict[str, Any]) -> tuple[str, Any]:
    if exported.get("type") != "bool":
        tip = "Write True or False without quotes." if exported.get("type") == "str" else ""
        return "bad", _malformed(q, exported, tip)
    return "ok", f"bool:{bool(exported.get('value'))}"


def _item_canon(expect_item: str, e: dict[str, Any], decimals: int) -> str | None:
    kind = e.get("type")
    if expect_item == "str" and kind == "str":
        return norm_text(e.get("value", ""))
    if expect_item in ("int", "float") and kind in ("int", "float"):
        v = e.get("value")
        if isinstance(v, str):
            return None
        if expect_item == "int" and float(v) != int(v):
            return None
        return _num_text(v, decimals)
    if expect_item == "bool" and kind == "bool":
        return str(e.get("value"))
    return None


LIST_TIPS = {
    "str": 'Put each item in quotes inside square brackets, e.g. ["a", "b"].',
    "int": "Put the numbers inside square brackets, without quotes, e.g. [2015, 2019].",
    "float": "Put the numbers inside square brackets, without quotes, e.g. [1.5, 2.25].",
    "bool": "Put True or False inside square brackets, without quotes, e.g. [True, False].",
}


def _canon_list(q: dict[str, Any], exported: dict[str, Any]) -> tuple[str, Any]:
    expect = q["expect"]
    kind = exported.get("type")
    items: list[dict[str, Any]]
    if kind == "list":
        items = exported.get("items", [])
    elif kind == "Series":
        items = [_plain_to_export(v) for v in exported.get("data", [])]
    else:
        item_type = expect.get("items", "str")
        tip = LIST_TIPS.get(item_type, "") if kind == "str" else ""
        return "bad", _malformed(q, exported, tip)
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


def _plain_to_export(v: Any) -> dict[str, Any]:
    if isinstance(v, bool):
        return {"type": "bool", "value": v}
    if isinstance(v, int):
        return {"type": "int", "value": v}
    if isinstance(v, float):
        return {"type": "float", "value": v}
    if isinstance(v, str):
        return {"type": "str", "value": v}
    return {"type": "none"}


# ---------------------------------------------------------------------------- tables


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
        return _num_text(v, decimals)
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


def _one_column_off(expect: dict[str, Any], exported: dict[str, Any], want: str, got: str) -> str:
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


def _canon_table(q: dict[str, Any], exported: dict[str, Any]) -> tuple[str, Any]:
    expect = q["expect"]
    kind = exported.get("type")
    qid = q["id"]
    if kind == "Series":
        tip = (
            "Tip: .reset_index() turns a grouped Series into a table, with a column for each "
            "group key (name the counts with .reset_index(name=...))."
        )
        return "bad", _malformed(q, exported, tip)
    if kind != "DataFrame":
        return "bad", _malformed(q, exported)
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


# ---------------------------------------------------------------------------- charts


def parse_channel(text: str | dict[str, Any]) -> dict[str, Any]:
    """Parse an author's channel shorthand: ``"year:O"``, ``"count()"``, ``"sum(n):Q"``."""
    if isinstance(text, dict):
        out = dict(text)
        if "type" in out and len(out["type"]) == 1:
            out["type"] = CHANNEL_TYPES[out["type"].upper()]
        return out
    out: dict[str, Any] = {}
    body, _, letter = text.partition(":")
    if letter:
        out["type"] = CHANNEL_TYPES[letter.upper()]
    m = re.fullmatch(r"(\w+)\((\w*)\)", body)
    if m:
        out["aggregate"] = m.group(1)
        if m.group(2):
            out["field"] = m.group(2)
    elif body:
        out["field"] = body
    return out


def _views(spec: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The single views of a chart spec (a layer gives several); None for compound charts."""
    if any(k in spec for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
        return None
    if "layer" in spec:
        views = []
        for layer in spec["layer"]:
            if not isinstance(layer, dict):
                continue
            enc = {**spec.get("encoding", {}), **layer.get("encoding", {})}
            views.append({**layer, "encoding": enc})
        return views
    return [spec]


def mark_type(view: dict[str, Any]) -> str | None:
    """The mark type of a single-view spec."""
    mark = view.get("mark")
    if isinstance(mark, dict):
        return mark.get("type")
    return mark


def _title_text(spec: dict[str, Any]) -> str:
    t = spec.get("title")
    if isinstance(t, dict):
        t = t.get("text")
    if isinstance(t, list):
        t = " ".join(str(x) for x in t)
    return str(t or "").strip()


def _channel_problems(ch: str, want: dict[str, Any], got: Any) -> str | None:
    if not isinstance(got, dict):
        what = want.get("field") or want.get("aggregate") or "a field"
        return f"Your chart has no {ch} encoding; {ch} should show {what!r}."
    if "field" in want:
        gf = got.get("field")
        if isinstance(gf, dict) or gf != want["field"]:
            shown = gf if isinstance(gf, str) else "something else"
            if gf is None and got.get("aggregate"):
                shown = f"{got['aggregate']}()"
            return f"Your {ch} encoding shows {shown!r}; it should show {want['field']!r}."
    if "aggregate" in want and got.get("aggregate") != want["aggregate"]:
        return (
            f"Your {ch} encoding should be the {want['aggregate']} "
            f"({want['aggregate']}() in altair); yours is "
            f"{got.get('aggregate') or 'not aggregated'}."
        )
    if "type" in want and got.get("type") and got.get("type") != want["type"]:
        letter = TYPE_LETTER.get(want["type"], "?")
        return (
            f"Your {ch} encoding treats {got.get('field') or 'it'!r} as {got.get('type')}; "
            f"it should be {want['type']} (:{letter})."
        )
    if "sort" in want:  # a stated order (e.g. an ordered category's): sort= or the scale domain
        given = got.get("sort") or (got.get("scale") or {}).get("domain")
        if not isinstance(given, list) or [str(x) for x in given] != list(want["sort"]):
            order = ", ".join(map(str, want["sort"]))
            return (
                f"Your {ch} encoding does not run in the stated order ({order}): write the plain "
                f"field name so altair reads the ordered category, or give sort=[...] yourself."
            )
    if "timeUnit" in want and got.get("timeUnit") != want["timeUnit"]:
        return f"Your {ch} encoding should use timeUnit {want['timeUnit']!r}."
    return None


def _canon_chart(q: dict[str, Any], exported: dict[str, Any]) -> tuple[str, Any]:
    expect = q["expect"]
    kind = exported.get("type")
    if kind == "bad_chart":
        return "bad", Outcome(
            "malformed",
            f"Your chart could not be turned into a chart spec: {exported.get('error')}",
        )
    if kind != "chart":
        tip = ""
        if kind == "DataFrame":
            tip = "Build the chart from it: alt.Chart(your_table).mark_...().encode(...)."
        return "bad", _malformed(q, exported, tip)
    spec = exported.get("spec") or {}
    views = _views(spec)
    if views is None:
        return "bad", Outcome(
            "incorrect", f"{q['id']} expects one chart, not several charts joined or faceted."
        )
    best: list[str] | None = None
    for view in views:
        problems: list[str] = []
        want_mark = expect.get("mark")
        got_mark = mark_type(view)
        if want_mark and got_mark != want_mark:
            problems.append(
                f"{q['id']} asks for a {want_mark} chart (mark_{want_mark}); "
                f"yours uses mark_{got_mark}."
            )
        enc = view.get("encoding") or {}
        for ch, want in expect.get("encoding", {}).items():
            p = _channel_problems(ch, want, enc.get(ch))
            if p:
                problems.append(p)
        if best is None or len(problems) < len(best):
            best = problems
    problems = best or []
    if expect.get("title") and not _title_text(spec):
        problems.append('Give the chart a title: alt.Chart(..., title="...").')
    if expect.get("description") and not str(spec.get("description") or "").strip():
        problems.append(
            'Give the chart a description (alt.Chart(..., description="...")): screen readers '
            "read it to people who cannot see the chart."
        )
    if problems:
        shown = problems[:3]
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        return "bad", Outcome("incorrect", "Almost: " + " ".join(shown) + more)
    data_problem = _chart_data_problem(expect.get("data"), spec)
    if data_problem:
        return "bad", Outcome("incorrect", data_problem)
    return "ok", "chart"


def _chart_data_problem(want: Any, spec: dict[str, Any]) -> str | None:
    """Compare a light chart's table summary (``usermeta``, see ``export_value``) with the key's.

    Full exports (the grader's) carry no summary: their hidden checks read the data itself."""
    meta = spec.get("usermeta")
    got = meta.get("trilat_data") if isinstance(meta, dict) else None
    if not isinstance(want, dict) or not isinstance(got, dict):
        return None
    if got.get("rows") != want.get("rows"):
        return f"The chart's table has {got.get('rows')} rows; " + (
            want.get("rows_message") or "the chart should be drawn from a different table."
        )
    got_digests = got.get("digests") if isinstance(got.get("digests"), dict) else {}
    for name, digest in (want.get("digests") or {}).items():
        if got_digests.get(name) != digest:
            return want.get("message") or f"The values of {name!r} in your chart's table differ."
    return None


_CANON = {
    "int": _canon_number,
    "float": _canon_number,
    "str": _canon_str,
    "bool": _canon_bool,
    "list": _canon_list,
    "DataFrame": _canon_table,
    "chart": _canon_chart,
}


# ---------------------------------------------------------------------------- verdict


def evaluate(set_id: str, q: dict[str, Any], exported: dict[str, Any]) -> Outcome:
    """Run the public checks of question ``q`` (a key entry) on one exported answer."""
    if q.get("kind") == "manual":
        return Outcome("manual", "Graded by your instructor from your written answer.")
    status, result = canonical(q, exported)
    if status != "ok":
        return result
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


def fallback(q: dict[str, Any]) -> str:
    """The message for a wrong answer no ``wrong()`` entry foresaw: the key's ``recheck`` text
    (the one thing to re-check: a filter, a year range, a column), else its hint."""
    if q.get("recheck"):
        return f"Not the expected answer yet. Re-check {q['recheck']}"
    return q.get("hint") or "Not the expected answer yet: re-check each step of your answer."
