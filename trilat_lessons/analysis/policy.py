"""Ranking the policy options by weighted criteria, and comparing the perspectives' rankings.

The scores are teaching judgments (see the ``policy_options`` codebook): the point is to see how
the ranking depends on whose priorities you adopt, not to find the "right" policy. The
PolicyWorkbench (``widgets.policy``) and the ranking chart (``charts.policy``) use these.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..schema import CRITERIA, PERSPECTIVES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


SCALE_LOW, SCALE_HIGH = 1, 5


def weights_dict(weights: pd.DataFrame | Mapping[str, float]) -> dict[str, float]:
    """Weights as {criterion: weight} from a mapping or a (criterion, weight) frame."""
    if isinstance(weights, Mapping):
        out = {str(k): float(v) for k, v in weights.items()}
    else:
        frame = weights
        if "perspective" in frame.columns and frame["perspective"].nunique() > 1:
            raise ValueError("weights cover several perspectives: pick one with preset_weights()")
        out = {str(c): float(v) for c, v in zip(frame["criterion"], frame["weight"], strict=True)}
    unknown = sorted(set(out) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown criteria {unknown}; known: {list(CRITERIA)}")
    negative = sorted(k for k, v in out.items() if v < 0 or math.isnan(v))
    if negative:
        raise ValueError(
            f"weights must be 0 or more (got {negative}); cost and China risk are already"
            " counted reversed (lower is better)"
        )
    return out


def preset_weights(policy_weights: pd.DataFrame, perspective: str) -> dict[str, float]:
    """The weight each criterion gets from a perspective (``U.S.``, ``Japan``, ``ROK``, …)."""
    rows = policy_weights[policy_weights["perspective"].astype(str) == perspective]
    if rows.empty:
        known = sorted(policy_weights["perspective"].astype(str).unique())
        raise ValueError(f"no preset {perspective!r}; known: {known}")
    return weights_dict(rows[["criterion", "weight"]])


def _option_labels(options: pd.DataFrame, limit: int | None = 60) -> list[str]:
    """Each option's label, "P3: <what it asks>", cut at a word (tables and charts) or whole
    (``limit=None``: sentences)."""
    if "label" in options.columns:
        return [str(x) for x in options["label"]]
    if "asks" in options.columns:
        out = []
        for oid, asks in zip(
            options["option_id"], options["asks"].astype("string").fillna(""), strict=True
        ):
            text = str(asks)
            if limit is not None and len(text) > limit:
                text = text[: limit - 2].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
            out.append(f"{oid}: {text}" if text else str(oid))
        return out
    return [str(x) for x in options["option_id"]]


def rank_options(
    options: pd.DataFrame, weights: pd.DataFrame | Mapping[str, float]
) -> pd.DataFrame:
    """Score (0–100) and rank the options: weighted mean of 1–5 criteria scaled to 0–1.

    Lower-is-better criteria (cost, China reaction risk) are reversed first. The ``pts_*`` columns
    hold each criterion's share of the score, so they add up to ``score``. All-zero weights give
    every option a score of 0.
    """
    import numpy as np
    import pandas as pd

    wts = weights_dict(weights)
    missing = [c for c in wts if c not in options.columns]
    if missing:
        raise ValueError(f"policy_options lacks the criteria columns {missing}")
    total = sum(wts.values())
    span = SCALE_HIGH - SCALE_LOW
    n = len(options)
    cols: dict[str, Any] = {
        "option_id": options["option_id"].astype(str).to_numpy(),
        "label": np.array(_option_labels(options), dtype=object),
        "area": options["area"].astype(str).to_numpy() if "area" in options else np.full(n, ""),
    }
    score = np.zeros(n)
    for criterion, weight in wts.items():
        raw = pd.to_numeric(options[criterion], errors="coerce").astype(float).to_numpy()
        scaled = (raw - SCALE_LOW) / span
        if not CRITERIA[criterion][1]:
            scaled = 1.0 - scaled
        pts = np.where(np.isnan(scaled), 0.0, scaled) * (100.0 * weight / total if total else 0)
        cols[f"pts_{criterion}"] = np.round(pts, 2)
        score = score + pts
    cols["score"] = np.round(score, 1)
    for col in ("asks", "rationale", "source_id"):
        if col in options.columns:
            cols[col] = options[col].astype(str).to_numpy()
    # best score first, ties by option id (a stable sort, as before); rank "min": ties share
    ids, scores = cols["option_id"].tolist(), cols["score"].tolist()
    order = sorted(range(n), key=lambda i: (-scores[i], ids[i]))
    ranks: list[int] = []
    first_at: dict[float, int] = {}
    for pos, i in enumerate(order):
        ranks.append(first_at.setdefault(scores[i], pos + 1))
    return pd.DataFrame(
        {"rank": np.array(ranks, dtype=int), **{k: v[order] for k, v in cols.items()}}
    )


def compare_rankings(
    options: pd.DataFrame,
    policy_weights: pd.DataFrame,
    extra: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """Rank of each option under every preset perspective (and ``extra`` weights), side by side,
    each option named in full."""
    import pandas as pd

    present = list(dict.fromkeys(policy_weights["perspective"].astype(str)))
    names = [p for p in PERSPECTIVES if p in present] + [
        p for p in present if p not in PERSPECTIVES
    ]
    sets: dict[str, Mapping[str, float]] = {p: preset_weights(policy_weights, p) for p in names}
    sets.update(extra or {})
    cols = {}
    for name, wts in sets.items():
        cols[name] = rank_options(options, wts).set_index("option_id")["rank"]
    table = pd.DataFrame(cols)
    # each option whole (a table cell wraps; only the chart's axis needs a short label)
    table.insert(0, "option", table.index.map(full_labels(options)))
    first = next(iter(sets))
    return table.sort_values([first, "option"]).rename_axis("option_id")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _weights_name(column: str) -> str:
    """'the U.S. weights' for a perspective; 'your weights' stays 'your weights'."""
    column = str(column).strip()
    return column if column.lower().endswith("weights") else f"the {column} weights"


def _label(option: Any) -> str:
    """An option's label inside a sentence: without its own final full stop."""
    return str(option).strip().rstrip(".").rstrip()


