"""Offline rendering: charts become accessible SVG with no network reference."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import altair as alt
import pandas as pd
import pytest

import trilat_lessons as tl
from trilat_lessons import render


@pytest.fixture
def chart() -> alt.Chart:
    df = pd.DataFrame({"year": [2022, 2023], "n": [3, 5], "place": ["Madrid", "Camp David"]})
    return (
        alt.Chart(df, title="Meetings & more", description="Bars of <meetings> per year.")
        .mark_bar()
        .encode(x=alt.X("year:O", title="Year"), y="n:Q", tooltip=["place"])
    )


def test_setup_enables_offline_renderer_and_theme(capsys: pytest.CaptureFixture[str]) -> None:
    tl.setup()
    assert "ready" in capsys.readouterr().out
    assert alt.renderers.active == render.RENDERER_NAME
    assert alt.theme.active == "trilat"
    assert render.is_offline_ready()
    tl.setup(quiet=True)  # idempotent
    assert capsys.readouterr().out == ""


def test_renderer_bundle_is_inline_svg_with_plain_fallback(chart: alt.Chart) -> None:
    tl.setup(quiet=True)
    bundle = alt.renderers.get()(chart.to_dict())
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/html"].startswith('<figure class="trilat-chart"')
    assert "<svg" in bundle["text/html"]
    assert bundle["text/plain"].startswith("<Chart: Meetings & more>")
    assert "<script" not in bundle["text/html"]
    assert "cdn" not in bundle["text/html"].lower()


def test_svg_root_is_labelled_from_description_and_escaped(chart: alt.Chart) -> None:
    svg = render.chart_to_svg(chart)
    root = re.search(r"<svg\b[^>]*>", svg).group(0)
    assert 'aria-label="Bars of &lt;meetings&gt; per year."' in root
    assert "<title>Meetings &amp; more</title>" in svg
    assert "<desc>Bars of &lt;meetings&gt; per year.</desc>" in svg


def test_every_data_mark_gets_a_hover_title(chart: alt.Chart) -> None:
    svg = render.chart_to_svg(chart)
    marks = re.findall(r'<path aria-label="[^"]*" role="graphics-symbol"[^>]*>(<title>[^<]*)', svg)
    assert len(marks) == 2
    assert any("Camp David" in m for m in marks)


def test_svg_has_no_network_reference(chart: alt.Chart) -> None:
    svg = render.chart_to_svg(chart).replace("http://www.w3.org/", "")
    assert "http://" not in svg and "https://" not in svg


def test_rendering_is_deterministic(chart: alt.Chart) -> None:
    assert render.chart_to_svg(chart) == render.chart_to_svg(chart)


def test_empty_mark_groups_are_hidden_from_screen_readers() -> None:
    from trilat_lessons.render import _EMPTY_GROUP

    empty = '<g class="mark-rect" role="graphics-symbol" aria-roledescription="rect"></g>'
    closed = '<g class="mark-rect" role="graphics-symbol" aria-roledescription="rect"/>'
    full = '<g class="mark-rect" role="graphics-object"><path aria-label="x"/></g>'
    for svg in (empty, closed):
        assert 'aria-hidden="true"' in _EMPTY_GROUP.sub(r'\1 aria-hidden="true"></g>', svg)
    assert _EMPTY_GROUP.sub(r'\1 aria-hidden="true"></g>', full) == full


def test_marks_without_any_field_are_hidden_but_labelled_marks_are_kept() -> None:
    """A bar chart with nothing encoded draws an unnamed mark container (axe svg-img-alt): it is
    named after its kind (or hidden), and labelled marks are kept as they are."""
    bare = render.chart_to_svg(alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar())
    marks = re.findall(r'<g\b[^>]*role="graphics-symbol"[^>]*>', bare)
    assert marks and all("aria-label=" in g or 'aria-hidden="true"' in g for g in marks)
    chart = alt.Chart(pd.DataFrame({"a": ["x", "y"]})).mark_bar().encode(x="a:N", y="count()")
    labelled = render.chart_to_svg(chart)
    assert 'aria-label="a: x' in labelled
    assert not re.search(r'<g\b[^>]*role="graphics-symbol"[^>]*aria-hidden', labelled)


def test_figures_are_drawn_at_full_size_and_wide_ones_scroll_with_the_keyboard() -> None:
    """Every chart scrolls in a focusable box: decided without a guess at the page's width, so
    the static HTML is right on a phone and on a wide screen (the browser gate checks both)."""
    from trilat_lessons.render import figure_html

    wide = figure_html(
        '<svg width="500" height="100" aria-label="Big, long description"><title>Big</title></svg>'
    )
    assert "max-width:none" in wide  # drawn at 100%, never shrunk
    assert 'tabindex="0"' in wide and 'role="region"' in wide
    label = wide.split('aria-label="', 1)[1].split('"', 1)[0]
    assert label.startswith("Chart: Big (region ")  # short: the title
    long_title = "Word " * 40
    cut = figure_html(f'<svg width="500" height="9"><title>{long_title}</title></svg>')
    label = cut.split('aria-label="', 1)[1].split('"', 1)[0]
    assert "Word Word\u2026 (region" in label and len(label) < 160  # cut at a word


def test_dataframes_show_in_a_focusable_scroll_box() -> None:
    import pandas as pd

    from trilat_lessons.render import table_html

    small = table_html(pd.DataFrame({"a": [1, 2], "b": [3, 4]}))
    assert 'tabindex="0" role="region"' in small  # even a small table overflows a phone
    many = table_html(pd.DataFrame({f"c{i}": [i] for i in range(40)}))
    assert "c39" in many and "..." not in many  # every column (pandas alone shows 20)
    assert "1 row by 40 columns" in many
    assert "<th>row</th>" in small and "<th></th>" not in small  # axe empty-table-header
    wide_df = pd.DataFrame({f"column {i}": ["a long cell of text"] for i in range(3)})
    out = table_html(wide_df)
    assert out.startswith('<div class="trilat-table-scroll" tabindex="0" role="region"')
    assert "1 row by 3 columns" in out and "<table" in out
    long = table_html(pd.DataFrame({"x": ["a long cell of text " * 3]}))
    assert "..." not in long and ("a long cell of text " * 3).strip() in long  # never cut
    again = table_html(wide_df)
    label = out.split('aria-label="', 1)[1].split('"', 1)[0]
    assert label != again.split('aria-label="', 1)[1].split('"', 1)[0]  # landmark-unique


def test_altair_is_imported_without_the_slow_iri_checker() -> None:
    code = (
        "import sys\nfrom trilat_lessons.render import import_altair\nimport_altair()\n"
        "assert 'altair' in sys.modules and 'rfc3987_syntax' not in sys.modules\n"
        "import importlib.util\n"
        "assert importlib.util.find_spec('rfc3987_syntax') is None or __import__('rfc3987_syntax')"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_every_mark_container_has_a_text_alternative():
    """A chart built the way students build one (no tooltips or mark descriptions) still names
    every graphics-symbol element (axe svg-img-alt)."""
    import re

    import altair as alt
    import pandas as pd

    from trilat_lessons.render import chart_to_svg

    # step 1 of building a chart: a mark with no encodings yet (Vega draws one unnamed symbol)
    chart = alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar()
    svg = chart_to_svg(chart)
    symbols = re.findall(r'<g\b[^>]*role="graphics-symbol"[^>]*>', svg)
    assert symbols, "the chart has mark containers"
    assert all("aria-label=" in g for g in symbols), symbols


def test_svg_cache_is_fresh_and_serves_the_first_chart_without_the_converter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cached SVG is exactly what vl-convert draws today (stale -> red: rerun
    scripts/svg_cache.py), and lesson 00's first chart is shown from it, identical."""
    import json
    from pathlib import Path

    import vl_convert

    import trilat_lessons as tl
    from trilat_lessons import render

    stored = json.loads(Path(render.__file__).with_name(render.SVG_CACHE).read_text("utf-8"))
    # built in a fresh process, as a lesson's kernel draws its first chart: Vega numbers the
    # gradients it draws per process (a legend's "gradient_0"), so earlier tests' charts in this
    # process would shift them
    script = Path(__file__).parents[1] / "scripts" / "svg_cache.py"
    code = (
        "import importlib.util, json, sys\n"
        f"s = importlib.util.spec_from_file_location('svg_cache_script', {str(script)!r})\n"
        "m = importlib.util.module_from_spec(s); s.loader.exec_module(m)\n"
        "sys.stdout.write(json.dumps(m.build()))"
    )
    built = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert stored == json.loads(built.stdout)
    assert len(stored) == len(render.CACHED_CHARTS)
    drawn = tl.charts.meetings_per_year()._repr_mimebundle_()
    html = (drawn[0] if isinstance(drawn, tuple) else drawn)["text/html"]

    def refuse(_spec: object) -> str:
        raise AssertionError("the converter ran for a cached chart")

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", refuse)
    monkeypatch.setattr(render, "warm_converter", lambda **_: None)
    again = tl.charts.meetings_per_year()._repr_mimebundle_()
    again_html = (again[0] if isinstance(again, tuple) else again)["text/html"]
    numbered = re.compile(r"\(region \d+,")  # every figure's region has its own number
    assert numbered.sub("(region N,", again_html) == numbered.sub("(region N,", html)


