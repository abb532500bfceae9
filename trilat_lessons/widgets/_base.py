"""Shared pieces of the explorers: spec templates, chart → inline SVG HTML, tables, help text."""

from __future__ import annotations

import copy
import html
import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt
    import ipywidgets as w
    import pandas as pd

    from ..charts import ChartParts

CONTROL_STYLE = {"description_width": "initial"}
"""Show each control's full label (ipywidgets truncates long descriptions otherwise)."""


def load_default(df: pd.DataFrame | None, name: str) -> pd.DataFrame:
    """The frame passed in, or the packaged dataset ``name``."""
    if df is not None:
        return df
    from ..datasets import load

    return load(name)


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec in the course theme, whatever altair theme is active."""
    import altair as alt

    from ..theme import THEME_NAME, theme_config

    spec = chart.to_dict(validate=False)
    if alt.theme.active != THEME_NAME:
        spec["config"] = {**theme_config()["config"], **_own_config(chart)}
    return spec


def _own_config(chart: alt.TopLevelMixin) -> dict[str, Any]:
    config = getattr(chart, "config", None)
    if config is None or type(config).__name__ == "UndefinedType":
        return {}
    return config.to_dict(validate=False)


@lru_cache(maxsize=128)
def _svg(spec_json: str) -> str:
    """The chart's ``<figure>`` (render.figure_html), cached per spec."""
    from ..render import figure_html, spec_to_svg

    return figure_html(spec_to_svg(json.loads(spec_json)))


def chart_html(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """A chart (or its Vega-Lite spec) as inline, accessible SVG inside a ``<figure>``.

    This is what the explorers display. Rendering is Vega's own work (vl-convert) and costs
    far more than building the spec, so the explorers update their text first and draw last;
    a spec drawn before (same JSON) comes from a cache.
    """
    spec = chart if isinstance(chart, dict) else chart_spec(chart)
    return _svg(json.dumps(spec, sort_keys=True))


# --- spec templates: build a chart with altair once, then only fill in new values ---------------


class SpecTemplate:
    """The Vega-Lite spec of one chart layout, built once, with named places for new values.

    ``charts.draw(parts, placeholders=True)`` draws the chart with a marker in place of every
    dataset and every slot (title, description, domains, sort orders). The spec altair makes of
    it is kept as a skeleton in which each view's data refers by name to a top-level dataset
    named after its part (``meetings``, ``terms``...), and the path to every slot marker is
    recorded. :meth:`fill` then makes the spec of any parts of the same kind and layout by
    copying the skeleton and setting those places: no altair objects, no copies of charts, no
    schema validation on the way. The result equals ``chart_spec(charts.draw(parts))`` once
    the named datasets are put back inline (tested).
    """

    def __init__(self, parts: ChartParts) -> None:
        from ..charts import draw

        self.kind, self.layout = parts.kind, parts.layout
        spec = chart_spec(draw(parts, placeholders=True))
        self._slots: list[tuple[tuple[Any, ...], str]] = []
        self._renamed: dict[str, str] = {}
        found: set[str] = set()
        for key, rows in spec.pop("datasets", {}).items():  # in case altair consolidated them
            self._renamed[key] = self._marker(rows, parts)
        self._find(spec, (), parts, found)
        self.datasets = sorted(found)
        if found != set(parts.data):
            raise ValueError(
                f"{parts.kind}: drew datasets {sorted(found)}, not {sorted(parts.data)}"
            )
        missing = set(parts.slots) - {name for _, name in self._slots}
        if missing:
            raise ValueError(f"{parts.kind}: slots {sorted(missing)} appear nowhere in the spec")
        self._skeleton = json.dumps(spec)
        self._rows: dict[str, tuple[Any, list[dict[str, Any]]]] = {}  # last frame -> rows

    @staticmethod
    def _marker(rows: Any, parts: ChartParts) -> str:
        from ..charts import DATA_MARK

        if not (isinstance(rows, list) and len(rows) == 1 and isinstance(rows[0], dict)):
            raise ValueError(f"{parts.kind}: a dataset was drawn from data, not a placeholder")
        name = rows[0].get(DATA_MARK)
        if name not in parts.data:
            raise ValueError(f"{parts.kind}: a dataset was drawn from data, not a placeholder")
        return str(name)

    def _find(self, node: Any, path: tuple[Any, ...], parts: ChartParts, found: set[str]) -> None:
        """Record slot paths; point every placeholder dataset at its top-level name."""
        from ..charts import SLOT_MARK

        if isinstance(node, dict) and path and path[-1] == "data":
            if "values" in node:
                name = self._marker(node["values"], parts)
                node.clear()
                node["name"] = name
                found.add(name)
                return
            if node.get("name") in self._renamed:
                node["name"] = self._renamed[node["name"]]
                found.add(node["name"])
                return
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, dict | list):
                self._find(value, (*path, key), parts, found)
            elif isinstance(value, str) and SLOT_MARK in value:
                if not value.startswith(SLOT_MARK):
                    raise ValueError(
                        f"{parts.kind}: slot marker inside a text at {path}: {value!r}"
                    )
                self._slots.append(((*path, key), value.removeprefix(SLOT_MARK)))

    def fill(self, parts: ChartParts) -> dict[str, Any]:
        """The spec of ``parts``: the skeleton with their datasets and slot values."""
        from ..charts import chart_data

        if (parts.kind, parts.layout) != (self.kind, self.layout):
            raise ValueError(f"parts of {parts.kind} {parts.layout} do not fit this template")
        spec = json.loads(self._skeleton)
        for path, name in self._slots:
            node = spec
            for key in path[:-1]:
                node = node[key]
            value = parts.slots[name]
            node[path[-1]] = value if isinstance(value, str) else copy.deepcopy(value)
        datasets = {}
        for name in self.datasets:
            frame = parts.data[name]
            kept = self._rows.get(name)
            if kept is not None and kept[0] is frame:  # the same frame again (reused parts)
                datasets[name] = [dict(row) for row in kept[1]]
                continue
            rows = chart_data(frame)
            self._rows[name] = (frame, rows)
            datasets[name] = [dict(row) for row in rows]
        spec["datasets"] = datasets
        return spec


