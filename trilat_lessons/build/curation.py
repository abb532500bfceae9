"""The curator's decisions, read as data from the CSV files of the repository's curation folder
(``data/curation/``; each file's columns are described in the README there).

Every value the build changes is logged with a reason; the reasons, the name and place fixes,
the readings of Table 1 and the per-row notes and corrections all come from those files, so a
curator changes the data without touching Python.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .common import BuildError, Log, join_ids, read_csv, split_ids


def _by(rows: list[dict[str, str]], key: str, file: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        if r[key] in out:
            raise BuildError(f"{file}: {key} {r[key]!r} given twice")
        out[r[key]] = r
    return out


@dataclass(frozen=True)
class Curation:
    """The contents of the curation folder, one attribute per file."""

    corrections: list[dict[str, str]]  # corrections.csv: set one value, with reason and source
    rules: dict[str, dict[str, str]]  # rules.csv: rule -> reason (template) and source id
    names: list[tuple[str, str]]  # names.csv: (regular expression, spelling), applied in order
    places: dict[str, dict[str, str]]  # places.csv: printed -> place, reason
    table1_content: dict[str, dict[str, str]]  # content_printed -> level, track, kind, reason
    table1_notes: dict[str, dict[str, str]]  # note_printed -> host_context, host_event, reason
    meeting_kinds: dict[tuple[str, str], str]  # (level, track) -> kind of meeting (for titles)
    row_notes: list[dict[str, str]]  # row_notes.csv: dataset, row_id, note
    log_only: list[dict[str, str]]  # log_only.csv: entries logged as written (no value changed)

    @classmethod
    def read(cls, folder: Path) -> Curation:
        """Read every file of the curation folder."""

        def rows(name: str) -> list[dict[str, str]]:
            return read_csv(folder / name)

        return cls(
            corrections=rows("corrections.csv"),
            rules=_by(rows("rules.csv"), "rule", "rules.csv"),
            names=[(r["pattern"], r["spelling"]) for r in rows("names.csv")],
            places=_by(rows("places.csv"), "printed", "places.csv"),
            table1_content=_by(rows("table1_content.csv"), "content_printed", "table1_content"),
            table1_notes=_by(rows("table1_notes.csv"), "note_printed", "table1_notes.csv"),
            meeting_kinds={(r["level"], r["track"]): r["kind"] for r in rows("meeting_kinds.csv")},
            row_notes=rows("row_notes.csv"),
            log_only=rows("log_only.csv"),
        )

    # --- the build's systematic changes: reasons from rules.csv -------------------------------

    def log_rule(
        self,
        log: Log,
        rule: str,
        where: tuple[str, str, str],
        before: object,
        after: object,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        """Log a change made by one of the build's rules; ``where`` is (dataset, row id, column).

        The rule's reason and source id are templates filled from ``fields`` (``{source_id}``).
        """
        fields = fields or {}
        if rule not in self.rules:
            raise BuildError(f"rules.csv has no rule {rule!r}")
        r = self.rules[rule]
        try:
            reason, source = r["reason"].format(**fields), r["source_id"].format(**fields)
        except (KeyError, IndexError, ValueError) as e:
            raise BuildError(f"rules.csv, rule {rule!r}: cannot fill in {e}") from e
        log.change(*where, before, after, reason, source)

    def normalise_names(self, text: str) -> str:
        """``text`` with every name in the one spelling of names.csv."""
        for pattern, repl in self.names:
            text = re.sub(pattern, repl, text)
        return text

    def fix_names(
        self, log: Log, dataset: str, row: dict[str, str], row_id: str, cols: list[str]
    ) -> None:
        """Normalise the names in ``cols`` of ``row``, logging each changed value."""
        for col in cols:
            before = row.get(col, "")
            after = self.normalise_names(before)
            if after != before:
                row[col] = after
                self.log_rule(log, "name_spelling", (dataset, row_id, col), before, after)

    def fix_place(self, log: Log, dataset: str, row_id: str, before: str) -> str:
        """The place as the course writes it (places.csv), logging a change."""
        fix = self.places.get(before)
        if fix is None:
            return before
        log.change(dataset, row_id, "place", before, fix["place"], fix["reason"])
        return fix["place"]

    # --- per-row decisions ---------------------------------------------------------------------

    def apply_corrections(
        self, log: Log, dataset: str, rows: list[dict[str, str]], id_col: str
    ) -> None:
        """Set the values corrections.csv gives for ``dataset``, logging each with its source
        (which joins the row's other sources)."""
        by_id = {r[id_col]: r for r in rows}
        for c in self.corrections:
            if c["dataset"] != dataset:
                continue
            row = by_id.get(c["row_id"])
            if row is None or c["column"] not in row:
                raise BuildError(f"correction for unknown {dataset} row/column: {c}")
            log.change(
                dataset,
                c["row_id"],
                c["column"],
                row[c["column"]],
                c["after"],
                c["reason"],
                c["source_id"],
            )
            row[c["column"]] = c["after"]
            sid = c["source_id"]
            if sid and sid != row.get("source_id") and "other_source_ids" in row:
                row["other_source_ids"] = join_ids(
                    [*split_ids(row["other_source_ids"]), sid], row.get("source_id", "")
                )

    def notes_for(self, dataset: str, ids: set[str]) -> dict[str, list[str]]:
        """row id -> the notes row_notes.csv adds to it; a note for an unknown row is an error."""
        out: dict[str, list[str]] = {}
        for r in self.row_notes:
            if r["dataset"] != dataset:
                continue
            if r["row_id"] not in ids:
                raise BuildError(f"row_notes.csv: unknown {dataset} row {r['row_id']!r}")
            out.setdefault(r["row_id"], []).append(r["note"])
        return out

    def log_only_for(self, dataset: str, ids: set[str]) -> dict[str, list[dict[str, str]]]:
        """row id -> the log_only.csv entries for it; an entry for an unknown row is an error."""
        out: dict[str, list[dict[str, str]]] = {}
        for r in self.log_only:
            if r["dataset"] != dataset:
                continue
            if r["row_id"] not in ids:
                raise BuildError(f"log_only.csv: unknown {dataset} row {r['row_id']!r}")
            out.setdefault(r["row_id"], []).append(r)
        return out
