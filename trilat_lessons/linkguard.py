"""The page's link guard: one small script that keeps every link in a notebook's outputs away
from JupyterLab's single-key notebook shortcuts (``tl.setup()`` and every course widget put it
on the page; the links a student's own ``print()`` of a web address makes are covered too)."""

from __future__ import annotations

import html

# Runs once per page (the load handler of an empty <style>: no network, and no notebook trust
# beyond a freshly run output's; JupyterLab's sanitizer drops a <style> whole, so an untrusted
# notebook shows nothing of it): watches the page and marks every link in any
# cell's output -- the <a> JupyterLab makes of a web address a student prints, a link in a
# pandas table -- with data-lm-suppress-shortcuts, so letters typed on a focused link never
# reach the notebook's single-key shortcuts (``a`` inserts a cell, ``d d`` deletes one). It is
# the one home of a link's focus ring (the course's 3 px ring); a printed link sits in a <pre>
# that clips an outline, so its focus shows as a filled highlight.
# Course web addresses come as text (sources.URL_CLASS) and become links here, so a sanitized
# (untrusted) notebook, where this cannot run, has no link at all to leak keys.
# Where JupyterLab runs without the save hook (labhooks), a reopened notebook's widgets say
# "Error displaying widget: model not found": the guard puts what to do in its place.
_LINK_GUARD_JS = """(function (carrier) {
  carrier.remove();
  if (window.__trilatLinkGuard) return;
  window.__trilatLinkGuard = true;
  var style = document.createElement('style');
  style.textContent = '.jp-OutputArea-output a[data-lm-suppress-shortcuts]:focus-visible'
    + '{outline:3px solid #1a4f8b;outline-offset:2px}'
    + '.jp-OutputArea-output pre a[data-lm-suppress-shortcuts]:focus-visible'
    + '{outline:none;background:#1a4f8b;color:#fff}';
  document.head.appendChild(style);
  var sel = '.jp-OutputArea-output a[href]:not([data-lm-suppress-shortcuts])';
  var lost = 'Error displaying widget: model not found';
  var note = 'This quiz or explorer works while its notebook runs: run this cell again'
    + ' (Shift+Enter) to use it.';
  function mark() {
    document.querySelectorAll('.jp-OutputArea-output span.trilat-url').forEach(function (s) {
      var url = s.textContent;
      if (url.indexOf('http://') !== 0 && url.indexOf('https://') !== 0) return;
      var a = document.createElement('a');
      a.href = url; a.target = '_blank'; a.rel = 'noopener'; a.textContent = url;
      a.setAttribute('data-lm-suppress-shortcuts', 'true');
      s.replaceWith(a);
    });
    document.querySelectorAll(sel).forEach(function (a) {
      a.setAttribute('data-lm-suppress-shortcuts', 'true');
    });
    document.querySelectorAll('.jp-OutputArea-output').forEach(function (o) {
      if (o.childElementCount === 0 && o.textContent.trim() === lost) o.textContent = note;
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; mark(); });
  }).observe(document.body, {childList: true, subtree: true});
  mark();
})(this)"""


def link_guard_html() -> str:
    """An empty ``<style>`` whose load handler keeps links in every output of the page away from the
    notebook's shortcuts (see ``_LINK_GUARD_JS``); ``render.setup()`` shows it, and so does every
    course widget (``widgets._base.page_helper``). Harmless where it cannot run."""
    return f'<style onload="{html.escape(_LINK_GUARD_JS, quote=True)}"></style>'


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
