"""Canonical form of a chart answer (an altair chart's Vega-Lite spec): its structure (mark,
encodings and their order, title, description) and, for check()'s light export, a summary of its
table. None of it is secret, so a chart is judged on structure, never on a digest."""

from __future__ import annotations

import re
from typing import Any

from .describe import malformed
from .records import Exported, KeyQuestion, Outcome

CHANNEL_TYPES = {"Q": "quantitative", "O": "ordinal", "N": "nominal", "T": "temporal"}
TYPE_LETTER = {v: k for k, v in CHANNEL_TYPES.items()}


def parse_channel(text: str | dict[str, Any]) -> dict[str, Any]:
    """Parse an author's channel shorthand: ``"year:O"``, ``"count()"``, ``"sum(n):Q"``."""
    out: dict[str, Any]
    if isinstance(text, dict):
        out = dict(text)
        if "type" in out and len(out["type"]) == 1:
            out["type"] = CHANNEL_TYPES[out["type"].upper()]
        return out
    out = {}
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


# What works for a channel with a stated order (an ordered category): one text for both messages.
_ORDER_FIX = (
    " What works: the plain field name, '{field}' with no ':O' or ':N', so altair reads the "
    "ordered category (type and order) itself; or alt.{cls}('{field}:O', sort=[...]) with the "
    "order written out. A ':O' alone sorts the values alphabetically."
)


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
        treats = f"Your {ch} encoding treats {got.get('field') or 'it'!r} as {got.get('type')}"
        if "sort" in want:  # lead with what gives the type *and* the order: ':O' alone does not
            return f"{treats}, so it loses the stated order." + _ORDER_FIX.format(
                field=want.get("field") or got.get("field"), cls=ch.capitalize()
            )
        return f"{treats}; it should be {want['type']} (:{letter})."
    if "sort" in want:  # a stated order (e.g. an ordered category's): sort= or the scale domain
        given = got.get("sort") or (got.get("scale") or {}).get("domain")
        if not isinstance(given, list) or [str(x) for x in given] != list(want["sort"]):
            order = ", ".join(map(str, want["sort"]))
            return f"Your {ch} encoding does not run in the stated order ({order})." + (
                _ORDER_FIX.format(field=want.get("field") or got.get("field"), cls=ch.capitalize())
            )
    if "timeUnit" in want and got.get("timeUnit") != want["timeUnit"]:
        return f"Your {ch} encoding should use timeUnit {want['timeUnit']!r}."
    return None


def canon_chart(q: KeyQuestion, exported: Exported) -> tuple[str, Any]:
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
        return "bad", malformed(q, exported, tip)
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
    digests = got.get("digests")
    got_digests: dict[str, Any] = digests if isinstance(digests, dict) else {}
    for name, digest in (want.get("digests") or {}).items():
        if got_digests.get(name) != digest:
            return want.get("message") or f"The values of {name!r} in your chart's table differ."
    return None
