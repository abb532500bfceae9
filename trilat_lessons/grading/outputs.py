"""Write the instructor outputs of a run: item analysis, answers, key suggestions, the class
report, and (with a roster) LMS gradebook files. Called after ``report.write_reports``, from the
results alone, so a merged sharded run writes the same files as one run."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import analytics as an
from .lms import Roster, canvas_csv, match, moodle_csv, roster_check_csv
from .report import csv_bytes as _csv
from .report import write_file as _write


@dataclass
class AnalyticsOptions:
    """What the instructor asked for beyond the standard reports."""

    roster: Roster | None = None
    lms: list[str] = field(default_factory=list)
    assignment: str = ""  # LMS column name (default: "<set> <title>")
    pseudonymise: bool = False


def questions_of(meta: dict[str, Any]) -> list[an.Question]:
    """The questions of ``run.json`` as analytics needs them."""
    return [
        an.Question(
            q["id"], q["kind"], float(q["points"]), q.get("variable", ""), list(q.get("wrong", []))
        )
        for q in meta["questions"]
    ]


def pseudonyms(students: list[str], out: Path) -> dict[str, str]:
    """Stable codes (``S-`` + 8 hex) for names: HMAC with a salt kept in ``OUT/pseudonym.salt``
    (made once), so codes stay the same across re-runs and cannot be recomputed from a name by
    a colleague who has only the report."""
    salt_file = out / "pseudonym.salt"
    if salt_file.is_file():
        salt = salt_file.read_bytes().strip()
    else:
        salt = secrets.token_hex(16).encode()
        salt_file.write_bytes(salt + b"\n")
    return {
        s: "S-" + hmac.new(salt, s.encode("utf-8"), hashlib.sha256).hexdigest()[:8]
        for s in students
    }


def _fmt(x: float | None, digits: int = 3) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def item_analysis_csv(items: list[dict[str, Any]]) -> bytes:
    """``item_analysis.csv`` rows (shares of each status in one ``statuses`` column)."""
    rows: list[list[Any]] = [
        [
            "question",
            "kind",
            "max_points",
            "students",
            "scored",
            "attempted",
            "facility",
            "item_rest_r",
            "upper_lower_27",
            "statuses",
            "flag",
        ]
    ]
    for i in items:
        n = i["students"] or 1
        shares = "; ".join(f"{k or 'none'} {v / n:.1%}" for k, v in i["statuses"].items())
        rows.append(
            [
                i["question"],
                i["kind"],
                f"{i['max_points']:g}",
                i["students"],
                i["scored"],
                i["attempted"],
                _fmt(i["facility"]),
                _fmt(i["item_rest_r"]),
                _fmt(i["upper_lower"]),
                shares,
                i["flag"],
            ]
        )
    return _csv(rows)


def answers_csv(answers: list[dict[str, Any]]) -> bytes:
    """``answers.csv``: question, answer (canonical, truncated), count, share, verdict, message."""
    rows: list[list[Any]] = [
        ["question", "answer", "count", "share", "verdict", "wrong_message", "rest_mean", "id"]
    ]
    for a in answers:
        rows.append(
            [
                a["question"],
                a["answer"],
                a["count"],
                f"{a['share']:.3f}",
                a["verdict"],
                a["message"],
                f"{a['rest_mean']:.2f}",
                a["sha"],
            ]
        )
    return _csv(rows)


def write_analytics(
    meta: dict[str, Any],
    results: list[dict[str, Any]],
    out: Path,
    options: AnalyticsOptions | None = None,
) -> list[str]:
    """Write every instructor output; returns warnings to print (roster mismatches)."""
    from .report_html import class_report

    options = options or AnalyticsOptions()
    results = sorted(results, key=lambda r: r["student"])
    questions = questions_of(meta)
    items = an.item_analysis(questions, results)
    answers = an.answer_distribution(questions, results)
    n = len(an.graded(results))
    _write(out / "item_analysis.csv", item_analysis_csv(items))
    _write(out / "answers.csv", answers_csv(answers))
    _write(
        out / "key_suggestions.md",
        an.key_suggestions_md(meta["set"], questions, answers, n).encode("utf-8"),
    )
    students = [r["student"] for r in results]
    who = pseudonyms(students, out) if options.pseudonymise else {s: s for s in students}
    page = class_report(meta, questions, results, items, answers, who)
    _write(out / "report.html", page.encode("utf-8"))
    warnings: list[str] = []
    if options.lms or options.roster is not None:
        totals = [(r["student"], _points(r)) for r in results]
        m = match(totals, options.roster)
        assignment = options.assignment or f"{meta['set']} {meta.get('title', '')}".strip()
        writers = {"canvas": canvas_csv, "moodle": moodle_csv}
        for name in options.lms:
            _write(out / "lms" / f"{name}.csv", writers[name](m, assignment))
        _write(out / "lms" / "roster_check.csv", roster_check_csv(m))
        if m.unmatched_submissions:
            warnings.append(
                f"{len(m.unmatched_submissions)} submission(s) not in the roster (kept, with "
                f"empty LMS ids): see {out / 'lms' / 'roster_check.csv'}"
            )
        if m.roster_without_submission:
            warnings.append(
                f"{len(m.roster_without_submission)} roster entr(y/ies) without a submission "
                f"(kept, grade left empty): see {out / 'lms' / 'roster_check.csv'}"
            )
    return warnings


def _points(r: dict[str, Any]) -> str:
    from .grade import fmt

    return fmt(an.total(r))
