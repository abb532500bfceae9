"""Offline chart rendering: altair specs become accessible inline SVG, with no CDN and no network.

Why SVG: altair's default renderer loads vega from a CDN (blank offline) and the ``mimetype``
renderer emits ``application/vnd.vegalite.v6.json``, which JupyterLab 4.6 cannot render. vl-convert
bundles vega and turns a spec into SVG in-process, deterministically. We embed that SVG in
``text/html`` (so it is a real ``<svg>`` in the page), give the root a title, a description and an
``aria-label`` (screen readers), and give every mark a ``<title>`` (the browser shows it on hover,
so tooltips survive without JavaScript).

In the browser (JupyterLite, where Python is Pyodide and vl-convert has no build) the same SVG
comes from vega and vega-lite themselves: their JavaScript, shipped in the site's own
``trilat_lite_vega`` package (lite/build.py makes it from the npm packages), runs in the kernel's
worker and renders synchronously, so charts and the explorers' widgets work there too, with no CDN.
"""

from __future__ import annotations

import html
import json
import re
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

RENDERER_NAME = "trilat"

_TAG = re.compile(r"<(path|rect|circle|line|text|g)\b([^>]*?)(/?)>")
_ARIA_LABEL = re.compile(r'\baria-label="([^"]*)"')
# a mark group with nothing drawn in it (e.g. no rows to show): hidden from screen readers,
# as it has nothing to name (axe svg-img-alt)
_EMPTY_GROUP = re.compile(r'(<g\b[^>]*\brole="graphics-(?:object|symbol)"[^>]*?)\s*(?:/>|></g>)')


# a mark container Vega leaves unnamed (a chart built without mark descriptions, as students
# build them): named after its kind, so no graphics-symbol lacks a text alternative
_UNNAMED_CONTAINER = re.compile(
    r'<g\b(?![^>]*\baria-label=)([^>]*\brole="graphics-symbol"[^>]*'
    r'\baria-roledescription="([a-z]+) mark container"[^>]*)>'
)


def _name_mark_containers(svg: str) -> str:
    """Give unnamed mark containers an ``aria-label`` such as "rect marks" (axe svg-img-alt)."""
    return _UNNAMED_CONTAINER.sub(lambda m: f'<g{m.group(1)} aria-label="{m.group(2)} marks">', svg)


def _add_mark_titles(svg: str) -> str:
    """Give each data mark a ``<title>`` child copied from its aria-label (hover tooltip)."""

    def repl(m: re.Match[str]) -> str:
        tag, attrs, selfclosing = m.group(1), m.group(2), m.group(3)
        label = _ARIA_LABEL.search(attrs)
        if label is None or 'role="graphics-symbol"' not in attrs:
            return m.group(0)
        title = f"<title>{label.group(1)}</title>"
        if selfclosing:
            return f"<{tag}{attrs}>{title}</{tag}>"
        return f"<{tag}{attrs}>{title}"

    return _TAG.sub(repl, svg)


def _spec_text(spec: dict[str, Any], key: str) -> str:
    value = spec.get(key)
    if isinstance(value, dict):  # title can be {"text": ..., "subtitle": ...}
        value = value.get("text", "")
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return str(value or "")


def in_browser() -> bool:
    """True inside Pyodide (JupyterLite), where charts are drawn by vega's own JavaScript."""
    return sys.platform == "emscripten"


VEGA_JS_PACKAGE = "trilat_lite_vega"
"""The package (made by lite/build.py) that carries vega.min.js and vega-lite.min.js."""

