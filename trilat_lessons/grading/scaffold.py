"""Build instructor source notebooks from Python, and scaffold a new exercise set.

``python -m trilat_lessons.grading.scaffold 03_china "China in the triangle"`` writes
``exercises/source/03_china.ipynb``: a working template with one cell of every role, which an
author then edits in JupyterLab (cell roles are in each cell's metadata, under ``trilat``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .release import KERNELSPEC, notebook_bytes


def cell(role: str, source: str, cell_id: str, **meta: Any) -> dict[str, Any]:
    """One source cell with its role (markdown for text/question/rubric-answer, else code)."""
    markdown = role in ("text", "question", "rubric-answer")
    c: dict[str, Any] = {
        "cell_type": "markdown" if markdown else "code",
        "id": cell_id,
        "metadata": {"trilat": {"role": role, **meta}},
        "source": source.strip("\n"),
    }
    if not markdown:
        c["execution_count"] = None
        c["outputs"] = []
    if role in ("check", "hidden"):  # nbval compares their stored outputs, even with --nbval-lax
        c["metadata"]["tags"] = ["nbval-check-output"]
    return c


def source_notebook(set_id: str, title: str, cells: list[dict[str, Any]]) -> dict[str, Any]:
    """A source notebook dict from cells made with ``cell``."""
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "trilat": {"set": set_id, "title": title},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_notebook(path: str | Path, nb: dict[str, Any]) -> Path:
    """Write a notebook with Jupyter's own formatting."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(notebook_bytes(nb))
    return path


def template(set_id: str, title: str) -> dict[str, Any]:
    """A minimal working source with every role, to copy and edit."""
    cells = [
        cell(
            "text",
            f"# Exercises {set_id}: {title}\n\n**Learning goals.** ...\n\n"
            "Only code inside the answer cells is graded; cells you add are ignored at grading.",
            "intro",
        ),
        cell(
            "setup",
            "import trilat_lessons as tl\nfrom trilat_lessons import check, progress\n\n"
            f'tl.setup(quiet=True)\ntl.exercises.start("{set_id}")\nmeetings = tl.load("meetings")',
            "setup",
        ),
        cell(
            "question",
            "**q1 (2 points).** How many leaders-level meetings are in the data? "
            "Store the number in `q1_answer`.",
            "q1-question",
        ),
        cell(
            "answer",
            '### BEGIN SOLUTION\nq1_answer = int((meetings["level"] == "leaders").sum())\n'
            "### END SOLUTION",
            "q1-answer",
            question="q1",
            points=2,
            expect="int",
            hint="Filter the rows whose level is 'leaders', then count them.",
        ),
        cell(
            "key",
            "from trilat_lessons.exercises.authoring import wrong\n\n"
            'wrong("q1", len(meetings), "You counted every meeting: keep level == \'leaders\'.")',
            "q1-key",
        ),
        cell("check", 'check("q1")', "q1-check"),
        cell(
            "hidden",
            "from trilat_lessons.exercises.authoring import hidden\n\n\n"
            "# requires=: the words of the question that state what this check tests\n"
            '@hidden("q1", "matches a fresh count from the clean data", '
            'requires="leaders-level meetings")\n'
            'def _(answer):\n    m = tl.load("meetings")\n'
            '    return answer == int((m["level"] == "leaders").sum())',
            "q1-hidden",
        ),
        cell(
            "question",
            "**q2 (3 points, graded by your instructor).** In 80-150 words: ...",
            "q2-question",
        ),
        cell(
            "rubric-answer",
            "### BEGIN SOLUTION\nA model answer for the graders.\n### END SOLUTION",
            "q2-answer",
            question="q2",
            points=3,
            rubric="3: ...; 2: ...; 1: ...; 0: no answer or off topic.",
        ),
        cell("check", 'check("q2")', "q2-check"),
        cell("check", "check()", "check-all"),
    ]
    return source_notebook(set_id, title, cells)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``trilat scaffold`` (also ``python -m trilat_lessons.grading.scaffold``)."""
    p.add_argument("set_id", help="NN_topic, e.g. 03_china")
    p.add_argument("title")
    p.add_argument("--dir", default="exercises/source", help="where sources live")


def run(a: argparse.Namespace) -> int:
    """Write a template source for a new set (never over an existing file)."""
    path = Path(a.dir) / f"{a.set_id}.ipynb"
    if path.exists():
        print(f"{path} exists; not overwriting", file=sys.stderr)
        return 1
    write_notebook(path, template(a.set_id, a.title))
    print(f"wrote {path}: edit it, then run `trilat release {path} --store-outputs`")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The old entry point, kept: ``python -m trilat_lessons.grading.scaffold``."""
    p = argparse.ArgumentParser(prog="python -m trilat_lessons.grading.scaffold")
    add_arguments(p)
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
