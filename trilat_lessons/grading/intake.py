"""Intake of submissions: find them, give each student a unique stable id, read them safely.

A submissions folder is untrusted: names can be anything a file system allows, entries can be
symlinks (to the instructor source, say), FIFOs, devices or folders named ``*.ipynb``, files can
be huge or nested thousands deep. Intake never follows a link, never blocks on a FIFO, never
reads more than ``MAX_BYTES``; anything it cannot accept still gets a row with a status.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .safetext import nesting_ok, safe_text, scrub

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
    notes: list[str] = field(default_factory=list)  # intake notes shown in feedback
    inode: tuple[int, int] | None = None  # (st_dev, st_ino) of the file read
    flag: str = ""  # for the instructor only (grades.csv detail), never in feedback


def file_text(name: str) -> str:
    """A file name as text that can always be written (bytes that are not UTF-8 -> U+FFFD)."""
    return safe_text(name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


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


def is_notebook_name(name: str) -> bool:
    """True for ``*.ipynb`` in any letter case (``carol.IPYNB`` is a submission too)."""
    return name.lower().endswith(".ipynb") and len(name) > len(".ipynb")


@dataclass
class Entry:
    """One thing found in the submissions folder, before ids are given."""

    name: str  # the student's name (file stem, folder name, or a relative path on collision)
    path: Path
    problem: str = ""  # set when the entry is rejected without being read
    notes: list[str] = field(default_factory=list)


def _pick(set_id: str, nbs: list[str]) -> str:
    """The notebook graded in a student's folder holding several (documented in grading.md).

    ``<set>.ipynb`` first (any letter case), then one whose name starts with the set id, then the
    first by name.
    """
    for rule in (
        lambda n: n.lower() == f"{set_id}.ipynb".lower(),
        lambda n: n.lower().startswith(set_id.lower()),
    ):
        hit = [n for n in nbs if rule(n)]
        if hit:
            return hit[0]
    return nbs[0]


def _candidates(root: Path, set_id: str) -> tuple[list[Entry], list[tuple[str, str]]]:
    """Entries (``DIR/<student>.ipynb`` or ``DIR/<student>/<any>.ipynb``) and what was skipped.

    Uses ``lstat`` only: links and special files are listed (and later rejected), never followed.
    Nothing vanishes: a notebook that cannot be graded gets an entry with a ``problem``; a file
    that is not a notebook is returned in the skipped list ``(name, reason)``.
    """
    entries_out: list[Entry] = []
    skipped: list[tuple[str, str]] = []
    with os.scandir(root) as it:
        entries = sorted(it, key=lambda e: os.fsencode(e.name))
    for entry in entries:
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            skipped.append((file_text(entry.name), f"cannot be read ({exc.strerror or exc})"))
            continue
        path = Path(entry.path)
        name = file_text(entry.name)
        if entry.name.lower().endswith(".ipynb"):
            stem = entry.name[: -len(".ipynb")]
            if entry.name.startswith("."):
                entries_out.append(
                    Entry(
                        entry.name,
                        path,
                        "a hidden file (its name starts with a dot); rename it to have it graded",
                    )
                )
            else:
                entries_out.append(Entry(stem, path))
        elif stat.S_ISLNK(st.st_mode) and os.path.isdir(path):
            entries_out.append(Entry(entry.name, path))  # rejected later, with a row
        elif stat.S_ISDIR(st.st_mode):
            if entry.name.startswith("."):
                skipped.append((name, "a hidden folder"))
                continue
            try:
                with os.scandir(path) as inner:
                    names = sorted((e.name for e in inner), key=os.fsencode)
            except OSError as exc:
                skipped.append((name, f"a folder that cannot be listed ({exc.strerror or exc})"))
                continue
            nbs = [n for n in names if is_notebook_name(n) and not n.startswith(".")]
            hidden = [n for n in names if n.lower().endswith(".ipynb") and n not in nbs]
            skipped.extend(
                (f"{name}/{file_text(n)}", "a hidden file in a student's folder") for n in hidden
            )
            if not nbs:
                skipped.append((name, "a folder with no notebook in it"))
                continue
            chosen = _pick(set_id, nbs)
            others = [n for n in nbs if n != chosen]
            graded = Entry(entry.name, path / chosen)
            if others:
                graded.notes.append(
                    "Your folder held several notebooks; only "
                    f"{file_text(chosen)} was graded (not: {', '.join(map(file_text, others))})."
                )
            entries_out.append(graded)
            for n in others:
                entries_out.append(
                    Entry(
                        f"{entry.name}/{n}",
                        path / n,
                        f"another notebook of this student's folder ({file_text(chosen)}) was "
                        "graded instead; one notebook per student counts",
                    )
                )
        else:
            skipped.append((name, "not a notebook (the name does not end in .ipynb)"))
    # one name from two layouts (bob.ipynb and bob/x.ipynb, or carol.ipynb and carol.IPYNB):
    # neither wins silently; each is named by its path, so both get a row
    count: dict[str, int] = {}
    for e in entries_out:
        count[e.name] = count.get(e.name, 0) + 1
    for e in entries_out:
        if count[e.name] > 1:
            e.name = os.fsdecode(os.path.relpath(os.fsencode(e.path), os.fsencode(root)))
    return entries_out, skipped


def read_safely(
    path: Path,
    max_bytes: int = MAX_BYTES,
    forbidden: set[tuple[int, int]] | None = None,
    identity: list[tuple[int, int]] | None = None,
) -> tuple[bytes | None, str]:
    """The bytes of a regular file, or (None, why not): no links, no FIFOs, no devices.

    A hard link is just another name for a file: it is read like any file, unless it is one of
    the ``forbidden`` files ((st_dev, st_ino) of the instructor's files and the outputs). The
    file's (st_dev, st_ino) is appended to ``identity`` so the caller can spot one file
    submitted under several names.
    """
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
        if forbidden and (st.st_dev, st.st_ino) in forbidden:
            return None, "a hard link to one of the instructor's files or the grading outputs"
        if identity is not None:
            identity.append((st.st_dev, st.st_ino))
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


def find_submissions(
    root: str | Path, set_id: str, skipped: list[tuple[str, str]] | None = None
) -> list[Submission]:
    """Every submission with a unique display name and key (deterministic, sorted by key).

    Entries that are not notebooks are appended to ``skipped`` as ``(name, reason)``.
    """
    subs: list[Submission] = []
    found, passed_over = _candidates(Path(root), set_id)
    if skipped is not None:
        skipped.extend(passed_over)
    for e in found:
        subs.append(
            Submission(
                display_name(e.name), student_key(e.name), e.path, problem=e.problem, notes=e.notes
            )
        )
    # two spellings of one name in different Unicode forms (or different control characters)
    # look identical: tell them apart by their key
    keys: set[str] = set()
    for s in subs:
        while s.key in keys:  # a hash collision (or a name equal to another's key)
            s.key += "_"
        keys.add(s.key)
    _unique_shown_names(subs)
    return sorted(subs, key=lambda s: s.key)


def _unique_shown_names(subs: list[Submission]) -> None:
    """Tag every name shown more than once with its own (unique) key, until no two are equal.

    A file may be *named* like another's tagged name ("José [jos-24c2ab65]"): it then gets its own
    tag too, so scores typed per shown name never reach the wrong student. Ends after at most
    two passes: two names that end in their own tags differ, because keys differ.
    """
    while True:
        shown: dict[str, int] = {}
        for s in subs:
            shown[s.student] = shown.get(s.student, 0) + 1
        clash = [s for s in subs if shown[s.student] > 1 and not s.student.endswith(f" [{s.key}]")]
        if not clash:
            return
        for s in clash:
            s.student = f"{s.student} [{s.key}]"


def parse_notebook(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The notebook dict, or (None, why it is corrupt); bounded in depth, never raises."""
    if not raw.strip():
        return None, "empty file"
    if not nesting_ok(raw, MAX_NESTING):
        return None, f"not a notebook (JSON nested over {MAX_NESTING} deep)"
    try:
        nb = scrub(json.loads(raw.decode("utf-8", errors="replace")))
    except (ValueError, RecursionError) as exc:
        return None, f"not valid notebook JSON ({str(exc)[:80]})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "not a Jupyter notebook"
    return nb, ""


def instructor_inodes(source_path: Path, out: Path) -> set[tuple[int, int]]:
    """(st_dev, st_ino) of the instructor's source folder and the outputs: a submission that is
    a hard link to one of these is rejected (any other hard link is just another name)."""
    found: set[tuple[int, int]] = set()
    for top in (source_path.resolve().parent, out):
        seen = 0
        for dirpath, _dirs, files in os.walk(top):
            for name in files:
                with contextlib.suppress(OSError):
                    st = os.lstat(os.path.join(dirpath, name))
                    found.add((st.st_dev, st.st_ino))
            seen += len(files)
            if seen > MAX_WALK:  # a source kept in a huge folder: its own files come first
                break
    return found


MAX_WALK = 20_000  # files looked at per folder when collecting the instructor's inodes


def file_identity(path: Path, forbidden: set[tuple[int, int]]) -> tuple[int, int] | None:
    """(st_dev, st_ino) of a regular file that is not a link to a forbidden file, else None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    ident = (st.st_dev, st.st_ino)
    return ident if stat.S_ISREG(st.st_mode) and ident not in forbidden else None


def note_shared_files(subs: list[Submission]) -> None:
    """Several names for one file (hard links): each is graded, and the instructor is told."""
    by_inode: dict[tuple[int, int], list[Submission]] = {}
    for sub in subs:
        if sub.inode is not None:
            by_inode.setdefault(sub.inode, []).append(sub)
    for group in by_inode.values():
        for sub in group if len(group) > 1 else []:
            others = ", ".join(o.student for o in group if o is not sub)
            sub.flag = f"Same file as {others} (hard links to one file)."


def take_in(
    submissions_dir: str | Path,
    set_id: str,
    forbidden: set[tuple[int, int]],
    shard: tuple[int, int] | None = None,
) -> tuple[list[Submission], list[str], list[tuple[str, str]]]:
    """Discover the submissions, keep shard K of N (``shard``), read those safely, and flag
    hard links across the WHOLE folder (so a part flags what one run would). Returns the
    submissions to grade, every submission id found (before sharding) and what was ignored."""
    ignored: list[tuple[str, str]] = []
    subs = find_submissions(submissions_dir, set_id, ignored)
    everyone = [s.key for s in subs]
    mine = subs
    if shard is not None:
        from .shard import shard_of

        k, n = shard
        mine = [s for s in subs if shard_of(s.key, n) == k]
    chosen = {id(s) for s in mine}
    for sub in subs:
        if sub.problem:
            continue
        if id(sub) in chosen:
            ident: list[tuple[int, int]] = []
            sub.raw, sub.problem = read_safely(sub.path, forbidden=forbidden, identity=ident)
            sub.inode = ident[0] if ident else None
        else:  # another shard's: only its identity, as read_safely would have found it
            sub.inode = file_identity(sub.path, forbidden)
    note_shared_files(subs)
    return mine, everyone, ignored
