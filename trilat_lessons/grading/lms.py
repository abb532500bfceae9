"""Grades where they are needed: a roster maps submissions to LMS identities; Canvas and Moodle
gradebook import files (column rules and their sources in docs/grading.md, "Grades to an LMS").

Nothing is dropped, and nothing is written that an import would get wrong: a submission with no
roster entry (or no identity for that LMS: :data:`IDENTITY`; for Moodle the ONE identity column of
the file, :func:`moodle_identity`), a submission that could not be graded, and a provisional grade
(written answers not scored yet) and two submissions sharing one LMS identity (the LMS would give
one student both grades) are left out of the upload files and listed, with the reason and
the grade, in ``lms/unmatched.csv``; a roster entry with no submission is never written (an empty
cell clears a grade on import) and is listed in ``lms/missing_submissions.csv``. Every mismatch is
also in ``lms/roster_check.csv``.
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
POINTS_POSSIBLE = "Points Possible"  # the optional second row of a Canvas gradebook file
MOODLE_HEADER = {"idnumber": "ID number", "username": "Username", "email": "Email address"}
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
    _index: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        # built once: a lookup per submission, not a scan of the roster (8,000 students)
        for r in self.rows:
            self._index.setdefault(_norm(r["submission"]), r)

    def find(self, name: str) -> dict[str, str] | None:
        """The roster row of a submission name (compared after NFC and case folding)."""
        return self._index.get(_norm(name))


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
    seen: dict[str, list[str]] = {}
    for raw in reader:
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
        if not row.get("submission"):
            continue
        seen.setdefault(_norm(row["submission"]), []).append(row["submission"])
        rows.append({c: row.get(c, "") for c in ROSTER_COLUMNS})
    twice = [names for names in seen.values() if len(names) > 1]
    if twice:  # every duplicate at once: one fix of the sheet, not one run per name
        listing = "; ".join(" / ".join(repr(n) for n in names) for names in twice)
        raise RosterError(
            f"{path}: {len(twice)} submission name(s) appear more than once (compared after "
            f"NFC and case folding): {listing}"
        )
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
class Row:
    """One submission as the LMS files see it: its roster identity (or a stand-in), its total
    (None: not graded), whether the roster knows it, and why it is held back (empty: it is not)."""

    ident: dict[str, str]
    total: str | None
    known: bool
    held: str = ""


@dataclass
class Match:
    """Grades matched to roster rows, with what did not match on either side."""

    rows: list[Row]
    unmatched_submissions: list[str]
    roster_without_submission: list[dict[str, str]]  # roster rows: never in an upload file
    not_graded: list[tuple[str, str]] = field(default_factory=list)  # (submission, status)
    _shared: dict[str, dict[int, str]] = field(default_factory=dict, repr=False)
    _moodle_column: str = field(default="", repr=False)  # moodle_identity, worked out once

    def shared_identity(self, lms: str) -> dict[int, str]:
        """Rows (by ``id``) whose identity for that LMS is also another submission's: the LMS
        would put two grades on one student, so neither is written; with the reason."""
        if lms not in self._shared:
            cols = [moodle_identity(self)] if lms == "moodle" else list(IDENTITY[lms])
            owners: dict[tuple[str, str], list[Row]] = {}
            for r in self.rows:
                if not r.known:
                    continue
                ids = [c for c in cols if c != "name" and r.ident.get(c)]
                for c in ids or [c for c in cols if r.ident.get(c)]:  # a name only without ids
                    owners.setdefault((c, r.ident[c]), []).append(r)
            why: dict[int, str] = {}
            for (c, value), rows in owners.items():
                if len(rows) > 1:
                    subs = ", ".join(r.ident["submission"] for r in rows)
                    for r in rows:
                        why.setdefault(
                            id(r), f"{c} {value!r} is shared by several submissions ({subs})"
                        )
            self._shared[lms] = why
        return self._shared[lms]

    def _why_out(self, row: Row, lms: str) -> str:
        """Why ``row`` is left out of that LMS's file ("" when it is written)."""
        if not row.known:
            return "submission not in the roster"
        if row.total is None:
            return "not graded: an empty cell would clear a grade on import"
        if row.held:
            return row.held
        if shared := self.shared_identity(lms).get(id(row)):
            return shared
        if lms == "moodle":
            col = moodle_identity(self)
            return "" if row.ident.get(col) else f"roster row has no {col} (the file's identity)"
        keys = IDENTITY[lms]
        return "" if any(row.ident.get(k) for k in keys) else (
            f"roster row has none of {', '.join(keys)}"
        )  # fmt: skip

    def importable(self, lms: str) -> list[Row]:
        """Rows written to that LMS's file: a roster row the LMS can find, with a final grade."""
        return [r for r in self.rows if not self._why_out(r, lms)]

    def left_out(self, lms: str) -> list[tuple[Row, str]]:
        """Rows left out of that LMS's file, each with the reason."""
        return [(r, why) for r in self.rows if (why := self._why_out(r, lms))]


def moodle_identity(m: Match) -> str:
    """The ONE roster column that identifies users in the whole ``moodle.csv`` (Moodle maps one
    column to one user field for the whole file): the one of ``idnumber``, ``username``,
    ``email`` filled for the most gradable roster rows, ties in that order. Worked out once
    per match (every row's reason asks for it)."""
    if not m._moodle_column:
        rows = [r for r in m.rows if r.known and r.total is not None]
        counts = {k: sum(1 for r in rows if r.ident.get(k)) for k in IDENTITY["moodle"]}
        order = IDENTITY["moodle"]
        m._moodle_column = max(order, key=lambda k: (counts[k], -order.index(k)))
    return m._moodle_column


