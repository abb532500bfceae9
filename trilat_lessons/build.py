"""Deterministic raw -> clean build of the course datasets (``trilat data build``).

Reads the transcriptions in ``data/raw/`` and the manual corrections in
``data/curation/corrections.csv`` (repository root), and writes into ``trilat_lessons/data/``:

* ``<dataset>.csv`` - the clean datasets;
* ``raw/<file>.csv`` - byte-for-byte twins of the raw transcriptions (``load(name, raw=True)``);
* ``cleaning_log.csv`` - every value the build changed, with the reason;
* ``datapackage.json`` - a Frictionless Data Package describing every resource and field
  (generated from the codebook section of this module).

Only the standard library is used, so the build runs without pandas and its output does not
depend on library versions. Every correction goes through :meth:`Log.change`.
"""

from __future__ import annotations

import calendar
import csv
import io
import itertools
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from .codebook import (
    COUNTRIES,
    CRITERIA,
    EFFECTS,
    EVENT_CATEGORIES,
    EVENT_DYADS,
    LEVELS,
    OBSTACLE_CODES,
    PERSPECTIVES,
    PRECISION,
    QUALIFIERS,
    SOURCE_TYPES,
    STANCES,
    TRACKS,
)

# === codebook: the one place where the columns are documented ===============================
# Copied into datapackage.json by the build; info()/codebook() read it from there.
# Field tuples are (name, type, description, extra); extra may hold enum, ordered, required,
# unique, minimum/maximum and unit.

Field = tuple[str, str, str, dict[str, Any]]

SCORE = {"minimum": 1, "maximum": 5, "unit": "score 1-5"}
TEACHING = (
    " TEACHING JUDGMENT, not a fact: assigned by the course authors for the weighing exercise; "
    "see `rationale`."
)


def _dated(what: str) -> list[Field]:
    return [
        (
            "date_label",
            "string",
            f"Date of the {what} as known: YYYY, YYYY-MM or YYYY-MM-DD; an ISO 8601 interval "
            "'A/B' when the source gives only a span.",
            {"required": True},
        ),
        (
            "date_precision",
            "string",
            "How precisely the date is known (ordered: year < month < day).",
            {"enum": PRECISION, "ordered": True, "required": True},
        ),
        (
            "date",
            "date",
            "The exact day. Empty (NaT) unless the day is known: a missing day is never stored "
            "as the 1st.",
            {},
        ),
        (
            "date_start",
            "date",
            "First day the date can fall on (for sorting and plotting).",
            {"required": True},
        ),
        (
            "date_end",
            "date",
            "Last day the date can fall on (for sorting and plotting).",
            {"required": True},
        ),
        ("year", "integer", "Year (of date_start).", {"required": True}),
    ]


SOURCE_ID: Field = (
    "source_id",
    "string",
    "Main source of this row: a `sources.source_id` (cite it with `tl.cite()`).",
    {"required": True},
)
OTHER_SOURCES: Field = (
    "other_source_ids",
    "string",
    "Further sources, `;`-separated `sources.source_id` values.",
    {},
)
NOTES: Field = ("notes", "string", "Remarks on sources, doubts and choices.", {})

