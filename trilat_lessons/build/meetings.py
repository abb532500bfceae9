"""Step ``meetings``: Table 1 of seed000 read row by row, merged with the gatherings the texts
name, then dated, titled and given the leaders in office.

Three passes, each a function: :func:`table1_meetings` (the printed table, rows ``T..``),
:func:`merge_mentions` (a mention of the same gathering fills a ``T`` row; other mentions become
rows ``X..``) and :func:`finish_meeting` (dates, title, leaders, administration). How Table 1's
words are read, and the reason of every logged change, are curation data (:mod:`.curation`).
"""

from __future__ import annotations

import re

from ..schema import COUNTRIES
from .common import BuildError, Log, add_dates, join_ids, join_notes, split_ids
from .curation import Curation
from .leaders import leader_in_office, leader_over

DS = "meetings"
LEADER_COLUMNS = tuple(zip(COUNTRIES, ("us_president", "japan_pm", "rok_president"), strict=True))


def build_meetings(
    table1: list[dict[str, str]],
    mentions: list[dict[str, str]],
    leaders: list[dict[str, str]],
    log: Log,
    cur: Curation,
) -> list[dict[str, str]]:
    """The meetings rows, sorted by date (Table 1's printed order stays in ``table1_row``)."""
    out = table1_meetings(table1, log, cur)
    out += merge_mentions(out, mentions, log, cur)
    cur.apply_corrections(log, DS, out, "meeting_id")
    log_only = cur.log_only_for(DS, {r["meeting_id"] for r in out})
    for r in out:
        finish_meeting(r, leaders, log, cur)
        for e in log_only.get(r["meeting_id"], []):
            log.change(
                DS, e["row_id"], e["column"], e["before"], e["after"], e["reason"], e["source_id"]
            )
    out.sort(key=lambda r: (r["date_start"], r["date_end"], r["meeting_id"]))
    return out


# --- pass 1: Table 1 as printed ---------------------------------------------------------------


def _table1_date(printed: str) -> str:
    m = re.match(r"^(\d{4})\.\s*(\d{1,2})\.?$", printed.strip())
    if not m:
        raise BuildError(f"unreadable Table 1 date {printed!r}")
    return f"{m[1]}-{int(m[2]):02d}"


def table1_meetings(table1: list[dict[str, str]], log: Log, cur: Curation) -> list[dict[str, str]]:
    """One row ``T01``..``T29`` per printed row; the president's label carries down a block."""
    out = []
    block = ""
    for t in table1:
        block = t["president_printed"] or block
        out.append(table1_meeting(t, block, log, cur))
    notes = cur.notes_for(DS, {r["meeting_id"] for r in out})
    for row in out:
        row["notes"] = join_notes(row["notes"], *notes.get(row["meeting_id"], []))
    return out


def table1_meeting(t: dict[str, str], block: str, log: Log, cur: Curation) -> dict[str, str]:
    """One printed row of Table 1, read as the curation files say (each reading logged)."""
    n = int(t["table1_row"])
    mid = f"T{n:02d}"
    if t["content_printed"] not in cur.table1_content:
        raise BuildError(f"table1_content.csv does not read {t['content_printed']!r}")
    content = cur.table1_content[t["content_printed"]]
    level, track = content["level"], content["track"]
    label = _table1_date(t["date_printed"])
    if not re.match(r"^\d{4}\.\s*\d{1,2}\.$", t["date_printed"]):
        cur.log_rule(log, "table1_date_dot", (DS, mid, "date_label"), t["date_printed"], label)
    place = cur.fix_place(log, DS, mid, t["place_printed"])
    printed = [
        block,
        t["date_printed"],
        t["content_printed"],
        t["place_printed"],
        t["note_printed"],
    ]
    row = {
        "meeting_id": mid,
        "date_label": label,
        "title": "",
        "level": level,
        "track": track,
        "place": place,
        "host_context": "",
        "host_event": "",
        "participants": "",
        "in_table1": "true",
        "table1_row": str(n),
        "table1_printed": " | ".join(printed),
        "source_id": "seed000",
        "other_source_ids": "",
        "notes": "",
        "_kind": content["kind"],
        "_block": block,
    }
    if content["reason"]:
        log.change(DS, mid, "level", t["content_printed"], level, content["reason"])
    if track == "foreign":
        cur.log_rule(log, "table1_foreign_track", (DS, mid, "track"), "", "foreign")
    note = t["note_printed"]
    if note:
        if note not in cur.table1_notes:
            raise BuildError(f"table1_notes.csv does not read {note!r}")
        reading = cur.table1_notes[note]
        row["host_context"], row["host_event"] = reading["host_context"], reading["host_event"]
        if reading["reason"]:
            after = reading["host_event"] or "(none)"
            log.change(DS, mid, "host_event", note, after, reading["reason"])
    elif level == "leaders":
        row["host_context"] = "sidelines"
        cur.log_rule(log, "table1_leaders_sidelines", (DS, mid, "host_context"), "", "sidelines")
    return row


