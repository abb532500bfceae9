"""The analysis behind the explorers, charts and exercises: plain functions over DataFrames.

These modules import neither the widgets nor the charts (nor ipywidgets or altair), so an
exercise or a test can use them alone; the widgets are thin shells over them and the charts
draw what they compute. One module per topic:

- ``meetings``: filter and count the trilateral meetings (TimelineExplorer);
- ``opinion``: survey figures in words, series and selections (OpinionExplorer);
- ``triangle``: the strategic-triangle patterns and the sides the events suggest;
- ``policy``: rank the policy options by weighted criteria and compare perspectives;
- ``alliance``: events per U.S. administration (lesson 05's alliance lenses);
- ``frames``: small pandas helpers the charts share.

    import trilat_lessons as tl
    tl.analysis.rank_options(tl.load("policy_options"), {"cost": 1, "feasibility": 2})
"""

from __future__ import annotations

from .alliance import OUTSIDE, SPANS_A_CHANGE, events_by_administration
from .frames import ALL
from .meetings import count_table, filter_meetings, summarize_selection
from .opinion import (
    describe_opinion,
    opinion_citation,
    opinion_labels,
    opinion_periods,
    opinion_series,
    opinion_when,
    select_opinion,
)
from .policy import (
    compare_rankings,
    describe_ranking_change,
    full_labels,
    preset_weights,
    rank_options,
)
from .triangle import (
    AMITY,
    ENMITY,
    TrianglePattern,
    classify_triangle,
    dyad_states_from_events,
    normalize_state,
)

__all__ = [
    "ALL",
    "AMITY",
    "ENMITY",
    "OUTSIDE",
    "SPANS_A_CHANGE",
    "TrianglePattern",
    "classify_triangle",
    "compare_rankings",
    "count_table",
    "describe_opinion",
    "describe_ranking_change",
    "dyad_states_from_events",
    "events_by_administration",
    "filter_meetings",
    "full_labels",
    "normalize_state",
    "opinion_citation",
    "opinion_labels",
    "opinion_periods",
    "opinion_series",
    "opinion_when",
    "preset_weights",
    "rank_options",
    "select_opinion",
    "summarize_selection",
]