DATASETS: dict[str, dict[str, Any]] = {
    "sources": {
        "title": "Sources",
        "description": "Every document cited by any row: the five seed documents first "
        "(seed000-seed004), then official statements, reports and news items they cite, and "
        "public documents used to check dates and to bring the record up to late 2025 (ids "
        "starting `rec_`).",
        "provenance": "Seed documents and their footnotes/references; documents found while "
        "checking dates are marked in `cited_in` (empty) and `notes`.",
        "known_gaps": [
            "Authors are recorded only where the document itself names them.",
            "Some headlines were read from a page address or a reprint; `notes` says so.",
            "URLs are given only where the seed prints them or a stored copy was seen.",
        ],
        "id": "source_id",
        "fields": [
            ("source_id", "string", "Identifier used by every other dataset.", {"unique": True}),
            (
                "authors",
                "string",
                "Authors, `;`-separated, Korean and Japanese names family name first; empty when "
                "the document names none.",
                {},
            ),
            ("title", "string", "Exact title (bracketed description when none is printed).", {}),
            ("issuer", "string", "Issuing body or publisher, where known.", {}),
            (
                "date_label",
                "string",
                "Publication date as known (YYYY, YYYY-MM or YYYY-MM-DD); empty if undated.",
                {},
            ),
            (
                "date_precision",
                "string",
                "Precision of the publication date.",
                {"enum": PRECISION, "ordered": True},
            ),
            ("date", "date", "Publication day; empty unless the day is known.", {}),
            ("type", "string", "Kind of document.", {"enum": SOURCE_TYPES, "required": True}),
            ("viewpoint", "string", "Whose view the document presents.", {}),
            ("url", "string", "Address, where known.", {}),
            ("is_seed", "boolean", "True for the five seed documents.", {"required": True}),
            (
                "cited_in",
                "string",
                "Seed(s) that cite this document, `;`-separated; empty if found while checking.",
                {},
            ),
            ("locator", "string", "Where the citation appears (footnote, note, section).", {}),
            NOTES,
        ],
    },
    "leaders": {
        "title": "Leaders",
        "description": "U.S. presidents, Japanese prime ministers and ROK presidents from 1988 "
        "to late 2025, "
        "with term dates. Used to tag meetings with the leaders in office.",
        "provenance": "Official lists (U.S. Constitution 20th Amendment for U.S. terms; Prime "
        "Minister's Office of Japan; Presidential Archives of the ROK) and news reports for "
        "changes in 2017 and 2025.",
        "known_gaps": [
            "Acting presidents (ROK 2004, 2016-17, 2024-25) and Japan's brief acting prime "
            "minister in 2000 are not listed as rows: their exact dates are not all sourced here.",
            "`dates_checked` is False where the dates were not re-checked against a stored copy "
            "of the official list during the build.",
            "Between 10 Mar and 10 May 2017 and between 4 Apr and 4 Jun 2025 the ROK had no "
            "elected president in office; meetings in those gaps get no `rok_president`.",
        ],
        "id": "leader_id",
        "fields": [
            ("leader_id", "string", "Identifier (country prefix + name).", {"unique": True}),
            ("country", "string", "Country.", {"enum": COUNTRIES, "required": True}),
            ("office", "string", "Office held.", {"required": True}),
            ("name", "string", "Full name; Korean and Japanese family name first.", {}),
            ("name_short", "string", "Family name for chart labels.", {"required": True}),
            (
                "term_label",
                "string",
                "Label for charts, distinguishing repeated terms, e.g. 'Trump (1st)'.",
                {"required": True},
            ),
            ("term_start", "date", "First day in office.", {"required": True}),
            (
                "term_end",
                "date",
                "Day the term ended: the successor's first day, or the day of removal. Empty "
                "(NaT) = in office at the end of coverage. A leader is counted in office on days "
                "d with term_start <= d < term_end.",
                {},
            ),
            (
                "powers_suspended_from",
                "date",
                "Day from which the leader's powers were suspended (impeachment), where sourced.",
                {},
            ),
            ("acting", "boolean", "True for an acting leader (none are listed; see gaps).", {}),
            (
                "dates_checked",
                "boolean",
                "True if the term dates were confirmed against a stored copy of a named source "
                "during the build; False = taken from the official list named, not re-checked.",
                {"required": True},
            ),
            NOTES,
            SOURCE_ID,
            OTHER_SOURCES,
        ],
    },
    "meetings": {
        "title": "Trilateral meetings",
        "description": "U.S.-Japan-ROK gatherings: all 29 rows of Table 1 of seed000 "
        "(ids T01-T29, in_table1 = True) plus gatherings named in the texts of seeds 001-004 "
        "and in documents they cite (ids X..), and further gatherings up to late 2025 from "
        "public documents found for the course (X31 onwards). Where a mention is the same "
        "gathering as a Table 1 row they are merged (the document gives the day) and the "
        "merge is logged.",
        "provenance": "seed000 Table 1 as printed (raw twin: load('meetings', raw=True)); seed "
        "texts and footnotes; official readouts. Leaders are derived from the date and "
        "`leaders`, never from Table 1's printed president column.",
        "known_gaps": [
            "Table 1 is not a complete list of trilateral meetings (e.g. several foreign and "
            "defence ministers' meetings are missing); only meetings with a named source are "
            "added.",
            "Most Table 1 rows are known to the month only; days were added only from a named "
            "document.",
            "Table 1 does not name the ministries involved; `track` 'foreign' for its "
            "ministerial and vice-ministerial rows is inferred from its column heading "
            "('Diplomatic Contents').",
            "Rows 9 (2018. 1. Tokyo) and 10 (2018. 2. Pyeongchang) could not be checked "
            "against another source; see their notes. Row 28 is, by the record, the first "
            "Trilateral Indo-Pacific Dialogue and row 29 met at the G20 foreign ministers' "
            "meeting (both corrected and logged).",
            "Gatherings after Table 1 (from March 2024) and those added from public documents "
            "(ids X31-X47) come from official readouts and news reports found for the course; "
            "they are not a complete list. Known but not added (no dated, addressable document "
            "checked): the second Trilateral Indo-Pacific Dialogue (reported as Tokyo, 11 "
            "December 2024; a readout text was seen without its address or issuer), defence "
            "ministers' meetings after July 2024, vice foreign ministers' meetings "
            "after October 2022 other than Table 1's, and the secretariat's later meetings. "
            "No meeting of the three leaders in 2025 was found (the search was not "
            "exhaustive).",
        ],
        "id": "meeting_id",
        "fields": [
            (
                "meeting_id",
                "string",
                "T01-T29 = Table 1 row; X.. = gathering from a seed text, a cited document or "
                "(X31 onwards) a public document found for the course.",
                {"unique": True},
            ),
            *_dated("meeting"),
            (
                "title",
                "string",
                "Short description, e.g. 'Foreign ministers' meeting, London'.",
                {},
            ),
            (
                "level",
                "string",
                "Highest tier at which all three delegations were represented (ordered: "
                "envoys/other < vice/deputy ministers < ministers < leaders). Heads of national "
                "security offices count as ministers; the 2018 meeting with the U.S. "
                "Vice-President counts as ministers.",
                {"enum": LEVELS, "ordered": True, "required": True},
            ),
            ("track", "string", "Channel of the meeting.", {"enum": TRACKS}),
            ("place", "string", "Place, cleaned (e.g. 'The Hague', 'Pyeongchang').", {}),
            (
                "host_context",
                "string",
                "standalone, or on the sidelines of another event; empty = not stated.",
                {"enum": ["standalone", "sidelines"]},
            ),
            ("host_event", "string", "The event on whose sidelines it met.", {}),
            (
                "participants",
                "string",
                "Participants as named in the source (names normalised).",
                {},
            ),
            ("us_president", "string", "U.S. president in office (from `leaders`).", {}),
            ("japan_pm", "string", "Japanese prime minister in office (from `leaders`).", {}),
            (
                "rok_president",
                "string",
                "ROK president in office (from `leaders`); empty if none or if the office "
                "changed hands within a month-precision date.",
                {},
            ),
            (
                "us_administration",
                "string",
                "U.S. administration label for colour: Obama, Trump (1st), Biden, Trump (2nd).",
                {},
            ),
            (
                "in_table1",
                "boolean",
                "True if the meeting is a row of Table 1.",
                {"required": True},
            ),
            (
                "table1_row",
                "integer",
                "Row number in Table 1 as printed (1-29).",
                {"minimum": 1, "maximum": 29},
            ),
            (
                "table1_printed",
                "string",
                "The Table 1 row as printed: president block | date | content | place | note.",
                {},
            ),
            SOURCE_ID,
            OTHER_SOURCES,
            NOTES,
        ],
    },
    "events": {
        "title": "Events",
        "description": "Timeline of bilateral, trilateral and China-related events the seeds "
        "discuss, with their effect on Japan-ROK or trilateral ties as the source presents it, "
        "brought up to late 2025 with leadership changes and the trilateral secretariat from "
        "named public documents.",
        "provenance": "Seed texts and the documents their footnotes cite; for 2024-2025 also "
        "official statements and news reports named in `sources` (ids E61 onwards); "
        "descriptions are in the course's own words.",
        "known_gaps": [
            "Mostly events the seeds discuss, plus leadership changes and the secretariat in "
            "2024-2025; this is not a complete chronology.",
            "`effect` records how the source presents the event, not a measurement.",
        ],
        "id": "event_id",
        "fields": [
            ("event_id", "string", "Identifier.", {"unique": True}),
            *_dated("event"),
            ("title", "string", "Short title.", {"required": True}),
            ("description", "string", "What happened, in the course's own words.", {}),
            ("category", "string", "Theme.", {"enum": EVENT_CATEGORIES, "required": True}),
            (
                "countries",
                "string",
                "Countries involved, `;`-separated (U.S., Japan, ROK, China, DPRK, Russia, "
                "Australia).",
                {},
            ),
            (
                "dyads",
                "string",
                "Relations affected, `;`-separated among U.S.–Japan, U.S.–ROK, Japan–ROK, "
                "trilateral; empty for context events outside the triangle.",
                {},
            ),
            (
                "effect",
                "string",
                "Effect on Japan-ROK or trilateral ties as the source presents it (ordered: "
                "strains < neutral < improves). 'neutral' also covers context events whose "
                "effect the source does not describe.",
                {"enum": EFFECTS, "ordered": True, "required": True},
            ),
            ("place", "string", "Place, contested names given both ways.", {}),
            (
                "meeting_id",
                "string",
                "Related `meetings.meeting_id`, if the event is a meeting.",
                {},
            ),
            SOURCE_ID,
            OTHER_SOURCES,
            ("locator", "string", "Where in the seed(s) the event is discussed.", {}),
            NOTES,
        ],
    },
    "opinion": {
        "title": "Public opinion",
        "description": "Public-opinion figures printed in the seeds, in tidy long form: one row "
        "per figure or range.",
        "provenance": "seed002 (EAI-Genron NPO 2021 survey) and seed001 (Dong-A Ilbo poll, "
        "31 Mar 2023).",
        "known_gaps": [
            "Only figures printed in the seeds; other years of the EAI-Genron series are not "
            "included.",
            "For the two ranges the paper says 'the last five years' without naming them; "
            "period_start/period_end (2017-2021) are our reading.",
        ],
        "id": "obs_id",
        "fields": [
            ("obs_id", "string", "Identifier.", {"unique": True}),
            ("survey", "string", "Survey or poll.", {"required": True}),
            ("year", "integer", "Survey year (empty for a multi-year range).", {}),
            ("period_start", "integer", "First year of a range.", {}),
            ("period_end", "integer", "Last year of a range.", {}),
            ("respondents", "string", "Country of respondents.", {"required": True}),
            ("target", "string", "What respondents were asked about.", {}),
            ("measure", "string", "The answer counted.", {}),
            (
                "value",
                "number",
                "Published value; empty where only a range is published.",
                {"unit": "percent of respondents"},
            ),
            (
                "qualifier",
                "string",
                "exact, about (approximate) or over (lower bound) as printed.",
                {"enum": QUALIFIERS, "required": True},
            ),
            ("unit", "string", "Unit of value and range.", {}),
            ("range_low", "number", "Low end of a published range.", {}),
            ("range_high", "number", "High end of a published range.", {}),
            SOURCE_ID,
            OTHER_SOURCES,
            NOTES,
        ],
    },
    "china_stances": {
        "title": "Official characterisations of China",
        "description": "How each government characterises China in documents the seeds quote: "
        "a short verbatim phrase and a coded stance.",
        "provenance": "Phrases quoted in seeds 001 and 002, with the documents they cite; "
        "row C09 (Japan's 2022 strategy on China) is quoted in no seed and comes from a "
        "newspaper report of the strategy's draft (see its notes).",
        "known_gaps": [
            "The stance code covers the quoted phrase only, not the whole document.",
            "The coding (partner < partner with caution < concern < challenge) is the course's "
            "judgment.",
        ],
        "id": "stance_id",
        "fields": [
            ("stance_id", "string", "Identifier.", {"unique": True}),
            ("country", "string", "Government.", {"enum": COUNTRIES, "required": True}),
            ("actor", "string", "Who said or published it.", {}),
            ("document", "string", "Document or occasion.", {}),
            *_dated("statement")[:3],
            ("year", "integer", "Year.", {"required": True}),
            (
                "quote",
                "string",
                "A few words, verbatim, as quoted by the seed (C09: as reported of the draft).",
                {},
            ),
            (
                "stance",
                "string",
                "Coded stance (ordered: partner < partner with caution < concern < challenge).",
                {"enum": STANCES, "ordered": True, "required": True},
            ),
            SOURCE_ID,
            OTHER_SOURCES,
            NOTES,
        ],
    },
    "obstacles": {
        "title": "Obstacles to trilateral cooperation",
        "description": "Obstacles named in each seed, coded to a small taxonomy. Seed000 lists "
        "four in its abstract and five in its body; both lists are recorded (see `part`).",
        "provenance": "Seeds 000-004; labels and details in the course's own words.",
        "known_gaps": ["Coding into the taxonomy is the course's judgment."],
        "id": "obstacle_id",
        "fields": [
            ("obstacle_id", "string", "Identifier.", {"unique": True}),
            ("seed_id", "string", "Seed naming the obstacle.", {"required": True}),
            ("part", "string", "Where in the seed (abstract, body section, ...).", {}),
            (
                "code",
                "string",
                "Taxonomy code: "
                + "; ".join(f"{k} = {v}" for k, v in OBSTACLE_CODES.items())
                + ".",
                {"enum": list(OBSTACLE_CODES), "required": True},
            ),
            ("label", "string", "Short label.", {"required": True}),
            ("detail", "string", "What the seed argues, in the course's own words.", {}),
            ("viewpoint", "string", "Viewpoint of the seed (from `sources`).", {}),
            SOURCE_ID,
            ("locator", "string", "Where in the seed.", {}),
        ],
    },
    "policy_options": {
        "title": "Policy options",
        "description": "Recommendations of seeds 002, 003 and 004 (and pathways seed003 "
        "explores), with scores for a weighing exercise. THE SCORES ARE TEACHING JUDGMENTS, "
        "NOT FACTS: each has a one-line rationale.",
        "provenance": "Recommendations: seeds 002-004 (paraphrased). Scores: course authors.",
        "known_gaps": [
            "Scores are judgments about the seeds' context (2021-2025); students should "
            "challenge them.",
        ],
        "id": "option_id",
        "fields": [
            ("option_id", "string", "Identifier.", {"unique": True}),
            ("area", "string", "Policy area.", {"required": True}),
            ("actors", "string", "Who would act, `;`-separated.", {}),
            ("asks", "string", "What the recommendation asks, in the course's own words.", {}),
            (
                "kind",
                "string",
                "'recommendation' (the seed recommends it) or 'pathway explored' (seed003 "
                "discusses it as a possible path).",
                {"enum": ["recommendation", "pathway explored"]},
            ),
            ("proposed_by", "string", "Seed that proposes it (a source_id).", {"required": True}),
            ("cost", "integer", "Cost, 1 = very low, 5 = very high." + TEACHING, dict(SCORE)),
            (
                "feasibility",
                "integer",
                "Feasibility, 1 = very hard, 5 = easy." + TEACHING,
                dict(SCORE),
            ),
            (
                "china_reaction_risk",
                "integer",
                "Risk of a Chinese reaction, 1 = very low, 5 = very high." + TEACHING,
                dict(SCORE),
            ),
            (
                "support_us",
                "integer",
                "Likely support in the U.S., 1 = opposed, 5 = strong." + TEACHING,
                dict(SCORE),
            ),
            (
                "support_japan",
                "integer",
                "Likely support in Japan, 1 = opposed, 5 = strong." + TEACHING,
                dict(SCORE),
            ),
            (
                "support_rok",
                "integer",
                "Likely support in the ROK, 1 = opposed, 5 = strong." + TEACHING,
                dict(SCORE),
            ),
            ("rationale", "string", "One-line reason for the scores.", {"required": True}),
            SOURCE_ID,
            ("locator", "string", "Where in the seed.", {}),
        ],
    },
    "policy_weights": {
        "title": "Policy weights (presets)",
        "description": "Preset weights for the weighing exercise from a U.S., Japanese, Korean "
        "and balanced perspective. TEACHING JUDGMENTS with a rationale each; weights of a "
        "perspective sum to 1.",
        "provenance": "Course authors, drawing on the seeds' accounts of each country's "
        "priorities.",
        "known_gaps": ["Presets are starting points for discussion, not measured preferences."],
        "id": "perspective",
        "fields": [
            ("perspective", "string", "Perspective.", {"enum": PERSPECTIVES, "required": True}),
            (
                "criterion",
                "string",
                "A score column of `policy_options`.",
                {"enum": list(CRITERIA), "required": True},
            ),
            (
                "weight",
                "number",
                "Weight (0-1)." + TEACHING,
                {"minimum": 0, "maximum": 1, "required": True},
            ),
            (
                "direction",
                "string",
                "higher_is_better, or higher_is_worse (invert the score, 6 - x, before weighting).",
                {"enum": ["higher_is_better", "higher_is_worse"], "required": True},
            ),
            ("rationale", "string", "One-line reason.", {"required": True}),
            (
                "source_id",
                "string",
                "Always 'course': these rows are the course's own judgments.",
                {"required": True},
            ),
        ],
    },
}

