"""The save hook reaches every ``jupyter lab`` of the environment, not only ``make lab``."""

from __future__ import annotations

import base64
import json
import logging
import re
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

from trilat_lessons import labhooks

ROOT = Path(__file__).resolve().parents[1]
CONFIG = "etc/jupyter/jupyter_server_config.d/trilat_lessons.json"


def test_server_config_is_installed_and_enables_the_hook_extension() -> None:
    installed = Path(sys.prefix) / CONFIG
    assert installed.is_file(), f"{installed} missing: `pip install .` must ship it (shared-data)"
    enabled = json.loads(installed.read_text())["ServerApp"]["jpserver_extensions"]
    assert enabled == {"trilat_lessons.labhooks": True}
    points = labhooks._jupyter_server_extension_points()
    assert points == [{"module": "trilat_lessons.labhooks"}]


def test_wheel_maps_the_config_into_jupyter_server_config_d() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shared = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert CONFIG in shared.values()
    (source,) = [src for src, dst in shared.items() if dst == CONFIG]
    assert (ROOT / source).read_text() == (Path(sys.prefix) / CONFIG).read_text()


class _Manager:
    """The two parts of a Jupyter contents manager the extension touches."""

    def __init__(self, configured: object = None) -> None:
        self.pre_save_hook = configured
        self.hooks: list[object] = []

    def register_pre_save_hook(self, hook: object) -> None:
        self.hooks.append(hook)


def test_loading_the_extension_registers_pre_save_once() -> None:
    log = logging.getLogger("test")
    plain = _Manager()
    labhooks._load_jupyter_server_extension(SimpleNamespace(contents_manager=plain, log=log))
    assert plain.hooks == [labhooks.pre_save]
    # `make lab` also names the hook on the command line: it must not run twice
    flagged = _Manager(configured=labhooks.pre_save)
    labhooks._load_jupyter_server_extension(SimpleNamespace(contents_manager=flagged, log=log))
    assert flagged.hooks == []


def _notebook(html: str) -> dict[str, object]:
    output = {"output_type": "display_data", "metadata": {}, "data": {"text/html": html}}
    return {"cells": [{"cell_type": "code", "source": "", "outputs": [output]}]}


def test_save_stores_charts_as_images_described_by_their_alt_text() -> None:
    from trilat_lessons.render import figure_html

    svg = (
        '<svg width="20" height="10" role="graphics-document document" '
        'aria-label="Meetings per year, 2019 to 2024 &amp; more"><title>Meetings</title>'
        "<text>2019</text><text>2020</text></svg>"
    )
    nb = _notebook("<p>before</p>" + figure_html(svg) + "<p>after</p>")
    labhooks.pre_save({"type": "notebook", "content": nb})
    stored = nb["cells"][0]["outputs"][0]["data"]["text/html"]  # type: ignore[index]
    assert "<svg" not in stored and "<text>" not in stored
    assert stored.startswith("<p>before</p>") and stored.endswith("<p>after</p>")
    (src,) = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', stored)
    image = base64.b64decode(src).decode()
    assert image.startswith('<svg xmlns="http://www.w3.org/2000/svg" ') and "2019" in image
    assert 'alt="Meetings per year, 2019 to 2024 &amp; more"' in stored
    assert 'class="trilat-chart"' in stored and "tabindex" not in stored
    again = json.dumps(nb)
    labhooks.pre_save({"type": "notebook", "content": nb})  # a second save changes nothing
    assert json.dumps(nb) == again


def test_a_stored_chart_keeps_its_longer_description_as_alt_text() -> None:
    """Untrusted, the image's alt is all a screen reader gets: the chart's <desc> when it says
    more than its short label (quotes in it made safe for the attribute)."""
    from trilat_lessons.render import figure_html

    svg = (
        '<svg width="20" height="10" aria-label="Meetings per year">'
        '<desc>Bars: meetings per year, 2019 to 2024; the "leaders" level darkest</desc>'
        "<text>2019</text></svg>"
    )
    nb = _notebook(figure_html(svg))
    labhooks.pre_save({"type": "notebook", "content": nb})
    stored = nb["cells"][0]["outputs"][0]["data"]["text/html"]  # type: ignore[index]
    assert 'alt="Bars: meetings per year, 2019 to 2024; the &quot;leaders&quot; level darkest"' in (
        stored
    )


