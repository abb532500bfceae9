"""The data's schema: the course's vocabularies (here), declared once, and every dataset's
columns (:mod:`.fields`), from which the build writes each dataset's codebook.

The vocabularies are the coded values of the datasets' columns. The build checks the data
against them and writes them into ``datapackage.json``; ``theme``, charts, widgets and
``alliance`` import them from here rather than spelling them again (a test fails if a module of
the package declares one of them a second time). A leaf package: it imports nothing else from
``trilat_lessons``, so anything may import it.

``tl.schema.LEVELS`` is a vocabulary; ``tl.codebook("meetings")`` is one dataset's codebook table
(:func:`trilat_lessons.datasets.codebook`, a plain function).
"""

from __future__ import annotations

__all__ = [
    "BILATERAL_DYADS",
    "COUNTRIES",
    "CRITERIA",
    "EFFECTS",
    "EVENT_CATEGORIES",
    "EVENT_DYADS",
    "LEVELS",
    "OBSTACLE_CODES",
    "OBSTACLE_LABELS",
    "PERSPECTIVES",
    "PRECISION",
    "QUALIFIERS",
    "SOURCE_TYPES",
    "STANCES",
    "TRACKS",
]

PRECISION: list[str] = ["year", "month", "day"]
"""How precisely a date is known, from least to most precise."""

LEVELS: list[str] = ["envoys/other", "vice/deputy ministers", "ministers", "leaders"]
"""Meeting levels, lowest to highest (the order of the ``level`` category in ``meetings``)."""

TRACKS: list[str] = [
    "leaders",
    "foreign",
    "defence",
    "security advisers",
    "economic",
    "DPRK envoys",
]
"""Channels of the trilateral meetings (``meetings.track``)."""

EVENT_CATEGORIES: list[str] = [
    "history",
    "territory",
    "security",
    "economy",
    "diplomacy",
    "China",
    "domestic politics",
]
"""Themes of the events (``events.category``)."""

EFFECTS: list[str] = ["strains", "neutral", "improves"]
"""How an event affected ties, as the source presents it (ordered, worst first)."""

COUNTRIES: list[str] = ["U.S.", "Japan", "ROK"]
"""The three countries of the course, as spelled in every ``country`` column."""

BILATERAL_DYADS: list[str] = ["U.S.–Japan", "U.S.–ROK", "Japan–ROK"]
"""The three sides of the triangle (pairs of :data:`COUNTRIES`, en dash), in this fixed order."""

EVENT_DYADS: list[str] = [*BILATERAL_DYADS, "trilateral"]
"""The values of the ``events.dyads`` column (several per row, ``;``-separated): the three sides
and ``trilateral`` for an event that touches all three together."""

STANCES: list[str] = ["partner", "partner with caution", "concern", "challenge"]
"""Stances towards China, from friendliest to most wary (``china_stances.stance``)."""

QUALIFIERS: list[str] = ["exact", "about", "over"]
"""How a published poll figure is qualified (``opinion.qualifier``)."""

PERSPECTIVES: list[str] = [*COUNTRIES, "balanced"]
"""Whose weights a ``policy_weights`` row gives: one country's, or a balanced view."""

CRITERIA: dict[str, tuple[str, bool]] = {
    "cost": ("Low cost", False),
    "feasibility": ("Feasibility", True),
    "china_reaction_risk": ("Low risk of a Chinese backlash", False),
    "support_us": ("Support in the U.S.", True),
    "support_japan": ("Support in Japan", True),
    "support_rok": ("Support in South Korea", True),
}
"""The criteria (score columns of ``policy_options``, 1–5): criterion -> (plain label, True when a
higher score is better); cost and China risk count reversed."""

OBSTACLE_CODES: dict[str, str] = {
    "korea_japan_history": "historical, territorial and memory disputes between Japan and the ROK, "
    "and the distrust they leave",
    "diverging_threat_perceptions": "different threat priorities or aims (North Korea, China, "
    "regional versus global roles)",
    "china_gap": "different views of China and different exposure to Chinese pressure or trade",
    "china_wedge": "deliberate attempts by China to divide the three",
    "us_dependence": "cooperation rests on U.S. leadership, priorities and attention",
    "us_reliability": "doubts about U.S. commitments (extended deterrence, economic promises)",
    "us_economic_policy": "U.S. economic measures (export controls, subsidies, protection) that "
    "hurt the allies",
    "domestic_politics": "elections, leadership change and polarisation in any of the three",
    "geography": "distance between the U.S. and its two Asian allies",
    "weak_institutions": "no institutional base or successful precedent for trilateralism in "
    "Northeast Asia",
}
"""The obstacle codes (``obstacles.code``) and what each covers (written into the codebook)."""

OBSTACLE_LABELS: dict[str, str] = {
    "korea_japan_history": "Korea–Japan history disputes",
    "diverging_threat_perceptions": "Diverging threat perceptions",
    "china_gap": "Different views of China",
    "us_dependence": "Dependence on the U.S.",
    "domestic_politics": "Domestic politics",
    "geography": "Geography",
    "weak_institutions": "Weak institutions",
    "us_economic_policy": "U.S. economic policy",
    "china_wedge": "China driving a wedge",
    "us_reliability": "Doubts about U.S. reliability",
}
"""Plain words for the obstacle codes (axis labels); unknown codes are spelled out from the code."""

SOURCE_TYPES: list[str] = [
    "article",
    "essay",
    "policy paper",
    "report summary",
    "op-ed",
    "official statement",
    "official document",
    "official list",
    "speech",
    "survey",
    "news report",
    "court ruling",
    "book chapter",
    "book",
    "thesis",
    "working paper",
    "legal text",
    "teaching judgment",
]
"""Kinds of document in ``sources.type``."""
