"""Deterministic raw -> clean build of the course datasets (``trilat data build``).

Reads the transcriptions in ``data/raw/`` and the curator's decisions in ``data/curation/``
(repository root; the files are described in the README there), and writes into
``trilat_lessons/data/``:

* ``<dataset>.csv`` - the clean datasets;
* ``raw/<file>.csv`` - byte-for-byte twins of the raw transcriptions (``load(name, raw=True)``);
* ``cleaning_log.csv`` - every value the build changed, with the reason;
* ``datapackage.json`` - a Frictionless Data Package describing every resource and field
  (generated from :mod:`trilat_lessons.schema.fields`).

Only the standard library is used, so the build runs without pandas and its output does not
depend on library versions. Every correction goes through :meth:`Log.change`.

One module per step, read in this order: ``paths`` (where), ``common`` (log, CSV, ids, dates),
``curation`` (the curation files), ``leaders``, ``sources``, ``meetings``, ``records`` (the other
datasets), ``datapackage`` (the descriptor) and ``pipeline`` (the steps in order, check, write).
"""

from __future__ import annotations

from .common import BuildError, Log, parse_date, read_csv, to_csv
from .curation import Curation
from .leaders import build_leaders
from .meetings import build_meetings
from .paths import CURATION_DIR, OUT_DIR, RAW_DIR, RAW_FILES
from .pipeline import build_all, clean_data, main, stale_files, validate, write
from .records import build_policy_weights

__all__ = [
    "CURATION_DIR",
    "OUT_DIR",
    "RAW_DIR",
    "RAW_FILES",
    "BuildError",
    "Curation",
    "Log",
    "build_all",
    "build_leaders",
    "build_meetings",
    "build_policy_weights",
    "clean_data",
    "main",
    "parse_date",
    "read_csv",
    "stale_files",
    "to_csv",
    "validate",
    "write",
]