_TEMPLATES: dict[tuple[Any, ...], SpecTemplate] = {}


def spec_of(parts: ChartParts) -> dict[str, Any]:
    """The themed Vega-Lite spec of ``parts``, filled into a cached :class:`SpecTemplate`.

    The first parts of a kind and layout build the template with altair (about the cost of
    one ordinary chart); every later call only fills it in.
    """
    import altair as alt

    key = (parts.kind, parts.layout, alt.theme.active)
    template = _TEMPLATES.get(key)
    if template is None:
        if len(_TEMPLATES) >= 64:
            _TEMPLATES.clear()
        template = _TEMPLATES[key] = SpecTemplate(parts)
    return template.fill(parts)


def chart_from_spec(spec: dict[str, Any]) -> alt.TopLevelMixin:
    """An altair chart of a Vega-Lite spec (for ``explorer.chart``: display, save, change).

    Not validated here (``chart.to_dict()`` validates it, as for any altair chart).
    """
    import altair as alt

    kinds = {
        "vconcat": alt.VConcatChart,
        "hconcat": alt.HConcatChart,
        "concat": alt.ConcatChart,
        "layer": alt.LayerChart,
        "facet": alt.FacetChart,
        "repeat": alt.RepeatChart,
    }
    cls: Any = next((c for key, c in kinds.items() if key in spec), alt.Chart)
    return cls.from_dict(copy.deepcopy(spec), validate=False)


KEYBOARD_HELP = (
    "Keyboard: Tab moves to a control; a dropdown changes with the arrow keys (or opens with"
    " Space or Alt+↓); sliders move with the arrow keys. Keys typed here stay in the explorer"
    " (Shift+Enter still runs the cell): Tab out of it before other notebook shortcuts."
)
"""One line of help under each explorer's heading."""

WIDGET_ROOTS = ".trilat-explorer, .trilat-quiz"
"""CSS selector of the course widgets' outer boxes (what :func:`page_helper` works on)."""

