/* trilat-lessons page guard: the one home of what the course does to a notebook page so that a
 * keyboard user cannot lose a cell and can reach every part of an output.
 *
 * It runs once per page, from either of two places:
 *   - the course's JupyterLab extension (remoteEntry.js beside this file), on every notebook
 *     whatever its trust: a reopened, untrusted notebook's sanitized outputs are covered too;
 *   - the page helper a course output carries (trilat_lessons/linkguard.py), for a JupyterLab
 *     without the extension (a hub whose server has another environment, JupyterLite).
 *
 * What it does, on every change to the page (batched to one pass per animation frame):
 *   1. Course web addresses stored as text (<span class="trilat-url">) become links.
 *   2. Every focusable part of a cell -- a link in an output or in the lesson's prose, a widget's
 *      control -- gets data-lm-suppress-shortcuts, so letters typed there never reach
 *      JupyterLab's single-key notebook shortcuts ("a" inserts a cell, "d d" deletes one).
 *   3. A part of an output that scrolls (a wide table, a chart, a whole output area in a narrow
 *      column) and holds nothing focusable gets a tab stop, so the arrow keys can scroll it
 *      (axe scrollable-region-focusable); the sanitizer removes the course boxes' own.
 *   4. "Error displaying widget: model not found" (a reopened notebook whose widgets' state
 *      was not saved) becomes what to do: run the cell again.
 * Focus rings: 3 px, course blue; a link in a <pre> (which clips an outline) is filled instead.
 */
(function () {
  if (window.__trilatLinkGuard) return;
  window.__trilatLinkGuard = true;
  var SUPPRESS = 'data-lm-suppress-shortcuts';
  var ADDED = 'data-trilat-tabstop';
  var OUTPUT = '.jp-OutputArea-output';
  var FOCUSABLE = 'a[href], select, input, button, textarea, [tabindex]:not([tabindex^="-"]), '
    + '[contenteditable]:not([contenteditable="false"])';
  // focusable parts of a cell: anything in an output; links in rendered prose (markdown)
  var IN_CELLS = FOCUSABLE.split(', ').map(function (f) { return OUTPUT + ' ' + f; })
    .concat(['.jp-Cell .jp-RenderedMarkdown a[href]']).join(', ');
  var LOST = 'Error displaying widget: model not found';
  var NOTE = 'This quiz or explorer works while its notebook runs: run this cell again'
    + ' (Shift+Enter) to use it.';

  var style = document.createElement('style');
  style.textContent = OUTPUT + ' a[' + SUPPRESS + ']:focus-visible,'
    + '.jp-RenderedMarkdown a[' + SUPPRESS + ']:focus-visible,'
    + '[' + ADDED + ']:focus-visible'
    + '{outline:3px solid #1a4f8b;outline-offset:2px}'
    + OUTPUT + ' pre a[' + SUPPRESS + ']:focus-visible'
    + '{outline:none;background:#1a4f8b;color:#fff}';
  document.head.appendChild(style);

  function linkAddresses() {
    document.querySelectorAll(OUTPUT + ' span.trilat-url').forEach(function (s) {
      var url = s.textContent;
      if (url.indexOf('http://') !== 0 && url.indexOf('https://') !== 0) return;
      var a = document.createElement('a');
      a.href = url; a.target = '_blank'; a.rel = 'noopener'; a.textContent = url;
      s.replaceWith(a);
    });
  }

  function suppress() {
    document.querySelectorAll(IN_CELLS).forEach(function (e) {
      if (!e.hasAttribute(SUPPRESS)) e.setAttribute(SUPPRESS, 'true');
    });
  }

  // An element that scrolls: overflow auto/scroll on an axis where its content is larger.
  function scrolls(e) {
    var wide = e.scrollWidth > e.clientWidth + 1, tall = e.scrollHeight > e.clientHeight + 1;
    if (!wide && !tall) return false;
    var s = getComputedStyle(e), auto = ['auto', 'scroll'];
    return (wide && auto.indexOf(s.overflowX) >= 0) || (tall && auto.indexOf(s.overflowY) >= 0);
  }

  function tabStops() {
    document.querySelectorAll(OUTPUT).forEach(function (out) {
      var boxes = [out].concat(Array.prototype.slice.call(
        out.querySelectorAll('div, figure, pre, section, table')));
      boxes.forEach(function (e) {
        var added = e.hasAttribute(ADDED);
        if (!scrolls(e)) {
          if (added) {  // it fits again: take back what we gave it
            e.getAttribute(ADDED).split(' ').forEach(function (a) { e.removeAttribute(a); });
            e.removeAttribute(ADDED);
          }
          return;
        }
        if (added || e.matches(FOCUSABLE) || e.querySelector(FOCUSABLE)) return;
        var gave = ['tabindex', SUPPRESS];
        e.setAttribute('tabindex', '0');
        e.setAttribute(SUPPRESS, 'true');
        if (!e.hasAttribute('role')) { e.setAttribute('role', 'region'); gave.push('role'); }
        if (!e.hasAttribute('aria-label')) {
          e.setAttribute('aria-label', 'Output (scrolls)');
          gave.push('aria-label');
        }
        e.setAttribute(ADDED, gave.join(' '));
      });
    });
  }

  function explainLostWidgets() {
    document.querySelectorAll(OUTPUT).forEach(function (o) {
      if (o.childElementCount === 0 && o.textContent.trim() === LOST) o.textContent = NOTE;
    });
  }

  function pass() {
    watchPanels();
    linkAddresses();
    explainLostWidgets();
    suppress();
    tabStops();
  }

  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; pass(); });
  }
  new MutationObserver(soon).observe(document.body, {childList: true, subtree: true});
  // a narrower column (a resized window, the file browser opened) can make an output scroll
  var resized = window.ResizeObserver ? new ResizeObserver(soon) : null;
  var watched = new WeakSet();
  function watchPanels() {
    if (!resized) return;
    document.querySelectorAll('.jp-NotebookPanel').forEach(function (p) {
      if (!watched.has(p)) { watched.add(p); resized.observe(p); }
    });
  }
  window.addEventListener('resize', soon);
  pass();
})();