# --- pass 2: gatherings named in the texts ----------------------------------------------------


def merge_mentions(
    out: list[dict[str, str]], mentions: list[dict[str, str]], log: Log, cur: Curation
) -> list[dict[str, str]]:
    """Merge each mention into its Table 1 row (``table1_row`` set); return the new rows of the
    mentions Table 1 does not have."""
    by_row = {int(r["table1_row"]): r for r in out}
    new = []
    for m in mentions:
        names = cur.normalise_names(m["participants_as_printed"])
        if names != m["participants_as_printed"]:
            target = f"T{int(m['table1_row']):02d}" if m["table1_row"] else m["mention_id"]
            where = (DS, target, "participants")
            cur.log_rule(log, "name_spelling", where, m["participants_as_printed"], names)
        if m["table1_row"]:
            merge_mention(by_row[int(m["table1_row"])], m, names, log, cur)
        else:
            new.append(text_only_meeting(m, names, cur))
    return new


def merge_mention(
    row: dict[str, str], m: dict[str, str], names: str, log: Log, cur: Curation
) -> None:
    """Fill a Table 1 row from a dated mention of the same gathering (each change logged)."""
    mid = row["meeting_id"]
    old, new = row["date_label"], m["date_label"]
    if new != old:
        rule = "mention_day_added" if new.startswith(old) else "mention_date_conflict"
        cur.log_rule(log, rule, (DS, mid, "date_label"), old, new, m)
        row["date_label"] = new
    else:
        merged = join_ids([*split_ids(row["other_source_ids"]), m["source_id"]])
        where = (DS, mid, "other_source_ids")
        cur.log_rule(log, "mention_confirms", where, row["other_source_ids"], merged, m)
    if m["host_event"] and m["host_event"] != row["host_event"]:
        where = (DS, mid, "host_event")
        cur.log_rule(log, "mention_host_event", where, row["host_event"], m["host_event"], m)
        row["host_event"] = m["host_event"]
    row["participants"] = names
    sources = [
        *split_ids(row["other_source_ids"]),
        m["source_id"],
        *split_ids(m["other_source_ids"]),
    ]
    row["other_source_ids"] = join_ids(sources, "seed000")
    row["notes"] = join_notes(row["notes"], m["notes"])


def text_only_meeting(m: dict[str, str], names: str, cur: Curation) -> dict[str, str]:
    """A row ``X..`` for a gathering Table 1 does not print."""
    kind = cur.meeting_kinds.get((m["level"], m["track"]))
    if kind is None:
        raise BuildError(f"meeting_kinds.csv has no kind for {(m['level'], m['track'])}")
    return {
        "meeting_id": m["mention_id"],
        "date_label": m["date_label"],
        "title": "",
        "level": m["level"],
        "track": m["track"],
        "place": m["place"],
        "host_context": m["host_context"],
        "host_event": m["host_event"],
        "participants": names,
        "in_table1": "false",
        "table1_row": "",
        "table1_printed": "",
        "source_id": m["source_id"],
        "other_source_ids": join_ids(split_ids(m["other_source_ids"]), m["source_id"]),
        "notes": m["notes"],
        "_kind": kind,
        "_block": "",
    }


# --- pass 3: dates, titles, leaders -------------------------------------------------------------


def finish_meeting(
    r: dict[str, str], leaders: list[dict[str, str]], log: Log, cur: Curation
) -> None:
    """Dates, a title (unless curated), the leaders in office and the U.S. administration; a
    row Table 1 prints under another president is logged."""
    add_dates(r)
    kind = r.pop("_kind")
    if not r["title"]:  # a curated title (corrections.csv) wins over the derived one
        r["title"] = f"{kind}, {r['place']}" if r["place"] else ""
    for country, col in LEADER_COLUMNS:
        ld = leader_over(leaders, country, r["date_start"], r["date_end"])
        r[col] = ld["name"] if ld else ""
        if country == "U.S.":
            r["us_administration"] = ld["term_label"] if ld else ""
        if ld is None and leader_in_office(leaders, country, r["date_start"]):
            r["notes"] = join_notes(
                r["notes"],
                f"The {country} leader changed during this {r['date_precision']}; the "
                "leader is left empty.",
            )
        suspended = ld.get("powers_suspended_from") if ld else ""
        if ld and suspended and r["date_start"] >= suspended:
            r["notes"] = join_notes(
                r["notes"],
                f"{ld['name']} was in office but impeached, with powers suspended, from "
                f"{suspended}.",
            )
    block = r.pop("_block")
    us = leader_over(leaders, "U.S.", r["date_start"], r["date_end"])
    if block and (us is None or block != us["name_short"]):
        where = (DS, r["meeting_id"], "us_administration")
        cur.log_rule(log, "table1_administration", where, block, r["us_administration"])
