"""The student edition (``trilat student``): what it holds, deterministic and idempotent bytes,
and a leak scan (edition, the wheel built from it, the JupyterLite site) that fails on a planted
secret.

Its own ``make test`` (lessons, released exercises, check()) runs in ``make test-student``."""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from trilat_lessons.grading.edition import (
    MARKER,
    EditionError,
    build_edition,
    make_student,
    scan_edition,
    write_edition,
)
from trilat_lessons.grading.leakscan import (
    INSTRUCTOR_PATHS,
    LeakScanner,
    pinned_hashes,
    scanner_for_repo,
    secrets_of_sources,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "exercises" / "source").glob("*.ipynb"))


@pytest.fixture(scope="module")
def edition():
    return build_edition(ROOT)


@pytest.fixture(scope="module")
def scanner():
    return scanner_for_repo(ROOT)


def _git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t"}
    env |= {"GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_edition_holds_the_course_and_nothing_instructor_only(edition):
    files = set(edition.files)
    for need in (
        "README.md",
        "Makefile",
        "pyproject.toml",
        "requirements.lock",
        "environment.yml",
        "postBuild",
        "scripts/offline",
        "LICENSE",
        "LICENSE-CONTENT",
        "CITATION.cff",
        "docs/student_guide.md",
        "tests/test_course.py",
        "notebooks/00_start_here.ipynb",
        "trilat_lessons/exercises/__init__.py",
        "trilat_lessons/data/meetings.csv",
    ):
        assert need in files, need
    for src in SOURCES:
        assert f"exercises/{src.name}" in files
        assert f"trilat_lessons/exercises/keys/{src.stem}.json" in files
    assert not [f for f in files if any(p.rstrip("/") in f for p in INSTRUCTOR_PATHS)]
    instructor_only = ("docs/instructor", "benchmarks", "lite/", "data/", ".ci/")
    assert not [f for f in files if f.startswith(instructor_only)]
    assert "trilat_lessons/exercises/authoring.py" not in files
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]
    assert edition.mode("postBuild") == edition.mode("scripts/offline") == 0o755
    assert edition.mode("README.md") == 0o644
    readme = edition.files["README.md"].decode()
    assert "student edition" in readme.splitlines()[0] + readme.splitlines()[2]
    assert "make lab" in readme and "make test" in readme
    assert b"pip install" in edition.files["postBuild"]  # repo2docker #1265


# repository paths that edition files name although the edition does not hold them: code
# comments and licence text about how the instructor repository builds things, never a place
# a lesson or a student document sends a student
NAMED_OUTSIDE = {
    "data/README.md": "LICENSE-CONTENT and datapackage.json describe the raw data's provenance",
    "data/raw": "LICENSE-CONTENT, build/ and data_cli.py: the instructor's raw data",
    "data/curation": "build/: the instructor's data build reads the curation files",
    "data/curation/README.md": "build/: where the curation files are described",
    "lite/build.py": "render.py: how the JupyterLite site's vega package is made",
    "scripts/env_from_lock.py": "environment.yml's generated-file header",
    "tests/test_objectives.py": "course_plan.yaml's header: the instructor's test",
    "tests/test_pacing.py": "course_plan.yaml's header: the instructor's test",
    "tests/test_skills.py": "skills.yaml's header: the instructor's test",
    "tests/skills_detect.py": "skills.yaml's header: the instructor's test",
    "scripts/svg_cache.py": "render.py: how the instructor refreshes the first-chart SVG cache",
    "tests/test_render.py": "render.py: the instructor's test of the SVG cache",
}
_REPO_PATH = re.compile(
    r"(?<![\w./-])((?:docs|notebooks|exercises|scripts|tests|trilat_lessons|lite|data|edition"
    r"|slides|benchmarks)/[\w./*-]*\w)"
)
STUDENT_FACING = (
    "notebooks/",
    "exercises/",
    "docs/student_guide.md",
    "docs/readings.md",
    "README.md",
)


