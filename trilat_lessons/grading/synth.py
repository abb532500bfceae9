"""Generate N plausible submissions of a set (for benchmarks and end-to-end trials).

``python -m trilat_lessons.grading.synth exercises/source/01_history.ipynb subs/ -n 40``

Each synthetic student answers each question with the solution (70 %), a wrong value (15 %) or
leaves it blank (15 %), chosen by a seeded generator so the same command gives the same files.

With ``--plant`` (for the instructor analytics): each student has an ability (the chance of
answering a question right, 0.3 to 0.97), 30 % of students give the same unexplained wrong answer
(:data:`PLANTED_WRONG`) to the first whole-number question, and half of the strongest students
(ability above 0.75) give another right answer the key does not know (:data:`PLANTED_ALT`) to the
first text question: analytics must put the first on top of ``key_suggestions.md`` and offer the
second as an ``accept()`` candidate.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
from pathlib import Path
from typing import Any

from .release import notebook_bytes, student_notebook
from .source import BEGIN, END, Source, load_source


def _solution_code(text: str) -> str:
    return "\n".join(
        line for line in text.split("\n") if not BEGIN.match(line) and not END.match(line)
    )


PLANTED_WRONG = 1234  # no wrong() of any set explains it
PLANTED_ALT = "Planted alternative answer"


def planted_questions(source: Source) -> tuple[str | None, str | None]:
    """(question given :data:`PLANTED_WRONG`, question given :data:`PLANTED_ALT`) with --plant."""
    auto = [q for q in source.questions.values() if q.kind == "auto"]

    def etype(q: Any) -> str:
        e = q.meta.get("expect")
        return str(e if isinstance(e, str) else (e or {}).get("type"))

    wrong_q = next((q.id for q in auto if etype(q) == "int"), None)
    alt_q = next((q.id for q in auto if etype(q) == "str" and not q.meta.get("choices")), None)
    return wrong_q, alt_q


def synthesize(
    source_path: str | Path, out_dir: str | Path, n: int = 40, seed: int = 0, plant: bool = False
) -> list[Path]:
    """Write ``n`` submissions into ``out_dir``; returns their paths."""
    source = load_source(source_path)
    base = student_notebook(source)
    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wrong_q, alt_q = planted_questions(source) if plant else (None, None)
    paths = []
    for i in range(n):
        nb = copy.deepcopy(base)
        ability = rng.uniform(0.3, 0.97) if plant else 0.70
        misled = plant and rng.random() < 0.30
        for c in nb["cells"]:
            role = c["metadata"]["trilat"]["role"]
            if role not in ("answer", "rubric-answer"):
                continue
            src = source.cell(c["id"])
            q = source.questions[str(src.meta["question"])]
            r = rng.random()
            if plant:  # keep the 70/15/15 split's shape around this student's ability
                r = (
                    r * 0.70 / ability
                    if r < ability
                    else 0.70 + (r - ability) / (1 - ability) * 0.30
                )
            if q.id == wrong_q and misled and role == "answer":
                c["source"] = f"{q.variable} = {PLANTED_WRONG}"
            elif (
                q.id == alt_q
                and role == "answer"
                and r < 0.70
                and ability > 0.75
                and rng.random() < 0.5
            ):
                c["source"] = f"{q.variable} = {PLANTED_ALT!r}"
            elif r < 0.70:
                c["source"] = _solution_code(src.source)
            elif r < 0.85 and role == "answer":
                c["source"] = f"{q.variable} = 0"
            elif role == "rubric-answer" and r < 0.85:
                c["source"] = f"Student {i} writes a short answer."
        path = out / f"student{i:03d}.ipynb"
        path.write_bytes(notebook_bytes(nb))
        paths.append(path)
    return paths


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``trilat synth`` (also ``python -m trilat_lessons.grading.synth``)."""
    p.add_argument("source", help="the instructor source notebook")
    p.add_argument("out_dir", help="folder for the generated <student>.ipynb files")
    p.add_argument("-n", type=int, default=40, help="how many submissions (default 40)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same files)")
    p.add_argument(
        "--plant", action="store_true", help="plant a misconception and an alternative answer"
    )


def run(a: argparse.Namespace) -> int:
    """Write the submissions."""
    paths = synthesize(a.source, a.out_dir, a.n, a.seed, plant=a.plant)
    print(f"wrote {len(paths)} submissions to {a.out_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The old entry point, kept: ``python -m trilat_lessons.grading.synth``."""
    p = argparse.ArgumentParser(prog="python -m trilat_lessons.grading.synth")
    add_arguments(p)
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
