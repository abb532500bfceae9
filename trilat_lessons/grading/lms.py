"""Grades where they are needed: a roster maps submissions to LMS identities; Canvas and Moodle
gradebook import files (column rules and their sources in docs/grading.md, "Grades to an LMS").

Nothing is dropped, and nothing is written that would make an import fail: a submission with no
roster entry (or no identity for that LMS: :data:`IDENTITY`) is left out of the LMS file, because
Moodle aborts the whole import on a user it cannot find, and goes to ``lms/unmatched.csv``; a
roster entry with no submission, and a submission that could not be graded (rejected, corrupt,
...), get an empty grade, never a zero. All of them are listed in ``lms/roster_check.csv``.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROSTER_COLUMNS = (
    "submission",  # the name the submission was found under (file or folder name, no .ipynb)
    "name",  # the student's name in the LMS ("Last, First" for Canvas)
    "canvas_id",  # Canvas user ID
    "sis_user_id",
    "sis_login_id",
    "section",
    "email",  # Moodle "Email address"
    "username",  # Moodle "Username"
    "idnumber",  # Moodle "ID number"
)
LMS_FORMATS = ("canvas", "moodle")
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_FIXED = ["Full name", "ID number", "Username", "Email address"]
IDENTITY = {  # roster columns an LMS can find a user by: a row needs one of them
    "canvas": ("canvas_id", "sis_user_id", "sis_login_id", "name"),  # Canvas also matches a name
    "moodle": ("idnumber", "username", "email"),
}


class RosterError(ValueError):
    """The roster file cannot be used (missing, unreadable, no ``submission`` column)."""


@dataclass
class Roster:
    """Roster rows by the normalised submission name, in file order."""

    rows: list[dict[str, str]] = field(default_factory=list)

    def find(self, name: str) -> dict[str, str] | None:
        """The roster row of a submission name (compared after NFC and case folding)."""
        want = _norm(name)
        return next((r for r in self.rows if _norm(r["submission"]) == want), None)


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFC", name).strip().casefold()
    return text.removesuffix(".ipynb")


def read_roster(path: str | Path) -> Roster:
    """Read ``ROSTER.csv`` (UTF-8, a BOM tolerated; comma, semicolon or tab separated); only the
    ``submission`` column is required."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError(
            f"{path} is not UTF-8 (byte {exc.start}: a spreadsheet's legacy encoding such as "
            "Windows-1252?): save it again as 'CSV UTF-8 (comma delimited)'"
        ) from None
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    found = [f.strip() for f in reader.fieldnames or []]
    fields = [f.lower() for f in found]
    if "submission" not in fields:
        raise RosterError(
            f"{path}: no 'submission' column; found the header {found!r}. Expected columns: "
            f"{', '.join(ROSTER_COLUMNS)} (save the sheet as 'CSV UTF-8 (comma delimited)')"
        )
    rows = []
    seen: set[str] = set()
    for raw in reader:
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
        if not row.get("submission"):
            continue
        if _norm(row["submission"]) in seen:
            raise RosterError(f"{path}: {row['submission']!r} appears twice")
        seen.add(_norm(row["submission"]))
        rows.append({c: row.get(c, "") for c in ROSTER_COLUMNS})
    return Roster(rows)


def _delimiter(text: str) -> str:
    """The separator of the header line: a spreadsheet in a comma-decimal locale writes ``;``."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_formats(text: str) -> list[str]:
    """``"canvas,moodle"`` -> ``["canvas", "moodle"]`` (unknown names raise ``ValueError``)."""
    names = [t.strip().lower() for t in text.split(",") if t.strip()]
    bad = [n for n in names if n not in LMS_FORMATS]
    if bad:
        raise ValueError(f"unknown LMS format(s) {bad}; known: {', '.join(LMS_FORMATS)}")
    return names


@dataclass
class Match:
    """Grades matched to roster rows, with what did not match on either side."""

    # (identity, total or None: nothing to import, whether the roster knows the submission)
    rows: list[tuple[dict[str, str], str | None, bool]]
    unmatched_submissions: list[str]
    roster_without_submission: list[str]
    not_graded: list[tuple[str, str]] = field(default_factory=list)  # (submission, status)

    def importable(self, lms: str) -> list[tuple[dict[str, str], str | None]]:
        """Rows the LMS can find a user for (a roster row with one of its identity columns)."""
        keys = IDENTITY[lms]
        return [(i, t) for i, t, known in self.rows if known and any(i.get(k) for k in keys)]

    def left_out(self, lms: str) -> list[tuple[dict[str, str], str | None, bool]]:
        """Rows left out of that LMS's file (no roster row, or no identity for that LMS)."""
        keys = IDENTITY[lms]
        return [r for r in self.rows if not (r[2] and any(r[0].get(k) for k in keys))]


