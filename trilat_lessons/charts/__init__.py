"""The course's charts: one builder per chart, each returning a small, accessible altair chart.

Every builder takes an optional DataFrame (default: the packaged dataset), so an exercise or a
widget can pass filtered rows. Data are aggregated in pandas first and only the columns a chart
uses go into its spec, which keeps specs small. Every chart has a title, plain-word axis titles
and a ``description`` (read by screen readers); tooltips carry place, context and source id,
which the offline renderer turns into hover titles.

    import trilat_lessons as tl
    tl.setup()
    tl.charts.meetings_timeline()

The charts the explorers redraw are built in two steps: a ``*_parts`` function does the pandas
work and returns :class:`ChartParts` (named datasets, the values the spec shows such as title,
description and scale domains, and the layout), and :func:`draw` turns parts into the altair
chart. The builder is the two in a row; an explorer draws once with markers in place of the
data and values (``draw(parts, placeholders=True)``) and afterwards only fills in new values.

The package has one module per topic (``meetings``, ``leaders``, ``events``, ``opinion``,
``stances``, ``obstacles``, ``policy``, ``triangle``) over ``_core`` (parts, drawing, helpers);
the analysis they draw comes from :mod:`trilat_lessons.analysis` (``tl.analysis.opinion_labels``
and the like live there, not here), never from the widgets.
"""

from __future__ import annotations

from ._core import (
    DATA_MARK,
    LINES,
    SLOT_MARK,
    ChartParts,
    chart_data,
    draw,
    wrap_label,
    year_axis,
)
from .events import events_timeline
from .leaders import leaders_timeline
from .meetings import (
    administration_terms,
    meetings_per_year,
    meetings_timeline,
    meetings_timeline_parts,
)
from .obstacles import obstacles_heatmap
from .opinion import (
    QUALIFIER_SHAPES,
    opinion_trends,
    opinion_trends_parts,
)
from .policy import policy_ranking, policy_ranking_parts
from .stances import china_stance_matrix
from .triangle import triangle_diagram, triangle_diagram_parts

__all__ = [
    "DATA_MARK",
    "LINES",
    "QUALIFIER_SHAPES",
    "SLOT_MARK",
    "ChartParts",
    "administration_terms",
    "chart_data",
    "china_stance_matrix",
    "draw",
    "events_timeline",
    "leaders_timeline",
    "meetings_per_year",
    "meetings_timeline",
    "meetings_timeline_parts",
    "obstacles_heatmap",
    "opinion_trends",
    "opinion_trends_parts",
    "policy_ranking",
    "policy_ranking_parts",
    "triangle_diagram",
    "triangle_diagram_parts",
    "wrap_label",
    "year_axis",
]
