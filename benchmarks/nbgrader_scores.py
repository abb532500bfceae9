"""Print nbgrader's auto-graded scores as JSON (run with the nbgrader venv's Python).

``nbgrader-venv/bin/python benchmarks/nbgrader_scores.py COURSE_DIR ASSIGNMENT``
prints ``{student: {grade_id: {"score": s, "max": m, "manual": bool}}}`` read from the course's
``gradebook.db`` through nbgrader's own API (the same numbers ``nbgrader export`` sums).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> int:
    """Command line."""
    from nbgrader.api import Gradebook, MissingEntry

    course, assignment = Path(sys.argv[1]), sys.argv[2]
    out: dict[str, dict[str, dict[str, object]]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            grades: dict[str, dict[str, object]] = {}
            for nb in sub.notebooks:
                for g in nb.grades:
                    grades[g.name] = {
                        "score": float(g.score or 0.0),
                        "max": float(g.max_score),
                        "manual": bool(g.needs_manual_grade),
                    }
            out[student.id] = grades
    json.dump(out, sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