CLEANING_LOG: dict[str, Any] = {
    "title": "Cleaning log",
    "description": "Every correction the build made between the raw transcriptions and the "
    "clean data: one row per changed value.",
    "fields": [
        ("log_id", "integer", "Running number.", {"unique": True}),
        ("dataset", "string", "Clean dataset changed.", {"required": True}),
        ("row_id", "string", "Id of the changed row in that dataset.", {"required": True}),
        ("column", "string", "Column changed.", {"required": True}),
        ("before", "string", "Value as printed / in the raw transcription.", {}),
        ("after", "string", "Value in the clean data.", {}),
        ("reason", "string", "Why, in plain words.", {"required": True}),
        ("source_id", "string", "Source supporting the change, if any.", {}),
    ],
}


# === build =====================================================================================

PKG_DIR = Path(__file__).resolve().parent
REPO_DIR = PKG_DIR.parent
RAW_DIR = REPO_DIR / "data" / "raw"
CURATION_FILE = REPO_DIR / "data" / "curation" / "corrections.csv"
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

# --- normalisation tables (each applied change is logged) -----------------------------------

#: name variants -> the one spelling used in the course (family name first for Korean and
#: Japanese names). Applied to names and free-text columns, never to document titles or quotes.
NAME_FIXES: list[tuple[str, str]] = [
    (r"\bYoon Suk-yeol\b", "Yoon Suk Yeol"),
    (r"(?<!Yoon )\bSuk-yeol\b", "Yoon Suk Yeol"),
    (r"\bFumio Kishida\b", "Kishida Fumio"),
    (r"\bShigeru Ishiba\b", "Ishiba Shigeru"),
    (r"\bShinzo Abe\b", "Abe Shinzo"),
    (r"\bShinsuke Sugiyama\b", "Sugiyama Shinsuke"),
    (r"\bItsunori Onodera\b", "Onodera Itsunori"),
    (r"\bJae-seung Lee\b", "Lee Jae-seung"),
    (r"\bDae-joong Lee\b", "Lee Dae-joong"),
    (r"\bJaewon Kim\b", "Kim Jaewon"),
    (r"\bKotaro Hosokawa\b", "Hosokawa Kotaro"),
    (r"\bJin-woo Shin\b", "Shin Jin-woo"),
    (r"\bTaro Kono\b", "Kono Taro"),
    (r"\bYoko Kamikawa\b", "Kamikawa Yoko"),
    (r"\bTakeshi Iwaya\b", "Iwaya Takeshi"),
    (r"\bYasuhiro Kobe\b", "Kobe Yasuhiro"),
    (r"\bAkihiro Okochi\b", "Okochi Akihiro"),
    (r"\bCho Hyundong\b", "Cho Hyun-dong"),
    (r"\bISHIBA Shigeru\b", "Ishiba Shigeru"),
    (r"\bYOON Suk Yeol\b", "Yoon Suk Yeol"),
    (r"\bDo-ye Ko\b", "Ko Do-ye"),
    (r"\bYul Sohn\b", "Sohn Yul"),
    (r"\bChung-in Moon\b", "Moon Chung-in"),
    (r"\bWon-young Hur\b", "Hur Won-young"),
    (r"\bMyung-hwan Yu\b", "Yu Myung-hwan"),
    (r"\bHidetaka Yoshimatsu\b", "Yoshimatsu Hidetaka"),
    (r"\bHiroyuki Hoshiro\b", "Hoshiro Hiroyuki"),
    (r"\bMuhui Zhang\b", "Zhang Muhui"),
    (r"\bMin Chen\b", "Chen Min"),
]
NAME_REASON = (
    "name normalised to one spelling, family name first for Korean and Japanese names "
    "(the seeds also print 'Yoon Suk-yeol' and even 'Suk-yeol' as if it were a family name)"
)

