"""trilat-lessons: a Jupyter course on U.S.-Japan-South Korea trilateral cooperation.

The public API is re-exported here lazily, so ``import trilat_lessons`` stays fast (pandas and
altair are imported only when a function that needs them is first used).

Start a notebook with::

    import trilat_lessons as tl
    tl.setup()                 # offline chart rendering + the course theme
    meetings = tl.load("meetings")
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__

# public name -> module that defines it (relative to this package)
_LAZY: dict[str, str] = {
    # offline rendering and theme
    "setup": "render",
    # datasets and sources
    "list_datasets": "datasets",
    "load": "datasets",
    "info": "datasets",
    "codebook": "datasets",
    "coverage": "datasets",
    "cleaning_log": "datasets",
    "load_sources": "datasets",
    "load_leaders": "datasets",
    "load_meetings": "datasets",
    "load_events": "datasets",
    "load_opinion": "datasets",
    "load_china_stances": "datasets",
    "load_obstacles": "datasets",
    "load_policy_options": "datasets",
    "load_policy_weights": "datasets",
    "cite": "sources",
    "source_of": "sources",
    "references": "sources",
    # student exercises
    "check": "exercises",
    "progress": "exercises",
}

# submodules reachable as attributes: tl.charts.meetings_timeline(...), tl.widgets.Quiz(...);
# only those present are listed: the student edition has no ``grading`` (instructor tools), and
# ``from trilat_lessons import *`` must work there too
_HERE = Path(__file__).parent
_SUBMODULES = {
    name
    for name in (
        "charts",
        "widgets",
        "datasets",
        "sources",
        "render",
        "exercises",
        "grading",
        "analysis",
        "schema",
    )
    if (_HERE / name).is_dir() or (_HERE / f"{name}.py").is_file()
}

__all__ = ["__version__", *sorted(_LAZY), *sorted(_SUBMODULES)]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'trilat_lessons' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # cache: later look-ups are plain attribute access
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers only
    from . import (  # noqa: F401
        analysis,
        charts,
        datasets,
        exercises,
        grading,
        render,
        schema,
        sources,
        widgets,
    )
    from .datasets import (  # noqa: F401
        cleaning_log,
        codebook,
        coverage,
        info,
        list_datasets,
        load,
        load_china_stances,
        load_events,
        load_leaders,
        load_meetings,
        load_obstacles,
        load_opinion,
        load_policy_options,
        load_policy_weights,
        load_sources,
    )
    from .exercises import check, progress  # noqa: F401
    from .render import setup  # noqa: F401
    from .sources import cite, references, source_of  # noqa: F401