# Runs in the Pyodide worker (no DOM): compile Vega-Lite, evaluate the dataflow synchronously and
# draw with vega's headless SVG string renderer -- what View.toSVG() does, minus its awaits. The
# course's charts have inline data, so nothing is pending after run(); anything that is (a URL
# data source) is refused rather than drawn half-way.
_VEGA_SVG_JS = """
globalThis.__trilatVegaSvg = function (specJson) {
  const vega = globalThis.vega, vegaLite = globalThis.vegaLite;
  const logger = vega.logger(vega.Error);
  const compiled = vegaLite.compile(JSON.parse(specJson), {logger: logger}).spec;
  const view = new vega.View(vega.parse(compiled), {renderer: "none", logLevel: vega.Error});
  try {
    view.run();
    if (view._pending || view._pulse) {
      throw new Error("this chart loads data asynchronously; give it inline data");
    }
    const pad = view.padding(), origin = view._origin;
    const width = Math.max(0, view._viewWidth + pad.left + pad.right);
    const height = Math.max(0, view._viewHeight + pad.top + pad.bottom);
    const Renderer = vega.renderModule("svg").headless;
    const renderer = new Renderer(view.loader());
    renderer.initialize(null, width, height, [pad.left + origin[0], pad.top + origin[1]], 1);
    renderer.background(view.background());
    renderer.render(view.scenegraph().root);
    return renderer.svg();
  } finally {
    view.finalize();
  }
};
"""


def _browser_vegalite_to_svg(spec: dict[str, Any]) -> str:
    """Vega-Lite spec -> SVG inside Pyodide, with the site's own vega (loaded once per kernel)."""
    import js  # type: ignore[import-not-found]  # Pyodide's bridge to the worker's globals
    from pyodide.code import run_js  # type: ignore[import-not-found]

    if not hasattr(js.globalThis, "__trilatVegaSvg"):
        from importlib import resources

        try:
            folder = resources.files(VEGA_JS_PACKAGE)
        except ModuleNotFoundError as err:
            raise RuntimeError(
                f"charts need the {VEGA_JS_PACKAGE!r} package in this browser Python "
                "(the JupyterLite site built by `make lite` preloads it)"
            ) from err
        for name in ("vega.min.js", "vega-lite.min.js"):
            run_js(folder.joinpath(name).read_text(encoding="utf-8"))
        run_js(_VEGA_SVG_JS)
    return str(js.globalThis.__trilatVegaSvg(json.dumps(spec)))


_CHANNEL_WORDS = {"color": "colour", "xOffset": "x offset", "yOffset": "y offset"}
_DESCRIBED_CHANNELS = ("x", "y", "color", "size", "shape", "column", "row", "theta", "text")


def _field_words(enc: dict[str, Any]) -> str:
    title = enc.get("title")
    if isinstance(title, str) and title:
        return title
    field = enc.get("field")
    if isinstance(field, dict):  # {"repeat": "column"}
        field = None
    aggregate = enc.get("aggregate")
    if field and aggregate:
        return f"{aggregate} of {field}"
    return str(field or aggregate or "")


def encoding_description(spec: dict[str, Any]) -> str:
    """A description read from a chart's mark and encoding, for a chart built without one
    (the primer draws plain altair charts before it teaches ``description=``): e.g. "Bar chart:
    x track, y count, colour level". Empty when the spec has no single view to read."""
    view = spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        parts = view.get(key)
        if isinstance(parts, list) and parts and isinstance(parts[0], dict):
            view = parts[0]
            break
    if "spec" in view and isinstance(view["spec"], dict):  # facet / repeat
        view = view["spec"]
    mark = view.get("mark")
    if isinstance(mark, dict):
        mark = mark.get("type")
    found = view.get("encoding")
    encoding: dict[str, Any] = found if isinstance(found, dict) else {}
    if not mark and not encoding:
        return ""
    parts = []
    for channel in _DESCRIBED_CHANNELS:
        enc = encoding.get(channel)
        if isinstance(enc, dict):
            words = _field_words(enc)
            if words:
                parts.append(f"{_CHANNEL_WORDS.get(channel, channel)} {words}")
    kind = f"{str(mark).capitalize()} chart" if mark else "Chart"
    return f"{kind}: {', '.join(parts)}" if parts else kind


