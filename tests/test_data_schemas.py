"""pandera schemas, one per dataset (pandera is a test dependency only)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

import trilat_lessons as tl
from trilat_lessons import schema as cb

STR = pd.StringDtype()
DATE = "datetime64[us]"


def _cat(values, ordered=False):
    return pd.CategoricalDtype(values, ordered=ordered)


def _dated(extra: dict) -> dict:
    return {
        "date_label": pa.Column(
            STR, pa.Check.str_matches(r"^\d{4}(-\d{2}){0,2}(/\d{4}(-\d{2}){0,2})?$")
        ),
        "date_precision": pa.Column(_cat(cb.PRECISION, True)),
        "date": pa.Column(DATE, nullable=True),
        "date_start": pa.Column(DATE),
        "date_end": pa.Column(DATE),
        "year": pa.Column("Int64", pa.Check.in_range(1960, 2026)),
        **extra,
    }


SRC = {"source_id": pa.Column(STR), "other_source_ids": pa.Column(STR, nullable=True)}
SCORE = pa.Column("Int64", pa.Check.in_range(1, 5))

SCHEMAS = {
    "sources": pa.DataFrameSchema(
        {
            "source_id": pa.Column(STR, unique=True),
            "title": pa.Column(STR),
            "type": pa.Column(_cat(cb.SOURCE_TYPES)),
            "date_precision": pa.Column(_cat(cb.PRECISION, True), nullable=True),
            "date": pa.Column(DATE, nullable=True),
            "is_seed": pa.Column("boolean"),
        }
    ),
    "leaders": pa.DataFrameSchema(
        {
            "leader_id": pa.Column(STR, unique=True),
            "country": pa.Column(_cat(cb.COUNTRIES)),
            "name": pa.Column(STR),
            "name_short": pa.Column(STR),
            "term_start": pa.Column(DATE),
            "term_end": pa.Column(DATE, nullable=True),
            "acting": pa.Column("boolean"),
            "dates_checked": pa.Column("boolean"),
            **SRC,
        },
        checks=pa.Check(lambda d: (d.term_end.isna() | (d.term_end > d.term_start)).all()),
    ),
    "meetings": pa.DataFrameSchema(
        _dated(
            {
                "meeting_id": pa.Column(STR, pa.Check.str_matches(r"^[TX]\d{2}$"), unique=True),
                "level": pa.Column(_cat(cb.LEVELS, True)),
                "track": pa.Column(_cat(cb.TRACKS)),
                "host_context": pa.Column(_cat(["standalone", "sidelines"]), nullable=True),
                "in_table1": pa.Column("boolean"),
                "table1_row": pa.Column("Int64", pa.Check.in_range(1, 29), nullable=True),
                "us_administration": pa.Column(
                    STR, pa.Check.isin(["Obama", "Trump (1st)", "Biden", "Trump (2nd)"])
                ),
                **SRC,
            }
        )
    ),
    "events": pa.DataFrameSchema(
        _dated(
            {
                "event_id": pa.Column(STR, unique=True),
                "title": pa.Column(STR),
                "category": pa.Column(_cat(cb.EVENT_CATEGORIES)),
                "effect": pa.Column(_cat(cb.EFFECTS, True)),
                "dyads": pa.Column(STR, nullable=True),
                **SRC,
            }
        )
    ),
    "opinion": pa.DataFrameSchema(
        {
            "obs_id": pa.Column(STR, unique=True),
            "value": pa.Column("Float64", pa.Check.in_range(0, 100), nullable=True),
            "qualifier": pa.Column(_cat(cb.QUALIFIERS)),
            "range_low": pa.Column("Float64", nullable=True),
            "range_high": pa.Column("Float64", nullable=True),
            "year": pa.Column("Int64", nullable=True),
            **SRC,
        },
        checks=[
            pa.Check(lambda d: (d.value.notna() | d.range_low.notna()).all()),
            pa.Check(lambda d: (d.year.notna() | d.period_start.notna()).all()),
        ],
    ),
    "china_stances": pa.DataFrameSchema(
        {
            "stance_id": pa.Column(STR, unique=True),
            "country": pa.Column(_cat(cb.COUNTRIES)),
            "quote": pa.Column(STR, pa.Check(lambda s: s.str.split().str.len() <= 8)),
            "stance": pa.Column(_cat(cb.STANCES, True)),
            "date": pa.Column(DATE, nullable=True),
            **SRC,
        }
    ),
    "obstacles": pa.DataFrameSchema(
        {
            "obstacle_id": pa.Column(STR, unique=True),
            "seed_id": pa.Column(STR, pa.Check.isin([f"seed00{i}" for i in range(5)])),
            "code": pa.Column(_cat(list(cb.OBSTACLE_CODES))),
            "source_id": pa.Column(STR),
        }
    ),
    "policy_options": pa.DataFrameSchema(
        {
            "option_id": pa.Column(STR, unique=True),
            "proposed_by": pa.Column(STR, pa.Check.isin(["seed002", "seed003", "seed004"])),
            **{c: SCORE for c in cb.CRITERIA},
            "rationale": pa.Column(STR),
            "source_id": pa.Column(STR),
        }
    ),
    "policy_weights": pa.DataFrameSchema(
        {
            "perspective": pa.Column(_cat(cb.PERSPECTIVES)),
            "criterion": pa.Column(_cat(list(cb.CRITERIA))),
            "weight": pa.Column("Float64", pa.Check.in_range(0, 1)),
            "rationale": pa.Column(STR),
        },
        checks=pa.Check(
            lambda d: (d.groupby("perspective", observed=True).weight.sum() - 1).abs().max() < 1e-9
        ),
    ),
}


def test_every_dataset_has_a_schema():
    assert set(SCHEMAS) == set(tl.list_datasets())


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema(name):
    SCHEMAS[name].validate(tl.load(name), lazy=True)
