"""Generate N plausible submissions of a set (for benchmarks and end-to-end trials).

``python -m trilat_lessons.grading.synth exercises/source/01_history.ipynb subs/ -n 40``

Each synthetic student answers each question with the solution (70 %), a wrong value (15 %) or
leaves it blank (15 %), chosen by a seeded generator so the same command gives the same files.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
from pathlib import Path

from .release import notebook_bytes, student_notebook
from .source import BEGIN, END, load_source


def _solution_code(text: str) -> str:
    return "\n".join(
        line for line in text.split("\n") if not BEGIN.match(line) and not END.match(line)
    )


def synthesize(
    source_path: str | Path, out_dir: str | Path, n: int = 40, seed: int = 0
) -> list[Path]:
    """Write ``n`` submissions into ``out_dir``; returns their paths."""
    source = load_source(source_path)
    base = student_notebook(source)
    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        nb = copy.deepcopy(base)
        for c in nb["cells"]:
            role = c["metadata"]["trilat"]["role"]
            if role not in ("answer", "rubric-answer"):
                continue
            src = source.cell(c["id"])
            q = source.questions[str(src.meta["question"])]
            r = rng.random()
            if r < 0.70:
                c["source"] = _solution_code(src.source)
            elif r < 0.85 and role == "answer":
                c["source"] = f"{q.variable} = 0"
            elif role == "rubric-answer" and r < 0.85:
                c["source"] = f"Student {i} writes a short answer."
        path = out / f"student{i:03d}.ipynb"
        path.write_bytes(notebook_bytes(nb))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    p = argparse.ArgumentParser(prog="python -m trilat_lessons.grading.synth")
    p.add_argument("source")
    p.add_argument("out_dir")
    p.add_argument("-n", type=int, default=40)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    paths = synthesize(a.source, a.out_dir, a.n, a.seed)
    print(f"wrote {len(paths)} submissions to {a.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