# Runs in the page when an explorer or quiz is drawn (the load handler of an empty <style>, so no
# network and no notebook trust is needed: ipywidgets draws an HTML widget's value as it is; a
# sanitizer drops a <style> whole, leaving nothing behind). It names the widget's radio groups,
# slider handles and value fields after their labels, makes the feedback a live region, and
# marks the box ``data-trilat-helped``. A MutationObserver repeats this when ipywidgets redraws a
# part. The page guard (``linkguard``, labextension/static/guard.js) does what every output
# needs: it keeps typed keys from the notebook's shortcuts and gives a scrolling part (an
# explorer's chart or table too) a named tab stop.
_HELPER_JS = """(function (carrier) {
  var tries = 0;
  function name(el) {
    var l = el && el.querySelector('.widget-label');
    return l ? l.textContent.trim() : '';
  }
  function fix(root) {
    // a quiz: its options form a group named by the question; its feedback box is a live
    // region from the start (only its text changes), so a screen reader reads each verdict
    // (an explorer's radio group is named by its own label: "How", "U.S.–Japan"...)
    var q = root.querySelector('.trilat-question');
    root.querySelectorAll('.widget-radio-box, .trilat-choices').forEach(function (g) {
      var role = g.classList.contains('widget-radio-box') ? 'radiogroup' : 'group';
      if (g.getAttribute('role') !== role) g.setAttribute('role', role);
      if (q && q.id) {
        if (!g.hasAttribute('aria-labelledby')) g.setAttribute('aria-labelledby', q.id);
      } else {
        var own = name(g.parentElement);
        if (own && g.getAttribute('aria-label') !== own) g.setAttribute('aria-label', own);
      }
    });
    root.querySelectorAll('.trilat-feedback').forEach(function (f) {
      if (f.getAttribute('role') !== 'status') {
        f.setAttribute('role', 'status');
        f.setAttribute('aria-live', 'polite');
      }
    });
    root.querySelectorAll('.noUi-handle').forEach(function (h) {
      var box = h.closest('.widget-slider, .jupyter-widget-slider, .widget-hslider');
      var label = name(box) || 'Slider';
      var target = h.closest('.noUi-target');
      if (target && target.querySelectorAll('.noUi-handle').length > 1) {
        label += h.classList.contains('noUi-handle-upper') ? ' (to)' : ' (from)';
      }
      if (h.getAttribute('aria-label') !== label) h.setAttribute('aria-label', label);
    });
    // a slider's readout is a text field (type a value, then Enter): name it after its slider
    root.querySelectorAll('.widget-readout[contenteditable="true"]').forEach(function (r) {
      var label = (name(r.closest('.widget-slider, .jupyter-widget-slider, .widget-hslider'))
        || 'Slider') + ': value (type one, then Enter)';
      if (r.getAttribute('aria-label') !== label) {
        r.setAttribute('role', 'textbox');
        r.setAttribute('aria-label', label);
      }
    });
    root.setAttribute('data-trilat-helped', 'true');
  }
  function go() {
    var root = carrier.closest('WIDGET_ROOTS');
    if (!root) { if (tries++ < 200) setTimeout(go, 50); return; }
    carrier.remove();
    fix(root);
    if (!root.__trilatObserved) {
      root.__trilatObserved = true;
      var pending = false;
      new MutationObserver(function () {
        if (pending) return;
        pending = true;
        requestAnimationFrame(function () { pending = false; fix(root); });
      }).observe(root, {childList: true, subtree: true});
      window.addEventListener('resize', function () { fix(root); });
    }
  }
  go();
})(this)""".replace("WIDGET_ROOTS", WIDGET_ROOTS)

_HELPER_CSS = """
.trilat-explorer :focus-visible, .trilat-quiz :focus-visible,
.trilat-explorer .noUi-handle:focus, .trilat-quiz input:focus {
  outline: 3px solid #1a4f8b !important; outline-offset: 2px !important;
}
.trilat-quiz .widget-radio-box label {
  height: auto !important; line-height: 1.35 !important; white-space: normal !important;
  display: flex !important; align-items: flex-start; gap: 0.4em; margin: 0.2em 0 !important;
  overflow-wrap: anywhere;
}
.trilat-quiz .widget-radio-box label input {
  order: -1; flex: none; float: none !important; margin: 0.2em 0 0 1px !important;
}
.trilat-quiz .widget-radio-box { flex: 1 1 auto; min-width: 0; }
.trilat-quiz .widget-radio { width: auto !important; max-width: 100%; }
.trilat-quiz .widget-checkbox { height: auto !important; }
.trilat-quiz .widget-checkbox label {
  white-space: normal !important; line-height: 1.35 !important;
}
.trilat-explorer .widget-radio { width: auto !important; max-width: 100%; }
.trilat-explorer .widget-radio-box { flex: 1 1 auto; min-width: 0; }
.trilat-explorer .widget-radio-box-horizontal {
  flex-wrap: wrap !important; column-gap: 1.2em; align-items: flex-start;
}
.trilat-explorer .widget-radio-box label {
  width: auto !important; white-space: normal !important; height: auto !important;
  line-height: 1.35 !important; display: flex !important; align-items: flex-start; gap: 0.4em;
}
.trilat-explorer .widget-radio-box label input {
  order: -1; flex: none; float: none !important; margin: 0.2em 0 0 1px !important;
}
.trilat-explorer .widget-dropdown {
  width: auto !important; max-width: 100%; align-self: flex-start; min-width: min(16em, 100%);
}
.trilat-explorer .widget-dropdown select {
  width: auto !important; max-width: 100%; min-width: 10em; flex: 1 1 auto;
}
.trilat-explorer .widget-hbox { flex-wrap: wrap; row-gap: 0.3em; }
.trilat-explorer .widget-toggle-buttons .widget-toggle-button {
  width: auto !important; min-width: 6em; padding: 0 0.8em; overflow: visible; text-overflow: clip;
}
.trilat-explorer .widget-label, .trilat-quiz .widget-label {
  overflow: visible; text-overflow: clip;
}
"""


