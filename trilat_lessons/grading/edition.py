"""``trilat student``: write the student edition (``dist/student/``) of the instructor repository.

The edition is a self-contained course folder a teacher pushes as the students' repository, points
Binder/nbgitpuller at, zips for an LMS, or builds the JupyterLite site from. It is an allow-list:
lessons, released exercises, the student guide, the files in ``edition/`` (student README,
Makefile, tests), the environment files, licences and the package without ``grading/``. Output is
deterministic (same inputs, same bytes, fixed modes, no timestamps) and idempotent: files that did
not change are not rewritten, files no longer in the edition are removed, ``.git`` and local
environments are left alone. Nothing is written when the leak scan (``leakscan.py``) finds a secret,
nor into a folder that is, holds or lies in the repository (but for ``dist/``), nor into a
non-empty folder without the ``.trilat-edition`` marker every edition holds.

Which files go in: in a git checkout, only files git **tracks** (``git ls-files``), so a scratch
notebook or an answer draft lying in ``notebooks/`` never ships; a tracked file with uncommitted
changes goes in as it is on disk (the instructor's tests build the edition while editing) with a
warning on stderr, and untracked files that match the edition's patterns are named in a warning.
Outside a git checkout, explicit patterns (``FALLBACK_PATTERNS``) decide. Either way lessons and
released exercises are listed by name pattern (``NN*_topic.ipynb``), and hidden files (a path part
starting with ``.``) never go in, except the template's own ``.gitignore``.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .leakscan import Finding, LeakScanner, scanner_for_repo

# What the edition holds, relative to the instructor repository (files or folders; sorted later).
COPIED = (
    "docs/student_guide.md",
    "docs/codebook.md",
    "docs/readings.md",  # lessons 02-06 send students to it
    "docs/course_plan.yaml",  # every lesson quotes its times from it
    "docs/skills.yaml",  # the primer points to it: which section each exercise question uses
    "pyproject.toml",
    "requirements.lock",
    "environment.yml",
    "postBuild",
    "scripts/offline",
    "LICENSE",
    "LICENSE-CONTENT",
    "CITATION.cff",
    "tests/nbval_sanitize.cfg",
    "trilat_lessons",
)
TEMPLATE_DIR = "edition"  # files only the student edition has (README, Makefile, tests)
EXECUTABLE = {"postBuild", "scripts/offline"}
# never copied, even inside a copied folder: instructor tools and build debris
EXCLUDED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache"}
EXCLUDED_PREFIXES = (
    "trilat_lessons/grading/",
    "trilat_lessons/exercises/authoring.py",
    "trilat_lessons/pacing.py",
)
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
# lessons by name pattern (a stray Untitled.ipynb or draft never matches)
LESSON_PATTERN = "notebooks/[0-9][0-9]*_*.ipynb"
RELEASED_PATTERN = "[0-9][0-9]_*.ipynb"  # inside exercises/
TEMPLATE_HIDDEN = {".gitignore"}  # the only hidden files of the edition (from edition/)
# outside a git checkout: the file names a copied folder may contribute (anything else stays out)
FALLBACK_PATTERNS = (
    "trilat_lessons/*.py",
    "trilat_lessons/*/*.py",
    "trilat_lessons/py.typed",
    "trilat_lessons/data/*.csv",
    "trilat_lessons/data/*.json",
    "trilat_lessons/data/raw/*.csv",
    "trilat_lessons/exercises/keys/*.json",
    "trilat_lessons/svg_cache.json",
    "trilat_lessons/jupyter-config/*.json",  # enables the save hook in any jupyter lab
    "trilat_lessons/labextension/package.json",  # the course's JupyterLab extension
    "trilat_lessons/labextension/static/*.js",
    "edition/Makefile",
    "edition/README.md",
    "edition/.gitignore",
    "edition/tests/*.py",
)
# left alone in an existing output folder: its git history and a student's local environment
KEPT_IN_OUTPUT = {".git", ".venv"}
# written into every edition: a folder holding it was written by ``trilat student``, so files in it
# that left the edition may be removed (any other non-empty folder is refused, never cleaned)
MARKER = ".trilat-edition"
MARKER_TEXT = (
    b"This folder is a student edition written by `trilat student` (trilat-lessons).\n"
    b"Rebuilding it removes every file that is not part of the edition (except .git, .venv).\n"
)
# the only folder inside the instructor repository an edition may be written to (git ignores it)
OUTPUT_INSIDE_ROOT = "dist"


class EditionError(RuntimeError):
    """The edition cannot be built (missing input, stale release, or a leak)."""


@dataclass
class Edition:
    """The files of a student edition, in memory: relative path -> bytes."""

    files: dict[str, bytes]
    modes: dict[str, int] = field(default_factory=dict)

    def mode(self, rel: str) -> int:
        """The file's permission bits (0o755 for scripts, else 0o644)."""
        return self.modes.get(rel, 0o644)


