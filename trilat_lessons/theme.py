"""The course's altair theme and colour-blind-safe palette (Okabe-Ito), one fixed colour per
country and per U.S. administration, so a colour means the same thing in every lesson."""

from __future__ import annotations

from typing import Any

# Okabe & Ito (2008) colour-blind-safe palette.
COUNTRY_COLORS: dict[str, str] = {
    "U.S.": "#0072B2",  # blue
    "Japan": "#D55E00",  # vermillion
    "ROK": "#009E73",  # bluish green
    "China": "#E69F00",  # orange
    "DPRK": "#CC79A7",  # reddish purple
}

ADMINISTRATION_COLORS: dict[str, str] = {
    "G. H. W. Bush": "#999999",
    "Clinton": "#56B4E9",
    "G. W. Bush": "#E69F00",
    "Obama": "#0072B2",
    "Trump (1st)": "#D55E00",
    "Biden": "#009E73",
    "Trump (2nd)": "#CC79A7",
}

FONT = "DejaVu Sans, Verdana, sans-serif"


def theme_config() -> dict[str, Any]:
    """The Vega-Lite config of the course theme."""
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"continuousWidth": 560, "continuousHeight": 300, "stroke": None},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#444"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "right"},
            "range": {"category": [*COUNTRY_COLORS.values(), "#56B4E9", "#F0E442"]},
        }
    }


def enable_theme() -> None:
    """Register (once) and enable the course theme in altair."""
    import altair as alt

    if "trilat" not in alt.theme.names():
        alt.theme.register("trilat", enable=False)(theme_config)
    alt.theme.enable("trilat")


# --- Ordered codes and their colours (shared by charts and widgets) ---------------------------

LEVEL_ORDER: list[str] = ["envoys/other", "vice/deputy ministers", "ministers", "leaders"]
"""Meeting levels, lowest to highest (the order of the ``level`` category in ``meetings``)."""

# A light-to-dark blue ramp: higher level = darker, readable without hue.
LEVEL_COLORS: dict[str, str] = {
    "envoys/other": "#c6dbef",
    "vice/deputy ministers": "#6baed6",
    "ministers": "#2171b5",
    "leaders": "#08306b",
}

EFFECT_ORDER: list[str] = ["strains", "neutral", "improves"]
"""How an event affected ties, as the source presents it."""

# Vermillion / grey / blue (Okabe-Ito); charts also vary the shape so colour is never the only cue.
EFFECT_COLORS: dict[str, str] = {"strains": "#D55E00", "neutral": "#999999", "improves": "#0072B2"}
EFFECT_SHAPES: dict[str, str] = {
    "strains": "triangle-down",
    "neutral": "circle",
    "improves": "triangle-up",
}

EVENT_CATEGORIES: list[str] = [
    "history",
    "territory",
    "security",
    "economy",
    "diplomacy",
    "China",
    "domestic politics",
]

# Stances towards China, from friendliest to most wary: a sequential orange ramp.
STANCE_COLORS: dict[str, str] = {
    "partner": "#fff2cc",
    "partner with caution": "#fdd49e",
    "concern": "#f08c3c",
    "challenge": "#b34700",
}

STATE_COLORS: dict[str, str] = {"amity": "#0072B2", "enmity": "#D55E00"}
"""Sides of the strategic triangle: amity blue, enmity vermillion, as improves/strains in
``EFFECT_COLORS``; the diagram also draws enmity dashed, so colour is never the only cue."""

DYADS: list[str] = ["U.S.–Japan", "U.S.–ROK", "Japan–ROK"]
"""The three sides of the triangle, spelled as in the ``events.dyads`` column (en dash)."""

COUNTRY_NAMES: dict[str, str] = {
    "U.S.": "the United States",
    "Japan": "Japan",
    "ROK": "South Korea",
    "China": "China",
    "DPRK": "North Korea",
}
"""Plain words for the country codes, for sentences."""

OTHER_COLOR = "#7f7f7f"
"""Colour for a value outside the fixed palettes (e.g. an administration not listed)."""


def color_scale_args(colors: dict[str, str], present: list[str] | None = None) -> dict[str, Any]:
    """Domain/range for ``alt.Scale`` so each value keeps its fixed colour in every chart."""
    domain = [k for k in colors if present is None or k in present]
    extra = [v for v in (present or []) if v not in colors]
    return {
        "domain": domain + extra,
        "range": [colors[k] for k in domain] + [OTHER_COLOR] * len(extra),
    }
