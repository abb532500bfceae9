"""The page guard in a course output: the script ``labextension/static/guard.js`` (its one home),
put on the page by ``tl.setup()`` and by every course widget, for a JupyterLab that does not run
the course's extension (which loads the same file for every notebook, trusted or not)."""

from __future__ import annotations

import html
from functools import cache
from importlib import resources


@cache
def guard_js() -> str:
    """The page guard's code, without its comments and indentation (it rides in every output
    that carries it)."""
    text = resources.files(__package__).joinpath("labextension/static/guard.js").read_text("utf-8")
    lines = (line.strip() for line in text[text.index("*/") + 2 :].splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def link_guard_html() -> str:
    """An empty ``<style>`` whose load handler runs the page guard once per page (no network, no
    trust beyond a freshly run output's; JupyterLab's sanitizer drops a ``<style>`` whole, so an
    untrusted notebook shows nothing of it); ``render.setup()`` shows it, and so does every
    course widget (``widgets._base.page_helper``). Harmless where it cannot run."""
    return f'<style onload="{html.escape("this.remove();" + guard_js(), quote=True)}"></style>'


def show_link_guard() -> None:
    """Put :func:`link_guard_html` on the page when running in a notebook kernel."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - not in a notebook
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return
    display({"text/html": link_guard_html()}, raw=True)