def match(
    grades: list[tuple[str, str | None]],
    roster: Roster | None,
    not_graded: dict[str, str] | None = None,
) -> Match:
    """Pair ``(student, total)`` with roster rows (total None: the submission could not be
    graded, its status in ``not_graded``); nothing on either side is dropped."""
    not_graded = not_graded or {}
    rows: list[tuple[dict[str, str], str | None, bool]] = []
    unmatched: list[str] = []
    used: set[int] = set()
    for student, total in grades:
        row = roster.find(student) if roster else None
        if row is None:
            unmatched.append(student)
            rows.append(({c: "" for c in ROSTER_COLUMNS} | {"submission": student}, total, False))
        else:
            used.add(id(row))
            rows.append((row, total, True))
    missing = []
    if roster is not None:
        for row in roster.rows:
            if id(row) not in used:
                missing.append(row["submission"])
                rows.append((row, None, True))
    failed = [(s, not_graded[s]) for s, _ in grades if s in not_graded]
    return Match(rows, unmatched, missing, failed)


def _csv(rows: list[list[Any]]) -> bytes:
    from .report import csv_cell

    buf = io.StringIO()
    # RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; UTF-8
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerows([[csv_cell(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8")


def canvas_csv(m: Match, assignment: str) -> bytes:
    """Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one
    column per assignment headed ``Name (ID)`` (a header without an ID creates a new one)."""
    rows: list[list[Any]] = [[*CANVAS_FIXED, assignment]]
    for ident, total in m.importable("canvas"):
        rows.append(
            [
                ident.get("name") or ident["submission"],
                ident.get("canvas_id", ""),
                ident.get("sis_user_id", ""),
                ident.get("sis_login_id", ""),
                ident.get("section", ""),
                "" if total is None else total,
            ]
        )
    return _csv(rows)


def moodle_csv(m: Match, assignment: str) -> bytes:
    """Moodle grade import (CSV): identity columns to map a user by (ID number, username or
    email address) and one grade column, mapped to a grade item on import."""
    rows: list[list[Any]] = [[*MOODLE_FIXED, assignment]]
    for ident, total in m.importable("moodle"):
        rows.append(
            [
                ident.get("name") or ident["submission"],
                ident.get("idnumber", ""),
                ident.get("username", ""),
                ident.get("email", ""),
                "" if total is None else total,
            ]
        )
    return _csv(rows)


def roster_check_csv(m: Match) -> bytes:
    """Every mismatch between submissions and the roster, and every submission not graded."""
    rows: list[list[Any]] = [["problem", "name"]]
    rows += [["submission not in the roster", s] for s in m.unmatched_submissions]
    rows += [["roster entry without a submission", s] for s in m.roster_without_submission]
    rows += [[f"submission not graded: {status}", s] for s, status in m.not_graded]
    return _csv(rows)


def unmatched_csv(m: Match, formats: list[str]) -> bytes:
    """``lms/unmatched.csv``: each row left out of an LMS file, with its grade, to enter by hand
    (or add to the roster and run again)."""
    rows: list[list[Any]] = [["lms", "submission", "name", "grade", "reason"]]
    for lms in formats:
        for ident, total, known in m.left_out(lms):
            reason = (
                f"roster row has none of {', '.join(IDENTITY[lms])}"
                if known
                else "submission not in the roster"
            )
            rows.append([lms, ident["submission"], ident.get("name", ""), total or "", reason])
    return _csv(rows)
