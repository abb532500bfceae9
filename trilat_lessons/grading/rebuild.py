"""Rebuild a submission from the instructor source: only the answer cells (matched by cell id) come
from the student; every other cell, and the order, come from the source."""

from __future__ import annotations

import json
from typing import Any

from .prepare import Grader
from .source import EDITABLE, cell_text


def rebuild(grader: Grader, nb: dict[str, Any]) -> dict[str, Any]:
    """Take the answer cells (by id) from a submission; everything else from the source."""
    source = grader.source
    meta = nb.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    tmeta = meta.get("trilat")
    tmeta = tmeta if isinstance(tmeta, dict) else {}
    sub_set = tmeta.get("set")
    by_id: dict[str, dict[str, Any]] = {}
    for c in nb["cells"]:
        if isinstance(c, dict) and isinstance(c.get("id"), str):
            by_id.setdefault(c["id"], c)
    answer_ids = {c.id for c in source.answer_cells}
    release_cells = {c["id"]: c for c in grader.release["cells"]}
    matched = answer_ids & set(by_id)
    if (sub_set and sub_set != source.set_id) or (not sub_set and not matched):
        what = (
            f"exercise set {sub_set!r}" if sub_set else "a notebook with none of its answer cells"
        )
        return {"wrong_assignment": f"this is {what}, not {source.set_id}"}
    texts: dict[str, str] = {}
    notes: list[str] = []
    deleted, edited_locked = [], 0
    for c in source.cells:
        if c.role not in EDITABLE:
            sub = by_id.get(c.id)
            rel = release_cells.get(c.id)
            if (
                sub is not None
                and rel is not None
                and cell_text(sub.get("source")) != rel["source"]
            ):
                edited_locked += 1
            continue
        sub = by_id.get(c.id)
        if sub is None or sub.get("cell_type") != c.cell_type:
            deleted.append(str(c.meta.get("question")))
            texts[c.id] = release_cells[c.id]["source"]
        else:
            texts[c.id] = cell_text(sub.get("source"))
    known = {c.id for c in source.cells}
    added = sum(1 for cid in by_id if cid not in known) + sum(
        1 for c in nb["cells"] if isinstance(c, dict) and not isinstance(c.get("id"), str)
    )
    if deleted:
        qs = ", ".join(sorted(set(deleted)))
        notes.append(
            f"Answer cell(s) of {qs} were missing or changed type: treated as not attempted."
        )
    if edited_locked:
        notes.append(
            f"{edited_locked} locked cell(s) were edited; the original versions were used."
        )
    if added:
        notes.append(f"{added} cell(s) you added were not graded: only answer cells count.")
    cells = []
    for step in grader.plan:
        cid = step["cell_id"]
        text = (
            texts.get(cid, source.cell(cid).source)
            if step["role"] == "answer"
            else source.cell(cid).source
        )
        cells.append({"source": text, "exports": step["exports"]})
    rebuilt = json.loads(json.dumps(grader.release))
    for c in rebuilt["cells"]:
        if c["id"] in texts:
            c["source"] = texts[c["id"]]
    return {"cells": cells, "texts": texts, "notes": notes, "rebuilt": rebuilt}
