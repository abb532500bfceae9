"""Leak scan: prove by content that student-facing files hold no instructor material.

The secrets are read from the instructor sources (``exercises/source/*.ipynb``): every line
between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (code solutions and rubric model answers),
and every line of ``key`` cells (wrong()/accept() values) and ``hidden`` cells (hidden checks).
Each is compared with whitespace collapsed, so re-indenting or re-wrapping a notebook's JSON does
not hide it. Two kinds of line are skipped, because they cannot give anything away and would
only raise false alarms:

- lines shorter than ``MIN_CHARS`` characters once whitespace is collapsed (``)``, ``else:``,
  ``q4_answer = 3``: a bare number or name says nothing without the code that computes it),
  and model-answer lines of fewer than ``SHINGLE_WORDS`` words (a wrapped line's tail such as
  ``leadership changes`` is ordinary prose; the model answer's shingles, below, cover it);
- lines that also stand (whole, or inside a longer line) in the public cells of a source
  (question, text, setup and check cells are released to students anyway), and plain
  ``import``/``from ... import`` lines;
- the few lines listed in ``ALLOWED_SHARED_LINES``, each read in place and explained: set-up code
  that a lesson also teaches, never a line that computes an answer.

Each file is read in several forms, so an escaped copy is found too: its text, the strings of
a JSON document, the cells of a CSV table (``csv.writer`` doubles quotes), the text with HTML
entities decoded, and the text with string escapes undone (``\"``, ``\'``, ``\\`` and a doubled
``""``: a line pasted into a Python or CSV string literal). Quotes are not simply deleted: a key
line such as ``"That is the ...",`` would then match the ``wrong()`` message that the public key
holds by design, and a short quoted phrase would match ordinary prose.
Rubric model answers are also cut into shingles (``SHINGLE_WORDS`` consecutive words, lower
case, punctuation dropped), so a fragment of a model answer that spans a line break is found;
shingles that also stand in a public cell, a lesson, a student doc or the course data are
skipped (a model answer may restate what the lesson says; that gives nothing away). The scan
finds instructor text copied (up to whitespace, escaping and line breaks); it cannot find a
solution re-typed in other words, which is what the release's question-text rules
(``question_rules.py``) and a read-through are for.

Instructor-only paths (``INSTRUCTOR_PATHS``) are found both as file names and as text: a student
file naming ``exercises/source`` points at something students must not have. Archives (zip,
wheel, gzip) are opened and their members scanned, whatever their name. In strict mode (the
edition, ``dist/student``) a file the scan cannot read (not UTF-8 text free of NUL bytes, not a
readable archive) is a finding unless its name is on ``BINARY_ALLOWED``; outside strict mode (the
JupyterLite site) only archives whose sha256 is pinned in a lock (``pinned``: third-party
downloads checked by hash at build time) are skipped, and unreadable files that are not pinned
are findings too.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .source import REMOVED, load_source, solution_lines

MIN_CHARS = 16
SHINGLE_WORDS = 8
# binary files accepted unread: none in strict mode (the edition is all text); on a site, the
# kinds of file a JupyterLite build ships from its hash-pinned inputs (WebAssembly, compiled
# Python, fonts, images), which hold no course text
BINARY_ALLOWED: tuple[str, ...] = ()
SITE_BINARY_ALLOWED: tuple[str, ...] = (
    *(".wasm", ".so", ".pyc", ".whl.metadata", ".woff", ".woff2", ".ttf", ".eot", ".otf"),
    *(".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".bmp"),
    # the website's theme translations and Sphinx's compressed index of its own pages
    *(".mo", "objects.inv"),
)
INSTRUCTOR_PATHS = (
    "exercises/source",
    "docs/instructor",
    "instructor_guide",
    "docs/grading.md",
    "docs/dev/",
    "grading_corpus",
    "benchmarks/",
    "trilat_lessons/grading",
)
# Lines a source shares with the lessons or the package, reviewed by hand: each is plain course
# code (loading, a chart title) that gives no answer away. Add one only after reading it in place.
# A line not listed here that turns up in a lesson or in the package fails the scan.
ALLOWED_SHARED_LINES: frozenset[str] = frozenset(
    {
        # lesson 01 filters summits this way; a 03 q4 key cell reuses it for a wrong answer
        'summits = meetings[meetings["level"] == "leaders"]',
        # lesson 03 worked examples; 03 q1 and q3 prompts name the same filters
        'lee = obstacles[obstacles["seed_id"] == "seed000"]',
        'goal_codes = ["diverging_threat_perceptions", "china_gap", "us_economic_policy",'
        ' "us_reliability"]',
        'goals = obstacles[obstacles["code"].isin(goal_codes)]',
        # lesson 06 worked examples; 06 q2 and q7 prompts name the same call and filters
        "ranks = tl.analysis.compare_rankings(options, weights)",
        'recent = events[(events["year"] >= 2022) & (events["effect"] == "improves")]',
        # the course chart's own title (charts.py); 01 q5 asks for a title, not this one
        'title="Trilateral meetings per year, by level",',
        # a generic pandas call, also in the package's own code (widgets/policy.py)
        '.set_index("option_id")',
    }
)
PUBLIC_ROLES = {"text", "question", "setup", "check"}
_SPACE = re.compile(r"\s+")
_IMPORT = re.compile(r"^(from \S+ )?import [\w., ()*]+$")
_ESCAPES = re.compile(r"\\([\\\"'])|\"(\")")
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces, ends stripped."""
    return _SPACE.sub(" ", text).strip()