def test_table_html_never_fails_on_odd_frames() -> None:
    """Missing values in a categorical column, duplicate and tuple column names: still a table."""
    import numpy as np

    from trilat_lessons.render import table_html

    odd = pd.DataFrame(
        {"a": pd.Categorical(["x", None]), "b": [np.nan, 1.0]}, index=pd.Index([1, 2], name="i")
    )
    odd.columns = [("a", 1), ("a", 1)]
    out = table_html(odd)
    assert out is not None and "<table" in out and 'data-rows="2"' in out


class _FirstChart(Exception):
    """Raised by the recording converter: the lesson's first chart has been asked for."""


def test_every_lessons_first_chart_is_in_the_svg_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lessons 00-06 each open with a chart drawn from the cache (no converter start): their
    cells are run in order (each cell's last value displayed, as the notebook does) until the
    first chart is drawn, whatever draws it (a ``tl.charts`` call or an explorer such as lesson
    05's TriangleExplorer), and that spec must be one the cache holds."""
    import json
    from pathlib import Path

    from trilat_lessons import render
    from trilat_lessons.widgets import _base

    root = Path(__file__).parents[1]
    cache = json.loads(Path(render.__file__).with_name(render.SVG_CACHE).read_text("utf-8"))
    drawn: list[dict[str, object]] = []

    def record(spec: dict[str, object]) -> str:
        drawn.append(spec)
        raise _FirstChart

    monkeypatch.setattr(render, "_vegalite_to_svg", record)
    _base._svg.cache_clear()  # an explorer's chart drawn by an earlier test would skip render
    missing = []
    for path in sorted((root / "notebooks").glob("0[0-6]_*.ipynb")):
        drawn.clear()
        names: dict[str, object] = {"display": lambda *a, **k: None}
        try:
            for cell in json.loads(path.read_text("utf-8"))["cells"]:
                source = "".join(cell["source"]).strip() if cell["cell_type"] == "code" else ""
                if not source:
                    continue
                *lines, last = source.splitlines()
                try:  # the last line is shown when it is an expression
                    code = compile(last, path.name, "eval")
                except SyntaxError:
                    exec(source, names)
                    continue
                exec("\n".join(lines), names)
                value = eval(code, names)
                if hasattr(value, "_repr_mimebundle_"):
                    value._repr_mimebundle_()
        except _FirstChart:
            pass
        finally:
            _base._svg.cache_clear()
        if not drawn:
            missing.append(f"{path.name}: no chart")
        elif render.spec_key(drawn[0]) not in cache:
            missing.append(f"{path.name}: first chart not cached: {drawn[0].get('description')}")
    assert not missing, missing


def test_a_chart_without_description_is_described_from_its_encoding() -> None:
    """The primer's plain altair charts (before ``description=`` is taught) are not just
    "Chart" to a screen reader: the SVG's label and <desc> say the mark and the fields."""
    import altair as alt

    from trilat_lessons import render

    frame = pd.DataFrame({"track": ["1.5", "2"], "level": ["leaders", "ministers"]})
    plain = alt.Chart(frame).mark_bar().encode(x="track", y="count()", color="level")
    svg = render.chart_to_svg(plain)
    expected = "Bar chart: x track, y count, colour level"
    assert f'aria-label="{expected}"' in svg and f"<desc>{expected}</desc>" in svg
    titled = plain.encode(y=alt.Y("count()", title="Meetings")).properties(description="Mine")
    assert render.chart_description(titled.to_dict()) == "Mine"
    layered = alt.layer(plain.encode(y=alt.Y("count()", title="Meetings")), plain.mark_point())
    assert render.chart_description(layered.to_dict()).startswith("Bar chart: x track, y Meetings")
    # side by side (the primer's ``points & places``): every part is described, not the first
    dots = plain.mark_point().properties(description="Dots per level")
    side = alt.vconcat(dots, plain.properties(description="Bars per track"))
    assert render.chart_description(side.to_dict()) == "Dots per level; Bars per track."
    assert render.chart_description(alt.hconcat(plain, dots).to_dict()) == (
        "Bar chart: x track, y count, colour level; Dots per level."
    )


def test_chart_ids_are_unique_per_chart_and_references_follow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two charts drawn by separate processes (a cached SVG and a live one) both number their
    ids from 0 (``gradient_0``, clip ids): on one page they must not share an id, and every
    ``url(#…)`` / ``href="#…"`` must still point into its own chart."""
    from trilat_lessons import render

    # what Vega draws in any fresh process: the same numbered ids for two different charts
    raw = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs>'
        '<linearGradient id="gradient_0"><stop offset="0" stop-color="#000"/></linearGradient>'
        '<clipPath id="clip1"><rect width="5" height="5"/></clipPath></defs>'
        '<g clip-path="url(#clip1)"><rect fill="url(#gradient_0)" width="5" height="5"/>'
        '<use href="#clip1"/><use xlink:href="#gradient_0"/></g></svg>'
    )
    monkeypatch.setattr(render, "_vegalite_to_svg", lambda _spec: raw)
    a = render.spec_to_svg({"mark": "rect", "description": "A"})
    b = render.spec_to_svg({"mark": "rect", "description": "B"})
    ids_a, ids_b = (set(re.findall(r'\bid="([^"]+)"', s)) for s in (a, b))
    assert len(ids_a) == 2 and len(ids_b) == 2
    assert not ids_a & ids_b, (ids_a, ids_b)
    for svg, ids in ((a, ids_a), (b, ids_b)):
        refs = re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', svg)
        targets = {x or y for x, y in refs}
        assert len(refs) == 4 and targets == ids, (targets, ids)
    # the same chart drawn again keeps its ids (deterministic outputs, nbval)
    assert render.spec_to_svg({"mark": "rect", "description": "A"}) == a


def test_a_real_gradient_legend_points_at_its_own_prefixed_gradient() -> None:
    """vl-convert's own SVG: the legend's gradient id and its ``url(#…)`` are renamed together."""
    import altair as alt

    from trilat_lessons import render

    frame = pd.DataFrame({"a": [1, 2, 3], "b": [3, 1, 2]})
    svg = render.chart_to_svg(alt.Chart(frame).mark_point().encode(x="a", color="b"))
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    assert ids and all(i.startswith("trilat-") for i in ids), ids
    assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= ids


def test_setup_puts_the_link_guard_on_the_page_in_a_kernel_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``tl.setup()`` shows the page's link guard (links in every output, printed ones too, opt
    out of notebook shortcuts) in a notebook kernel, so a notebook without a course widget (an
    exercise set, the primer) is covered too; outside a kernel it shows nothing."""
    import types

    import IPython
    import IPython.display

    from trilat_lessons.linkguard import link_guard_html

    shown: list[object] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **_: shown.append(obj))
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    render.setup(quiet=True)
    assert shown == []
    kernel_shell = types.SimpleNamespace(kernel=object())
    monkeypatch.setattr(IPython, "get_ipython", lambda: kernel_shell)
    monkeypatch.setattr(render, "_register_table_html", lambda: None)
    render.setup(quiet=True)
    assert shown == [{"text/html": link_guard_html()}]
    guard = html.unescape(link_guard_html())
    assert "addEventListener('keydown'" in guard and "stopPropagation" in guard
