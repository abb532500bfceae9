"""Interactive explorers for the lessons: thin ipywidgets shells over plain, testable functions.

    import trilat_lessons as tl
    tl.widgets.TimelineExplorer()          # display it as the last line of a cell
    tl.widgets.filter_meetings(df, level="leaders")   # the pure function behind it

Every explorer works offline (charts are inline SVG), exposes its state from Python (``.value``
and DataFrames such as ``.selection`` or ``.ranking``) and uses standard, labelled, focusable
controls, so it can be used with the keyboard alone.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> module in this package that defines it
_LAZY: dict[str, str] = {
    "chart_html": "_base",
    "TimelineExplorer": "timeline",
    "filter_meetings": "timeline",
    "summarize_selection": "timeline",
    "count_table": "timeline",
    "OpinionExplorer": "opinion",
    "opinion_series": "opinion",
    "select_opinion": "opinion",
    "describe_opinion": "opinion",
    "opinion_citation": "opinion",
    "TriangleExplorer": "triangle",
    "TrianglePattern": "triangle",
    "classify_triangle": "triangle",
    "dyad_states_from_events": "triangle",
    "PolicyWorkbench": "policy",
    "CRITERIA": "policy",
    "preset_weights": "policy",
    "rank_options": "policy",
    "compare_rankings": "policy",
    "describe_ranking_change": "policy",
    "Quiz": "quiz",
    "QuizResult": "quiz",
    "grade_choice": "quiz",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'trilat_lessons.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from ._base import chart_html  # noqa: F401
    from .opinion import (  # noqa: F401
        OpinionExplorer,
        describe_opinion,
        opinion_citation,
        opinion_series,
        select_opinion,
    )
    from .policy import (  # noqa: F401
        CRITERIA,
        PolicyWorkbench,
        compare_rankings,
        describe_ranking_change,
        preset_weights,
        rank_options,
    )
    from .quiz import Quiz, QuizResult, grade_choice  # noqa: F401
    from .timeline import (  # noqa: F401
        TimelineExplorer,
        count_table,
        filter_meetings,
        summarize_selection,
    )
    from .triangle import (  # noqa: F401
        TriangleExplorer,
        TrianglePattern,
        classify_triangle,
        dyad_states_from_events,
    )
