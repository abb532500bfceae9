"""Shared pieces of the explorers: chart → inline SVG HTML, tables, labelled controls."""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import pandas as pd

CONTROL_STYLE = {"description_width": "initial"}
"""Show each control's full label (ipywidgets truncates long descriptions otherwise)."""


def load_default(df: pd.DataFrame | None, name: str) -> pd.DataFrame:
    """The frame passed in, or the packaged dataset ``name``."""
    if df is not None:
        return df
    from ..datasets import load

    return load(name)


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec in the course theme, whatever altair theme is active."""
    import altair as alt

    from ..theme import theme_config

    spec = chart.to_dict(validate=False)
    if alt.theme.active != "trilat":
        spec["config"] = {**theme_config()["config"], **_own_config(chart)}
    return spec


def _own_config(chart: alt.TopLevelMixin) -> dict[str, Any]:
    config = getattr(chart, "config", None)
    if config is None or type(config).__name__ == "UndefinedType":
        return {}
    return config.to_dict(validate=False)


@lru_cache(maxsize=128)
def _svg(spec_json: str) -> str:
    from ..render import spec_to_svg

    return spec_to_svg(json.loads(spec_json))


def chart_html(chart: alt.TopLevelMixin) -> str:
    """A chart as inline, accessible SVG inside a ``<figure>`` (what the explorers display)."""
    svg = _svg(json.dumps(chart_spec(chart), sort_keys=True))
    return f'<figure class="trilat-chart" style="margin:0">{svg}</figure>'


def table_html(df: pd.DataFrame, caption: str, *, index: bool = True) -> str:
    """A small DataFrame as an HTML table with a caption (screen readers announce it)."""
    body = df.to_html(index=index, border=0, classes="trilat-table", na_rep="")
    caption_html = (
        f"<caption style='text-align:left;font-weight:bold'>{html.escape(caption)}</caption>"
    )
    body = re.sub(
        r"<table\b[^>]*>",
        lambda m: (
            '<table class="dataframe trilat-table" style="border-collapse:collapse">' + caption_html
        ),
        body,
        count=1,
    )
    return body


def paragraph(text: str, *, role: str | None = "status") -> str:
    """Text as an HTML paragraph; ``role=status`` makes screen readers announce updates."""
    attr = f' role="{role}" aria-live="polite"' if role else ""
    return f"<p{attr}>{html.escape(text)}</p>"
