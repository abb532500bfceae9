"""Intake of submissions: find them, give each student a unique stable id, read them safely.

A submissions folder is untrusted: names can be anything a file system allows, entries can be
symlinks (to the instructor source, say), FIFOs, devices or folders named ``*.ipynb``, files can
be huge or nested thousands deep. Intake never follows a link, never blocks on a FIFO, never
reads more than ``MAX_BYTES``; anything it cannot accept still gets a row with a status.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 20_000_000  # a notebook of answers is KBs; 20 MB is generous
MAX_NESTING = 200  # JSON arrays/objects nested deeper than this are "corrupt"
MAX_ID = 60  # characters of the file-name part of an id


@dataclass
class Submission:
    """One entry of the submissions folder."""

    student: str  # display name (NFC, control characters removed)
    # (``path.name`` may hold bytes that are not UTF-8: reports use ``display_name`` of it)
    key: str  # unique, stable, file-name-safe id (results/<key>.json)
    path: Path
    raw: bytes | None = None  # None when rejected
    problem: str = ""  # why it was rejected (status "rejected")


def file_text(name: str) -> str:
    """A file name as text that can always be written (bytes that are not UTF-8 -> U+FFFD)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def display_name(name: str) -> str:
    """A student's name as shown in reports: NFC, no control characters, at most 255 chars."""
    text = unicodedata.normalize("NFC", file_text(name))
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return text.strip()[:255] or "student"


def student_key(name: str) -> str:
    """A file-name-safe id: ASCII, lowercase, at most ``MAX_ID`` + 9 characters.

    Names already in that form are kept as they are; any other name (capitals, accents, spaces,
    symbols, over-long) gets a short hash of its exact original spelling, so two different
    names never share an id and the same name always gets the same one.
    """
    base = unicodedata.normalize("NFKC", name)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._-")[:MAX_ID].lower() or "student"
    if safe == name:
        return safe
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:8]
    return f"{safe}-{digest}"


def _candidates(root: Path, set_id: str) -> list[tuple[str, Path]]:
    """(name, path) pairs: ``DIR/<student>.ipynb`` or ``DIR/<student>/<any>.ipynb``.

    Uses ``lstat`` only: links and special files are listed (and later rejected), never followed.
    """
    found: dict[str, Path] = {}
    with os.scandir(root) as it:
        entries = sorted(it, key=lambda e: os.fsencode(e.name))
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        path = Path(entry.path)
        if entry.name.endswith(".ipynb"):
            found.setdefault(entry.name[: -len(".ipynb")], path)
        elif stat.S_ISLNK(st.st_mode) and os.path.isdir(path):
            found.setdefault(entry.name, path)  # a linked student folder: rejected, with a row
        elif stat.S_ISDIR(st.st_mode):
            try:
                with os.scandir(path) as inner:
                    nbs = sorted(
                        (
                            e
                            for e in inner
                            if e.name.endswith(".ipynb") and not e.name.startswith(".")
                        ),
                        key=lambda e: os.fsencode(e.name),
                    )
            except OSError:
                continue
            if nbs:
                preferred = [e for e in nbs if e.name == f"{set_id}.ipynb"]
                found.setdefault(entry.name, Path((preferred or nbs)[0].path))
    return sorted(found.items(), key=lambda kv: os.fsencode(kv[0]))


def read_safely(path: Path, max_bytes: int = MAX_BYTES) -> tuple[bytes | None, str]:
    """The bytes of a regular file, or (None, why not): no links, no FIFOs, no devices."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            return None, "a symbolic link, not a file (links are never followed)"
        return None, f"cannot be opened ({exc.strerror or exc})"
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            return None, "a folder named like a notebook, not a file"
        if not stat.S_ISREG(st.st_mode):
            return None, "not a regular file (a pipe, socket or device)"
        if st.st_nlink > 1:  # possibly the instructor source itself, under another name
            return None, "a hard link to another file (submissions must be plain copies)"
        if st.st_size > max_bytes:
            return (
                None,
                f"too large ({st.st_size / 1e6:.0f} MB; the limit is {max_bytes / 1e6:.0f} MB)",
            )
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                return None, f"too large (over {max_bytes / 1e6:.0f} MB)"
            chunks.append(chunk)
        return b"".join(chunks), ""
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    finally:
        os.close(fd)


def find_submissions(root: str | Path, set_id: str) -> list[Submission]:
    """Every submission with a unique display name and key (deterministic, sorted by key)."""
    subs: list[Submission] = []
    for name, path in _candidates(Path(root), set_id):
        subs.append(Submission(display_name(name), student_key(name), path))
    # two spellings of one name in different Unicode forms (or different control characters)
    # look identical: tell them apart by their key
    shown: dict[str, int] = {}
    for s in subs:
        shown[s.student] = shown.get(s.student, 0) + 1
    keys: set[str] = set()
    for s in subs:
        if shown[s.student] > 1:
            s.student = f"{s.student} [{s.key}]"
        while s.key in keys:  # a hash collision (or a name equal to another's key)
            s.key += "_"
        keys.add(s.key)
    return sorted(subs, key=lambda s: s.key)


def _nesting_ok(raw: bytes, limit: int = MAX_NESTING) -> bool:
    depth = 0
    for ch in re.sub(rb'"(?:[^"\\]|\\.)*"', b"", raw):
        if ch in (91, 123):
            depth += 1
            if depth > limit:
                return False
        elif ch in (93, 125):
            depth -= 1
    return True


def parse_notebook(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The notebook dict, or (None, why it is corrupt); bounded in depth, never raises."""
    if not raw.strip():
        return None, "empty file"
    if not _nesting_ok(raw):
        return None, f"not a notebook (JSON nested over {MAX_NESTING} deep)"
    try:
        nb = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError) as exc:
        return None, f"not valid notebook JSON ({str(exc)[:80]})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "not a Jupyter notebook"
    return nb, ""
