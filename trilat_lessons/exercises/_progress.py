"""Remember the last check result of each question (a small JSON), for ``progress()``.

Stored at ``$TRILAT_PROGRESS_FILE`` or ``~/.config/trilat-lessons/progress.json``. Never fails:
when the file cannot be read or written (a read-only home, a grading sandbox) progress is kept
in memory for this session only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

_STATE: dict[str, Any] | None = None


def store_path() -> Path:
    """Where progress is stored."""
    env = os.environ.get("TRILAT_PROGRESS_FILE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "trilat-lessons" / "progress.json"


def _load() -> dict[str, Any]:
    global _STATE
    if _STATE is None:
        try:
            data = json.loads(store_path().read_text(encoding="utf-8"))
            _STATE = data if isinstance(data, dict) and isinstance(data.get("sets"), dict) else {}
        except (OSError, ValueError, RecursionError):
            _STATE = {}
        _STATE.setdefault("format", 1)
        _STATE.setdefault("sets", {})
    return _STATE


def record(set_id: str, qid: str, status: str, fingerprint: str) -> None:
    """Remember one result; writes the file only when something changed."""
    state = _load()
    entry = {"status": status, "key": fingerprint}
    if not isinstance(state["sets"].get(set_id), dict):
        state["sets"][set_id] = {}
    sets = state["sets"][set_id]
    if sets.get(qid) == entry:
        return
    sets[qid] = entry
    try:
        path = store_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def results(set_id: str) -> dict[str, dict[str, Any]]:
    """Stored results of one set: question id -> {status, key} (other shapes are dropped)."""
    stored = _load()["sets"].get(set_id, {})
    if not isinstance(stored, dict):
        return {}
    return {
        str(q): e
        for q, e in stored.items()
        if isinstance(e, dict)
        and isinstance(e.get("status"), str)
        and isinstance(e.get("key"), str)
    }


def reset_cache() -> None:
    """Forget the in-memory copy (the next call re-reads the file)."""
    global _STATE
    _STATE = None