def test_every_repository_path_an_edition_file_names_is_in_the_edition(edition):
    held = set(edition.files) | {d for f in edition.files for d in _parents(f)}
    missing: dict[str, set[str]] = {}
    for rel, data in edition.files.items():
        for path in _REPO_PATH.findall(data.decode("utf-8")):
            if path.rstrip("/") not in held:
                missing.setdefault(path, set()).add(rel)
    assert set(missing) <= set(NAMED_OUTSIDE), {
        p: missing[p] for p in set(missing) - set(NAMED_OUTSIDE)
    }
    for path, where in missing.items():
        assert not [w for w in where if w.startswith(STUDENT_FACING)], (path, where)
    assert "docs/readings.md" in edition.files and "docs/course_plan.yaml" in edition.files


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def test_instructor_readme_says_which_edition():
    head = (ROOT / "README.md").read_text().split("\n## ")[0]
    assert "instructor edition" in head and "make student" in head


def test_edition_is_deterministic(edition, tmp_path):
    again = build_edition(ROOT)
    assert again.files == edition.files and again.modes == edition.modes
    a, b = tmp_path / "a", tmp_path / "b"
    write_edition(edition, a)
    write_edition(again, b)
    listing = []
    for out in (a, b):
        rows = []
        for f in sorted(p for p in out.rglob("*") if p.is_file()):
            rows.append((f.relative_to(out).as_posix(), f.stat().st_mode & 0o777, f.read_bytes()))
        listing.append(rows)
    assert listing[0] == listing[1]
    assert len(listing[0]) == len(edition.files)


def test_rebuilding_over_a_git_checkout_leaves_it_clean(edition, tmp_path):
    out = tmp_path / "student"
    write_edition(edition, out)
    _git(out, "init", "-q")
    _git(out, "add", "-A")
    _git(out, "commit", "-qm", "edition")
    assert write_edition(edition, out) == []
    assert _git(out, "status", "--porcelain") == ""
    # a file that left the edition is removed; .git and a local .venv stay
    (out / "notebooks" / "99_old.ipynb").write_text("{}")
    (out / ".venv").mkdir()
    (out / ".venv" / "keep").write_text("x")
    (out / "exercises" / "01_history.ipynb").write_text("edited")
    changed = write_edition(edition, out)
    assert changed == ["removed notebooks/99_old.ipynb", "exercises/01_history.ipynb"]
    assert (out / ".venv" / "keep").exists() and (out / ".git").is_dir()
    assert _git(out, "status", "--porcelain", "--untracked-files=all") == ""  # .venv ignored


def _student_cli(root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "trilat_lessons.cli",
            "student",
            "--root",
            str(root),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )


