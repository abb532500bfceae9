"""Pure helpers for the alliance-theory activity of lesson 05 (Cha's quasi-alliance model,
Snyder's alliance security dilemma): the course's events grouped by U.S. administration.

They only count rows; which administration looked more or less committed to the region is the
student's judgement, not the function's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..schema import EFFECTS

if TYPE_CHECKING:
    import pandas as pd

SPANS_A_CHANGE = "spans a change of president"
OUTSIDE = "before or after the leaders data"


def events_by_administration(
    events: pd.DataFrame, leaders: pd.DataFrame, dyad: str = "Japan–ROK"
) -> pd.DataFrame:
    """Count the events that touch ``dyad`` by their effect, per U.S. administration.

    An event belongs to the administration in office on both its first and last possible day
    (``date_start``, ``date_end``); an event whose dates span a change of U.S. president, or fall
    outside the ``leaders`` table, is counted in a separate row rather than guessed.
    Administrations with no such event are kept (with zeros) so that an empty period shows as
    empty. Columns: ``administration``,
    ``term_start``, ``term_end``, one column per effect, ``net`` (improves minus strains) and
    ``event_ids``.
    """
    import pandas as pd

    us = leaders[leaders["country"].astype(str) == "U.S."].sort_values("term_start")
    terms = [
        (str(r.term_label), pd.Timestamp(r.term_start), r.term_end)
        for r in us.itertuples(index=False)
    ]

    def in_office(day: pd.Timestamp) -> str | None:
        for label, start, end in terms:
            if start <= day and (pd.isna(end) or day < pd.Timestamp(end)):
                return label
        return None

    tags = events["dyads"].astype("string").fillna("")
    mine = events[tags.map(lambda t: dyad in {x.strip() for x in str(t).split(";")})]
    counts: dict[str, dict[str, object]] = {}
    for label, start, end in terms:
        counts[label] = {"term_start": start, "term_end": end, "ids": []}
        counts[label].update(dict.fromkeys(EFFECTS, 0))
    extra: dict[str, dict[str, object]] = {}
    for name in (SPANS_A_CHANGE, OUTSIDE):
        extra[name] = {"term_start": pd.NaT, "term_end": pd.NaT, "ids": []}
        extra[name].update(dict.fromkeys(EFFECTS, 0))
    for r in mine.itertuples(index=False):
        a, b = in_office(pd.Timestamp(r.date_start)), in_office(pd.Timestamp(r.date_end))
        if a is None or b is None:
            row = extra[OUTSIDE]
        else:
            row = counts[a] if a == b else extra[SPANS_A_CHANGE]
        effect = str(r.effect)
        if effect in EFFECTS:
            row[effect] = int(row[effect]) + 1  # type: ignore[call-overload]
        row["ids"].append(str(r.event_id))  # type: ignore[attr-defined]
    out = [{"administration": k, **v} for k, v in counts.items()]
    out += [{"administration": k, **v} for k, v in extra.items() if v["ids"]]
    df = pd.DataFrame(out)
    df["net"] = df["improves"] - df["strains"]
    df["event_ids"] = df.pop("ids").map(", ".join)
    return df[
        ["administration", "term_start", "term_end", *EFFECTS, "net", "event_ids"]
    ].reset_index(drop=True)