def match(
    grades: list[tuple[str, str | None]],
    roster: Roster | None,
    not_graded: dict[str, str] | None = None,
    held: dict[str, str] | None = None,
) -> Match:
    """Pair ``(student, total)`` with roster rows (total None: the submission could not be
    graded, its status in ``not_graded``; ``held``: students whose grade is provisional, with
    the reason); nothing on either side is dropped."""
    not_graded, held = not_graded or {}, held or {}
    rows: list[Row] = []
    unmatched: list[str] = []
    used: set[int] = set()
    for student, total in grades:
        row = roster.find(student) if roster else None
        if row is None:
            unmatched.append(student)
            blank = {c: "" for c in ROSTER_COLUMNS} | {"submission": student}
            rows.append(Row(blank, total, False, held.get(student, "")))
        else:
            used.add(id(row))
            rows.append(Row(row, total, True, held.get(student, "")))
    missing = [r for r in roster.rows if id(r) not in used] if roster is not None else []
    failed = [(s, not_graded[s]) for s, _ in grades if s in not_graded]
    return Match(rows, unmatched, missing, failed)


def _csv(rows: list[list[Any]], verbatim: bool = False) -> bytes:
    """CSV bytes; ``verbatim`` (the upload files): no formula-escaping quote, as an importer
    compares the cells as text (a ``'`` before ``+123`` would be another SIS id), control
    characters only shown as U+FFFD (no LMS identity holds one)."""
    from .writing import csv_cell, verbatim_cell

    buf = io.StringIO()
    # RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; UTF-8
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    cell = verbatim_cell if verbatim else csv_cell
    w.writerows([[cell(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8")


def formula_cells(data: bytes) -> list[str]:
    """The cells of an upload file a spreadsheet would run as a formula (they start with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return), written verbatim for the importer:
    opening that file in a spreadsheet is unsafe."""
    from .writing import FORMULA_START

    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    return [c for row in rows for c in row if c.startswith(FORMULA_START)]


def canvas_csv(m: Match, assignment: str, points_possible: str = "") -> bytes:
    """Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one
    column per assignment headed ``Name (ID)`` (a header without an ID creates a new one); a
    "Points Possible" row under the header gives a new assignment its maximum."""
    rows: list[list[Any]] = [[*CANVAS_FIXED, assignment]]
    if points_possible:
        rows.append([POINTS_POSSIBLE, "", "", "", "", points_possible])
    for r in m.importable("canvas"):
        i = r.ident
        rows.append(
            [
                i.get("name") or i["submission"],
                i.get("canvas_id", ""),
                i.get("sis_user_id", ""),
                i.get("sis_login_id", ""),
                i.get("section", ""),
                r.total,
            ]
        )
    return _csv(rows, verbatim=True)


def moodle_csv(m: Match, assignment: str) -> bytes:
    """Moodle grade import (CSV): the full name, ONE identity column (:func:`moodle_identity`,
    filled on every row) to map users by, and one grade column to map to a grade item."""
    col = moodle_identity(m)
    rows: list[list[Any]] = [["Full name", MOODLE_HEADER[col], assignment]]
    for r in m.importable("moodle"):
        rows.append([r.ident.get("name") or r.ident["submission"], r.ident[col], r.total])
    return _csv(rows, verbatim=True)


def roster_check_csv(m: Match, formats: list[str] | tuple[str, ...] = ()) -> bytes:
    """Every mismatch between submissions and the roster, every identity two submissions share
    (for each LMS of ``formats``) and every submission not graded."""
    rows: list[list[Any]] = [["problem", "name"]]
    rows += [["submission not in the roster", s] for s in m.unmatched_submissions]
    for lms in formats:
        shared = m.shared_identity(lms)
        rows += [[f"{lms}: {shared[id(r)]}", r.ident["submission"]]
                 for r in m.rows if id(r) in shared]  # fmt: skip
    rows += [["roster entry without a submission", r["submission"]]
             for r in m.roster_without_submission]  # fmt: skip
    rows += [[f"submission not graded: {status}", s] for s, status in m.not_graded]
    return _csv(rows)


def missing_submissions_csv(m: Match) -> bytes:
    """``lms/missing_submissions.csv``: roster entries with no submission, with their LMS
    identities. They are never in an upload file: an empty cell would clear a grade."""
    cols = ["submission", "name", "canvas_id", "sis_user_id", "sis_login_id", "email",
            "username", "idnumber"]  # fmt: skip
    rows: list[list[Any]] = [cols]
    rows += [[r.get(c, "") for c in cols] for r in m.roster_without_submission]
    return _csv(rows)


def unmatched_csv(m: Match, formats: list[str]) -> bytes:
    """``lms/unmatched.csv``: each submission left out of an LMS file, with its grade and why,
    to enter by hand (or fix the roster or score the written answers, and run again)."""
    rows: list[list[Any]] = [["lms", "submission", "name", "grade", "reason"]]
    for lms in formats:
        for r, why in m.left_out(lms):
            rows.append([lms, r.ident["submission"], r.ident.get("name", ""), r.total or "", why])
    return _csv(rows)
