"""Where the build reads and writes, and which raw files it knows."""

from __future__ import annotations

from pathlib import Path

PKG_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = PKG_DIR.parent
RAW_DIR = REPO_DIR / "data" / "raw"
CURATION_DIR = REPO_DIR / "data" / "curation"
OUT_DIR = PKG_DIR / "data"

RAW_FILES = [
    "table1_seed000",
    "meetings_text",
    "sources",
    "leaders",
    "events",
    "opinion",
    "china_stances",
    "obstacles",
    "policy_options",
    "policy_weights",
]
#: raw twin shown by ``load(name, raw=True)``
RAW_TWIN = {
    "sources": "sources",
    "leaders": "leaders",
    "meetings": "table1_seed000",
    "events": "events",
    "opinion": "opinion",
    "china_stances": "china_stances",
    "obstacles": "obstacles",
    "policy_options": "policy_options",
    "policy_weights": "policy_weights",
}
