"""The student edition on its own: the installed package is this folder's, every released exercise
has its public key, ``check()`` answers every question, and no instructor material is here.

``make test`` runs these beside every lesson and exercise notebook (nbval, network cut)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

import trilat_lessons as tl
from trilat_lessons import check

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
KEYS = ROOT / "trilat_lessons" / "exercises" / "keys"


@pytest.fixture(autouse=True)
def _progress_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TRILAT_PROGRESS_FILE", str(tmp_path / "progress.json"))


def test_installed_package_is_this_edition():
    installed = Path(tl.__file__).resolve().parent / "exercises" / "keys"
    ours = {p.name: p.read_bytes() for p in KEYS.glob("*.json")}
    assert ours, "no public keys in this folder"
    assert {p.name: p.read_bytes() for p in installed.glob("*.json")} == ours


def test_no_instructor_material_here():
    assert not (ROOT / "exercises" / "source").exists()
    assert not (ROOT / "docs" / "instructor").exists()
    assert importlib.util.find_spec("trilat_lessons.grading") is None


@pytest.mark.parametrize("notebook", EXERCISES, ids=lambda p: p.stem)
def test_each_exercise_matches_its_key(notebook: Path):
    meta = json.loads(notebook.read_bytes())["metadata"]["trilat"]
    key = json.loads((KEYS / f"{notebook.stem}.json").read_bytes())
    assert meta["release"] == "student" and meta["set"] == key["set"] == notebook.stem
    assert meta["key"] == key["source_fingerprint"][:16], "notebook and key from different releases"


@pytest.mark.parametrize("notebook", EXERCISES, ids=lambda p: p.stem)
def test_check_answers_every_question(notebook: Path):
    started = tl.exercises.start(notebook.stem)
    assert notebook.stem in str(started)
    key = json.loads((KEYS / f"{notebook.stem}.json").read_bytes())
    for q in key["questions"]:
        blank = check(q["id"])  # nothing answered in this process
        assert blank.status in ("not attempted", "manual"), blank.text()
        if q["kind"] == "manual":
            continue
        odd = check(q["id"], answer=object())  # a value of no expected type
        assert odd.status in ("malformed", "incorrect") and odd.message, odd.text()
    report = check()
    assert len(report.results) == len(key["questions"])


def test_star_import_works_without_the_instructor_modules():
    names: dict[str, object] = {}
    exec("from trilat_lessons import *", names)  # the facade's own __all__
    assert "check" in names and "load" in names and "grading" not in names
    assert "grading" not in tl.__all__
