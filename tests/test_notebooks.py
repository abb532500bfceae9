"""Lesson and exercise notebooks: structure a teacher can rely on, and hygiene that keeps them
small, offline and consistent (the course's content rules, checked)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = [
    "00_start_here",
    "01_history",
    "02_obstacles_korea_japan",
    "03_obstacles_structure",
    "04_china_perceptions",
    "05_theory_and_comparison",
    "06_policy_options",
]
# the skills primer: worked examples of every skill the exercises use (docs/skills.yaml); it is
# the one notebook that builds charts with altair, step by step, because the exercises ask for it
PRIMER = "00b_python_primer"
SEEDS = ["seed000", "seed001", "seed002", "seed003", "seed004"]
ALL_NOTEBOOKS = sorted(
    p for p in [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("exercises/**/*.ipynb")]
    if ".ipynb_checkpoints" not in p.parts
)  # fmt: skip
EXISTING_LESSONS = [n for n in LESSONS[1:] if (NOTEBOOKS / f"{n}.ipynb").exists()]

# one spelling and neutral names throughout (see docs/dev/lesson_spec.md)
BANNED = {
    r"Suk-yeol": "Yoon Suk Yeol",
    r"Fumio Kishida": "Kishida Fumio",
    r"Shinzo Abe": "Abe Shinzo",
    r"Shigeru Ishiba": "Ishiba Shigeru",
    r"Yoshihide Suga": "Suga Yoshihide",
    r"Pyongchang": "Pyeongchang",
    r"\bDokdo\b(?!/Takeshima)": "Dokdo/Takeshima",
    r"(?<!Dokdo/)\bTakeshima\b": "Dokdo/Takeshima",
    r"(?<!East Sea/)\bSea of Japan\b": "East Sea/Sea of Japan",
    r"\bEast Sea\b(?!/Sea of Japan)": "East Sea/Sea of Japan",
}


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _text(nb: nbformat.NotebookNode, kind: str | None = None) -> str:
    return "\n".join(c.source for c in nb.cells if kind is None or c.cell_type == kind)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_valid_small_and_clean(path: Path) -> None:
    nb = _read(path)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert "widgets" not in nb.metadata, "saved widget state: clear it before committing"
    assert path.stat().st_size < 300_000, "notebook too large (saved outputs or bundles?)"
    raw = path.read_text(encoding="utf-8")
    assert not re.search(r"cdn\.jsdelivr\.net|unpkg\.com|esm\.sh/", raw), "loads from a CDN"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        has_out = bool(cell.get("outputs"))
        checked = "NBVAL_CHECK_OUTPUT" in cell.source or "nbval-check-output" in cell.get(
            "metadata", {}
        ).get("tags", [])
        assert not has_out or checked, f"cell {cell.get('id')} has outputs: clear them"
        assert not any(o.get("output_type") == "error" for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_names_are_spelled_one_way_and_neutrally(path: Path) -> None:
    nb = _read(path)
    # key cells (instructor-only, removed at release) may name a misspelling as a misconception
    nb.cells = [c for c in nb.cells if c.get("metadata", {}).get("trilat", {}).get("role") != "key"]
    text = _text(nb)
    problems = [f"{m.group(0)!r} -> {fix}" for pat, fix in BANNED.items()
                for m in re.finditer(pat, text)]  # fmt: skip
    assert not problems, problems


def test_start_here_exists_and_links_every_lesson() -> None:
    nb = _read(NOTEBOOKS / "00_start_here.ipynb")
    text = _text(nb)
    assert "tl.setup()" in _text(nb, "code")
    for name in [PRIMER, *LESSONS[1:]]:
        assert name in text, f"00_start_here does not point to {name}"


def test_primer_teaches_by_example_and_practice() -> None:
    nb = _read(NOTEBOOKS / f"{PRIMER}.ipynb")
    ids = [c.get("id", "") for c in nb.cells if c.cell_type == "code"]
    worked = [i for i in ids if i.startswith("sk-") and not i.endswith("-try")]
    tries = [i for i in ids if i.endswith("-try")]
    assert len(tries) >= 15 and len(worked) >= len(tries), "a worked example and a try-it cell each"
    for cell in nb.cells:
        if cell.get("id", "").endswith("-try"):
            assert re.match(r"# (Predict|Modify)", cell.source), f"{cell.id}: predict or modify?"


@pytest.mark.parametrize("name", EXISTING_LESSONS)
def test_lesson_has_the_course_shape(name: str) -> None:
    nb = _read(NOTEBOOKS / f"{name}.ipynb")
    md, code = _text(nb, "markdown"), _text(nb, "code")
    head = nb.cells[0].source
    for label in ("Learning objectives", "Estimated time", "Prerequisites"):
        assert label in head, f"first cell lacks {label!r}"
    for section in ("Perspectives", "Discussion", "Summary", "Further reading"):
        assert re.search(rf"^#+ .*{section}", md, flags=re.M | re.I), f"no {section!r} section"
    assert f"exercises/{name}.ipynb" in md, "no pointer to the lesson's exercise notebook"
    assert "tl.setup()" in code
    assert len(re.findall(r"\btl\.charts\.\w+\(", code)) >= 3, "fewer than 3 package charts"
    assert re.search(r"\btl\.widgets\.(?!Quiz)\w+\(", code), "no explorer widget"
    assert len(re.findall(r"\bQuiz\(", code)) >= 3, "fewer than 3 quick checks"
    assert "tl.references(" in code, "no references cell"
    for country in ("U.S.", "Japan", "Korea"):
        assert country in md


def test_every_seed_is_cited_in_some_lesson() -> None:
    code = "\n".join(_text(_read(NOTEBOOKS / f"{n}.ipynb")) for n in EXISTING_LESSONS)
    missing = [s for s in SEEDS if s not in code]
    if len(EXISTING_LESSONS) == len(LESSONS) - 1:
        assert not missing, f"seeds never cited: {missing}"


def test_notebooks_do_not_read_files_by_path() -> None:
    for path in NOTEBOOKS.glob("*.ipynb"):
        code = _text(_read(path), "code")
        assert not re.search(r"read_csv\(|open\(|Path\(", code), f"{path.name} reads a file"


def test_no_chart_code_in_lessons() -> None:
    for path in NOTEBOOKS.glob("*.ipynb"):
        if path.stem == PRIMER:
            continue
        code = _text(_read(path), "code")
        assert "alt.Chart(" not in code and "import altair" not in code, path.name


def test_notebook_json_is_stably_formatted() -> None:
    for path in ALL_NOTEBOOKS:
        raw = path.read_text(encoding="utf-8")
        assert raw.endswith("\n") and json.loads(raw)["nbformat"] == 4
