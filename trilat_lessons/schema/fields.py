"""The datasets' columns: name, type, description and constraints of every field of every
dataset, and of the cleaning log. The build copies them into ``datapackage.json``, from which
``tl.info()`` and ``tl.codebook(name)`` read them.

Long because: it is declarative text, one entry per dataset in the order of the
data package, and a reader looks a column up here rather than reads it through. The coded
values (enums) come from the vocabularies in :mod:`trilat_lessons.schema`.
"""

from __future__ import annotations

from typing import Any

from . import (
    COUNTRIES,
    CRITERIA,
    EFFECTS,
    EVENT_CATEGORIES,
    LEVELS,
    OBSTACLE_CODES,
    PERSPECTIVES,
    PRECISION,
    QUALIFIERS,
    SOURCE_TYPES,
    STANCES,
    TRACKS,
)

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
