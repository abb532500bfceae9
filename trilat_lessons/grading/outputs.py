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

from ..judge.records import NOT_GRADED
from . import analytics as an
from .lms import (
    Roster,
    canvas_csv,
    formula_cells,
    match,
    missing_submissions_csv,
    moodle_csv,
    moodle_identity,
    roster_check_csv,
    unmatched_csv,
)
from .results import SubmissionResult
from .writing import csv_bytes, fmt, write_file

MIN_SHARED = 2
"""With ``--pseudonymise``, answers given by fewer students are left out of the shared outputs."""


@dataclass
class AnalyticsOptions:
    """What the instructor asked for beyond the standard reports."""

    roster: Roster | None = None
    lms: list[str] = field(default_factory=list)
    assignment: str = ""  # LMS column name (default: "<set> <title>")
    pseudonymise: bool = False
    lms_provisional: bool = False  # write grades with unscored written answers (counted 0)


def questions_of(meta: dict[str, Any]) -> list[an.ItemQuestion]:
    """The questions of ``run.json`` as analytics needs them."""
    return [
        an.ItemQuestion(
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


def _num(x: float | None, digits: int = 3) -> float | str:
    """A figure as a number (rounded), so spreadsheets and pandas read numbers, and the formula
    escape (text only) never turns ``-0.099`` into text; ``""`` when there is none."""
    return "" if x is None else round(x, digits)


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
            "min_class",
            "note",
        ]
    ]
    for i in items:
        n = i["students"] or 1
        note = f"figures are indicative below {an.MIN_CLASS} graded submissions"
        if i.get("rest_unscored"):
            note += (
                f"; item_rest_r and upper_lower_27 count {i['rest_unscored']} written answer(s) "
                "not scored yet as 0 in the rest-of-set score until they are scored"
            )
        shares = "; ".join(f"{k or 'none'} {v / n:.1%}" for k, v in i["statuses"].items())
        rows.append(
            [
                i["question"],
                i["kind"],
                f"{i['max_points']:g}",
                i["students"],
                i["scored"],
                i["attempted"],
                _num(i["facility"]),
                _num(i["item_rest_r"]),
                _num(i["upper_lower"]),
                shares,
                i["flag"],
                an.MIN_CLASS,
                note,
            ]
        )
    return csv_bytes(rows)


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
                _num(a["share"]),
                a["verdict"],
                a["message"],
                _num(a["rest_mean"], 2),
                a["sha"],
            ]
        )
    return csv_bytes(rows)