def chart_description(spec: dict[str, Any]) -> str:
    """The chart's own ``description``; for charts set side by side (``a | b``, ``a & b``)
    without one, each part's own description in turn; else one read from the encoding."""
    own = _spec_text(spec, "description")
    if own:
        return own
    for key in ("hconcat", "vconcat", "concat"):
        parts = spec.get(key)
        if isinstance(parts, list) and len(parts) > 1:
            texts = [chart_description(p) for p in parts if isinstance(p, dict)]
            texts = [t.strip().rstrip(".") for t in texts if t.strip()]
            if texts:
                return "; ".join(texts) + "."
    return encoding_description(spec)


SVG_CACHE = "svg_cache.json"
"""Package file: vl-convert's SVG of the lessons' first charts, keyed by :func:`spec_key`. A
lesson's first chart then needs no converter start (about 0.8 s from a fresh kernel; the
converter holds the GIL while it starts, so a background warm-up cannot hide it). Made by
``scripts/svg_cache.py``; ``tests/test_render.py`` checks every entry is what vl-convert draws
today, so a stale entry fails the tests."""
CACHED_CHARTS = (
    # lessons 00 and 01 (01 passes the same loaded table: the same chart)
    "tl.charts.meetings_per_year()",
    # 02
    'events = tl.load("events")\n'
    'jk = events[events["dyads"].str.contains("Japan–ROK", regex=False, na=False)]\n'
    "tl.charts.events_timeline(jk)",
    # 03
    'tl.charts.obstacles_heatmap(tl.load("obstacles"))',
    # 04
    'stances = tl.load("china_stances")\n'
    'tl.charts.china_stance_matrix(stances[stances["year"] == 2022])',
    # 05: its first chart is the TriangleExplorer's diagram (an explorer, not a tl.charts call)
    "tl.widgets.TriangleExplorer().spec",
    # 06
    'tl.charts.policy_ranking(perspective="balanced")',
)
"""Each lesson's first chart, as the lesson computes it (code whose last line is the chart, or an
explorer's Vega-Lite spec): the SVG cache holds these (lesson 00's is what `make bench` times).
Lesson 00b's first charts are plain altair built by the student, step by step: not cached."""
_svg_cache: dict[str, str] | None = None


def spec_key(spec: dict[str, Any]) -> str:
    """A stable key of a Vega-Lite spec: sha256 of its canonical JSON."""
    import hashlib

    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cached_svg(spec: dict[str, Any]) -> str | None:
    global _svg_cache
    if _svg_cache is None:
        from importlib import resources

        try:
            text = resources.files(__package__).joinpath(SVG_CACHE).read_text(encoding="utf-8")
            _svg_cache = dict(json.loads(text))
        except (OSError, ValueError):  # no cache: every chart is drawn
            _svg_cache = {}
    return _svg_cache.get(spec_key(spec)) if _svg_cache else None


def _vegalite_to_svg(spec: dict[str, Any]) -> str:
    if in_browser():
        return _browser_vegalite_to_svg(spec)
    cached = _cached_svg(spec)
    if cached is not None:
        warm_converter(
            delay=WARM_DELAY
        )  # the next chart needs it: start it while the student reads
        return cached
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec)


def spec_to_svg(spec: dict[str, Any]) -> str:
    """Convert a Vega-Lite spec (dict) to accessible SVG text, offline."""
    from .svg_ids import unique_ids

    svg = unique_ids(_vegalite_to_svg(spec), spec_key(spec))
    title = html.escape(_spec_text(spec, "title"), quote=True)
    desc = html.escape(chart_description(spec), quote=True)
    label = desc or title or "Chart"
    svg = svg.replace(
        "<svg ",
        f'<svg role="graphics-document document" aria-label="{label}" ',
        1,
    )
    # (a line break between title and description: a sanitizer that drops the SVG keeps their
    # text, and the page guard names the chart's box after the first line)
    head = (f"<title>{title or label}</title>" if (title or label) else "") + (
        f"\n<desc>{desc}</desc>" if desc else ""
    )
    svg = re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + head, svg, count=1)
    svg = _EMPTY_GROUP.sub(r'\1 aria-hidden="true"></g>', svg)
    return _add_mark_titles(_name_mark_containers(svg))


