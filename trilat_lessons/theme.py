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
