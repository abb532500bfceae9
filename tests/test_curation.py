"""Curation is data: the files in data/curation/ drive every reading and every logged reason of
the build (trilat_lessons.build.curation), and a mistake in them stops the build."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from trilat_lessons import build
from trilat_lessons.build import Curation, Log, clean_data

README = build.CURATION_DIR / "README.md"


@pytest.fixture(scope="module")
def raw() -> dict[str, list[dict[str, str]]]:
    return {name: build.read_csv(build.RAW_DIR / f"{name}.csv") for name in build.RAW_FILES}


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "curation"
    shutil.copytree(build.CURATION_DIR, folder)
    return folder


def _edit(path: Path, edit) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def test_every_curation_file_and_column_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    for path in sorted(build.CURATION_DIR.glob("*.csv")):
        assert f"`{path.name}`" in text, path.name
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        section = text.split(f"`{path.name}`", 1)[1].split("\n### ", 1)[0]
        missing = [c for c in header if f"`{c}`" not in section]
        assert not missing, f"{path.name}: columns not described: {missing}"


def test_every_rule_is_used(raw, monkeypatch: pytest.MonkeyPatch) -> None:
    used: set[str] = set()
    real = Curation.log_rule

    def spy(self, log, rule, *args, **kwargs):
        used.add(rule)
        return real(self, log, rule, *args, **kwargs)

    monkeypatch.setattr(Curation, "log_rule", spy)
    cur = Curation.read(build.CURATION_DIR)
    clean_data(raw, cur, Log())
    assert used == set(cur.rules)


def test_a_curated_reason_reaches_the_log(raw, tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def edit(rows):
        for r in rows:
            if r["printed"] == "Hague":
                r["reason"] = "a reason written in the curation file"
        return rows

    _edit(folder / "places.csv", edit)
    log = Log()
    data = clean_data(raw, Curation.read(folder), log)
    entry = next(e for e in log.rows if e["before"] == "Hague")
    assert entry["reason"] == "a reason written in the curation file"
    assert "The Hague" in {m["place"] for m in data["meetings"]}


def test_a_rule_template_fills_in_the_row(raw) -> None:
    log = Log()
    clean_data(raw, Curation.read(build.CURATION_DIR), log)
    days = [e for e in log.rows if e["reason"].startswith("day added from ")]
    assert days and all("{" not in e["reason"] and e["source_id"] in e["reason"] for e in days)


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        ("row_notes.csv", lambda rows: [*rows, dict(rows[0], row_id="T99")], "unknown meetings"),
        ("log_only.csv", lambda rows: [dict(rows[0], dataset="events")], "read only for"),
        ("rules.csv", lambda rows: [r for r in rows if r["rule"] != "table1_date_dot"], "no rule"),
        ("rules.csv", lambda rows: [dict(r, reason=r["reason"] + " {nope}") for r in rows], "nope"),
        ("places.csv", lambda rows: [*rows, rows[0]], "given twice"),
        ("table1_content.csv", lambda rows: rows[1:], "does not read"),
        ("table1_notes.csv", lambda rows: rows[1:], "does not read"),
        ("meeting_kinds.csv", lambda rows: rows[1:], "has no kind"),
    ],
)
def test_a_mistake_in_a_curation_file_stops_the_build(raw, tmp_path, file, edit, message) -> None:
    folder = _copy(tmp_path)
    _edit(folder / file, edit)
    with pytest.raises(build.BuildError, match=re.escape(message)):
        clean_data(raw, Curation.read(folder), Log())
