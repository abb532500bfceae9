"""Citations: from a source id, or from any row of any dataset, to a formatted reference.

>>> import trilat_lessons as tl
>>> tl.cite("seed000")
>>> tl.source_of("meetings", "T27")      # the row id a chart tooltip shows
>>> tl.references(["seed000", "wh_2023_08_18_camp_david"])  # displayed, not print()ed
"""

from __future__ import annotations

import difflib
import html
import re
from typing import Any

from .datasets import datapackage, list_datasets, load

__all__ = ["cite", "references", "source_of"]

STYLES = ("short", "full", "apa")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _records() -> dict[str, dict[str, Any]]:
    df = load("sources")
    out = {}
    for rec in df.to_dict("records"):
        out[rec["source_id"]] = {k: (None if _missing(v) else v) for k, v in rec.items()}
    return out


def _missing(v: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _lookup(source_id: str) -> dict[str, Any]:
    recs = _records()
    if source_id not in recs:
        close = difflib.get_close_matches(str(source_id), list(recs), n=1, cutoff=0.4)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise KeyError(
            f"Unknown source id {source_id!r}.{hint} "
            "See trilat_lessons.load('sources') for all ids."
        )
    return recs[source_id]


def _date_text(rec: dict[str, Any], apa: bool = False) -> str:
    label, prec = rec.get("date_label"), rec.get("date_precision")
    if not label:
        return "n.d."
    parts = label.split("-")
    year = parts[0]
    if prec == "year":
        return year
    month = _MONTHS[int(parts[1]) - 1]
    if prec == "month":
        return f"{year}, {month}" if apa else f"{month} {year}"
    day = int(parts[2])
    return f"{year}, {month} {day}" if apa else f"{day} {month} {year}"


def _authors(rec: dict[str, Any]) -> str:
    names = [a.strip() for a in (rec.get("authors") or "").split(";") if a.strip()]
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " & " + names[-1]


_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)\]]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


_WRAP = "overflow-wrap:anywhere"
"""Long web addresses wrap: a source list never overflows a narrow page."""


URL_CLASS = "trilat-url"
"""A web address in course HTML, stored as text: the page's link guard (``linkguard``) makes it a
link that keeps typed keys from the notebook's shortcuts wherever scripts run (a live notebook,
JupyterLite); where they do not (a sanitized, untrusted notebook) it stays plain text, so there is
no focusable link whose keys could reach the shortcuts, with or without the save hook. The
website's build turns it into a link too."""


def _linked(text: str) -> str:
    """Escaped text with its web addresses marked (``URL_CLASS``) for the link guard."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out += [
            html.escape(text[last : m.start()]),
            f'<span class="{URL_CLASS}">{html.escape(m.group(0))}</span>',
        ]
        last = m.end()
    return "".join(out) + html.escape(text[last:])


class CitationText(str):
    """A citation string that a notebook displays as text (not as a quoted repr with \\n); its
    HTML keeps keys typed on its links away from the notebook's shortcuts."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return (
            f'<div class="trilat-sources" style="{_WRAP};white-space:pre-wrap">'
            f"{_linked(str(self))}</div>"
        )


