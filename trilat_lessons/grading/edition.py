"""``trilat student``: write the student edition (``dist/student/``) of the instructor repository.

The edition is a self-contained course folder a teacher pushes as the students' repository, points
Binder/nbgitpuller at, zips for an LMS, or builds the JupyterLite site from. It is an allow-list:
lessons, released exercises, the student guide, the files in ``edition/`` (student README,
Makefile, tests), the environment files, licences and the package without ``grading/``. Output is
deterministic (same inputs, same bytes, fixed modes, no timestamps) and idempotent: files that did
not change are not rewritten, files no longer in the edition are removed, ``.git`` and local
environments are left alone. Nothing is written when the leak scan (``leakscan.py``) finds a secret.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .leakscan import Finding, LeakScanner, scanner_for_repo

# What the edition holds, relative to the instructor repository (files or folders; sorted later).
COPIED = (
    "notebooks",
    "docs/student_guide.md",
    "docs/codebook.md",
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
EXCLUDED_PREFIXES = ("trilat_lessons/grading/", "trilat_lessons/exercises/authoring.py")
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
# left alone in an existing output folder: its git history and a student's local environment
KEPT_IN_OUTPUT = {".git", ".venv"}


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
    return not rel.startswith(EXCLUDED_PREFIXES)


def _collect(base: Path, rel: str, into: dict[str, bytes], target: str | None = None) -> None:
    path = base / rel
    if not path.exists():
        raise EditionError(f"the edition needs {rel}, which is missing from {base}")
    if path.is_file():
        into[target or rel] = path.read_bytes()
        return
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        sub = f.relative_to(base).as_posix()
        if _wanted(sub):
            into[sub if target is None else target + sub[len(rel) :]] = f.read_bytes()


def _released_exercises(root: Path, files: dict[str, bytes]) -> None:
    """Released notebooks (exercises/*.ipynb, never source/), each matching its public key."""
    keys_dir = root / "trilat_lessons" / "exercises" / "keys"
    released = sorted((root / "exercises").glob("*.ipynb"))
    if not released:
        raise EditionError("no released exercise in exercises/ (run: trilat release ...)")
    for nb_path in released:
        meta = (json.loads(nb_path.read_bytes()).get("metadata") or {}).get("trilat") or {}
        key_path = keys_dir / f"{nb_path.stem}.json"
        if meta.get("release") != "student" or not key_path.is_file():
            raise EditionError(f"{nb_path} is not a released student notebook with a key")
        fingerprint = json.loads(key_path.read_bytes()).get("source_fingerprint", "")
        if meta.get("key") != fingerprint[:16]:
            raise EditionError(
                f"{nb_path} and its key come from different releases "
                f"(run: trilat release exercises/source/{nb_path.name})"
            )
        files[f"exercises/{nb_path.name}"] = nb_path.read_bytes()


def build_edition(root: str | Path) -> Edition:
    """The student edition of the instructor repository at ``root`` (nothing written)."""
    root = Path(root).resolve()
    files: dict[str, bytes] = {}
    for rel in COPIED:
        _collect(root, rel, files)
    _released_exercises(root, files)
    template = root / TEMPLATE_DIR
    if not template.is_dir():
        raise EditionError(f"{template} (the student README, Makefile and tests) is missing")
    _collect(root, TEMPLATE_DIR, files, target="")
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


def write_edition(edition: Edition, out: str | Path) -> list[str]:
    """Write the edition into ``out``; returns the paths added, changed or removed."""
    out = Path(out)
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


def make_student(root: str | Path, out: str | Path) -> list[str]:
    """Build, leak-scan and write the edition; raises EditionError (writing nothing) on a leak."""
    edition = build_edition(root)
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
    try:
        changed = make_student(root, args.out)
    except EditionError as exc:
        print(f"trilat student: {exc}", file=sys.stderr)
        return 1
    for line in changed:
        print(line)
    print(f"student edition in {args.out}: {len(changed) or 'no'} change(s)")
    return 0


def _leakscan(args: argparse.Namespace) -> int:
    scanner = scanner_for_repo(args.root)
    findings: list[Finding] = []
    for target in args.paths:
        findings += scanner.scan_path(Path(target))
    for f in findings:
        print(f, file=sys.stderr)
    if findings:
        print(f"trilat leakscan: {len(findings)} leak(s)", file=sys.stderr)
        return 1
    print(f"trilat leakscan: no leak in {', '.join(args.paths)} ({len(scanner.secrets)} secrets)")
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
        "a rubric model answer (all read from exercises/source/) or an instructor-only path.",
    )
    s.add_argument("paths", nargs="+", metavar="PATH", help="folder, .whl/.zip or file")
    s.add_argument("--root", default=".", help="the instructor repository (default: .)")
    s.set_defaults(func=_leakscan)
