"""Grades where they are needed: a roster maps submissions to LMS identities; Canvas and Moodle
gradebook import files (column rules and their sources in docs/grading.md, "Grades to an LMS").

Nothing is dropped: a submission with no roster entry still gets a row (identity columns empty),
a roster entry with no submission gets a row with an empty grade (the LMS then leaves it
unchanged), and both are listed in ``lms/roster_check.csv``.
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
    """Read ``ROSTER.csv`` (UTF-8, a BOM tolerated); only the ``submission`` column is required."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"cannot read the roster {path}: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "submission" not in fields:
        raise RosterError(f"{path}: no 'submission' column (columns: {', '.join(ROSTER_COLUMNS)})")
    rows = []
    seen: set[str] = set()
    for raw in reader:
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not row.get("submission"):
            continue
        if _norm(row["submission"]) in seen:
            raise RosterError(f"{path}: {row['submission']!r} appears twice")
        seen.add(_norm(row["submission"]))
        rows.append({c: row.get(c, "") for c in ROSTER_COLUMNS})
    return Roster(rows)


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

    rows: list[tuple[dict[str, str], str | None]]  # (identity, total or None: no submission)
    unmatched_submissions: list[str]
    roster_without_submission: list[str]


def match(grades: list[tuple[str, str]], roster: Roster | None) -> Match:
    """Pair ``(student, total)`` with roster rows; nothing on either side is dropped."""
    rows: list[tuple[dict[str, str], str | None]] = []
    unmatched: list[str] = []
    used: set[int] = set()
    for student, total in grades:
        row = roster.find(student) if roster else None
        if row is None:
            if roster is not None:
                unmatched.append(student)
            rows.append(({c: "" for c in ROSTER_COLUMNS} | {"submission": student}, total))
        else:
            used.add(id(row))
            rows.append((row, total))
    missing = []
    if roster is not None:
        for row in roster.rows:
            if id(row) not in used:
                missing.append(row["submission"])
                rows.append((row, None))
    return Match(rows, unmatched, missing)


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
    for ident, total in m.rows:
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
    for ident, total in m.rows:
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
    """Every mismatch between submissions and the roster, one row each."""
    rows: list[list[Any]] = [["problem", "name"]]
    rows += [["submission not in the roster", s] for s in m.unmatched_submissions]
    rows += [["roster entry without a submission", s] for s in m.roster_without_submission]
    return _csv(rows)