def unescaped(text: str) -> str:
    """``text`` with string-literal escapes undone: ``\"`` ``\'`` ``\\`` and CSV's ``""``."""
    return _ESCAPES.sub(lambda m: m.group(1) or m.group(2), text)


def shingles(text: str, n: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive words (lower case, punctuation dropped)."""
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@dataclass(frozen=True)
class Secret:
    """One line students must never see, and where it comes from."""

    text: str
    origin: str  # e.g. "01_history q2-answer (solution)"


@dataclass(frozen=True)
class Finding:
    """A leak: which file holds which secret (or instructor-only path)."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def secrets_of_sources(paths: list[Path]) -> list[Secret]:
    """Every secret line of the given instructor sources (see the module docstring)."""
    found: dict[str, str] = {}
    public: set[str] = set()  # lines of the released (question, text, setup, check) cells
    for path in sorted(paths):
        src = load_source(path)
        for c in src.cells:
            if c.role in PUBLIC_ROLES:
                public.update(normalise(x) for x in c.source.splitlines())
                continue
            if c.role in REMOVED:
                lines, kind = c.source.splitlines(), f"{c.role} cell"
            else:
                lines = solution_lines(c.source)
                kind = "model answer" if c.role == "rubric-answer" else "solution"
            for line in lines:
                n = normalise(line)
                if c.role == "rubric-answer" and len(_WORD.findall(n)) < SHINGLE_WORDS:
                    continue  # a short piece of prose: the model answer's shingles cover it
                if len(n) >= MIN_CHARS and not _IMPORT.match(n):
                    found.setdefault(n, f"{src.set_id} {c.id} ({kind})")
    shown = "\n".join(sorted(public))
    return [
        Secret(t, o)
        for t, o in sorted(found.items())
        if t not in shown and t not in ALLOWED_SHARED_LINES
    ]


def model_answer_shingles(
    paths: list[Path],
    public_texts: list[str] = (),  # type: ignore[assignment]
) -> dict[tuple[str, ...], str]:
    """Shingles of every rubric model answer, minus those in a public cell or ``public_texts``."""
    found: dict[tuple[str, ...], str] = {}
    public: set[tuple[str, ...]] = set()
    for text in public_texts:
        public |= shingles(text)
    for path in sorted(paths):
        src = load_source(path)
        for c in src.cells:
            if c.role in PUBLIC_ROLES:
                public |= shingles(c.source)
            elif c.role == "rubric-answer":
                for sh in sorted(shingles("\n".join(solution_lines(c.source)))):
                    found.setdefault(sh, f"{src.set_id} {c.id} (model answer fragment)")
    return {sh: o for sh, o in found.items() if sh not in public}


def _csv_cells(text: str) -> str | None:
    """The cells of ``text`` read as CSV (quotes undone), or None when it is not a table."""
    if "," not in text and "\t" not in text:
        return None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return None
    return "\n".join(cell for row in rows for cell in row)


def _strings(node: Any) -> list[str]:
    """Every string inside a parsed JSON document (notebook sources come out unescaped)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for x in node for s in _strings(x)]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (k, *_strings(v))]
    return []


class LeakScanner:
    """Scans bytes, files, folders and archives for the secrets and instructor-only paths."""

    def __init__(
        self,
        secrets: list[Secret],
        paths: tuple[str, ...] = INSTRUCTOR_PATHS,
        fragments: dict[tuple[str, ...], str] | None = None,
        pinned: frozenset[str] = frozenset(),
    ) -> None:
        self.secrets = secrets
        self.paths = paths
        self.fragments = fragments or {}
        self.pinned = pinned  # sha256 hex digests of archives a non-strict scan may skip

    def scan_text(self, where: str, text: str, *, paths: bool = True) -> list[Finding]:
        """Findings in one text, read as itself, JSON strings, CSV cells and HTML-unescaped
        (``paths=False``: the secrets only, not the instructor-only path names)."""
        raw = [text]
        if text.lstrip()[:1] in ("{", "["):
            with contextlib.suppress(ValueError, RecursionError):
                raw.append("\n".join(_strings(json.loads(text))))
        cells = _csv_cells(text)
        if cells is not None:
            raw.append(cells)
        raw += [html.unescape(r) for r in raw if "&" in r]
        raw += [unescaped(r) for r in raw if "\\" in r or '""' in r]
        hay = [normalise(r) for r in raw]
        out: list[Finding] = []
        for s in self.secrets:
            if any(s.text in h for h in hay):
                out.append(Finding(where, f"holds {s.origin}: {s.text[:80]!r}"))
        if self.fragments:
            seen: set[str] = set()
            for sh in sorted(shingles("\n".join(raw)) & self.fragments.keys()):
                origin = self.fragments[sh]
                if origin not in seen:
                    seen.add(origin)
                    out.append(Finding(where, f"holds {origin}: {' '.join(sh)!r}"))
        if paths:
            out += [
                Finding(where, f"names instructor-only {p!r}") for p in self.paths if p in hay[0]
            ]
        return out

    def scan_bytes(
        self,
        where: str,
        data: bytes,
        *,
        strict: bool = True,
        text_only: bool = False,
        third_party: bool = False,
    ) -> list[Finding]:
        """Findings in one file's bytes (its name, its text, or its archive members).

        Every archive is opened (members scanned in the same mode). A file that is neither
        UTF-8 text without NUL bytes nor a readable archive is a finding (its content cannot be
        checked, so it cannot be shipped unseen) unless its name ends with an allowed suffix:
        ``BINARY_ALLOWED`` when ``strict`` (the edition, dist/student), ``SITE_BINARY_ALLOWED``
        otherwise (a
        JupyterLite site). ``text_only`` refuses every binary file. In a site, an archive whose
        sha256 is pinned (``self.pinned``) is third-party: its members' names and binaries are
        not judged (folders named ``benchmarks/``, time-zone files), but its text is still
        searched for the secrets (``third_party``).
        """
        out = [
            Finding(where, f"is an instructor-only path ({p!r})")
            for p in self.paths
            if p.rstrip("/") in where and not third_party
        ]
        if data[:4] == b"PK\x03\x04" or data[:2] == b"\x1f\x8b":
            pinned = not strict and hashlib.sha256(data).hexdigest() in self.pinned
            return out + self.scan_archive(
                where, data, strict=strict, third_party=third_party or pinned
            )
        try:
            # a NUL byte is no text: ASCII in UTF-16LE/UTF-32LE without a BOM is valid UTF-8
            # whose every other character is NUL, and no word in it would match a secret
            text = data.decode("utf-8") if b"\x00" not in data else None
        except UnicodeDecodeError:
            text = None
        if text is None:
            allowed = BINARY_ALLOWED if strict else SITE_BINARY_ALLOWED
            unread = text_only or not allowed or not where.lower().endswith(allowed)
            if unread and not third_party:
                out.append(Finding(where, "is not text: the scan cannot prove it holds no leak"))
            return out
        return out + self.scan_text(where, text, paths=not third_party)

    def scan_archive(
        self, where: str, data: bytes, *, strict: bool = True, third_party: bool = False
    ) -> list[Finding]:
        """Findings in every member of a zip, wheel or gzip file (nested archives too)."""
        out: list[Finding] = []
        if data[:2] == b"\x1f\x8b":
            try:
                inner = gzip.decompress(data)
            except (OSError, EOFError, zipfile.BadZipFile):
                return [Finding(where, "is an unreadable archive (cannot prove it holds no leak)")]
            name = where.rsplit("/", 1)[-1].removesuffix(".gz") or "member"
            return self.scan_bytes(f"{where}!{name}", inner, strict=strict, third_party=third_party)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in sorted(zf.namelist()):
                    if not name.endswith("/"):
                        member = zf.read(name)
                        out += self.scan_bytes(
                            f"{where}!{name}", member, strict=strict, third_party=third_party
                        )
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
            out.append(Finding(where, "is an unreadable archive (cannot prove it holds no leak)"))
        return out

    def scan_path(self, target: Path, *, strict: bool = True) -> list[Finding]:
        """Findings in a file, an archive, or every file of a folder (``.git`` skipped)."""
        if target.is_file():
            return self.scan_bytes(target.name, target.read_bytes(), strict=strict)
        out: list[Finding] = []
        if not strict:  # a site: the packages its Pyodide lock lists are third-party
            self.pinned = self.pinned | pyodide_lock_hashes(target)
        for f in sorted(p for p in target.rglob("*") if p.is_file()):
            rel = f.relative_to(target).as_posix()
            if rel.split("/", 1)[0] in (".git", ".venv"):
                continue
            out += self.scan_bytes(rel, f.read_bytes(), strict=strict)
        return out


def pyodide_lock_hashes(site: Path) -> frozenset[str]:
    """sha256 of the packages a built site's ``pyodide-lock.json`` lists, except the course's own
    wheel (always scanned in full). lite/build.py checked each against its upstream pin, then
    rewrote many (bytecode, lite/pycompile.py) and re-hashed the lock, so the lock vouches for the
    build's output, not for upstream: these archives' text is still searched for the secrets."""
    found: set[str] = set()
    for lock in sorted(site.rglob("pyodide-lock.json")):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            packages = json.loads(lock.read_text(encoding="utf-8")).get("packages", {})
            for pkg in packages.values():
                name = str(pkg.get("file_name", ""))
                sha = str(pkg.get("sha256", ""))
                if _SHA256.fullmatch(sha) and not name.startswith("trilat"):
                    found.add(sha)
    return frozenset(found)


_SHA256 = re.compile(r"\b[0-9a-f]{64}\b")
SITE_LOCKS = ("lite/browser.lock", "lite/pyodide.json")  # what the site's downloads are pinned by


def pinned_hashes(root: str | Path) -> frozenset[str]:
    """Every sha256 pinned in the JupyterLite site's locks (``SITE_LOCKS``)."""
    found: set[str] = set()
    for rel in SITE_LOCKS:
        lock = Path(root) / rel
        if lock.is_file():
            found |= set(_SHA256.findall(lock.read_text(errors="replace")))
    return frozenset(found)


# what students read anyway: a model answer may restate it (shingles found here are not secrets)
PUBLIC_TEXTS = (
    "notebooks/*.ipynb",
    "docs/student_guide.md",
    "docs/codebook.md",
    "docs/readings.md",
)
PUBLIC_DATA = "trilat_lessons/data/**/*.csv"


def _public_texts(root: Path) -> list[str]:
    texts = []
    for pattern in (*PUBLIC_TEXTS, PUBLIC_DATA):
        for path in sorted(root.glob(pattern)):
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".ipynb":
                with contextlib.suppress(ValueError):
                    text = "\n".join(_strings(json.loads(text)))
            texts.append(text)
    return texts


def scanner_for_repo(root: str | Path) -> LeakScanner:
    """A scanner holding the secrets of every source in ``root/exercises/source``."""
    sources = sorted((Path(root) / "exercises" / "source").glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no instructor sources in {Path(root) / 'exercises' / 'source'}")
    return LeakScanner(
        secrets_of_sources(sources),
        fragments=model_answer_shingles(sources, _public_texts(Path(root))),
        pinned=pinned_hashes(root),
    )