def full_labels(options: pd.DataFrame) -> dict[str, str]:
    """Each option's whole label by option id (for sentences, which never cut a label)."""
    ids = options["option_id"].astype(str)
    return dict(zip(ids, _option_labels(options, limit=None), strict=True))


def describe_ranking_change(
    comparison: pd.DataFrame,
    before: str,
    after: str,
    labels: Mapping[str, str] | None = None,
) -> str:
    """One sentence: how the top option and the biggest mover differ between two columns.

    ``labels`` (option id -> whole label, see :func:`full_labels`) replaces the table's
    shortened labels, so the sentence never cuts one mid-way.
    """
    labels = labels or {}

    def name(oid: Any) -> str:
        return _label(labels.get(str(oid), comparison.loc[oid, "option"]))

    top_b = name(comparison[before].idxmin())
    top_a = name(comparison[after].idxmin())
    b_name, a_name = _weights_name(before), _weights_name(after)
    delta = comparison[before] - comparison[after]  # positive = moves up
    if (delta == 0).all():
        return f"The ranking is the same with {b_name} and {a_name} (top: {top_a})."
    mover = delta.abs().idxmax()
    row = comparison.loc[mover]
    move = (
        f"the biggest move is {name(mover)} ({_ordinal(int(row[before]))} →"
        f" {_ordinal(int(row[after]))})"
    )
    head = (
        f"From {b_name} to {a_name}, the top option stays {top_a}"
        if top_a == top_b
        else f"From {b_name} to {a_name}, the top option changes from {top_b} to {top_a}"
    )
    return f"{head}; {move}."
