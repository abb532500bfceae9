"""Steps for the other datasets: ``events``, ``opinion``, ``china_stances``, ``obstacles``,
``policy_options`` and ``policy_weights`` (each a short function over its raw rows)."""

from __future__ import annotations

from ..schema import CRITERIA, EFFECTS, EVENT_CATEGORIES, EVENT_DYADS, PERSPECTIVES
from .common import BuildError, Log, add_dates, check_enum, parse_date
from .curation import Curation


def build_events(raw: list[dict], log: Log, cur: Curation) -> list[dict]:
    """Events with places and names in the course's spelling, corrected, dated and sorted."""
    rows = []
    for e in raw:
        r = {k: v for k, v in e.items() if k not in ("date_as_given", "place_as_printed")}
        r["place"] = cur.fix_place(log, "events", e["event_id"], e["place_as_printed"])
        cur.fix_names(log, "events", r, r["event_id"], ["description", "notes"])
        rows.append(r)
    cur.apply_corrections(log, "events", rows, "event_id")
    for r in rows:
        add_dates(r)
    check_enum("events", rows, "dyads", EVENT_DYADS, multi=True)
    check_enum("events", rows, "category", EVENT_CATEGORIES)
    check_enum("events", rows, "effect", EFFECTS)
    rows.sort(key=lambda r: (r["date_start"], r["date_end"], r["event_id"]))
    return rows


def build_opinion(raw: list[dict]) -> list[dict]:
    """Poll figures as transcribed, without the printed value (kept in the raw twin)."""
    return [{k: v for k, v in r.items() if k != "value_as_printed"} for r in raw]


def build_china_stances(raw: list[dict], log: Log, cur: Curation) -> list[dict]:
    """Stances towards China, corrected; a speaker identified from the cited document is logged."""
    rows = []
    raw = [dict(s) for s in raw]
    cur.apply_corrections(log, "china_stances", raw, "stance_id")
    for s in raw:
        r = {k: v for k, v in s.items() if k not in ("actor_as_printed", "date_as_given")}
        if s["actor_as_printed"] != s["actor"]:
            where = ("china_stances", s["stance_id"], "actor")
            cur.log_rule(log, "speaker_identified", where, s["actor_as_printed"], s["actor"], s)
        d = parse_date(s["date_label"])
        r.update({k: d[k] for k in ("date_precision", "date", "year")})
        rows.append(r)
    return rows


def build_obstacles(
    raw: list[dict], sources: dict[str, dict], log: Log, cur: Curation
) -> list[dict]:
    """Obstacles, corrected, each with the viewpoint of the seed that names it."""
    rows = []
    raw = [dict(o) for o in raw]
    cur.apply_corrections(log, "obstacles", raw, "obstacle_id")
    for o in raw:
        r = dict(o)
        r["viewpoint"] = sources[o["seed_id"]]["viewpoint"]
        rows.append(r)
    return rows


def build_policy_options(raw: list[dict]) -> list[dict]:
    """Policy options with their proposer; every score must be 1 to 5."""
    rows = []
    for p in raw:
        r = dict(p)
        r["proposed_by"] = p["source_id"]
        for c in CRITERIA:
            if not 1 <= int(r[c]) <= 5:
                raise BuildError(f"policy option {r['option_id']}: {c} out of range")
        rows.append(r)
    return rows


def build_policy_weights(raw: list[dict]) -> list[dict]:
    """Weights per perspective: one per criterion, summing to 1, each with the direction that
    :data:`trilat_lessons.schema.CRITERIA` gives the criterion."""
    rows = [dict(r, source_id="course") for r in raw]
    for p in PERSPECTIVES:
        got = [r for r in rows if r["perspective"] == p]
        if sorted(r["criterion"] for r in got) != sorted(CRITERIA):
            raise BuildError(f"policy weights for {p}: need one row per criterion")
        if abs(sum(float(r["weight"]) for r in got) - 1) > 1e-9:
            raise BuildError(f"policy weights for {p} do not sum to 1")
    for r in rows:  # the direction column must say what schema.CRITERIA says
        better = "higher_is_better" if CRITERIA[r["criterion"]][1] else "higher_is_worse"
        if r["direction"] != better:
            raise BuildError(f"policy weights {r['perspective']}/{r['criterion']}: not {better}")
    return rows
