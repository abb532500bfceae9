"""Write trilat_lessons/svg_cache.json: vl-convert's SVG of the charts in render.CACHED_CHARTS.

Run after changing a chart builder, the theme or the data of a cached chart (the tests say so
when an entry is stale): ``.venv/bin/python scripts/svg_cache.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import vl_convert as vlc

import trilat_lessons as tl
from trilat_lessons import render


def build() -> dict[str, str]:
    """Spec key -> SVG for every cached chart, each spec taken as the renderer receives it."""
    tl.setup(quiet=True)
    out = {}
    for call in render.CACHED_CHARTS:
        spec = eval(call, {"tl": tl}).to_dict()  # our own fixed expressions
        out[render.spec_key(spec)] = vlc.vegalite_to_svg(spec)
    return out


if __name__ == "__main__":
    path = Path(render.__file__).with_name(render.SVG_CACHE)
    path.write_text(json.dumps(build(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size} bytes)")
