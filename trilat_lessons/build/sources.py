"""Step ``sources``: the documents every row cites, with names and issuers in one spelling."""

from __future__ import annotations

from .common import BuildError, Log, parse_date
from .curation import Curation


def build_sources(raw: list[dict[str, str]], log: Log, cur: Curation) -> list[dict]:
    """The sources rows: corrections, authors' names normalised, the printed issuer logged when
    it was standardised, and the date columns of each document."""
    rows = [dict(r) for r in raw]
    cur.apply_corrections(log, "sources", rows, "source_id")
    corrected = {(c["row_id"], c["column"]) for c in cur.corrections if c["dataset"] == "sources"}
    for r in rows:
        sid = r["source_id"]
        cur.fix_names(log, "sources", r, sid, ["authors"])
        printed = r.pop("issuer_as_printed")
        if printed and printed != r["issuer"] and (sid, "issuer") not in corrected:
            cur.log_rule(
                log, "issuer_standardised", ("sources", sid, "issuer"), printed, r["issuer"]
            )
        if r["date_label"]:
            d = parse_date(r["date_label"])
            if "/" in r["date_label"]:
                raise BuildError(f"source {sid}: interval dates not supported")
            r["date_precision"], r["date"] = d["date_precision"], d["date"]
        else:
            r["date_precision"], r["date"] = "", ""
    return rows