class MarkdownText(CitationText):
    """Markdown that JupyterLab renders as formatted text (a reference list: "- " bullets with
    **bold** ids); its HTML is the same list, with keys kept from the notebook's shortcuts."""

    def _repr_markdown_(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        items = []
        for line in str(self).splitlines():
            text = _linked(line.removeprefix("- "))
            items.append("<li>" + _BOLD.sub(r"<b>\1</b>", text) + "</li>")
        return f'<ul class="trilat-sources" style="{_WRAP}">{"".join(items)}</ul>'


def _sentence(text: str) -> str:
    """``text`` closed by a full stop, unless it already ends a sentence ("Press Release.")."""
    text = str(text).rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _short_title(title: str, limit: int = 60) -> str:
    """A title cut at a word boundary (for short citations of works with no named author)."""
    title = title.strip("[]")
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def cite(source_id: str, style: str = "short", *, title_limit: int | None = 60) -> str:
    """Format a citation of one source.

    ``short``: author or issuer and date; ``full``: everything known, with viewpoint; ``apa``:
    an APA-like reference. Korean and Japanese names are given family name first, as written.
    A short citation of a work with no named author cuts its title at ``title_limit``
    characters (at a word); ``None`` keeps it whole.
    """
    if style not in STYLES:
        raise ValueError(f"Unknown citation style {style!r}; use one of {', '.join(STYLES)}.")
    rec = _lookup(source_id)
    who = _authors(rec) or rec.get("issuer") or ""
    title = rec["title"]
    if not who:  # anonymous work: the title takes the author's place
        if style == "short":
            shown = title.strip("[]") if title_limit is None else _short_title(title, title_limit)
            return f"{shown} ({(rec.get('date_label') or 'n.d.')[:4]})"
        text = f"{title} ({_date_text(rec, apa=style == 'apa')})."
        if style == "full" and rec.get("viewpoint"):
            text += f" [{rec['type']}; viewpoint: {rec['viewpoint']}]"
        return text
    if style == "short":
        year = (rec.get("date_label") or "n.d.")[:4]
        return f"{who} ({year})"
    if style == "apa":
        parts = [f"{who} ({_date_text(rec, apa=True)}).", _sentence(title)]
        if rec.get("issuer") and rec.get("authors"):
            parts.append(_sentence(rec["issuer"]))
        if rec.get("url"):
            parts.append(rec["url"])
        return " ".join(parts)
    parts = [f"{who}, \u201c{title}\u201d"]
    if rec.get("issuer") and rec.get("authors"):
        parts.append(rec["issuer"])
    parts.append(_date_text(rec))
    text = _sentence(", ".join(parts))
    extra = []
    if rec.get("type"):
        extra.append(str(rec["type"]))
    if rec.get("viewpoint"):
        extra.append(f"viewpoint: {rec['viewpoint']}")
    if rec.get("cited_in"):
        extra.append(f"cited in {rec['cited_in'].replace(';', ', ')}")
    if extra:
        text += " [" + "; ".join(extra) + "]"
    if rec.get("url"):
        text += f" {rec['url']}"
    return text


def _id_column(dataset: str) -> str:
    for res in datapackage()["resources"]:
        if res["name"] == dataset:
            return res["schema"].get("primaryKey", [res["schema"]["fields"][0]["name"]])[0]
    raise KeyError(dataset)  # pragma: no cover


def source_of(dataset: str, row_id: str, style: str = "full") -> str:
    """The citation(s) of one row, main source first, one per line: from a chart point (its id
    shows on hover) to the documents behind it in one call.

    ``row_id`` is the dataset's id column (e.g. ``meeting_id`` 'T27', ``event_id`` 'E06');
    for ``policy_weights`` use the perspective ('U.S.', 'Japan', 'ROK', 'balanced').
    Show it with ``display()`` (or as a cell's last line), not ``print()``: printed web
    addresses become links that pass typed letters to JupyterLab's notebook shortcuts.
    """
    names = list_datasets()
    if dataset not in names:
        close = difflib.get_close_matches(str(dataset), names, n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise KeyError(f"Unknown dataset {dataset!r}.{hint} Available: {', '.join(names)}.")
    df = load(dataset)
    col = _id_column(dataset)
    hit = df[df[col].astype("string") == str(row_id)]
    if hit.empty:
        sample = ", ".join(map(str, df[col].astype("string").unique()[:5]))
        raise KeyError(f"No row {row_id!r} in {dataset} (id column {col!r}; e.g. {sample}, ...).")
    rec = hit.iloc[0]
    ids = [rec["source_id"]]
    if "other_source_ids" in df.columns and not _missing(rec["other_source_ids"]):
        ids += [s for s in str(rec["other_source_ids"]).split(";") if s]
    seen: list[str] = []
    for s in ids:
        if s not in seen:
            seen.append(s)
    return CitationText("\n".join(cite(s, style) for s in seen))


def references(ids: list[str] | tuple[str, ...] | set[str], style: str = "apa") -> str:
    """A Markdown reference list, one bullet per source led by its id (the ``[seed002]`` the
    lessons cite), sorted by citation, duplicates removed."""
    unique = sorted({i for i in ids if i})
    items = sorted(
        ((cite(i, style), i) for i in unique), key=lambda pair: pair[0].lstrip("[").casefold()
    )
    return MarkdownText("\n".join(f"- **[{sid}]** {text}" for text, sid in items))