def page_helper() -> str:
    """HTML for one course widget: its style, the small script that names its controls (see
    ``_HELPER_JS``), and the page guard (``linkguard.link_guard_html``: keys typed in any output
    stay out of the notebook's shortcuts). Put it in one HTML part of the widget."""
    from ..linkguard import link_guard_html

    return (
        f"<style>{_HELPER_CSS}</style>"
        f'<style onload="{html.escape(_HELPER_JS, quote=True)}"></style>' + link_guard_html()
    )


FALLBACK_CLASS = "trilat-widget-fallback"
"""Marks the static fallback of a course widget (the save hook in ``labhooks`` looks for it)."""


def fallback_bundle(
    bundle: dict[str, Any] | None, what: str, snapshot: str = ""
) -> dict[str, Any] | None:
    """Add a static text/html and text/plain fallback to a widget's display bundle.

    JupyterLab draws the widget view while its kernel runs; a saved notebook keeps only the
    fallback (``trilat_lessons.labhooks``), so a reopened lesson says what to do instead of
    "Error displaying widget: model not found".
    """
    if not bundle:
        return bundle
    text = f"{what}: run this cell to start it (interactive parts need a running kernel)."
    bundle = dict(bundle)
    bundle["text/plain"] = text
    bundle["text/html"] = (
        f'<p class="{FALLBACK_CLASS}" style="border:1px solid #767676;padding:0.4em 0.6em">'
        f"<b>{html.escape(what)}</b>: run this cell (Shift+Enter) to start it. Its controls"
        " need a running kernel, so they are not saved with the notebook.</p>"
    )
    if snapshot:  # a static picture of the first state (widgets/snapshot.py) below the line
        bundle["text/html"] = f'<div class="{FALLBACK_CLASS}">{bundle["text/html"]}{snapshot}</div>'
    return bundle


class StaticFallback:
    """Mixin for course widgets: their display carries a static fallback (``fallback_bundle``)."""

    fallback_name = "Interactive explorer"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        from .snapshot import snapshot_html

        return fallback_bundle(bundle, self.fallback_name, snapshot_html(self, page_helper()))


def heading(text_html: str) -> w.HTML:
    """An explorer's heading (trusted HTML) with the keyboard help line below it."""
    import ipywidgets as w

    return w.HTML(
        f"{text_html}<br><span class='trilat-help' style='font-size:12px'>"
        f"{html.escape(KEYBOARD_HELP)}</span>" + page_helper()
    )


class ChartExplorer(StaticFallback):
    """What the explorers share: the chart kept as a Vega-Lite spec, drawn after the text.

    ``refresh()`` runs ``_update()`` (selection, sentences, tables, and ``spec`` filled into a
    template: cheap) and then ``_draw()`` (the SVG, which costs Vega's rendering time), so the
    sentences and tables reach the page before the picture. ``chart`` gives the altair chart of
    the current spec, made when first asked for.
    """

    chart_view: w.HTML
    spec: dict[str, Any] | None = None
    _chart: tuple[dict[str, Any], Any] | None = None

    @property
    def chart(self) -> alt.TopLevelMixin | None:
        """The current chart as an altair object (``.to_dict()``, ``.save()``, display)."""
        if self.spec is None:
            return None
        if self._chart is None or self._chart[0] is not self.spec:
            self._chart = (self.spec, chart_from_spec(self.spec))
        return self._chart[1]

    def refresh(self) -> None:
        """Recompute the data, sentences and spec, then redraw the chart."""
        self._update()
        self._draw()

    def _update(self) -> None:  # pragma: no cover - each explorer defines it
        raise NotImplementedError

    def _draw(self) -> None:
        """Render the current spec to inline SVG (Vega's own work; cached per spec)."""
        if self.spec is not None:
            self.chart_view.value = chart_html(self.spec)


def table_html(df: pd.DataFrame, caption: str, *, index: bool = True) -> str:
    """A small DataFrame as an HTML table with a caption (screen readers announce it)."""
    body = df.to_html(index=index, border=0, classes="trilat-table", na_rep="")
    caption_html = (
        f"<caption style='text-align:left;font-weight:bold'>{html.escape(caption)}</caption>"
    )
    body = re.sub(
        r"<table\b[^>]*>",
        lambda m: (
            '<table class="dataframe trilat-table" style="border-collapse:collapse">' + caption_html
        ),
        body,
        count=1,
    )
    return body


def paragraph(text: str, *, role: str | None = "status") -> str:
    """Text as an HTML paragraph; ``role=status`` makes screen readers announce updates."""
    attr = f' role="{role}" aria-live="polite"' if role else ""
    return f"<p{attr}>{html.escape(text)}</p>"
