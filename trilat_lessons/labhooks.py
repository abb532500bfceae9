"""JupyterLab server hooks: a Jupyter server extension that every ``jupyter lab`` in the
environment loads (the package installs ``etc/jupyter/jupyter_server_config.d/trilat_lessons.json``
enabling it), so Binder, JupyterHub and a plain ``jupyter lab`` run the save hook too, not only
``make lab`` (which also names it with ``--ContentsManager.pre_save_hook``).

``pre_save``: a widget's view can only be drawn while its kernel holds the widget; a notebook
reopened later shows "Error displaying widget: model not found". The course's widgets put a
static ``text/html`` fallback ("Run this cell to start the explorer") beside their view, so on
save we drop the view from those outputs: a reopened notebook shows the fallback instead.

It also turns course links that an older version stored (``<a data-lm-suppress-shortcuts>``)
into plain text: a notebook reopened untrusted is sanitized by JupyterLab, which drops the
attribute that keeps keys typed on a link away from the notebook's shortcuts (``a`` would insert
a cell, ``d d`` delete one). Today's course outputs hold web addresses as text already
(``sources.URL_CLASS``); the page's link guard makes them links while the notebook runs.

And it stores each course chart (``<figure class="trilat-chart">`` holding an ``<svg>``) as an
``<img>`` of that SVG (a ``data:`` address) whose ``alt`` is the chart's description: JupyterLab's
sanitizer drops an untrusted ``<svg>`` but keeps its text, which reads as a wall of run-together
labels; it keeps an image with its alt text.

Course tables are stored without their scrolling box (``tables_unscrolled``): the sanitizer
would drop the box's ``tabindex`` and leave a region keyboard users cannot scroll. An older
version's page-script images (a stray "Image" once sanitized) are not stored.
"""

from __future__ import annotations

import base64
import html as html_text
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
FALLBACK_MARK = "trilat-widget-fallback"
"""Class name in the ``text/html`` fallback of every course widget (see widgets/_base.py)."""


def _html_outputs(nb: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """Each stored code-cell output's ``data`` bundle with its ``text/html`` joined into one
    string (outputs without HTML, and anything malformed, are skipped)."""
    for cell in nb.get("cells") or []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs") or []:
            data = output.get("data") if isinstance(output, dict) else None
            if not isinstance(data, dict):
                continue
            html = data.get("text/html")
            if isinstance(html, list):
                html = "".join(str(x) for x in html)
            if isinstance(html, str):
                yield data, html


def strip_widget_views(nb: dict[str, Any]) -> int:
    """Drop the widget view from each output that carries the course's static fallback.

    Returns how many outputs changed. Outputs of other widgets are left as they are.
    """
    changed = 0
    for data, fallback in _html_outputs(nb):
        if WIDGET_VIEW in data and FALLBACK_MARK in fallback:
            del data[WIDGET_VIEW]
            changed += 1
    return changed


_COURSE_LINK = re.compile(
    r'<a\b[^>]*\bdata-lm-suppress-shortcuts="true"[^>]*>(.*?)</a>', re.DOTALL | re.IGNORECASE
)


def unlink_course_links(nb: dict[str, Any]) -> int:
    """Replace each course link (``<a ... data-lm-suppress-shortcuts>``) in stored ``text/html``
    outputs by its text; returns how many outputs changed. Other HTML is left as it is."""
    changed = 0
    for data, html in _html_outputs(nb):
        if "data-lm-suppress-shortcuts" not in html:
            continue
        plain = _COURSE_LINK.sub(r"\1", html)
        if plain != html:
            data["text/html"] = plain
            changed += 1
    return changed


_CHART_FIGURE = re.compile(
    r'<figure\b[^>]*\bclass="trilat-chart"[^>]*>\s*(<svg\b.*?</svg>)\s*</figure>',
    re.DOTALL | re.IGNORECASE,
)
_SVG_LABEL = re.compile(r'<svg\b[^>]*?\baria-label="([^"]*)"', re.IGNORECASE)
_SVG_DESC = re.compile(r"<desc>([^<]*)</desc>", re.IGNORECASE)
STORED_CHART_STYLE = "margin:0"
# a stored chart shrinks to fit instead of scrolling: JupyterLab's sanitizer drops the tabindex a
# scrolling box needs (keyboard users could not scroll it; axe scrollable-region-focusable)


def _chart_as_image(m: re.Match[str]) -> str:
    svg = m.group(1)
    label = _SVG_LABEL.search(svg)
    alt = label.group(1) if label else "Chart"  # already escaped in the attribute
    desc = _SVG_DESC.search(svg)  # the longer text alternative, when the chart has one
    if desc and len(desc.group(1)) > len(alt):
        alt = desc.group(1).replace('"', "&quot;")  # element text, now an attribute value
    if 'xmlns="http://www.w3.org/2000/svg"' not in svg[:400]:  # an <img> needs the namespace
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure class="trilat-chart" style="{STORED_CHART_STYLE}">'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}"'
        ' style="max-width:100%;height:auto"></figure>'
    )


