"""Find and read the public answer keys (``<set>.json``: digests and structure only).

The package's own keys live with the student side, in ``trilat_lessons/exercises/keys/`` (what
``trilat release`` writes and the student edition ships); ``$TRILAT_EXERCISE_KEYS`` adds folders.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .records import Key, KeyQuestion

KEYS_DIR = Path(__file__).parent.parent / "exercises" / "keys"
ENV_KEYS = "TRILAT_EXERCISE_KEYS"  # extra key folders (os.pathsep-separated), searched first

_CACHE: dict[Path, tuple[float, Key]] = {}


def key_dirs() -> list[Path]:
    """Folders searched for keys: ``$TRILAT_EXERCISE_KEYS`` entries, then the package's own."""
    extra = [Path(p) for p in os.environ.get(ENV_KEYS, "").split(os.pathsep) if p]
    return [*extra, KEYS_DIR]


def key_path(set_id: str) -> Path | None:
    """Path of the key file of ``set_id``, or None."""
    for d in key_dirs():
        p = d / f"{set_id}.json"
        if p.is_file():
            return p
    return None


def load_key(set_id: str) -> Key | None:
    """The key of one exercise set (cached; re-read when the file changes), or None."""
    p = key_path(set_id)
    if p is None:
        return None
    try:
        mtime = p.stat().st_mtime
        cached = _CACHE.get(p)
        if cached and cached[0] == mtime:
            return cached[1]
        key: Key = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    _CACHE[p] = (mtime, key)
    return key


def list_sets() -> list[str]:
    """Ids of every exercise set that has a key, sorted."""
    found: set[str] = set()
    for d in key_dirs():
        if d.is_dir():
            found.update(p.stem for p in d.glob("*.json"))
    return sorted(found)


def question(key: Key, qid: str) -> KeyQuestion | None:
    """One question entry of a key."""
    for q in key.get("questions", []):
        if q["id"] == qid:
            return q
    return None
