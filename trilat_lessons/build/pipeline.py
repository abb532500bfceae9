"""The whole build in order: read raw and curation, run each dataset's step, check the
cross-table rules, and write (or compare) the package data."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

from ..schema.fields import CLEANING_LOG, DATASETS, Field
from .common import BuildError, Log, read_csv, split_ids, to_csv
from .curation import Curation
from .datapackage import coverage, datapackage
from .leaders import build_leaders
from .meetings import build_meetings
from .paths import CURATION_DIR, OUT_DIR, RAW_DIR, RAW_FILES
from .records import (
    build_china_stances,
    build_events,
    build_obstacles,
    build_opinion,
    build_policy_options,
    build_policy_weights,
)
from .sources import build_sources

#: datasets whose rows row_notes.csv and log_only.csv may name (the steps that read them)
NOTED_DATASETS = {"meetings"}


def _fields(name: str) -> list[Field]:
    return CLEANING_LOG["fields"] if name == "cleaning_log" else DATASETS[name]["fields"]


def clean_data(
    raw: dict[str, list[dict[str, str]]], cur: Curation, log: Log
) -> dict[str, list[dict]]:
    """Every dataset's clean rows, in the order of the data package (steps log into ``log``)."""
    for r in [*cur.row_notes, *cur.log_only]:
        if r["dataset"] not in NOTED_DATASETS:
            raise BuildError(f"row notes and log-only entries are read only for {NOTED_DATASETS}")
    leaders = build_leaders(raw["leaders"], log, cur)
    sources = build_sources(raw["sources"], log, cur)
    src_by_id = {s["source_id"]: s for s in sources}
    return {
        "sources": sources,
        "leaders": leaders,
        "meetings": build_meetings(raw["table1_seed000"], raw["meetings_text"], leaders, log, cur),
        "events": build_events(raw["events"], log, cur),
        "opinion": build_opinion(raw["opinion"]),
        "china_stances": build_china_stances(raw["china_stances"], log, cur),
        "obstacles": build_obstacles(raw["obstacles"], src_by_id, log, cur),
        "policy_options": build_policy_options(raw["policy_options"]),
        "policy_weights": build_policy_weights(raw["policy_weights"]),
    }


def build_all() -> dict[str, str]:
    """Run the whole build; return {relative output path: file content}."""
    raw = {name: read_csv(RAW_DIR / f"{name}.csv") for name in RAW_FILES}
    log = Log()
    data = clean_data(raw, Curation.read(CURATION_DIR), log)
    src_by_id = {s["source_id"]: s for s in data["sources"]}
    validate(data, src_by_id)
    files: dict[str, str] = {}
    for name, rows in data.items():
        files[f"{name}.csv"] = to_csv(rows, [f[0] for f in _fields(name)])
    log_rows = [dict(r, log_id=str(i)) for i, r in enumerate(log.rows, start=1)]
    files["cleaning_log.csv"] = to_csv(log_rows, [f[0] for f in _fields("cleaning_log")])
    headers = {}
    for name in RAW_FILES:
        text = (RAW_DIR / f"{name}.csv").read_text(encoding="utf-8")
        files[f"raw/{name}.csv"] = text
        headers[name] = next(csv.reader(io.StringIO(text)))
    covers = {n: coverage(n, rows, src_by_id) for n, rows in data.items()}
    package = json.dumps(datapackage(headers, covers), indent=2, ensure_ascii=False)
    files["datapackage.json"] = package + "\n"
    return files


def validate(data: dict[str, list[dict]], sources: dict[str, dict]) -> None:
    """Cross-table rules the build enforces before writing anything."""
    for name, rows in data.items():
        for f in _fields(name):
            col, _, _, extra = f
            for r in rows:
                if col not in r:
                    raise BuildError(f"{name}: column {col} missing")
                if extra.get("required") and r[col] == "":
                    raise BuildError(f"{name}: empty required {col} in {r}")
                if "enum" in extra and r[col] and r[col] not in extra["enum"]:
                    raise BuildError(f"{name}: {col}={r[col]!r} not allowed")
        for r in rows:
            ids = [r.get("source_id", ""), *split_ids(r.get("other_source_ids", ""))]
            ids += [*split_ids(r.get("cited_in", "")), r.get("proposed_by", "")]
            for sid in filter(None, ids):
                if sid not in sources:
                    raise BuildError(f"{name}: unknown source id {sid!r}")
    meeting_ids = {m["meeting_id"] for m in data["meetings"]}
    for e in data["events"]:
        if e["meeting_id"] and e["meeting_id"] not in meeting_ids:
            raise BuildError(f"event {e['event_id']}: unknown meeting {e['meeting_id']}")
    if sorted(int(m["table1_row"]) for m in data["meetings"] if m["in_table1"] == "true") != list(
        range(1, 30)
    ):
        raise BuildError("meetings must contain all 29 Table 1 rows")


def write(files: dict[str, str], out_dir: Path = OUT_DIR) -> None:
    """Write the built files into ``out_dir`` (its ``raw/`` folder is replaced)."""
    if (out_dir / "raw").exists():
        shutil.rmtree(out_dir / "raw")
    (out_dir / "raw").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (out_dir / rel).write_text(text, encoding="utf-8", newline="")


def stale_files(out_dir: Path = OUT_DIR) -> list[str]:
    """Files in ``out_dir`` that differ from a fresh build (missing, changed or extra)."""
    files = build_all()
    stale = [
        rel
        for rel, text in files.items()
        if not (out_dir / rel).exists() or (out_dir / rel).read_text(encoding="utf-8") != text
    ]
    known = set(files) | {"__init__.py"}
    for p in sorted(out_dir.rglob("*.csv")) + sorted(out_dir.rglob("*.json")):
        rel = p.relative_to(out_dir).as_posix()
        if rel not in known:
            stale.append(rel)
    return sorted(stale)


def main(check: bool = False) -> int:
    """``trilat data build [--check]``: rebuild the package data, or only compare (exit 1 if
    stale)."""
    if not RAW_DIR.exists():
        print(f"raw data not found at {RAW_DIR} (run from a source checkout)", file=sys.stderr)
        return 2
    if check:
        stale = stale_files()
        if stale:
            print("committed clean data is stale; run `trilat data build`:", file=sys.stderr)
            for rel in stale:
                print(f"  {rel}", file=sys.stderr)
            return 1
        print("clean data is up to date")
        return 0
    files = build_all()
    with tempfile.TemporaryDirectory() as tmp:  # build fully before touching the package
        write(files, Path(tmp))
    write(files)
    n_log = files["cleaning_log.csv"].count("\n") - 1
    print(f"wrote {len(files)} files to {OUT_DIR} ({n_log} cleaning-log entries)")
    return 0