#: whole-value place fixes
PLACE_FIXES: dict[str, tuple[str, str]] = {
    "Hague": ("The Hague", "place name completed"),
    "Pyongchang": ("Pyeongchang", "spelling corrected to the official romanisation"),
    "East Sea": ("East Sea/Sea of Japan", "contested name given both ways"),
    "Dokdo": ("Dokdo/Takeshima", "contested name given both ways"),
    "Senkaku (Diaoyu)": ("Senkaku/Diaoyu", "contested name given both ways"),
    "the island": ("Dokdo/Takeshima", "the seed's 'the island' refers to Dokdo/Takeshima"),
}

#: Table 1 'content' -> (level, track, kind)
TABLE1_CONTENT = {
    "Trilateral Summit": ("leaders", "leaders", "Leaders' meeting"),
    "Trilateral Summit (Vice-President)": (
        "ministers",
        "leaders",
        "Leaders' event with the U.S. Vice-President",
    ),
    "Ministerial Meeting": ("ministers", "foreign", "Foreign ministers' meeting"),
    "Ministerial meeting": ("ministers", "foreign", "Foreign ministers' meeting"),
    "Vice-Ministerial Meeting": (
        "vice/deputy ministers",
        "foreign",
        "Vice foreign ministers' meeting",
    ),
    "Deputy Ministerial Meeting": (
        "vice/deputy ministers",
        "foreign",
        "Vice foreign ministers' meeting",
    ),
    "Special Representative for DPRK": (
        "envoys/other",
        "DPRK envoys",
        "Special representatives for the DPRK",
    ),
}
#: Table 1 'Note' -> (host_context, host_event, reason if the wording was changed)
TABLE1_NOTE = {
    "Nuclear Summit": (
        "sidelines",
        "Nuclear Security Summit",
        "printed 'Nuclear Summit': the 2014 summit in The Hague was the Nuclear Security Summit",
    ),
    "G20 Summit": ("sidelines", "G20 summit", ""),
    "2018 Olympic": ("sidelines", "2018 Winter Olympics", "printed '2018 Olympic'"),
    "ASEAN+3": ("sidelines", "ASEAN Plus Three meetings", "printed 'ASEAN+3'"),
    "G7 Summit": ("sidelines", "G7 summit", ""),
    "NATO Summit": ("sidelines", "NATO summit", ""),
    "EA Summit": ("sidelines", "East Asia Summit", "abbreviation 'EA' read as East Asia"),
    "Independent": ("standalone", "", "'Independent' (printed in bold) coded as standalone"),
}
KIND_BY_TRACK = {
    ("leaders", "leaders"): "Leaders' meeting",
    ("ministers", "foreign"): "Foreign ministers' meeting",
    ("envoys/other", "foreign"): "Senior foreign-ministry officials' meeting",
    ("ministers", "defence"): "Defence ministers' meeting",
    ("ministers", "security advisers"): "National security advisers' meeting",
    ("vice/deputy ministers", "foreign"): "Vice foreign ministers' meeting",
    ("envoys/other", "economic"): "Economic security dialogue",
}

