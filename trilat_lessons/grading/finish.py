"""Write every report and instructor output of a run from its results (also after a merge of
shards, so both write the same files)."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from .options import GradeOptions, OutputError
from .outputs import student_codes, write_analytics
from .report import write_reports
from .results import SubmissionResult
from .runmeta import RUN_FILE, run_meta

GRADED_FILE = "results/graded.txt"


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as JSON atomically (a temporary file, then a rename): never half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(
            json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def finish(
    grader: Any,
    results: list[SubmissionResult],
    out: Path,
    names: dict[str, str],
    options: GradeOptions,
    meta: dict[str, Any] | None = None,
    everyone: list[str] | None = None,
) -> list[str]:
    """Write every report and instructor output of a run (also after a merge of shards);
    ``everyone``: every submission id found, before sharding."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        codes = student_codes([r["student"] for r in results], out, options.analytics)
        write_reports(grader, results, out, names, codes)
        meta = meta or run_meta(grader, options.shard, everyone)
        write_json(out / RUN_FILE, meta)
        # the ids of this run (names, so beside the results, not in the shareable run.json):
        # a merge takes only these, never a stale or stray file of the results folder
        (out / "results").mkdir(exist_ok=True)
        keys = "".join(f"{k}\n" for k in sorted(names.values()))
        (out / GRADED_FILE).write_text(keys, encoding="utf-8")
        return write_analytics(meta, results, out, options.analytics)
    except OSError as exc:
        raise OutputError(f"cannot write the reports in {out}: {exc}") from None
