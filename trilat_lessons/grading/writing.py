"""How every output file is written safely: points as text, CSV cells a spreadsheet will not run,
text that stays plain inside Markdown, and writes that leave an unchanged file untouched."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from pathlib import Path
from typing import Any


def fmt(points: float) -> str:
    """Points as text: at most two decimals, no trailing zeros."""
    text = f"{round(points + 1e-9, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection: cells a sheet evaluates
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+|~!=-])")


# control characters a terminal or spreadsheet would act on (NUL, ESC, ...); tab and newlines stay
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix a quote), with control
    characters such as NUL and ESC shown as U+FFFD so that `cat` or a spreadsheet cannot act on
    them."""
    if isinstance(value, str):
        value = _CONTROL.sub("\ufffd", value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def verbatim_cell(value: Any) -> Any:
    """A CSV cell as given, for a file a program imports (an LMS compares identities as text):
    no formula-escaping quote; only control characters shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", value) if isinstance(value, str) else value


def read_csv_rows(text: str) -> list[dict[str, str]]:
    """Rows of one of our own CSV files, whatever the length of a cell (a written answer may be
    megabytes long: the csv module's default limit of 131,072 characters must not lose a row)."""
    csv.field_size_limit(2**31 - 1)
    return list(csv.DictReader(io.StringIO(text)))


def csv_uncell(value: str) -> str:
    """The value ``csv_cell`` escaped (for reading our own sheets back)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def md(text: Any) -> str:
    """Text safe inside one Markdown line: one line, no raw HTML, no markup of its own."""
    one_line = " ".join(str(text).splitlines())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def csv_bytes(rows: list[list[Any]]) -> bytes:
    """Rows as CSV (UTF-8, ``\\n`` line ends), every cell formula-escaped with ``csv_cell``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows([[csv_cell(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8")


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` (making folders) unless the file already holds exactly that."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)


def short_sha(text: str) -> str:
    """The first 16 hex digits of the SHA-256 of ``text``: a short, stable name for an answer."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]