#: curator's notes on Table 1 rows that could not be checked or need a warning
TABLE1_ROW_NOTES = {
    9: "Not verified: we found no other source for a trilateral ministerial meeting in Tokyo in "
    "January 2018. The only trilateral foreign ministers' meeting in Tokyo in 2018 we found was "
    "held on 8 July 2018 (X33); this row may be that meeting misdated, which is not confirmed.",
    13: "Held in January 2020, a year before Biden took office: a Trump-era meeting although "
    "Table 1 prints it in the Biden block.",
}

ROW_ORDER_NOTE = (
    "Table 1 prints this row after the 2023. 7. row; the clean data is sorted by date "
    "(table1_row keeps the printed position)"
)


class BuildError(ValueError):
    """Raised when the raw data breaks a rule the build relies on."""


class Log:
    """The cleaning log: one entry per changed value."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def change(
        self,
        dataset: str,
        row_id: str,
        column: str,
        before: Any,
        after: Any,
        reason: str,
        source_id: str = "",
    ) -> None:
        self.rows.append(
            {
                "dataset": dataset,
                "row_id": row_id,
                "column": column,
                "before": "" if before is None else str(before),
                "after": "" if after is None else str(after),
                "reason": reason,
                "source_id": source_id,
            }
        )


# --- helpers ---------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise BuildError(f"{path.name} line {i}: wrong number of columns")
    return rows


def split_ids(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def join_ids(values: Iterable[str], exclude: str = "") -> str:
    out: list[str] = []
    for v in values:
        if v and v != exclude and v not in out:
            out.append(v)
    return ";".join(out)


_LABEL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _part(label: str) -> tuple[str, date, date]:
    m = _LABEL.match(label)
    if not m:
        raise BuildError(f"bad date label {label!r}")
    y, mo, d = int(m[1]), m[2], m[3]
    if d:
        day = date(y, int(mo), int(d))
        return "day", day, day
    if mo:
        last = calendar.monthrange(y, int(mo))[1]
        return "month", date(y, int(mo), 1), date(y, int(mo), last)
    return "year", date(y, 1, 1), date(y, 12, 31)


def parse_date(label: str) -> dict[str, str]:
    """Turn a date label into the contract's date columns (all as ISO strings)."""
    if "/" in label:
        a, b = label.split("/")
        pa, start, _ = _part(a)
        pb, _, end = _part(b)
        precision = min(pa, pb, key=PRECISION.index)
        exact = ""
    else:
        precision, start, end = _part(label)
        exact = start.isoformat() if precision == "day" else ""
    if end < start:
        raise BuildError(f"date interval ends before it starts: {label!r}")
    return {
        "date_label": label,
        "date_precision": precision,
        "date": exact,
        "date_start": start.isoformat(),
        "date_end": end.isoformat(),
        "year": str(start.year),
    }


def normalise_names(text: str) -> str:
    for pattern, repl in NAME_FIXES:
        text = re.sub(pattern, repl, text)
    return text


def fix_names(log: Log, dataset: str, row: dict[str, str], row_id: str, cols: list[str]) -> None:
    for col in cols:
        before = row.get(col, "")
        after = normalise_names(before)
        if after != before:
            row[col] = after
            log.change(dataset, row_id, col, before, after, NAME_REASON)


def fix_place(log: Log, dataset: str, row_id: str, before: str) -> str:
    if before in PLACE_FIXES:
        after, reason = PLACE_FIXES[before]
        log.change(dataset, row_id, "place", before, after, reason)
        return after
    return before


