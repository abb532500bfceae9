"""A static picture of a course widget's current state, as HTML, for places with no kernel.

A widget's view needs a running kernel. Where there is none (the course website, a saved
notebook reopened later, nbconvert) the display shows the widget's ``text/html`` fallback
instead; :func:`snapshot_html` makes that fallback show what the widget looked like when it was
drawn: its headings, sentences, tables and chart (the same HTML its parts carry), and each
control as plain text ("Country: All") rather than a dead control. Only visible parts are
shown; buttons and output areas are left out (they do nothing without a kernel).
"""

from __future__ import annotations

import html
import re
from typing import Any

_LIVE_ONLY = re.compile(r"(<br>)?<span class='trilat-help'[^>]*>.*?</span>", re.S)
"""The keyboard help line under an explorer's heading: about live controls, so left out."""

SNAPSHOT_CLASS = "trilat-widget-snapshot"
"""Class of the ``<div>`` that holds a widget's static picture."""


def _hidden(widget: Any) -> bool:
    layout = getattr(widget, "layout", None)
    return getattr(layout, "display", None) == "none" or (
        getattr(layout, "visibility", None) == "hidden"
    )


def _label(widget: Any) -> str:
    return html.escape(str(getattr(widget, "description", "") or "").strip().rstrip(":"))


def _control(label: str, value: str) -> str:
    head = f"<b>{label}:</b> " if label else ""
    return f'<p class="trilat-snapshot-control">{head}{html.escape(value)}</p>'


def _value_text(value: Any) -> str:
    if value is None or value == ():
        return "(none chosen)"
    if isinstance(value, tuple | list):
        return " to ".join(str(v) for v in value) if len(value) == 2 else ", ".join(map(str, value))
    return str(value)


def _part(widget: Any, strip: str) -> str:
    """The static HTML of one widget and its children ("" for what has no static form)."""
    import ipywidgets as w

    if _hidden(widget):
        return ""
    if isinstance(widget, w.HTML | w.HTMLMath):
        value = _LIVE_ONLY.sub("", str(widget.value or "").replace(strip, ""))
        return value if value.strip() else ""
    if isinstance(widget, w.Label):
        return f"<p>{html.escape(str(widget.value))}</p>" if widget.value else ""
    if isinstance(widget, w.RadioButtons):
        items = "".join(f"<li>{html.escape(str(o))}</li>" for o in widget.options)
        chosen = "" if widget.value is None else _control("Chosen", str(widget.value))
        return f"<ul>{items}</ul>{chosen}"
    if isinstance(widget, w.Checkbox):
        return f"<p>{_label(widget)} ({'chosen' if widget.value else 'not chosen'})</p>"
    if isinstance(widget, w.Box):
        inner = "".join(_part(child, strip) for child in widget.children)
        return f"<div>{inner}</div>" if inner else ""
    if isinstance(widget, w.Button | w.Output):
        return ""
    if hasattr(widget, "value") and hasattr(widget, "description"):  # selections, sliders, text
        return _control(_label(widget), _value_text(widget.value))
    return ""


def snapshot_html(widget: Any, helper: str = "") -> str:
    """The widget as it is now, as static HTML in a ``<div class="trilat-widget-snapshot">``.

    "" when nothing of it has a static form (then the fallback is only the "run this cell"
    line). ``helper``, the course widgets' page helper (an inline script for the live view,
    ``_base.page_helper()``: passed in, so this module never imports ``_base``), is left out.
    """
    try:
        inner = _part(widget, helper)
    except Exception:  # a picture is a nicety: never let it break displaying the widget
        return ""
    if not inner:
        return ""
    note = "<p><em>As it first appeared (a picture: its controls do not work here):</em></p>"
    return f'<div class="{SNAPSHOT_CLASS}">{note}{inner}</div>'
