"""The ``datapackage.json`` writer: a Frictionless Data Package describing every resource and
field, from the codebook's field definitions, with the period each dataset covers."""

from __future__ import annotations

from typing import Any

from ..schema.fields import CLEANING_LOG, DATASETS
from .paths import RAW_FILES, RAW_TWIN


def _field_descriptor(name: str, ftype: str, desc: str, extra: dict) -> dict[str, Any]:
    d: dict[str, Any] = {"name": name, "type": ftype, "description": desc}
    if ftype == "date":
        d["format"] = "default"
    if ftype == "boolean":
        d["trueValues"], d["falseValues"] = ["true"], ["false"]
    cons = {k: extra[k] for k in ("required", "unique", "minimum", "maximum") if k in extra}
    if "enum" in extra:
        cons["enum"] = list(extra["enum"])
    if cons:
        d["constraints"] = cons
    if extra.get("ordered"):
        d["trilat:ordered"] = True
    if "unit" in extra:
        d["trilat:unit"] = extra["unit"]
    return d


COVERAGE_BASIS = {
    "meetings": "dates of the meetings",
    "events": "dates of the events",
    "leaders": "first and last term dates listed; leaders still in office have no end date",
    "china_stances": "years of the documents quoted",
    "opinion": "years the survey figures refer to",
}


def coverage(name: str, rows: list[dict], sources: dict[str, dict]) -> dict[str, str]:
    """The period a dataset covers, computed from its rows (stated in the codebook and charts).

    Dated datasets use their own dates; undated ones (obstacles, policy options and weights,
    sources) the publication dates of the documents they cite.
    """
    if name in ("meetings", "events"):  # labels keep the precision (no invented day)
        lo = min(rows, key=lambda r: r["date_start"])["date_label"]
        hi = max(rows, key=lambda r: r["date_end"])["date_label"]
    elif name == "leaders":
        days = [d for r in rows for d in (r["term_start"], r["term_end"]) if d]
        lo, hi = min(days), max(days)
    elif name == "opinion":
        years = [y for r in rows for y in (r["period_start"], r["period_end"], r["year"]) if y]
        lo, hi = min(years), max(years)
    elif name == "china_stances":
        lo, hi = min(r["year"] for r in rows), max(r["year"] for r in rows)
    else:
        ids = [r["source_id"] for r in rows] if name != "sources" else list(sources)
        labels = [sources[i]["date_label"] for i in ids if sources.get(i, {}).get("date_label")]
        if not labels:
            return {"start": "", "end": "", "basis": "teaching judgments, not tied to a period"}
        return {
            "start": min(labels),
            "end": max(labels),
            "basis": "publication dates of the documents cited",
        }
    return {"start": lo, "end": hi, "basis": COVERAGE_BASIS[name]}


def datapackage(
    raw_headers: dict[str, list[str]], covers: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    covers = covers or {}
    resources = []
    for name, meta in DATASETS.items():
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "title": meta["title"],
                "description": meta["description"],
                "trilat:provenance": meta["provenance"],
                "trilat:known_gaps": meta["known_gaps"],
                **({"trilat:coverage": covers[name]} if name in covers else {}),
                "trilat:raw": f"raw/{RAW_TWIN[name]}.csv",
                "schema": {
                    "fields": [_field_descriptor(*f) for f in meta["fields"]],
                    "missingValues": [""],
                    **({"primaryKey": [meta["id"]]} if name != "policy_weights" else {}),
                },
            }
        )
    resources.append(
        {
            "name": "cleaning_log",
            "path": "cleaning_log.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "encoding": "utf-8",
            "title": CLEANING_LOG["title"],
            "description": CLEANING_LOG["description"],
            "schema": {
                "fields": [_field_descriptor(*f) for f in CLEANING_LOG["fields"]],
                "missingValues": [""],
            },
        }
    )
    for raw in RAW_FILES:
        resources.append(
            {
                "name": f"raw_{raw}",
                "path": f"raw/{raw}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "title": f"Raw transcription: {raw}",
                "description": "Transcription as printed in the sources (all text); see "
                "data/README.md in the repository.",
                "schema": {
                    "fields": [{"name": h, "type": "string"} for h in raw_headers[raw]],
                    "missingValues": [""],
                },
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "trilat-lessons-data",
        "title": "U.S.-Japan-ROK trilateral cooperation: course datasets",
        "description": "Clean datasets of the trilat-lessons course, built from raw "
        "transcriptions by trilat_lessons.build. Policy scores and weights are teaching "
        "judgments, not facts.",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": resources,
    }
