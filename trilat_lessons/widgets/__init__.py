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

# public name -> module that defines it (relative to this package): the explorers here, the pure
# functions behind them in ``analysis`` (reachable here as before, without importing ipywidgets)
_LAZY: dict[str, str] = {
    "chart_html": "_base",
    "TimelineExplorer": "timeline",
    "filter_meetings": "..analysis.meetings",
    "summarize_selection": "..analysis.meetings",
    "count_table": "..analysis.meetings",
    "OpinionExplorer": "opinion",
    "opinion_series": "..analysis.opinion",
    "select_opinion": "..analysis.opinion",
    "describe_opinion": "..analysis.opinion",
    "opinion_citation": "..analysis.opinion",
    "TriangleExplorer": "triangle",
    "TrianglePattern": "..analysis.triangle",
    "classify_triangle": "..analysis.triangle",
    "dyad_states_from_events": "..analysis.triangle",
    "PolicyWorkbench": "policy",
    "CRITERIA": "..codebook",
    "preset_weights": "..analysis.policy",
    "rank_options": "..analysis.policy",
    "compare_rankings": "..analysis.policy",
    "describe_ranking_change": "..analysis.policy",
    "Quiz": "quiz",
    "QuizResult": "quiz",
    "grade_choice": "quiz",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'trilat_lessons.widgets' has no attribute {name!r}")
    where = module if module.startswith(".") else f".{module}"
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.meetings import count_table, filter_meetings, summarize_selection  # noqa: F401
    from ..analysis.opinion import (  # noqa: F401
        describe_opinion,
        opinion_citation,
        opinion_series,
        select_opinion,
    )
    from ..analysis.policy import (  # noqa: F401
        compare_rankings,
        describe_ranking_change,
        preset_weights,
        rank_options,
    )
    from ..analysis.triangle import (  # noqa: F401
        TrianglePattern,
        classify_triangle,
        dyad_states_from_events,
    )
    from ..codebook import CRITERIA  # noqa: F401
    from ._base import chart_html  # noqa: F401
    from .opinion import OpinionExplorer  # noqa: F401
    from .policy import PolicyWorkbench  # noqa: F401
    from .quiz import Quiz, QuizResult, grade_choice  # noqa: F401
    from .timeline import TimelineExplorer  # noqa: F401
    from .triangle import TriangleExplorer  # noqa: F401
