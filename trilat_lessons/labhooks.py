"""JupyterLab server hooks: a Jupyter server extension that every ``jupyter lab`` in the
environment loads (the package installs ``etc/jupyter/jupyter_server_config.d/trilat_lessons.json``
enabling it), so Binder, JupyterHub and a plain ``jupyter lab`` run the save hook too, not only
``make lab`` (which also names it with ``--ContentsManager.pre_save_hook``).

``pre_save``: a widget's view can only be drawn while its kernel holds the widget; a notebook
reopened later shows "Error displaying widget: model not found". The course's widgets put a
static ``text/html`` fallback ("Run this cell to start the explorer") beside their view, so on
save we drop the view from those outputs: a reopened notebook shows the fallback instead.

It also turns the course's links in stored HTML outputs (source lists) into plain text: a
notebook reopened untrusted is sanitized by JupyterLab, which drops the attribute that keeps keys
typed on a link away from the notebook's shortcuts (``a`` would insert a cell, ``d d`` delete
one). Running the cell again brings the links back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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


def pre_save(model: dict[str, Any], **_: Any) -> None:
    """``ContentsManager.pre_save_hook``: keep only static fallbacks of course widgets on disk,
    and no course link that a sanitized (untrusted) reopening would leave open to shortcuts."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        strip_widget_views(model["content"])
        unlink_course_links(model["content"])


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
