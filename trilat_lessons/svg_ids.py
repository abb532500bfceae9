"""Ids in a chart's SVG made unique per chart: Vega numbers them per process, so two charts
drawn by different processes (a cached SVG, a live one) would share them on one page."""

from __future__ import annotations

import re

_ID_OR_REF = re.compile(r'(\bid="|url\(#|\bhref="#)([^"()]+)')


def unique_ids(svg: str, key: str) -> str:
    """Prefix every ``id`` in a chart's SVG, and each reference to it (``url(#…)``,
    ``href="#…"``), with ``key`` (the spec's key, ``render.spec_key``): the same chart keeps
    the same ids (deterministic outputs), different charts never share one (no duplicate ids,
    no chart filled with another's gradient)."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if not ids:
        return svg
    prefix = f"trilat-{key[:12]}-"

    def repl(m: re.Match[str]) -> str:
        name = m.group(2)
        return f"{m.group(1)}{prefix}{name}" if name in ids else m.group(0)

    return _ID_OR_REF.sub(repl, svg)