def apply_corrections(
    log: Log, dataset: str, rows: list[dict[str, str]], id_col: str, corrections: list[dict]
) -> None:
    by_id = {r[id_col]: r for r in rows}
    for c in corrections:
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
        if c["source_id"] and c["source_id"] != row.get("source_id") and "other_source_ids" in row:
            row["other_source_ids"] = join_ids(
                [*split_ids(row["other_source_ids"]), c["source_id"]], row.get("source_id", "")
            )


def add_dates(row: dict[str, str]) -> None:
    row.update(parse_date(row["date_label"]))


# --- leaders ----------------------------------------------------------------------------------


def leader_in_office(leaders: list[dict[str, str]], country: str, day: str) -> dict | None:
    for ld in leaders:
        if ld["country"] != country:
            continue
        if ld["term_start"] <= day and (not ld["term_end"] or day < ld["term_end"]):
            return ld
    return None


def leader_over(leaders: list[dict[str, str]], country: str, start: str, end: str) -> dict | None:
    """The leader in office over the whole span, or None if there was none or a change."""
    a = leader_in_office(leaders, country, start)
    b = leader_in_office(leaders, country, end)
    if a is None or b is None or a["leader_id"] != b["leader_id"]:
        return None
    return a


def build_leaders(
    raw: list[dict[str, str]], log: Log, corrections: list[dict]
) -> list[dict[str, str]]:
    rows = [dict(r) for r in raw]
    apply_corrections(log, "leaders", rows, "leader_id", corrections)
    for r in rows:
        for col in ("term_start", "term_end", "powers_suspended_from"):
            if r[col]:
                date.fromisoformat(r[col])
        if r["term_end"] and r["term_end"] <= r["term_start"]:
            raise BuildError(f"leader {r['leader_id']}: term ends before it starts")
    for country in COUNTRIES:
        terms = sorted((r for r in rows if r["country"] == country), key=lambda r: r["term_start"])
        for a, b in itertools.pairwise(terms):
            if not a["term_end"] or a["term_end"] > b["term_start"]:
                raise BuildError(f"overlapping terms: {a['leader_id']} / {b['leader_id']}")
    return rows


# --- sources ----------------------------------------------------------------------------------


def build_sources(raw: list[dict[str, str]], log: Log, corrections: list[dict]) -> list[dict]:
    rows = [dict(r) for r in raw]
    apply_corrections(log, "sources", rows, "source_id", corrections)
    corrected = {(c["row_id"], c["column"]) for c in corrections if c["dataset"] == "sources"}
    for r in rows:
        sid = r["source_id"]
        fix_names(log, "sources", r, sid, ["authors"])
        printed = r.pop("issuer_as_printed")
        if printed and printed != r["issuer"] and (sid, "issuer") not in corrected:
            log.change("sources", sid, "issuer", printed, r["issuer"], "issuer's name standardised")
        if r["date_label"]:
            d = parse_date(r["date_label"])
            if "/" in r["date_label"]:
                raise BuildError(f"source {sid}: interval dates not supported")
            r["date_precision"], r["date"] = d["date_precision"], d["date"]
        else:
            r["date_precision"], r["date"] = "", ""
    return rows


# --- meetings ---------------------------------------------------------------------------------


def _table1_date(printed: str) -> str:
    m = re.match(r"^(\d{4})\.\s*(\d{1,2})\.?$", printed.strip())
    if not m:
        raise BuildError(f"unreadable Table 1 date {printed!r}")
    return f"{m[1]}-{int(m[2]):02d}"


