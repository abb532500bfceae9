"""Interactive explorers for the lessons: thin ipywidgets shells over plain, testable functions.

    import trilat_lessons as tl
    tl.widgets.TimelineExplorer()          # display it as the last line of a cell
    tl.analysis.filter_meetings(df, level="leaders")  # the pure function behind it

Every explorer works offline (charts are inline SVG), exposes its state from Python (``.value``
and DataFrames such as ``.selection`` or ``.ranking``) and uses standard, labelled, focusable
controls, so it can be used with the keyboard alone.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> module that defines it (relative to this package): the explorers only; the pure
# functions behind them have one address, ``tl.analysis`` (the vocabularies: ``tl.schema``)
_LAZY: dict[str, str] = {
    "chart_html": "_base",
    "TimelineExplorer": "timeline",
    "OpinionExplorer": "opinion",
    "TriangleExplorer": "triangle",
    "PolicyWorkbench": "policy",
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
    from .opinion import OpinionExplorer  # noqa: F401
    from .policy import PolicyWorkbench  # noqa: F401
    from .quiz import Quiz, QuizResult, grade_choice  # noqa: F401
    from .timeline import TimelineExplorer  # noqa: F401
    from .triangle import TriangleExplorer  # noqa: F401