def _wanted(rel: str) -> bool:
    parts = rel.split("/")
    if EXCLUDED_PARTS.intersection(parts) or rel.endswith(EXCLUDED_SUFFIXES):
        return False
    if any(p.startswith(".") for p in parts) and not (
        rel.startswith(f"{TEMPLATE_DIR}/") and parts[-1] in TEMPLATE_HIDDEN and len(parts) == 2
    ):
        return False
    return not rel.startswith(EXCLUDED_PREFIXES)


def _git(root: Path, *args: str) -> str | None:
    """Output of a git command in ``root``, or None when git or the checkout is missing."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


@dataclass
class _Tree:
    """The instructor repository's files as the edition sees them (see the module docstring)."""

    root: Path
    tracked: set[str] | None  # None: not a git checkout (fallback patterns decide)
    modified: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, root: Path) -> _Tree:
        top = _git(root, "rev-parse", "--show-toplevel")
        if top is None or Path(top.strip()).resolve() != root:
            return cls(root, None)
        listed = _git(root, "ls-files", "-z")
        status = _git(root, "status", "--porcelain", "-z", "--untracked-files=no")
        if listed is None or status is None:
            return cls(root, None)
        modified = {e[3:] for e in status.split("\0") if len(e) > 3 and e[:2] != "  "}
        return cls(root, set(filter(None, listed.split("\0"))), modified)

    def allowed(self, rel: str) -> bool:
        """Tracked by git (or, outside git, matching a fallback pattern), and not excluded."""
        if not _wanted(rel):
            return False
        if self.tracked is None:
            outside = not rel.startswith(("trilat_lessons/", f"{TEMPLATE_DIR}/"))
            return outside or any(fnmatch.fnmatchcase(rel, p) for p in FALLBACK_PATTERNS)
        return rel in self.tracked

    def read(self, rel: str) -> bytes | None:
        """The file's bytes when it may go in; warns about modified and untracked files."""
        if not self.allowed(rel):
            if self.tracked is not None and _wanted(rel):
                self.warnings.append(f"left out {rel}: not tracked by git (git add it to ship it)")
            return None
        if rel in self.modified:
            self.warnings.append(f"{rel} has uncommitted changes (commit before you publish)")
        return (self.root / rel).read_bytes()

    def files_under(self, rel: str) -> list[str]:
        """Every file below folder ``rel`` (relative paths, sorted)."""
        base = self.root / rel
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file())


def _collect(tree: _Tree, rel: str, into: dict[str, bytes], target: str | None = None) -> None:
    path = tree.root / rel
    if not path.exists():
        raise EditionError(f"the edition needs {rel}, which is missing from {tree.root}")
    subs = [rel] if path.is_file() else tree.files_under(rel)
    for sub in subs:
        data = tree.read(sub)
        if data is None:
            if sub == rel:
                raise EditionError(f"the edition needs {rel}, which git does not track")
            continue
        into[sub if target is None else target + sub[len(rel) :]] = data


def _lessons(tree: _Tree, files: dict[str, bytes]) -> None:
    """Lessons ``notebooks/NN*_topic.ipynb`` (by pattern: drafts and scratch files stay out)."""
    found = [
        rel
        for rel in tree.files_under("notebooks")
        if fnmatch.fnmatchcase(rel, LESSON_PATTERN) and rel.count("/") == 1
    ]
    for rel in found:
        data = tree.read(rel)
        if data is not None:
            files[rel] = data
    if not any(k.startswith("notebooks/") for k in files):
        raise EditionError("no lesson in notebooks/ (NN_topic.ipynb, tracked by git)")