def chart_to_svg(chart: alt.TopLevelMixin) -> str:
    """Render an altair chart to accessible SVG text (what the notebooks show)."""
    return spec_to_svg(chart.to_dict())


_SVG_TITLE = re.compile(r"<svg\b[^>]*>\s*<title>([^<]*)</title>")
_regions = [0]


FOCUS_CSS = (
    "<style>.trilat-chart:focus-visible,.trilat-table-scroll:focus-visible"
    "{outline:3px solid #1a4f8b;outline-offset:-3px}</style>"
)
"""The course's focus ring (as on widget controls, widgets/_base.py) for the focusable chart and
table boxes, which otherwise get only the browser's thin default ring (links in outputs get
theirs from the page's link guard, ``linkguard``, which makes them). The boxes
fill their output area, whose ``overflow:auto`` would clip a ring drawn outside them, so theirs
is drawn inside. Put after (not in) the box: the save hook rewrites a chart's figure whole."""


def _region_number() -> int:
    """A running number: no two scrolling regions in a notebook share a name (landmark-unique)."""
    _regions[0] += 1
    return _regions[0]


def region_attrs(name: str) -> str:
    """The attributes of a box that scrolls sideways: focusable (arrow keys scroll it; axe
    ``scrollable-region-focusable``), a region named ``name`` (numbered: no two regions share a
    name); the page guard (``linkguard``) keeps keys typed in it from the notebook's shortcuts.

    Every chart and table gets such a box, whatever its width: on a narrow page (a phone, a
    split screen: about 250 px of output at a 400 px page) nearly anything overflows, and where
    the box is read (a static course page, an untrusted notebook) no script of ours can decide
    it later. A tab stop too many on a wide screen is the price of one that works everywhere.
    """
    name = html.escape(f"{name} (region {_region_number()}, scrolls sideways)", quote=True)
    return f' tabindex="0" role="region" aria-label="{name}"'


def _word_cut(text: str, limit: int = 100) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with an ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026"


def figure_html(svg: str) -> str:
    """Accessible SVG in the ``<figure>`` the notebooks and explorers show.

    The chart is drawn at 100% (JupyterLab would shrink a wide SVG to fit, and its text below
    a readable size); where the page is narrower it scrolls sideways in its own focusable box
    (:func:`region_attrs`), named after the chart's title (the full description is the SVG's).
    """
    svg = svg.replace("<svg ", '<svg style="max-width:none;height:auto" ', 1)
    title = _SVG_TITLE.search(svg)
    name = html.unescape(title.group(1)) if title and title.group(1) else "Chart"
    attrs = region_attrs(f"Chart: {_word_cut(name)}")
    style = "margin:0;overflow-x:auto;max-width:100%"
    return f'<figure class="trilat-chart" style="{style}"{attrs}>{svg}</figure>{FOCUS_CSS}'


def _figure_html(spec: dict[str, Any]) -> str:
    return figure_html(spec_to_svg(spec))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_EMPTY_TH = re.compile(r"<th></th>")


def table_html(df: Any) -> str | None:
    """A DataFrame's HTML (pandas' own, no cell or column cut short) in the course's table box.

    The table scrolls sideways in a box that takes keyboard focus (arrow keys scroll it) and
    keeps the notebook's shortcuts out (:func:`region_attrs`). Every column is shown (pandas
    would hide all but 20); long tables keep pandas' own cut, which says how many rows there
    are. The index's empty header cell reads "row" (axe empty-table-header). ``setup()`` makes
    it the notebook's HTML for DataFrames.
    """
    import pandas as pd

    with pd.option_context("display.max_colwidth", None, "display.max_columns", None):
        inner = df._repr_html_()
    if inner is None:
        return None
    head, sep, body = inner.partition("</thead>")
    if sep:
        inner = _EMPTY_TH.sub("<th>row</th>", head) + sep + body
    style = f' data-rows="{len(df)}" style="overflow-x:auto;max-width:100%"'
    rows, cols = df.shape
    name = f"Table, {_plural(rows, 'row')} by {_plural(cols, 'column')}"
    return f'<div class="trilat-table-scroll"{region_attrs(name)}{style}>{inner}</div>{FOCUS_CSS}'