def _listing(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("where", ["the root", "a parent of the root", "inside the root"])
def test_trilat_student_refuses_an_output_folder_that_is_holds_or_lies_in_the_repository(
    tmp_path, where
):
    """`--out .` once deleted exercises/source/ as 'stale': the repository is never an output."""
    repo = _repo_copy(tmp_path)
    out = {"the root": repo, "a parent of the root": tmp_path, "inside the root": repo / "docs"}
    before = _listing(tmp_path)
    with pytest.raises(EditionError, match="instructor repository"):
        make_student(repo, out[where])
    done = _student_cli(repo, out[where])
    assert done.returncode == 1 and "instructor repository" in done.stderr, done.stderr
    assert _listing(tmp_path) == before  # nothing written, nothing removed
    if where == "the root":  # (once: the same for every case)
        # dist/ (git-ignored) is the one place inside the repository an edition may go
        assert make_student(repo, repo / "dist" / "student")
        assert (repo / "dist" / "student" / MARKER).is_file()


def test_trilat_student_keeps_an_unrelated_folder_and_cleans_only_a_previous_edition(
    edition, tmp_path
):
    assert edition.files[MARKER] == build_edition(ROOT).files[MARKER]  # deterministic
    mine = tmp_path / "mine"
    (mine / "notebooks").mkdir(parents=True)
    (mine / "notebooks" / "thesis.ipynb").write_text("{}")
    (mine / "README.md").write_text("# my own project\n")
    before = _listing(mine)
    with pytest.raises(EditionError, match="not empty"):
        write_edition(edition, mine)
    done = _student_cli(ROOT, mine)
    assert done.returncode == 1 and "not empty" in done.stderr and MARKER in done.stderr
    assert _listing(mine) == before
    # empty (but for .git) or a previous edition: written, and stale files removed there
    fresh = tmp_path / "fresh"
    (fresh / ".git").mkdir(parents=True)
    write_edition(edition, fresh)
    (fresh / "notebooks" / "99_old.ipynb").write_text("{}")
    assert write_edition(edition, fresh) == ["removed notebooks/99_old.ipynb"]
    # an edition written before the marker existed is known by its README's title
    (fresh / MARKER).unlink()
    (fresh / "notebooks" / "99_old.ipynb").write_text("{}")
    assert write_edition(edition, fresh) == ["removed notebooks/99_old.ipynb", MARKER]


def test_secrets_cover_every_kind_in_every_set():
    secrets = secrets_of_sources(SOURCES)
    for src in SOURCES:
        kinds = {s.origin.rsplit("(", 1)[1] for s in secrets if s.origin.startswith(src.stem)}
        cells = json.loads(src.read_text(encoding="utf-8"))["cells"]
        needed = {"solution)", "key cell)"}
        if any(c["metadata"].get("trilat", {}).get("role") == "hidden" for c in cells):
            needed.add("hidden cell)")
        assert needed <= kinds, (src.stem, kinds)
    assert any("model answer" in s.origin for s in secrets)
    assert not [s for s in secrets if len(s.text) < 16]


def test_edition_passes_the_leak_scan(edition, scanner):
    assert scan_edition(edition, scanner) == []


def test_the_wheel_built_from_the_edition_passes_the_leak_scan(edition, scanner, tmp_path):
    out = tmp_path / "student"
    make_student(ROOT, out)
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
            *("--no-index", "-q", "-w", str(tmp_path / "wheel"), str(out)),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "wheel").glob("trilat_lessons-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "trilat_lessons/exercises/keys/01_history.json" in names
    assert not [n for n in names if "/grading/" in n or n.endswith("authoring.py")]
    assert scanner.scan_path(wheel) == []


@pytest.mark.site  # a minute over a built site: run by `make test-site`, not `make unit`
def test_site_built_from_the_edition_passes_the_leak_scan(scanner):
    site = ROOT / "_site"
    if not site.is_dir():
        pytest.skip("no JupyterLite site here (make lite builds it from the edition)")
    assert scanner.scan_path(site, strict=False) == []


def _plant(data: bytes, rel: str, line: str) -> bytes:
    if rel.endswith(".ipynb"):
        nb = json.loads(data)
        nb["cells"][-1]["source"] = "".join(nb["cells"][-1]["source"]) + "\n" + line
        return json.dumps(nb, indent=1).encode()
    return data + b"\n" + line.encode() + b"\n"


KINDS = ["solution", "model answer", "key cell", "hidden cell"]
# every file of the edition, each with one kind of secret (the kinds take turns)
PLANTS = [(rel, KINDS[i % len(KINDS)]) for i, rel in enumerate(sorted(build_edition(ROOT).files))]


@pytest.mark.parametrize(("rel", "kind"), PLANTS)
def test_leak_scan_fails_on_a_planted_secret(edition, scanner, rel, kind):
    secret = next(s for s in scanner.secrets if s.origin.endswith(f"({kind})"))
    assert scanner.scan_bytes(rel, edition.files[rel]) == []  # the rest: test above
    planted = _plant(edition.files[rel], rel, "    " + secret.text.replace(" ", "  ", 1))
    findings = scanner.scan_bytes(rel, planted)
    assert findings and {f.where for f in findings} == {rel}


def test_leak_scan_fails_on_instructor_paths_and_in_archives(scanner, tmp_path):
    assert scanner.scan_bytes("exercises/source/01_history.ipynb", b"{}")
    assert scanner.scan_bytes("notes.md", b"see docs/instructor/01_history.md")
    secret = scanner.secrets[0].text
    whl = tmp_path / "trilat_lessons-0-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as zf:
        zf.writestr("trilat_lessons/x.py", f"# {secret}\n")
    assert [f.where for f in scanner.scan_path(whl)] == [f"{whl.name}!trilat_lessons/x.py"]
    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    shutil.copy(whl, site / "static" / whl.name)
    assert len(scanner.scan_path(site)) == 1
    assert LeakScanner([]).scan_path(site) == []
    # the edition itself must be all text: a file the scan cannot read is refused
    assert LeakScanner([]).scan_bytes("docs/figure.png", b"\x89PNG\r\n\x1a\n\xff", text_only=True)


def _repo_copy(tmp_path: Path) -> Path:
    """A copy of this repository's edition inputs (no .git: the fallback patterns decide)."""
    repo = tmp_path / "repo"
    for rel in ("exercises", "edition", "notebooks", "docs", "scripts", "trilat_lessons"):
        shutil.copytree(ROOT / rel, repo / rel, ignore=shutil.ignore_patterns("__pycache__"))
    (repo / "tests").mkdir()
    for rel in ("pyproject.toml", "requirements.lock", "environment.yml", "postBuild"):
        shutil.copy(ROOT / rel, repo / rel)
    for rel in ("LICENSE", "LICENSE-CONTENT", "CITATION.cff", "tests/nbval_sanitize.cfg"):
        shutil.copy(ROOT / rel, repo / rel)
    return repo


DRAFTS = {
    "notebooks/Untitled.ipynb": "answer drafts",
    "notebooks/.answers.md": "q1: the answer",
    "notebooks/07_draft.ipynb": "an untracked lesson-shaped draft",
    "trilat_lessons/.notes.md": "hidden",
    "trilat_lessons/scratch.txt": "scratch",
    "exercises/Untitled.ipynb": "draft",
}


def test_untracked_and_hidden_files_stay_out(tmp_path):
    repo = _repo_copy(tmp_path)
    expected = set(build_edition(ROOT).files)
    # outside git: explicit patterns decide (a lesson-shaped draft would pass them: git below)
    for rel, text in DRAFTS.items():
        if rel != "notebooks/07_draft.ipynb":
            (repo / rel).write_text(text)
    assert set(build_edition(repo).files) == expected
    (repo / "notebooks/07_draft.ipynb").write_text(DRAFTS["notebooks/07_draft.ipynb"])
    # in git: only tracked files, and hidden ones never (even when tracked)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "rm", "-q", "--cached", *[r for r in DRAFTS if r != "notebooks/.answers.md"])
    _git(repo, "commit", "-qm", "course")
    (repo / "trilat_lessons" / "extra.py").write_text("x = 1\n")
    (repo / "notebooks" / "01_history.ipynb").write_bytes(
        (ROOT / "notebooks" / "01_history.ipynb").read_bytes() + b" "
    )
    warnings: list[str] = []
    edition = build_edition(repo, warnings)
    assert set(edition.files) == expected
    assert edition.files["notebooks/01_history.ipynb"].endswith(b" ")  # modified: as on disk
    assert any("01_history.ipynb has uncommitted changes" in w for w in warnings)
    assert any("left out trilat_lessons/extra.py" in w for w in warnings)
    done = subprocess.run(
        [
            *(sys.executable, "-m", "trilat_lessons.cli", "student"),
            *("--root", str(repo), "--out", str(tmp_path / "out")),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "warning: left out trilat_lessons/extra.py" in done.stderr
    assert not (tmp_path / "out" / "notebooks" / "Untitled.ipynb").exists()


def _quoted_secret(scanner: LeakScanner) -> str:
    """A solution line holding double quotes (escaping changes it)."""
    return next(
        s.text for s in scanner.secrets if s.text.count('"') >= 2 and "(solution)" in s.origin
    )


def _as_csv(line: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([["id", "note"], ["1", line]])
    return buf.getvalue().encode()


ESCAPED_PLANTS = {
    "csv.writer": ("notes.csv", _as_csv),
    "html.escape": ("page.html", lambda line: f"<p>{html.escape(line)}</p>".encode()),
    "python string": ("helper.py", lambda line: f"NOTE = {json.dumps(line)}\n".encode()),
    "python repr": (
        "helper2.py",
        lambda line: f"NOTE = {line!r} + {chr(39)}\\'{chr(39)}\n".encode(),
    ),
}


@pytest.mark.parametrize("how", sorted(ESCAPED_PLANTS))
def test_leak_scan_finds_escaped_secrets(scanner, how):
    line = _quoted_secret(scanner)
    rel, plant = ESCAPED_PLANTS[how]
    data = plant(line)
    assert line.encode() not in data  # the plant really is escaped
    assert scanner.scan_bytes(rel, data), how


def test_leak_scan_finds_a_model_answer_fragment_across_a_line_break(scanner, edition):
    (sh, origin), *_ = sorted(scanner.fragments.items())
    words = list(sh)
    text = " ".join(words[:4]) + ",\n  " + " ".join(words[4:]).upper() + "."
    findings = scanner.scan_bytes("notes.md", text.encode())
    assert any(origin in f.what for f in findings)
    assert len(scanner.fragments) > 500  # every model answer contributes
    # the lessons and the data restate what model answers cite: those shingles are not secrets
    assert scan_edition(edition, scanner) == []


def test_leak_scan_reads_every_archive_and_refuses_unreadable_files(scanner, tmp_path):
    secret = _quoted_secret(scanner)
    dist = tmp_path / "dist"
    (dist / "extra").mkdir(parents=True)
    with zipfile.ZipFile(dist / "extra" / "bundle.zip", "w") as zf:  # name not starting "trilat"
        zf.writestr("exercises/source/01_history.ipynb", "{}")
    (dist / "notes.txt.gz").write_bytes(gzip.compress(f"{secret}\n".encode()))
    (dist / "utf16.txt").write_bytes(secret.encode("utf-16"))
    (dist / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    found = {f.where.split("!")[0] for f in scanner.scan_path(dist)}
    assert found == {"extra/bundle.zip", "notes.txt.gz", "utf16.txt", "broken.zip"}
    # a site: binaries of the kinds a JupyterLite build ships are accepted; an archive is
    # skipped only when its sha256 is pinned in the lite locks
    site = tmp_path / "site"
    site.mkdir()
    (site / "pyodide.asm.wasm").write_bytes(b"\x00asm\xff\xfe")
    (site / "utf16.txt").write_bytes(secret.encode("utf-16"))
    shutil.copy(dist / "extra" / "bundle.zip", site / "bundle.zip")
    assert {f.where.split("!")[0] for f in scanner.scan_path(site, strict=False)} == {
        "utf16.txt",
        "bundle.zip",
    }
    pinned = hashlib.sha256((site / "bundle.zip").read_bytes()).hexdigest()
    trusting = LeakScanner(scanner.secrets, pinned=frozenset({pinned}))
    assert [f.where for f in trusting.scan_path(site, strict=False)] == ["utf16.txt"]
    assert [f.where for f in trusting.scan_path(site)][:1] == [
        "bundle.zip!exercises/source/01_history.ipynb"
    ]
    assert len(pinned_hashes(ROOT)) > 10  # the real locks pin the site's downloads


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32-le"])
def test_leak_scan_refuses_text_with_nul_bytes(scanner, tmp_path, encoding):
    """ASCII in UTF-16LE/UTF-32LE without a BOM decodes as UTF-8 (NUL between the letters),
    so the secret's words never match: such a file is 'not text', in strict and in site mode."""
    secret = next(s.text for s in scanner.secrets if "(solution)" in s.origin and s.text.isascii())
    data = f"{secret}\n".encode(encoding)
    data.decode("utf-8")  # the trap: valid UTF-8
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_bytes(data)
    (folder / "ok.txt").write_text("plain text\n")
    for strict in (True, False):
        found = scanner.scan_path(folder, strict=strict)
        assert [(f.where, "not text" in f.what) for f in found] == [("notes.txt", True)]
    assert scanner.scan_bytes("font.woff2", data, strict=False) == []  # a site's allowed binary
    assert scanner.scan_bytes("font.woff2", data) != []


def test_trilat_student_refuses_to_write_a_leaking_edition(tmp_path, monkeypatch):
    repo = _repo_copy(tmp_path)
    secret = scanner_for_repo(ROOT).secrets[-1].text
    (repo / "edition" / "README.md").write_text(f"# student edition\n\n{secret}\n")
    with pytest.raises(EditionError, match="would leak"):
        make_student(repo, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    done = subprocess.run(
        [
            *(sys.executable, "-m", "trilat_lessons.cli", "student"),
            *("--root", str(repo), "--out", str(tmp_path / "out")),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "would leak" in done.stderr


def test_a_site_skips_pyodide_packages_its_lock_lists_but_never_the_course_wheel(scanner, tmp_path):
    """Pyodide's own wheels (sha256 in the site's pyodide-lock.json, checked at build time) are
    third-party and skipped; the course's wheel is scanned even when the lock lists it."""
    import zipfile

    secret = scanner.secrets[0].text

    def wheel(path, text):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("pkg/METADATA", text)
        return hashlib.sha256(path.read_bytes()).hexdigest()

    pyo = tmp_path / "lite" / "static" / "pyodide"
    pyo.mkdir(parents=True)
    numpy_sha = wheel(pyo / "numpy-2.0.2-wasm32.whl", "see docs/dev/ for the build\n" + "\x00")
    course_sha = wheel(pyo / "trilat_lessons-1-py3-none-any.whl", secret)
    lock = {
        "packages": {
            "numpy": {"file_name": "numpy-2.0.2-wasm32.whl", "sha256": numpy_sha},
            "trilat": {"file_name": "trilat_lessons-1-py3-none-any.whl", "sha256": course_sha},
        }
    }
    (pyo / "pyodide-lock.json").write_text(json.dumps(lock))
    found = {f.where.split("!")[0] for f in scanner.scan_path(tmp_path, strict=False)}
    assert found == {"lite/static/pyodide/trilat_lessons-1-py3-none-any.whl"}
    # the lock vouches for the build's output, not upstream: a third-party wheel's text is
    # still searched for the secrets (not its folder names, nor its binaries)
    altair_sha = wheel(pyo / "altair-6-py3-none-any.whl", f"x = 1\n{secret}\n")
    lock["packages"]["altair"] = {"file_name": "altair-6-py3-none-any.whl", "sha256": altair_sha}
    (pyo / "pyodide-lock.json").write_text(json.dumps(lock))
    found = {f.where for f in scanner.scan_path(tmp_path, strict=False)}
    assert "lite/static/pyodide/altair-6-py3-none-any.whl!pkg/METADATA" in found
    assert not [w for w in found if w.startswith("lite/static/pyodide/numpy")]


def test_leakscan_outside_the_instructor_repository_says_so(tmp_path, capsys):
    """Run away from the repository, the scan has no secrets to look for: a clear message and
    exit 2, never a traceback (nor a "no leak" that proved nothing)."""
    from trilat_lessons.cli import main

    (tmp_path / "some.html").write_text("<p>hello</p>")
    assert main(["leakscan", str(tmp_path), "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no instructor sources" in err and "Traceback" not in err
