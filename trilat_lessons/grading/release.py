"""``trilat release``: instructor source -> student notebook + public key (deterministic bytes).

The student notebook keeps every cell id, replaces solutions with a placeholder, drops ``key``
and ``hidden`` cells, locks everything except answer cells, and clears outputs. The key (written
into the package's ``exercises/keys/``) holds structure and salted digests computed from the
solution, after checking that the solution scores full marks on its public and hidden checks, and
that the question texts pass the rules of ``question_rules.py`` (no answer given away by another
question; every hidden check's requirement stated in its question).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..judge import KEYS_DIR, Key
from .instructor import build_key, run_instructor
from .question_rules import release_problems
from .source import (
    EDITABLE,
    REMOVED,
    Source,
    SourceError,
    load_source,
    placeholder_for,
    strip_solution,
)

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def student_notebook(source: Source) -> dict[str, Any]:
    """The student version of a source, as a notebook dict."""
    cells: list[dict[str, Any]] = []
    for c in source.cells:
        if c.role in REMOVED:
            continue
        tmeta: dict[str, Any] = {"role": c.role}
        for k in ("question", "points"):
            if k in c.meta:
                tmeta[k] = c.meta[k]
        meta: dict[str, Any] = {"deletable": False, "editable": c.role in EDITABLE, "trilat": tmeta}
        text = c.source
        if c.role in EDITABLE:
            q = source.questions[str(c.meta["question"])]
            text = strip_solution(c.source, placeholder_for(c, q.variable))
        cell: dict[str, Any] = {
            "cell_type": c.cell_type,
            "id": c.id,
            "metadata": meta,
            "source": text,
        }
        if c.cell_type == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        cells.append(cell)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python"},
            "trilat": {
                "key": source.fingerprint[:16],
                "release": "student",
                "set": source.set_id,
                "title": source.title,
            },
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_bytes(nb: dict[str, Any]) -> bytes:
    """Serialise a notebook the way Jupyter does (sorted keys, one-space indent, lines split)."""
    import nbformat

    node = nbformat.from_dict(nb)
    text = nbformat.writes(node, version=4)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def key_bytes(key: Key) -> bytes:
    """Serialise a key deterministically."""
    return (json.dumps(key, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass
class Release:
    """The files one release produces."""

    source: Source
    notebook: bytes
    key: bytes
    notebook_path: Path
    key_path: Path

    def changed(self) -> list[Path]:
        """Which output files differ from what is on disk."""
        out = []
        for path, data in ((self.notebook_path, self.notebook), (self.key_path, self.key)):
            if not path.is_file() or path.read_bytes() != data:
                out.append(path)
        return out

    def write(self) -> list[Path]:
        """Write the files that changed; returns them."""
        changed = self.changed()
        for path, data in ((self.notebook_path, self.notebook), (self.key_path, self.key)):
            if path in changed:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        return changed


def make_release(
    source_path: str | Path, out_dir: str | Path | None = None, keys_dir: str | Path | None = None
) -> Release:
    """Build (without writing) the student notebook and key of one instructor source."""
    source = load_source(source_path)
    run = run_instructor(source)
    key = build_key(source, run)
    problems = release_problems(source, run)
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise SourceError(f"{source.path}: the question texts cannot be released:\n{listing}")
    out = Path(out_dir) if out_dir is not None else Path(source_path).resolve().parent.parent
    kdir = Path(keys_dir) if keys_dir is not None else KEYS_DIR
    return Release(
        source,
        notebook_bytes(student_notebook(source)),
        key_bytes(key),
        out / f"{source.set_id}.ipynb",
        kdir / f"{source.set_id}.json",
    )


def store_outputs(source_path: str | Path, timeout: int = 300) -> None:
    """Execute the source in a real Jupyter kernel; keep outputs of check and hidden cells only.

    Those stored outputs are what ``pytest --nbval exercises/source/`` compares against.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(source_path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,  # no execution timestamps: stored outputs are deterministic
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for cell in nb.cells:
        role = ((cell.get("metadata") or {}).get("trilat") or {}).get("role")
        (cell.get("metadata") or {}).pop("execution", None)  # timestamps of older releases
        if cell.cell_type != "code":
            continue
        if role not in ("check", "hidden"):
            cell.outputs = []
            cell.execution_count = None
    for key in ("widgets",):
        nb.metadata.pop(key, None)
    path.write_bytes(notebook_bytes(nb))