def build_meetings(
    table1: list[dict[str, str]],
    mentions: list[dict[str, str]],
    leaders: list[dict[str, str]],
    log: Log,
    corrections: list[dict],
) -> list[dict[str, str]]:
    ds = "meetings"
    out: list[dict[str, str]] = []
    block = ""
    for t in table1:
        n = int(t["table1_row"])
        mid = f"T{n:02d}"
        block = t["president_printed"] or block
        level, track, kind = TABLE1_CONTENT[t["content_printed"]]
        label = _table1_date(t["date_printed"])
        if not re.match(r"^\d{4}\.\s*\d{1,2}\.$", t["date_printed"]):
            log.change(
                ds,
                mid,
                "date_label",
                t["date_printed"],
                label,
                "date printed without the trailing dot; read as year and month",
            )
        place = fix_place(log, ds, mid, t["place_printed"])
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
            "table1_printed": " | ".join(
                [
                    block,
                    t["date_printed"],
                    t["content_printed"],
                    t["place_printed"],
                    t["note_printed"],
                ]
            ),
            "source_id": "seed000",
            "other_source_ids": "",
            "notes": "",
            "_kind": kind,
            "_block": block,
        }
        if t["content_printed"] == "Trilateral Summit (Vice-President)":
            log.change(
                ds,
                mid,
                "level",
                "Trilateral Summit (Vice-President)",
                "ministers",
                "the U.S. was represented by its Vice-President, not the President, so "
                "this was not a meeting of the three heads of government; level is the "
                "highest tier all three delegations reached (at least ministerial)",
            )
            row["notes"] = (
                "Printed as a 'Trilateral Summit' with the U.S. Vice-President. Not "
                "verified: we found no readout of a formal three-way meeting at the "
                "2018 Winter Olympics."
            )
        elif t["content_printed"] in ("Deputy Ministerial Meeting", "Ministerial meeting"):
            log.change(
                ds,
                mid,
                "level",
                t["content_printed"],
                level,
                "Table 1 uses 'Vice-Ministerial' and 'Deputy Ministerial' (and 'Ministerial "
                "meeting'/'Meeting') for the same kinds of meeting; coded to one level",
            )
        if track == "foreign":
            log.change(
                ds,
                mid,
                "track",
                "",
                "foreign",
                "Table 1 does not name the ministries; its column heading 'Diplomatic "
                "Contents' is read as the foreign-affairs track",
            )
        note = t["note_printed"]
        if note:
            ctx, ev, why = TABLE1_NOTE[note]
            row["host_context"], row["host_event"] = ctx, ev
            if why:
                log.change(ds, mid, "host_event", note, ev or "(none)", why)
        elif level == "leaders":
            row["host_context"] = "sidelines"
            log.change(
                ds,
                mid,
                "host_context",
                "",
                "sidelines",
                "seed000 says Camp David (2023) was the first ever standalone summit, so "
                "earlier leaders' meetings were held alongside other events",
                "seed000",
            )
        if n in TABLE1_ROW_NOTES:
            row["notes"] = " ".join(x for x in (row["notes"], TABLE1_ROW_NOTES[n]) if x)
        out.append(row)

    by_row = {int(r["table1_row"]): r for r in out}
    for m in mentions:
        names = normalise_names(m["participants_as_printed"])
        if names != m["participants_as_printed"]:
            target = f"T{int(m['table1_row']):02d}" if m["table1_row"] else m["mention_id"]
            log.change(ds, target, "participants", m["participants_as_printed"], names, NAME_REASON)
        if m["table1_row"]:
            row = by_row[int(m["table1_row"])]
            mid = row["meeting_id"]
            old, new = row["date_label"], m["date_label"]
            if new != old:
                if new.startswith(old):
                    why = (
                        f"day added from {m['source_id']} (mention {m['mention_id']}, "
                        f"{m['locator']}); same gathering as Table 1 row {m['table1_row']}"
                    )
                else:
                    why = (
                        f"Table 1's date conflicts with the dated document {m['source_id']} "
                        f"(mention {m['mention_id']}); the document's date is used"
                    )
                log.change(ds, mid, "date_label", old, new, why, m["source_id"])
                row["date_label"] = new
            else:
                log.change(
                    ds,
                    mid,
                    "other_source_ids",
                    row["other_source_ids"],
                    join_ids([*split_ids(row["other_source_ids"]), m["source_id"]]),
                    f"merged with text mention {m['mention_id']} ({m['locator']}), which "
                    "confirms the row",
                    m["source_id"],
                )
            if m["host_event"] and m["host_event"] != row["host_event"]:
                log.change(
                    ds,
                    mid,
                    "host_event",
                    row["host_event"],
                    m["host_event"],
                    f"host event as given in {m['source_id']}",
                    m["source_id"],
                )
                row["host_event"] = m["host_event"]
            row["participants"] = names
            row["other_source_ids"] = join_ids(
                [
                    *split_ids(row["other_source_ids"]),
                    m["source_id"],
                    *split_ids(m["other_source_ids"]),
                ],
                "seed000",
            )
            row["notes"] = " ".join(x for x in (row["notes"], m["notes"]) if x)
        else:
            kind = KIND_BY_TRACK[(m["level"], m["track"])]
            out.append(
                {
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
            )

    apply_corrections(log, ds, out, "meeting_id", corrections)
    for r in out:
        add_dates(r)
        kind = r.pop("_kind")
        if not r["title"]:  # a curated title (corrections.csv) wins over the derived one
            r["title"] = f"{kind}, {r['place']}" if r["place"] else ""
        for country, col in (
            ("U.S.", "us_president"),
            ("Japan", "japan_pm"),
            ("ROK", "rok_president"),
        ):
            ld = leader_over(leaders, country, r["date_start"], r["date_end"])
            r[col] = ld["name"] if ld else ""
            if country == "U.S.":
                r["us_administration"] = ld["term_label"] if ld else ""
            if ld is None and leader_in_office(leaders, country, r["date_start"]):
                r["notes"] = " ".join(
                    x
                    for x in (
                        r["notes"],
                        (
                            f"The {country} leader changed during this {r['date_precision']}; the "
                            "leader is left empty."
                        ),
                    )
                    if x
                )
            if (
                ld
                and ld.get("powers_suspended_from")
                and r["date_start"] >= ld["powers_suspended_from"]
            ):
                r["notes"] = " ".join(
                    x
                    for x in (
                        r["notes"],
                        (
                            f"{ld['name']} was in office but impeached, with powers "
                            f"suspended, from {ld['powers_suspended_from']}."
                        ),
                    )
                    if x
                )
        block = r.pop("_block")
        us = leader_over(leaders, "U.S.", r["date_start"], r["date_end"])
        if block and (us is None or block != us["name_short"]):
            log.change(
                ds,
                r["meeting_id"],
                "us_administration",
                block,
                r["us_administration"],
                "Table 1 prints this row under another president; the administration is "
                "derived from the date and the leaders table",
                "us_const_amend20",
            )
        if r["meeting_id"] == "T25":
            log.change(
                ds,
                "T25",
                "(row order)",
                "after row 24 (2023. 7.)",
                "between 2022-06 and 2023-02",
                ROW_ORDER_NOTE,
            )
    out.sort(key=lambda r: (r["date_start"], r["date_end"], r["meeting_id"]))
    return out


# --- other datasets ---------------------------------------------------------------------------


def _check_enum(dataset: str, rows: list[dict], col: str, allowed: list[str], multi=False):
    for r in rows:
        vals = split_ids(r[col]) if multi else ([r[col]] if r[col] else [])
        bad = [v for v in vals if v not in allowed]
        if bad:
            raise BuildError(f"{dataset}: {col} has unknown value(s) {bad}")


def build_events(raw: list[dict], log: Log, corrections: list[dict]) -> list[dict]:
    rows = []
    for e in raw:
        r = {k: v for k, v in e.items() if k not in ("date_as_given", "place_as_printed")}
        r["place"] = fix_place(log, "events", e["event_id"], e["place_as_printed"])
        fix_names(log, "events", r, r["event_id"], ["description", "notes"])
        rows.append(r)
    apply_corrections(log, "events", rows, "event_id", corrections)
    for r in rows:
        add_dates(r)
    _check_enum("events", rows, "dyads", EVENT_DYADS, multi=True)
    _check_enum("events", rows, "category", EVENT_CATEGORIES)
    _check_enum("events", rows, "effect", EFFECTS)
    rows.sort(key=lambda r: (r["date_start"], r["date_end"], r["event_id"]))
    return rows


def build_simple(name: str, raw: list[dict], drop: tuple[str, ...] = ()) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in drop} for r in raw]


def build_china_stances(raw: list[dict], log: Log, corrections: list[dict]) -> list[dict]:
    rows = []
    raw = [dict(s) for s in raw]
    apply_corrections(log, "china_stances", raw, "stance_id", corrections)
    for s in raw:
        r = {k: v for k, v in s.items() if k not in ("actor_as_printed", "date_as_given")}
        if s["actor_as_printed"] != s["actor"]:
            log.change(
                "china_stances",
                s["stance_id"],
                "actor",
                s["actor_as_printed"],
                s["actor"],
                "speaker identified from the document the seed cites",
                s["source_id"],
            )
        d = parse_date(s["date_label"])
        r.update({k: d[k] for k in ("date_precision", "date", "year")})
        rows.append(r)
    return rows


