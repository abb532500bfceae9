"""Leak scan: prove by content that student-facing files hold no instructor material.

The secrets are read from the instructor sources (``exercises/source/*.ipynb``): every line
between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (code solutions and rubric model answers),
and every line of ``key`` cells (wrong()/accept() values) and ``hidden`` cells (hidden checks).
Each is compared with whitespace collapsed, so re-indenting or re-wrapping a notebook's JSON does
not hide it. Two kinds of line are skipped, because they cannot give anything away and would
only raise false alarms:

- lines shorter than ``MIN_CHARS`` characters once whitespace is collapsed (``)``, ``else:``,
  ``q4_answer = 3``: a bare number or name says nothing without the code that computes it);
- lines that also stand (whole, or inside a longer line) in the public cells of a source
  (question, text, setup and check cells are released to students anyway), and plain
  ``import``/``from ... import`` lines;
- the few lines listed in ``ALLOWED_SHARED_LINES``, each read in place and explained: set-up code
  that a lesson also teaches, never a line that computes an answer.

The scan finds instructor text copied verbatim (up to whitespace and JSON escaping); it cannot
find a solution re-typed in other words, which is what the release's question-text rules
(``question_rules.py``) and a read-through are for.

Instructor-only paths (``INSTRUCTOR_PATHS``) are found both as file names and as text: a student
file naming ``exercises/source`` points at something students must not have. Archives (.whl,
.zip) are opened and their members scanned; inside a folder, third-party archives (every name
not starting with ``trilat``) are skipped: they come from hash-pinned downloads.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .source import REMOVED, load_source, solution_lines

MIN_CHARS = 16
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
        "ranks = tl.widgets.compare_rankings(options, weights)",
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


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces, ends stripped."""
    return _SPACE.sub(" ", text).strip()


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
                if len(n) >= MIN_CHARS and not _IMPORT.match(n):
                    found.setdefault(n, f"{src.set_id} {c.id} ({kind})")
    shown = "\n".join(sorted(public))
    return [
        Secret(t, o)
        for t, o in sorted(found.items())
        if t not in shown and t not in ALLOWED_SHARED_LINES
    ]


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

    def __init__(self, secrets: list[Secret], paths: tuple[str, ...] = INSTRUCTOR_PATHS) -> None:
        self.secrets = secrets
        self.paths = paths

    def scan_text(self, where: str, text: str) -> list[Finding]:
        """Findings in one text (JSON is also read as its unescaped strings)."""
        hay = [normalise(text)]
        if text.lstrip()[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                hay.append(normalise("\n".join(_strings(json.loads(text)))))
        out: list[Finding] = []
        for s in self.secrets:
            if any(s.text in h for h in hay):
                out.append(Finding(where, f"holds {s.origin}: {s.text[:80]!r}"))
        out += [Finding(where, f"names instructor-only {p!r}") for p in self.paths if p in hay[0]]
        return out

    def scan_bytes(
        self, where: str, data: bytes, *, archives: bool = True, text_only: bool = False
    ) -> list[Finding]:
        """Findings in one file's bytes (its name, its text, or its archive members).

        With ``text_only`` (the edition itself), a file that is neither UTF-8 text nor an archive
        is a finding: its content cannot be checked, so it cannot be shipped unseen.
        """
        out = [
            Finding(where, f"is an instructor-only path ({p!r})")
            for p in self.paths
            if p.rstrip("/") in where
        ]
        if data[:4] == b"PK\x03\x04":
            if archives:
                out += self.scan_archive(where, data)
            return out
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if text_only:
                out.append(Finding(where, "is not text: the scan cannot prove it holds no leak"))
            return out
        return out + self.scan_text(where, text)

    def scan_archive(self, where: str, data: bytes) -> list[Finding]:
        """Findings in every member of a zip or wheel."""
        out: list[Finding] = []
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for name in sorted(zf.namelist()):
                    if not name.endswith("/"):
                        out += self.scan_bytes(f"{where}!{name}", zf.read(name))
        except zipfile.BadZipFile:
            out.append(Finding(where, "is an unreadable archive (cannot prove it holds no leak)"))
        return out

    def scan_path(self, target: Path) -> list[Finding]:
        """Findings in a file, an archive, or every file of a folder (``.git`` skipped)."""
        if target.is_file():
            return self.scan_bytes(target.name, target.read_bytes())
        out: list[Finding] = []
        for f in sorted(p for p in target.rglob("*") if p.is_file()):
            rel = f.relative_to(target).as_posix()
            if rel.split("/", 1)[0] in (".git", ".venv"):
                continue
            ours = f.name.startswith("trilat")
            out += self.scan_bytes(rel, f.read_bytes(), archives=ours)
        return out


def scanner_for_repo(root: str | Path) -> LeakScanner:
    """A scanner holding the secrets of every source in ``root/exercises/source``."""
    sources = sorted((Path(root) / "exercises" / "source").glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no instructor sources in {Path(root) / 'exercises' / 'source'}")
    return LeakScanner(secrets_of_sources(sources))