def charts_as_images(nb: dict[str, Any]) -> int:
    """Store each course chart's ``<svg>`` as an ``<img>`` of it, the description as ``alt``;
    returns how many outputs changed. Other HTML is left as it is."""
    changed = 0
    for data, html in _html_outputs(nb):
        if "trilat-chart" not in html:
            continue
        stored = _CHART_FIGURE.sub(_chart_as_image, html)
        if stored != html:
            data["text/html"] = stored
            changed += 1
    return changed


_TABLE_BOX = re.compile(r'<div\b[^>]*\bclass="trilat-table-scroll"[^>]*>', re.IGNORECASE)
_DATA_ROWS = re.compile(r'\bdata-rows="(\d+)"')
_TABLE = re.compile(r"<table\b([^>]*)>", re.IGNORECASE)
_STYLE = re.compile(r'\bstyle="([^"]*)"', re.IGNORECASE)
STORED_TABLE_STYLE = "max-width:100%"
TABLE_WRAP = "word-break:break-all"
"""A stored course table wraps to fit instead of scrolling. JupyterLab's sanitizer drops the
``tabindex`` (and the shortcut opt-out) a scrolling box needs, leaving a region keyboard users
cannot scroll (axe ``scrollable-region-focusable``); ``word-break:break-all`` (a value the
sanitizer keeps, unlike ``overflow-wrap:anywhere``) lets a wide table's columns shrink to the
page instead (a table that fits is drawn as before). Running the cell again brings back the
scrolling box."""
SANITIZER_SAFE_WRAP = ("overflow-wrap:anywhere", "overflow-wrap:break-word")
"""Long words (web addresses in a source list) still wrap once sanitized: the sanitizer keeps
only ``normal`` and ``break-word`` as values of ``overflow-wrap``."""


def _stored_table_box(m: re.Match[str]) -> str:
    rows = _DATA_ROWS.search(m.group(0))
    data_rows = f' data-rows="{rows.group(1)}"' if rows else ""
    return f'<div class="trilat-table-scroll"{data_rows} style="{STORED_TABLE_STYLE}">'


def _wrapping_table(m: re.Match[str]) -> str:
    attrs = m.group(1)
    if TABLE_WRAP in attrs:
        return m.group(0)
    style = _STYLE.search(attrs)
    if style is None:
        return f'<table{attrs} style="{TABLE_WRAP}">'
    joined = style.group(1).rstrip("; ")
    joined = f"{joined};{TABLE_WRAP}" if joined else TABLE_WRAP
    return f'<table{attrs[: style.start()]}style="{joined}"{attrs[style.end() :]}>'


MAX_STORED_COLUMNS = 4
"""A stored course table with more columns than this becomes one paragraph per row. Even
wrapped, a wide table (exercise 01 shows all 24 of a dataset's columns) is wider than a narrow
page, and its output area would scroll with no keyboard stop once sanitized (axe
``scrollable-region-focusable``); five or six columns at 500 px split most words letter by
letter. Running the cell again brings back the table."""
_WHOLE_BOX = re.compile(
    r'(<div\b[^>]*\bclass="trilat-table-scroll"[^>]*>)(.*?</table>.*?</div>)\s*</div>',
    re.DOTALL | re.IGNORECASE,
)
_BOX_NAME = re.compile(r'\baria-label="([^"]*)"')


