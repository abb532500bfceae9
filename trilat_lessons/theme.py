"""The course's altair theme and colour-blind-safe palette (Okabe-Ito), one fixed colour per
country and per U.S. administration, so a colour means the same thing in every lesson."""

from __future__ import annotations

from typing import Any

from .schema import COUNTRIES, EFFECTS, LEVELS, STANCES

# The palettes below are built on the codebook's codes (in its order, ``strict`` zips), so a code
# cannot be added, renamed or dropped there without its colour here failing at import.

# Okabe & Ito (2008) colour-blind-safe palette: U.S. blue, Japan vermillion, ROK bluish green,
# China orange, DPRK reddish purple.
COUNTRY_COLORS: dict[str, str] = {
    **dict(zip(COUNTRIES, ["#0072B2", "#D55E00", "#009E73"], strict=True)),
    "China": "#E69F00",
    "DPRK": "#CC79A7",
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

MIN_FONT_SIZE = 11
"""Smallest text in any chart, in px at 100% (charts are never scaled down: render.py)."""


THEME_NAME = "trilat"
"""The name the course theme is registered under in altair."""


def theme_config() -> dict[str, Any]:
    """The Vega-Lite config of the course theme."""
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"continuousWidth": 560, "continuousHeight": 300, "stroke": None},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#444"},
            "axis": {
                "labelFontSize": MIN_FONT_SIZE,
                "titleFontSize": 12,
                "gridColor": "#e6e6e6",
                "labelColor": "#333",
                "titleColor": "#222",
                "labelLimit": 0,  # never cut a label off with "…"
            },
            "legend": {
                "labelFontSize": MIN_FONT_SIZE,
                "titleFontSize": 12,
                "orient": "right",
                "labelLimit": 0,
                "labelColor": "#333",
            },
            "text": {"fontSize": MIN_FONT_SIZE},
            "range": {"category": [*COUNTRY_COLORS.values(), "#56B4E9", "#F0E442"]},
        }
    }


def enable_theme() -> None:
    """Register (once) and enable the course theme in altair."""
    import altair as alt

    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme_config)
    alt.theme.enable(THEME_NAME)


# --- Colours of the coded values (the codes themselves, and their order: ``schema``) ---------

# A light-to-dark blue ramp: higher level = darker, readable without hue.
LEVEL_COLORS: dict[str, str] = dict(
    zip(LEVELS, ["#c6dbef", "#6baed6", "#2171b5", "#08306b"], strict=True)
)

# Vermillion / grey / blue (Okabe-Ito); charts also vary the shape so colour is never the only cue.
EFFECT_COLORS: dict[str, str] = dict(zip(EFFECTS, ["#D55E00", "#999999", "#0072B2"], strict=True))
EFFECT_SHAPES: dict[str, str] = dict(
    zip(EFFECTS, ["triangle-down", "circle", "triangle-up"], strict=True)
)

# Stances towards China, from friendliest to most wary: a sequential orange ramp.
STANCE_COLORS: dict[str, str] = dict(
    zip(STANCES, ["#fff2cc", "#fdd49e", "#f08c3c", "#b34700"], strict=True)
)

STATE_COLORS: dict[str, str] = {"amity": "#0072B2", "enmity": "#D55E00"}
"""Sides of the strategic triangle: amity blue, enmity vermillion, as improves/strains in
``EFFECT_COLORS``; the diagram also draws enmity dashed, so colour is never the only cue."""

COUNTRY_NAMES: dict[str, str] = {
    **dict(zip(COUNTRIES, ["the United States", "Japan", "South Korea"], strict=True)),
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


# --- Text on colour: every chart text at 4.5:1 or more against what is behind it -------------


def _rgb(color: str) -> tuple[float, float, float]:
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return (int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16))


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(255, v))):02x}" for v in rgb)


def luminance(color: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""

    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(color)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def blend(color: str, opacity: float, under: str = "#ffffff") -> str:
    """``color`` drawn at ``opacity`` over ``under``."""
    top, bottom = _rgb(color), _rgb(under)
    r, g, b = (t * opacity + u * (1 - opacity) for t, u in zip(top, bottom, strict=True))
    return _hex((r, g, b))


def band_colors(colors: list[str], opacity: float) -> list[str]:
    """What translucent bands of ``colors`` look like on the white chart background."""
    return [blend(c, opacity) for c in colors]


def readable_text_color(
    color: str, backgrounds: list[str] | None = None, minimum: float = 4.6
) -> str:
    """``color``, darkened just enough for ``minimum`` contrast on white and on each background.

    Text drawn in a series colour (labels beside marks) keeps its hue but stays readable:
    WCAG asks 4.5:1 for normal text.
    """
    grounds = ["#ffffff", *(backgrounds or [])]
    for step in range(21):
        candidate = blend(color, 1 - step * 0.05, "#000000")
        if all(contrast(candidate, g) >= minimum for g in grounds):
            return candidate
    return "#000000"