def test_save_stores_tables_without_a_scrolling_box() -> None:
    """A stored table wraps to fit: no tab stop, region or overflow left for JupyterLab's
    sanitizer to half-remove (a scrolling region with no keyboard stop), rows and cells kept."""
    import pandas as pd

    from trilat_lessons.render import table_html

    # as many columns as a stored table keeps (a wider one becomes paragraphs: test below)
    frame = pd.DataFrame(
        {f"column {i}": [f"value {i} with words"] * 3 for i in range(labhooks.MAX_STORED_COLUMNS)}
    )
    nb = _notebook(table_html(frame) or "")
    labhooks.pre_save({"type": "notebook", "content": nb})
    stored = nb["cells"][0]["outputs"][0]["data"]["text/html"]  # type: ignore[index]
    (box,) = re.findall(r'<div\b[^>]*class="trilat-table-scroll"[^>]*>', stored)
    assert "tabindex" not in box and "role=" not in box and "aria-label" not in box
    assert "overflow-x:auto" not in box and 'data-rows="3"' in box
    (table,) = re.findall(r"<table\b[^>]*>", stored)
    assert "word-break:break-all" in table
    last = f"value {labhooks.MAX_STORED_COLUMNS - 1} with words"
    assert stored.count(last) == 3 and "<table" in stored
    again = json.dumps(nb)
    labhooks.pre_save({"type": "notebook", "content": nb})  # a second save changes nothing
    assert json.dumps(nb) == again


def test_save_makes_snapshot_tables_and_source_lists_wrap_with_sanitizer_safe_styles() -> None:
    """An explorer's snapshot table and a source list: once sanitized they must still fit a
    narrow page (``overflow-wrap:anywhere`` is dropped by the sanitizer; ``break-word`` is not)."""
    html = (
        '<div class="trilat-widget-snapshot"><table class="dataframe trilat-table" '
        'style="border-collapse:collapse"><tr><td>x</td></tr></table></div>'
        '<ul class="trilat-sources" style="overflow-wrap:anywhere"><li>https://a.b/c</li></ul>'
    )
    nb = _notebook(html)
    labhooks.pre_save({"type": "notebook", "content": nb})
    stored = nb["cells"][0]["outputs"][0]["data"]["text/html"]  # type: ignore[index]
    assert 'style="border-collapse:collapse;word-break:break-all"' in stored
    assert "anywhere" not in stored and 'style="overflow-wrap:break-word"' in stored
    other = _notebook("<table><tr><td>not ours</td></tr></table>")
    labhooks.pre_save({"type": "notebook", "content": other})
    assert other["cells"][0]["outputs"][0]["data"]["text/html"] == (  # type: ignore[index]
        "<table><tr><td>not ours</td></tr></table>"
    )


def test_a_wide_stored_table_becomes_one_paragraph_per_row() -> None:
    """Even wrapped, 24 columns are wider than a 500 px page: stored, such a table would make its
    output area a scrolling region with no keyboard stop once sanitized. A narrow one stays a
    table."""
    import trilat_lessons as tl
    from trilat_lessons.labhooks import MAX_STORED_COLUMNS, tables_unscrolled
    from trilat_lessons.render import table_html

    meetings = tl.load("meetings")
    wide = table_html(meetings.head(3))
    narrow = table_html(meetings[["year", "level"]].head(3))
    assert meetings.shape[1] > MAX_STORED_COLUMNS
    nb = {
        "cells": [
            {"cell_type": "code", "outputs": [{"data": {"text/html": h}} for h in (wide, narrow)]}
        ]
    }
    assert tables_unscrolled(nb) == 2
    stored_wide, stored_narrow = (o["data"]["text/html"] for o in nb["cells"][0]["outputs"])
    assert "<table" not in stored_wide and stored_wide.count("<p ") == 1 + 3
    assert "Table, 3 rows by 24 columns, one paragraph per row" in stored_wide
    assert "<b>row 0</b>: meeting_id: T01; date_label: 2014-03;" in stored_wide
    assert "<table" in stored_narrow and "word-break:break-all" in stored_narrow
    again = json.dumps(nb)
    assert tables_unscrolled(nb) == 0 and json.dumps(nb) == again  # a second save: no change