def _released_exercises(tree: _Tree, files: dict[str, bytes]) -> None:
    """Released notebooks (exercises/NN_topic.ipynb, never source/), each matching its key."""
    root = tree.root
    keys_dir = root / "trilat_lessons" / "exercises" / "keys"
    released = sorted((root / "exercises").glob(RELEASED_PATTERN))
    if not released:
        raise EditionError("no released exercise in exercises/ (run: trilat release ...)")
    for nb_path in released:
        data = tree.read(f"exercises/{nb_path.name}")
        if data is None:
            continue
        meta = (json.loads(data).get("metadata") or {}).get("trilat") or {}
        key_path = keys_dir / f"{nb_path.stem}.json"
        if meta.get("release") != "student" or not key_path.is_file():
            raise EditionError(f"{nb_path} is not a released student notebook with a key")
        fingerprint = json.loads(key_path.read_bytes()).get("source_fingerprint", "")
        if meta.get("key") != fingerprint[:16]:
            raise EditionError(
                f"{nb_path} and its key come from different releases "
                f"(run: trilat release exercises/source/{nb_path.name})"
            )
        files[f"exercises/{nb_path.name}"] = data


def build_edition(root: str | Path, warnings: list[str] | None = None) -> Edition:
    """The student edition of the instructor repository at ``root`` (nothing written).

    Messages about modified or left-out files are appended to ``warnings`` when given.
    """
    root = Path(root).resolve()
    tree = _Tree.of(root)
    files: dict[str, bytes] = {}
    _lessons(tree, files)
    for rel in COPIED:
        _collect(tree, rel, files)
    _released_exercises(tree, files)
    template = root / TEMPLATE_DIR
    if not template.is_dir():
        raise EditionError(f"{template} (the student README, Makefile and tests) is missing")
    _collect(tree, TEMPLATE_DIR, files, target="")
    if warnings is not None:
        warnings.extend(tree.warnings)
    files[MARKER] = MARKER_TEXT
    files = {k.lstrip("/"): v for k, v in sorted(files.items())}
    return Edition(files, {rel: 0o755 for rel in EXECUTABLE if rel in files})


def _stale(out: Path, keep: set[str]) -> list[Path]:
    """Files under ``out`` that are not part of the edition (outside .git and .venv)."""
    stale = []
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        top = rel.split("/", 1)[0]
        if top in KEPT_IN_OUTPUT or EXCLUDED_PARTS.intersection(rel.split("/")):
            continue
        if (p.is_file() or p.is_symlink()) and rel not in keep:
            stale.append(p)
    return stale


def check_output(root: str | Path, out: str | Path) -> None:
    """Refuse (EditionError) an output folder that is, contains, or lies inside the instructor
    repository ``root`` (except below its git-ignored ``dist/``): rebuilding removes files there."""
    root, out = Path(root).resolve(), Path(out).resolve()
    if out == root or out in root.parents:
        raise EditionError(
            f"the output folder {out} is or contains the instructor repository {root}: "
            "rebuilding would delete its files; choose an empty folder (default: dist/student)"
        )
    if root in out.parents and (root / OUTPUT_INSIDE_ROOT) not in out.parents:
        raise EditionError(
            f"the output folder {out} lies inside the instructor repository {root}: "
            f"write the edition below {root / OUTPUT_INSIDE_ROOT} or outside the repository"
        )


def _first_line(data: bytes) -> bytes:
    return data.split(b"\n", 1)[0].strip()


def _check_previous(out: Path, edition: Edition) -> None:
    """Refuse a non-empty output folder that no previous edition wrote (neither the marker file
    nor, for editions older than it, the edition README's title): its files would be
    overwritten or removed as stale."""
    if not out.exists():
        return
    if not out.is_dir():
        raise EditionError(f"the output folder {out} is a file")
    if (out / MARKER).is_file():
        return
    readme = out / "README.md"
    title = _first_line(edition.files.get("README.md", b""))
    if title and readme.is_file() and _first_line(readme.read_bytes()) == title:
        return
    other = sorted(p.name for p in out.iterdir() if p.name not in KEPT_IN_OUTPUT)
    if other:
        shown = ", ".join(other[:5]) + (", ..." if len(other) > 5 else "")
        raise EditionError(
            f"the output folder {out} is not empty ({shown}) and holds no {MARKER}, so no "
            "previous edition wrote it: rebuilding would delete or overwrite its files; "
            "choose an empty folder or a previous edition"
        )