def write_analytics(
    meta: dict[str, Any],
    results: list[SubmissionResult],
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
    # with pseudonyms the outputs are meant to be shared: an answer only one student gave could
    # name that student (a typo, a personal phrasing), so it is left out of answers.csv and the
    # report (key_suggestions.md lists only answers given by two students or more anyway)
    shared = [a for a in answers if a["count"] >= MIN_SHARED] if options.pseudonymise else answers
    write_file(out / "item_analysis.csv", item_analysis_csv(items))
    write_file(out / "answers.csv", answers_csv(shared))
    write_file(
        out / "key_suggestions.md",
        an.key_suggestions_md(meta["set"], questions, answers, n).encode("utf-8"),
    )
    students = [r["student"] for r in results]
    who = pseudonyms(students, out) if options.pseudonymise else {s: s for s in students}
    page = class_report(meta, questions, results, items, shared, who)
    write_file(out / "report.html", page.encode("utf-8"))
    warnings: list[str] = []
    # a --shard part sees only its share of the students: its LMS files would list the others
    # as missing; `trilat grade merge` writes them once, from every part's grades
    if (options.lms or options.roster is not None) and not meta.get("shard"):
        warnings = _write_lms(meta, results, out / "lms", options)
    return warnings


def student_codes(
    students: list[str], out: Path, options: AnalyticsOptions | None
) -> dict[str, str] | None:
    """With ``--pseudonymise``: the code of each student (for the shareable reports)."""
    return pseudonyms(students, out) if options is not None and options.pseudonymise else None


def provisional(results: list[SubmissionResult], meta: dict[str, Any]) -> dict[str, list[str]]:
    """Students whose total is provisional: the rubric questions not scored yet (counted 0)."""
    manual = [q["id"] for q in meta["questions"] if q["kind"] == "manual"]
    pending: dict[str, list[str]] = {}
    for r in results:
        if r.get("status") in NOT_GRADED:
            continue
        ids = [q for q in manual if r["questions"].get(q, {}).get("points") is None]
        if ids:
            pending[r["student"]] = ids
    return pending


def _write_lms(
    meta: dict[str, Any], results: list[SubmissionResult], lms: Path, options: AnalyticsOptions
) -> list[str]:
    """``lms/*.csv``: gradebook files, what was left out of them and why; returns warnings."""
    failed: dict[str, str] = {
        r["student"]: r["status"] for r in results if r.get("status") in NOT_GRADED
    }
    totals = [(r["student"], None if r["student"] in failed else _points(r)) for r in results]
    pending = provisional(results, meta)
    held = {} if options.lms_provisional else {
        s: f"provisional: written answer(s) {', '.join(q)} not scored yet (counted 0)"
        for s, q in pending.items()
    }  # fmt: skip
    m = match(totals, options.roster, failed, held)
    warnings: list[str] = []
    assignment = options.assignment or f"{meta['set']} {meta.get('title', '')}".strip()
    possible = fmt(sum(float(q["points"]) for q in meta["questions"]))
    unsafe: dict[str, int] = {}
    for name in options.lms:
        data = (
            canvas_csv(m, assignment, possible) if name == "canvas" else moodle_csv(m, assignment)
        )
        write_file(lms / f"{name}.csv", data)
        if cells := formula_cells(data):
            unsafe[f"{name}.csv"] = len(cells)
    write_file(lms / "roster_check.csv", roster_check_csv(m, options.lms))
    write_file(lms / "missing_submissions.csv", missing_submissions_csv(m))
    left_out = {name: m.left_out(name) for name in options.lms}
    if options.lms:
        write_file(lms / "unmatched.csv", unmatched_csv(m, options.lms))
    state = _lms_state(m, options, pending)
    if unsafe:
        where = ", ".join(f"{n} cell(s) in {f}" for f, n in unsafe.items())
        alarm = (
            f"DO NOT OPEN IN A SPREADSHEET: {where} start with =, +, -, @ (names or ids as the "
            "roster has them, written verbatim so the LMS finds the student); a spreadsheet "
            "would run them as formulas. Upload the file as it is; check it in a text editor."
        )
        state += "\n" + alarm + "\n"
        warnings.append(alarm)
    write_file(lms / "README.txt", state.encode("utf-8"))
    if pending and options.lms:
        if options.lms_provisional:
            warnings.append(
                f"PROVISIONAL grades in the LMS file(s): {len(pending)} student(s) have written "
                f"answers not scored yet, counted 0 (--lms-provisional); score "
                f"manual_grading.csv and run the same command again before the final upload"
            )
        else:
            warnings.append(
                f"{len(pending)} grade(s) held back from the LMS file(s): written answers not "
                f"scored yet. Score them in {lms.parent / 'manual_grading.csv'} and run the same "
                f"command again (only the reports are rewritten); --lms-provisional writes them "
                f"now, unscored answers counted 0"
            )
    if options.lms and options.roster is None:
        warnings.append(
            f"no --roster: the LMS file(s) have no student rows (an LMS finds students only by "
            f"its ids); every grade is in {lms / 'unmatched.csv'}"
        )
    elif any(left_out.values()):
        counts = ", ".join(f"{len(v)} from {k}.csv" for k, v in left_out.items() if v)
        warnings.append(
            f"left out of the LMS file(s) ({counts}): enter them by hand or fix what "
            f"{lms / 'unmatched.csv'} says and run again"
        )
    shared = {k: len(m.shared_identity(k)) for k in options.lms if m.shared_identity(k)}
    if shared:
        counts = ", ".join(f"{n} for {k}" for k, n in shared.items())
        warnings.append(
            f"submissions sharing one LMS identity ({counts}): the LMS would put both grades on "
            f"one student, so they are left out; fix the roster (see {lms / 'roster_check.csv'})"
        )
    if options.roster is not None and m.unmatched_submissions:
        warnings.append(
            f"{len(m.unmatched_submissions)} submission(s) not in the roster (kept in grades.csv "
            f"and unmatched.csv): see {lms / 'roster_check.csv'}"
        )
    if m.roster_without_submission:
        warnings.append(
            f"{len(m.roster_without_submission)} roster entr(y/ies) without a submission, left "
            f"out of the LMS file(s) (an empty cell would clear a grade): see "
            f"{lms / 'missing_submissions.csv'}"
        )
    if m.not_graded:
        warnings.append(
            f"{len(m.not_graded)} submission(s) could not be graded (rejected, corrupt, another "
            f"assignment or an internal error): left out of the LMS file(s), never 0; see "
            f"{lms / 'roster_check.csv'}"
        )
    return warnings


def _lms_state(m: Any, options: AnalyticsOptions, pending: dict[str, list[str]]) -> str:
    """``lms/README.txt``: whether the upload files are final, and what is not in them."""
    lines = ["Grades to upload to an LMS (see docs/grading.md, 'Grades to an LMS').", ""]
    if not pending:
        lines.append("FINAL: every written answer is scored; the grades are complete.")
    elif options.lms_provisional:
        lines.append(
            f"PROVISIONAL: {len(pending)} student(s) have written answers not scored yet; their "
            "grades count those answers 0 (written with --lms-provisional). Score "
            "manual_grading.csv and run the same command again before the final upload."
        )
    else:
        lines.append(
            f"INCOMPLETE: {len(pending)} grade(s) are held back until their written answers are "
            "scored in manual_grading.csv (listed in unmatched.csv); run the same command again "
            f"after scoring. The {_written(m, options)} grade(s) written to the upload files "
            "are final."
        )
    lines += [
        "",
        f"Students left out of the upload files: {sum(len(m.left_out(k)) for k in options.lms)}"
        " row(s) in unmatched.csv (with the reason and the grade).",
        f"Roster entries without a submission: {len(m.roster_without_submission)} "
        "(missing_submissions.csv; never uploaded, as an empty cell would clear a grade).",
    ]
    if "moodle" in options.lms:
        lines.append(f"moodle.csv identifies users by the roster column '{moodle_identity(m)}'.")
    return "\n".join(lines) + "\n"


def _written(m: Any, options: AnalyticsOptions) -> str:
    """How many grades the upload files hold ("12", or "canvas.csv 12, moodle.csv 11")."""
    counts = {k: len(m.importable(k)) for k in options.lms}
    if len(set(counts.values())) <= 1:
        return str(next(iter(counts.values()), 0))
    return ", ".join(f"{k}.csv {n}" for k, n in counts.items())


def _points(r: SubmissionResult) -> str:
    return fmt(an.total(r))
