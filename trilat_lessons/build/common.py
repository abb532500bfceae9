"""What every build step shares: the error, the cleaning log, CSV in and out, id lists, dates."""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ..schema import PRECISION


class BuildError(ValueError):
    """Raised when the raw data breaks a rule the build relies on."""


class Log:
    """The cleaning log: one entry per changed value."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def change(
        self,
        dataset: str,
        row_id: str,
        column: str,
        before: Any,
        after: Any,
        reason: str,
        source_id: str = "",
    ) -> None:
        self.rows.append(
            {
                "dataset": dataset,
                "row_id": row_id,
                "column": column,
                "before": "" if before is None else str(before),
                "after": "" if after is None else str(after),
                "reason": reason,
                "source_id": source_id,
            }
        )


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV file as dicts; a row with the wrong number of columns is an error."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise BuildError(f"{path.name} line {i}: wrong number of columns")
    return rows


def to_csv(rows: list[dict], columns: list[str]) -> str:
    """``rows`` as CSV text with exactly ``columns`` (missing values empty, "\\n" line ends)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue()


def split_ids(value: str) -> list[str]:
    """A ``;``-separated list of ids as a list."""
    return [v.strip() for v in value.split(";") if v.strip()]


def join_ids(values: Iterable[str], exclude: str = "") -> str:
    """Ids joined with ``;``, each once, in order, without empty ones and ``exclude``."""
    out: list[str] = []
    for v in values:
        if v and v != exclude and v not in out:
            out.append(v)
    return ";".join(out)


def join_notes(*notes: str) -> str:
    """Notes joined with a space, leaving out empty ones."""
    return " ".join(x for x in notes if x)


def check_enum(dataset: str, rows: list[dict], col: str, allowed: list[str], multi=False) -> None:
    """Every value of ``col`` (each ``;``-separated one if ``multi``) is one of ``allowed``."""
    for r in rows:
        vals = split_ids(r[col]) if multi else ([r[col]] if r[col] else [])
        bad = [v for v in vals if v not in allowed]
        if bad:
            raise BuildError(f"{dataset}: {col} has unknown value(s) {bad}")


# --- dates ------------------------------------------------------------------------------------

_LABEL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _part(label: str) -> tuple[str, date, date]:
    m = _LABEL.match(label)
    if not m:
        raise BuildError(f"bad date label {label!r}")
    y, mo, d = int(m[1]), m[2], m[3]
    if d:
        day = date(y, int(mo), int(d))
        return "day", day, day
    if mo:
        last = calendar.monthrange(y, int(mo))[1]
        return "month", date(y, int(mo), 1), date(y, int(mo), last)
    return "year", date(y, 1, 1), date(y, 12, 31)


def parse_date(label: str) -> dict[str, str]:
    """Turn a date label into the contract's date columns (all as ISO strings)."""
    if "/" in label:
        a, b = label.split("/")
        pa, start, _ = _part(a)
        pb, _, end = _part(b)
        precision = min(pa, pb, key=PRECISION.index)
        exact = ""
    else:
        precision, start, end = _part(label)
        exact = start.isoformat() if precision == "day" else ""
    if end < start:
        raise BuildError(f"date interval ends before it starts: {label!r}")
    return {
        "date_label": label,
        "date_precision": precision,
        "date": exact,
        "date_start": start.isoformat(),
        "date_end": end.isoformat(),
        "year": str(start.year),
    }


def add_dates(row: dict[str, str]) -> None:
    """Fill a row's date columns from its ``date_label``."""
    row.update(parse_date(row["date_label"]))