def write_edition(edition: Edition, out: str | Path) -> list[str]:
    """Write the edition into ``out``; returns the paths added, changed or removed.

    ``out`` must be missing, empty (but for .git/.venv) or a previous edition (EditionError
    otherwise, nothing written): only there are files no longer in the edition removed."""
    out = Path(out)
    _check_previous(out, edition)
    out.mkdir(parents=True, exist_ok=True)
    changed: list[str] = []
    for p in _stale(out, set(edition.files)):
        p.unlink()
        changed.append(f"removed {p.relative_to(out).as_posix()}")
    for d in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        top = d.relative_to(out).as_posix().split("/", 1)[0]
        if top not in KEPT_IN_OUTPUT and not any(d.iterdir()):
            d.rmdir()
    for rel, data in edition.files.items():
        path = out / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(rel)
        if path.stat().st_mode & 0o777 != edition.mode(rel):
            path.chmod(edition.mode(rel))
    return changed


def scan_edition(edition: Edition, scanner: LeakScanner) -> list[Finding]:
    """Leak-scan the in-memory edition (every file, by content and by path)."""
    findings: list[Finding] = []
    for rel, data in edition.files.items():
        findings += scanner.scan_bytes(rel, data, text_only=True)
    return findings


def make_student(root: str | Path, out: str | Path, warnings: list[str] | None = None) -> list[str]:
    """Build, leak-scan and write the edition; raises EditionError (writing nothing) on a leak
    or an output folder that ``check_output`` or ``write_edition`` refuses."""
    check_output(root, out)
    edition = build_edition(root, warnings)
    findings = scan_edition(edition, scanner_for_repo(root))
    if findings:
        listing = "\n".join(f"  - {f}" for f in findings[:50])
        raise EditionError(f"the student edition would leak instructor material:\n{listing}")
    return write_edition(edition, out)


def _student(args: argparse.Namespace) -> int:
    root = Path(args.root)
    if not (root / "exercises" / "source").is_dir():
        print(
            f"trilat student: {root.resolve()} is not the instructor repository "
            "(no exercises/source/)",
            file=sys.stderr,
        )
        return 2
    warnings: list[str] = []
    try:
        changed = make_student(root, args.out, warnings)
    except EditionError as exc:
        print(f"trilat student: {exc}", file=sys.stderr)
        return 1
    for w in warnings:
        print(f"trilat student: warning: {w}", file=sys.stderr)
    for line in changed:
        print(line)
    print(f"student edition in {args.out}: {len(changed) or 'no'} change(s)")
    return 0


def _leakscan(args: argparse.Namespace) -> int:
    try:
        scanner = scanner_for_repo(args.root)
    except FileNotFoundError as exc:  # run outside the instructor repository: say so, no trace
        print(
            f"trilat leakscan: {exc}: run it from the instructor repository (or give --root)",
            file=sys.stderr,
        )
        return 2
    findings: list[Finding] = []
    for target in args.paths:
        findings += scanner.scan_path(Path(target))
    for target in args.site or []:
        findings += scanner.scan_path(Path(target), strict=False)
    for f in findings:
        print(f, file=sys.stderr)
    if findings:
        print(f"trilat leakscan: {len(findings)} leak(s)", file=sys.stderr)
        return 1
    scanned = ", ".join([*args.paths, *(args.site or [])])
    print(f"trilat leakscan: no leak in {scanned} ({len(scanner.secrets)} secrets)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``student`` and ``leakscan`` to the ``trilat`` command."""
    p = subparsers.add_parser(
        "student",
        help="write the student edition (no solutions, hidden checks or teaching notes)",
        description="Instructor repository -> student edition: lessons, released exercises, "
        "student guide, README, Makefile, environment files, package without grading. "
        "Deterministic and idempotent; refuses to write anything the leak scan flags.",
    )
    p.add_argument("--out", default="dist/student", help="output folder (default: dist/student)")
    p.add_argument("--root", default=".", help="the instructor repository (default: .)")
    p.set_defaults(func=_student)
    s = subparsers.add_parser(
        "leakscan",
        help="scan folders, wheels or files for solutions and instructor-only material",
        description="Fails when any file holds a solution line, hidden check or key cell code, "
        "a rubric model answer (all read from exercises/source/) or an instructor-only path, "
        "or cannot be read (binary, unreadable archive). Every archive is opened. PATHs are "
        "scanned strictly (no binary file); --site folders may hold the binaries a JupyterLite "
        "build ships, and archives whose sha256 is pinned in lite/ are skipped.",
    )
    s.add_argument("paths", nargs="*", metavar="PATH", help="folder, archive or file (strict)")
    s.add_argument(
        "--site", action="append", metavar="DIR", help="a JupyterLite site folder (repeatable)"
    )
    s.add_argument("--root", default=".", help="the instructor repository (default: .)")
    s.set_defaults(func=_leakscan)
