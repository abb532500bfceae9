"""Instructor side of the exercises: ``trilat release`` and ``trilat grade``.

See docs/grading.md for the authoring format, the grading model and its guarantees.
"""

from __future__ import annotations

__all__ = ["grade", "make_release"]


def __getattr__(name: str):  # lazy: importing the package must stay fast
    if name == "grade":
        from .grade import grade

        return grade
    if name == "make_release":
        from .release import make_release

        return make_release
    raise AttributeError(name)
