"""Write trilat_lessons/svg_cache.json: vl-convert's SVG of the charts in render.CACHED_CHARTS.

Run after changing a chart builder, the theme or the data of a cached chart (the tests say so
when an entry is stale): ``.venv/bin/python scripts/svg_cache.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import vl_convert as vlc

import trilat_lessons as tl
from trilat_lessons import render


def build() -> dict[str, str]:
    """Spec key -> SVG for every cached chart, each spec taken as the renderer receives it."""
    tl.setup(quiet=True)
    out = {}
    for code in render.CACHED_CHARTS:
        chart = cached_chart(code)
        spec = chart if isinstance(chart, dict) else chart.to_dict()  # an explorer's spec
        out[render.spec_key(spec)] = vlc.vegalite_to_svg(spec)
    return out


def cached_chart(code: str) -> Any:
    """The chart that ``code`` (an entry of render.CACHED_CHARTS: our own fixed lines, the last
    one the chart, or an explorer's spec) makes, as the lesson makes it."""
    *lines, last = code.splitlines()
    names: dict[str, Any] = {"tl": tl}
    exec("\n".join(lines), names)
    return eval(last, names)


if __name__ == "__main__":
    path = Path(render.__file__).with_name(render.SVG_CACHE)
    path.write_text(json.dumps(build(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size} bytes)")