class _TableCells(HTMLParser):
    """The header row and the body rows (cell texts) of a pandas HTML table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head: list[list[str]] = []
        self.rows: list[list[str]] = []
        self._in_head = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("thead", "tbody"):
            self._in_head = tag == "thead"
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self.head if self._in_head else self.rows).append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _rows_as_paragraphs(m: re.Match[str]) -> str:
    """A wide course table box as one paragraph per row ("row 3: year: 2023; level: …");
    the box as it was when the table is not a plain one (several header rows, ragged rows)."""
    cells = _TableCells()
    cells.feed(m.group(2))
    if len(cells.head) != 1 or not cells.rows:
        return m.group(0)
    head = cells.head[0]
    if len(head) - 1 <= MAX_STORED_COLUMNS or any(len(r) != len(head) for r in cells.rows):
        return m.group(0)
    e = html_text.escape
    name = _BOX_NAME.search(m.group(1))
    title = e(html_text.unescape(name.group(1)).split(" (")[0]) if name else "Table"
    lines = [
        f'<p style="margin:0 0 0.4em 0">{title}, one paragraph per row (run the cell again'
        " to see it as a table):</p>"
    ]
    for row in cells.rows:
        pairs = "; ".join(f"{e(h)}: {e(v)}" for h, v in zip(head[1:], row[1:], strict=True))
        lines.append(f'<p style="margin:0 0 0.4em 0"><b>{e(head[0])} {e(row[0])}</b>: {pairs}</p>')
    return f'<div class="trilat-table-rows" style="overflow-wrap:break-word">{"".join(lines)}</div>'


def tables_unscrolled(nb: dict[str, Any]) -> int:
    """Store the course's tables (``render.table_html`` boxes, explorers' snapshot tables) so
    they wrap to fit instead of scrolling: no tab stop, role or name a sanitizer could
    half-remove, and no wide table that makes its output area scroll; long words in course HTML
    wrap with a value the sanitizer keeps. Returns how many outputs changed; HTML that is not
    the course's is left as it is."""
    changed = 0
    for data, html in _html_outputs(nb):
        if "trilat-" not in html:
            continue
        stored = _WHOLE_BOX.sub(_rows_as_paragraphs, html)
        stored = _TABLE_BOX.sub(_stored_table_box, stored)
        stored = _TABLE.sub(_wrapping_table, stored)
        stored = stored.replace(*SANITIZER_SAFE_WRAP)
        if stored != html:
            data["text/html"] = stored
            changed += 1
    return changed


_PAGE_SCRIPT = re.compile(
    r'<img alt="" hidden width="[01]" height="[01]" src="data:," onerror="[^"]*">'
)
"""An older version's page-script carrier: an image that failed to load, which a sanitizer left
as a stray, announced "Image". Today's carrier, an empty ``<style>`` with a load handler, is
kept: a trusted reopening runs the link guard again, and a sanitizer drops it whole."""


def page_scripts_removed(nb: dict[str, Any]) -> int:
    """Drop an older version's page-script images from stored ``text/html`` outputs (running a
    cell puts today's carrier back); returns how many outputs changed."""
    changed = 0
    for data, html in _html_outputs(nb):
        stored = _PAGE_SCRIPT.sub("", html)
        if stored != html:
            data["text/html"] = stored
            changed += 1
    return changed


def pre_save(model: dict[str, Any], **_: Any) -> None:
    """``ContentsManager.pre_save_hook``: keep only static fallbacks of course widgets on disk,
    no course link that a sanitized (untrusted) reopening would leave open to shortcuts, charts
    as images with their description (what a sanitized reopening can still show), and tables
    that wrap to fit instead of scrolling (no scrolling box left without its tab stop)."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        strip_widget_views(model["content"])
        unlink_course_links(model["content"])
        charts_as_images(model["content"])
        tables_unscrolled(model["content"])
        page_scripts_removed(model["content"])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Jupyter server extension entry point: this module is the extension."""
    return [{"module": "trilat_lessons.labhooks"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register :func:`pre_save` with the server's contents manager, unless it is already the
    configured ``pre_save_hook`` (``make lab`` names it too; it must not run twice)."""
    manager = serverapp.contents_manager
    if getattr(manager, "pre_save_hook", None) is pre_save:
        return
    manager.register_pre_save_hook(pre_save)
    serverapp.log.info("trilat_lessons: save hook registered (labhooks.pre_save)")