def _register_table_html() -> None:
    try:
        import pandas as pd
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - not in a notebook
        return
    shell = get_ipython()
    if shell is None:
        return
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)


def _renderer(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    """altair renderer: spec -> mimebundle with inline SVG (html) and a plain-text fallback."""
    title = _spec_text(spec, "title") or "Chart"
    desc = chart_description(spec)
    plain = f"<Chart: {title}>" + (f"\n{desc}" if desc else "")
    return {"text/html": _figure_html(spec), "text/plain": plain}


_SLOW_OPTIONAL = "rfc3987_syntax"
"""jsonschema imports this IRI-syntax checker when it is installed; building its grammar takes
about 1.7 s, most of ``import altair``. It only checks strings of format "iri", which the
Vega-Lite schema does not use, so the course imports altair without it."""


def import_altair() -> Any:
    """``import altair``, about 1.7 s faster: without jsonschema's optional IRI checker.

    The module is hidden only while altair (and so jsonschema) is first imported; importing
    ``rfc3987_syntax`` yourself afterwards works as usual.
    """
    if "altair" in sys.modules:
        return sys.modules["altair"]
    hide = _SLOW_OPTIONAL not in sys.modules
    if hide:
        sys.modules[_SLOW_OPTIONAL] = None  # type: ignore[assignment]  # "import" -> ImportError
    try:
        import altair
    finally:
        if hide and sys.modules.get(_SLOW_OPTIONAL, 0) is None:
            del sys.modules[_SLOW_OPTIONAL]
    return altair


_WARM_SPEC = {
    "data": {"values": [{"a": 1}]},
    "mark": "point",
    "encoding": {"x": {"field": "a", "type": "quantitative"}},
}
_warming: list[threading.Thread] = []


WARM_DELAY = 1.5
"""Seconds between a chart drawn from the cache and the converter's warm-up: the warm-up holds
the GIL, and started at once it would hold back the cached chart's own output message."""


def warm_converter(delay: float = 0.0) -> None:
    """Start vl-convert's JavaScript engine in a background thread, once per kernel.

    Its first conversion costs about 0.8 s and holds the GIL all the while (nothing else in the
    kernel runs), so it is started after a chart drawn from the SVG cache, while the student
    reads it -- not by ``setup()``, where it would only delay ``import altair``. Not needed in
    the browser (JupyterLite draws with vega's JavaScript).
    """
    if _warming or in_browser():
        return

    def run() -> None:
        try:
            import vl_convert as vlc

            vlc.vegalite_to_svg(_WARM_SPEC)
        except Exception:  # a failed warm-up only means the first chart pays the start-up
            pass

    thread = threading.Timer(delay, run)
    thread.name, thread.daemon = "trilat-vl-convert-warmup", True
    _warming.append(thread)
    thread.start()


def setup(*, theme: bool = True, quiet: bool = False) -> None:
    """Prepare a notebook: offline SVG chart rendering and the course theme. Safe to call twice.

    Call once at the top of every lesson (``tl.setup()``).
    """
    alt = import_altair()

    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, _renderer)
    alt.renderers.enable(RENDERER_NAME)
    _register_table_html()
    from .linkguard import show_link_guard

    show_link_guard()
    if theme:
        from .theme import enable_theme

        enable_theme()
    if not quiet:
        from ._version import __version__

        print(f"trilat-lessons {__version__} ready: charts draw offline as SVG.")


def is_offline_ready() -> bool:
    """True when altair is set to the offline renderer (what ``setup()`` does)."""
    import altair as alt

    return alt.renderers.active == RENDERER_NAME