def build_obstacles(
    raw: list[dict], sources: dict[str, dict], log: Log, corrections: list[dict]
) -> list[dict]:
    rows = []
    raw = [dict(o) for o in raw]
    apply_corrections(log, "obstacles", raw, "obstacle_id", corrections)
    for o in raw:
        r = dict(o)
        r["viewpoint"] = sources[o["seed_id"]]["viewpoint"]
        rows.append(r)
    return rows


def build_policy_options(raw: list[dict]) -> list[dict]:
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
    rows = [dict(r, source_id="course") for r in raw]
    for p in PERSPECTIVES:
        got = [r for r in rows if r["perspective"] == p]
        if sorted(r["criterion"] for r in got) != sorted(CRITERIA):
            raise BuildError(f"policy weights for {p}: need one row per criterion")
        if abs(sum(float(r["weight"]) for r in got) - 1) > 1e-9:
            raise BuildError(f"policy weights for {p} do not sum to 1")
    for r in rows:  # the direction column must say what codebook.CRITERIA says
        better = "higher_is_better" if CRITERIA[r["criterion"]][1] else "higher_is_worse"
        if r["direction"] != better:
            raise BuildError(f"policy weights {r['perspective']}/{r['criterion']}: not {better}")
    return rows


# --- writing ----------------------------------------------------------------------------------


def _fields(name: str) -> list[Field]:
    return CLEANING_LOG["fields"] if name == "cleaning_log" else DATASETS[name]["fields"]


def to_csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue()


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


def build_all() -> dict[str, str]:
    """Run the whole build; return {relative output path: file content}."""
    raw = {name: read_csv(RAW_DIR / f"{name}.csv") for name in RAW_FILES}
    corrections = read_csv(CURATION_FILE)
    log = Log()
    leaders = build_leaders(raw["leaders"], log, corrections)
    sources = build_sources(raw["sources"], log, corrections)
    src_by_id = {s["source_id"]: s for s in sources}
    data = {
        "sources": sources,
        "leaders": leaders,
        "meetings": build_meetings(
            raw["table1_seed000"], raw["meetings_text"], leaders, log, corrections
        ),
        "events": build_events(raw["events"], log, corrections),
        "opinion": build_simple("opinion", raw["opinion"], drop=("value_as_printed",)),
        "china_stances": build_china_stances(raw["china_stances"], log, corrections),
        "obstacles": build_obstacles(raw["obstacles"], src_by_id, log, corrections),
        "policy_options": build_policy_options(raw["policy_options"]),
        "policy_weights": build_policy_weights(raw["policy_weights"]),
    }
    validate(data, src_by_id)
    files: dict[str, str] = {}
    for name, rows in data.items():
        files[f"{name}.csv"] = to_csv(rows, [f[0] for f in _fields(name)])
    log_rows = [dict(r, log_id=str(i)) for i, r in enumerate(log.rows, start=1)]
    files["cleaning_log.csv"] = to_csv(log_rows, [f[0] for f in _fields("cleaning_log")])
    headers = {}
    for name in RAW_FILES:
        text = (RAW_DIR / f"{name}.csv").read_text(encoding="utf-8")
        files[f"raw/{name}.csv"] = text
        headers[name] = next(csv.reader(io.StringIO(text)))
    files["datapackage.json"] = (
        json.dumps(
            datapackage(headers, {n: coverage(n, rows, src_by_id) for n, rows in data.items()}),
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    return files


def validate(data: dict[str, list[dict]], sources: dict[str, dict]) -> None:
    """Cross-table rules the build enforces before writing anything."""
    for name, rows in data.items():
        for f in _fields(name):
            col, _, _, extra = f
            for r in rows:
                if col not in r:
                    raise BuildError(f"{name}: column {col} missing")
                if extra.get("required") and r[col] == "":
                    raise BuildError(f"{name}: empty required {col} in {r}")
                if "enum" in extra and r[col] and r[col] not in extra["enum"]:
                    raise BuildError(f"{name}: {col}={r[col]!r} not allowed")
        for r in rows:
            ids = [r.get("source_id", ""), *split_ids(r.get("other_source_ids", ""))]
            ids += [*split_ids(r.get("cited_in", "")), r.get("proposed_by", "")]
            for sid in filter(None, ids):
                if sid not in sources:
                    raise BuildError(f"{name}: unknown source id {sid!r}")
    meeting_ids = {m["meeting_id"] for m in data["meetings"]}
    for e in data["events"]:
        if e["meeting_id"] and e["meeting_id"] not in meeting_ids:
            raise BuildError(f"event {e['event_id']}: unknown meeting {e['meeting_id']}")
    if sorted(int(m["table1_row"]) for m in data["meetings"] if m["in_table1"] == "true") != list(
        range(1, 30)
    ):
        raise BuildError("meetings must contain all 29 Table 1 rows")


def write(files: dict[str, str], out_dir: Path = OUT_DIR) -> None:
    if (out_dir / "raw").exists():
        shutil.rmtree(out_dir / "raw")
    (out_dir / "raw").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (out_dir / rel).write_text(text, encoding="utf-8", newline="")


def stale_files(out_dir: Path = OUT_DIR) -> list[str]:
    """Files in ``out_dir`` that differ from a fresh build (missing, changed or extra)."""
    files = build_all()
    stale = [
        rel
        for rel, text in files.items()
        if not (out_dir / rel).exists() or (out_dir / rel).read_text(encoding="utf-8") != text
    ]
    known = set(files) | {"__init__.py"}
    for p in sorted(out_dir.rglob("*.csv")) + sorted(out_dir.rglob("*.json")):
        rel = p.relative_to(out_dir).as_posix()
        if rel not in known:
            stale.append(rel)
    return sorted(stale)


def main(check: bool = False) -> int:
    if not RAW_DIR.exists():
        print(f"raw data not found at {RAW_DIR} (run from a source checkout)", file=sys.stderr)
        return 2
    if check:
        stale = stale_files()
        if stale:
            print("committed clean data is stale; run `trilat data build`:", file=sys.stderr)
            for rel in stale:
                print(f"  {rel}", file=sys.stderr)
            return 1
        print("clean data is up to date")
        return 0
    files = build_all()
    with tempfile.TemporaryDirectory() as tmp:  # build fully before touching the package
        write(files, Path(tmp))
    write(files)
    n_log = files["cleaning_log.csv"].count("\n") - 1
    print(f"wrote {len(files)} files to {OUT_DIR} ({n_log} cleaning-log entries)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(check="--check" in sys.argv[1:]))
