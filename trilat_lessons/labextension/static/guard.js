/* trilat-lessons page guard: the one home of what the course does to a notebook page so that a
 * keyboard user cannot lose a cell and can reach every part of an output.
 *
 * It runs once per page, from either of two places:
 *   - the course's JupyterLab extension (remoteEntry.js beside this file), on every notebook
 *     whatever its trust: a reopened, untrusted notebook's sanitized outputs are covered too;
 *   - the page helper a course output carries (trilat_lessons/linkguard.py), for a JupyterLab
 *     without the extension (a hub whose server has another environment, JupyterLite).
 *
 * 1. Keys. A key pressed on anything in a cell's output, or on a link or other control in a
 *    lesson's prose, stays there unless it is one the student needs from JupyterLab there:
 *    Shift/Ctrl/Alt+Enter (run the cell), Escape, Tab, and Ctrl/Cmd/Alt shortcuts such as
 *    Ctrl+S (save) or the command palette. Letters, digits, Enter, Space, arrows and the
 *    Ctrl/Cmd editing keys (A, C, V, X, Y, Z, Backspace, Delete, arrows: select, copy, merge or
 *    move cells) never reach the notebook, so "a", "d d", "x", "m" cannot insert, delete, cut or
 *    change a cell. It works by stopping those keys' keydown at <body>, below the document where
 *    JupyterLab 4 listens (it starts with bubblingKeydown). Unlike data-lm-suppress-shortcuts,
 *    which silences every shortcut, it leaves running and saving to work from any control.
 * 2. Course web addresses stored as text (<span class="trilat-url">) become links.
 * 3. A part of an output that scrolls (a wide table, a chart, a whole output area in a narrow
 *    column) and holds nothing focusable gets a named tab stop, so the arrow keys can scroll it
 *    (axe scrollable-region-focusable): the sanitizer removes the course boxes' own.
 * 4. "Error displaying widget: model not found" (a reopened notebook whose widgets' state was
 *    not saved) becomes what to do: run the cell again.
 * Focus rings: 3 px, course blue, drawn inside a box (an output clips what is outside); a link in
 * a <pre> (which clips an outline) is filled instead.
 */
(function () {
  if (window.__trilatLinkGuard) return;
  window.__trilatLinkGuard = true;
  var ADDED = 'data-trilat-tabstop';
  var OUTPUT = '.jp-OutputArea-output';
  var PROSE = '.jp-Cell .jp-RenderedMarkdown';
  var FOCUSABLE = 'a[href], select, input, button, textarea, summary, audio[controls], '
    + 'video[controls], iframe, [tabindex]:not([tabindex^="-"]), '
    + '[contenteditable]:not([contenteditable="false"])';
  var LOST = 'Error displaying widget: model not found';
  var NOTE = 'This widget (a quiz, an explorer or another control) works while its notebook'
    + ' runs: run this cell again (Shift+Enter) to use it.';
  var EDITING = /^(a|c|v|x|y|z|backspace|delete|arrowup|arrowdown|arrowleft|arrowright|home|end)$/i;

  // -- 1. keys ---------------------------------------------------------------------------
  // true: the key stays with the focused part of an output or of the prose
  function stays(e) {
    if (e.key === 'Escape' || e.key === 'Tab') return false;
    var mod = e.ctrlKey || e.metaKey || e.altKey;
    if (e.key === 'Enter') return !(mod || e.shiftKey);  // Shift/Ctrl/Alt+Enter run the cell
    if (!mod) return true;  // letters, digits, Space, arrows, Enter, with or without Shift
    return EDITING.test(e.key);
  }
  function inCellContent(t) {
    return !!(t && t.closest && (t.closest(OUTPUT) || t.closest(PROSE)));
  }
  document.body.addEventListener('keydown', function (e) {
    if (inCellContent(e.target) && stays(e)) e.stopPropagation();
  });

  var style = document.createElement('style');
  style.textContent = OUTPUT + ' a:focus-visible,' + PROSE + ' a:focus-visible'
    + '{outline:3px solid #1a4f8b;outline-offset:2px}'
    + '[' + ADDED + ']:focus-visible{outline:3px solid #1a4f8b;outline-offset:-3px}'
    + OUTPUT + ' pre a:focus-visible{outline:none;background:#1a4f8b;color:#fff}';
  document.head.appendChild(style);

  // -- 2. course addresses ------------------------------------------------------------------
  function linkAddresses() {
    document.querySelectorAll(OUTPUT + ' span.trilat-url').forEach(function (s) {
      var url = s.textContent;
      if (url.indexOf('http://') !== 0 && url.indexOf('https://') !== 0) return;
      var a = document.createElement('a');
      a.href = url; a.target = '_blank'; a.rel = 'noopener'; a.textContent = url;
      s.replaceWith(a);
    });
  }

  // -- 3. tab stops for scrolling parts ------------------------------------------------------
  // An element that scrolls: overflow auto/scroll on an axis where its content is larger.
  function scrolls(e) {
    var wide = e.scrollWidth > e.clientWidth + 1, tall = e.scrollHeight > e.clientHeight + 1;
    if (!wide && !tall) return false;
    var s = getComputedStyle(e), auto = ['auto', 'scroll'];
    return (wide && auto.indexOf(s.overflowX) >= 0) || (tall && auto.indexOf(s.overflowY) >= 0);
  }
  // What a screen reader announces for a stop: what the part shows (a table's caption, a
  // chart's name, an image's text, a heading), else its kind.
  function regionName(e) {
    var what = '';
    var named = e.querySelector('caption, figcaption, svg[aria-label], img[alt], [aria-label]');
    if (named) what = named.getAttribute('aria-label') || named.getAttribute('alt') || '';
    if (!what && named) what = named.textContent;
    if (!what) {
      var head = e.querySelector('h1, h2, h3, h4, h5, h6, th');
      if (head) what = head.textContent;
    }
    what = (what || '').replace(/\s+/g, ' ').trim();
    if (what.length > 80) what = what.slice(0, 79).replace(/\s+\S*$/, '') + '\u2026';
    var kind = e.querySelector('table') ? 'Table' : e.querySelector('svg, img') ? 'Chart'
      : 'Output';
    return (what ? kind + ': ' + what : kind) + ' (scrolls)';
  }
  function tabStops(out) {
    var boxes = [out].concat(Array.prototype.slice.call(
      out.querySelectorAll('div, figure, pre, section, table')));
    boxes.forEach(function (e) {
      var added = e.hasAttribute(ADDED);
      if (!scrolls(e)) {
        // it fits again: take back what we gave it (not while it has the focus: that would drop
        // the student's place on the page)
        if (added && !e.contains(document.activeElement)) {
          e.getAttribute(ADDED).split(' ').forEach(function (a) { e.removeAttribute(a); });
          e.removeAttribute(ADDED);
        }
        return;
      }
      if (added || e.matches(FOCUSABLE) || e.querySelector(FOCUSABLE)) return;
      var gave = ['tabindex'];
      e.setAttribute('tabindex', '0');
      if (!e.hasAttribute('role')) { e.setAttribute('role', 'region'); gave.push('role'); }
      if (!e.hasAttribute('aria-label')) {
        e.setAttribute('aria-label', regionName(e));
        gave.push('aria-label');
      }
      e.setAttribute(ADDED, gave.join(' '));
    });
  }

  // -- 4. widgets whose state was not saved --------------------------------------------------
  function explainLostWidget(o) {
    if (o.childElementCount === 0 && o.textContent.trim() === LOST) o.textContent = NOTE;
  }

  // One pass per animation frame over the outputs that changed (all of them after a resize).
  var dirty = new Set(), all = true, pending = false;
  function pass() {
    pending = false;
    linkAddresses();
    var outs = all ? Array.prototype.slice.call(document.querySelectorAll(OUTPUT))
      : Array.from(dirty);
    all = false;
    dirty.clear();
    outs.forEach(function (o) {
      if (!o.isConnected) return;
      explainLostWidget(o);
      tabStops(o);
    });
    watchPanels();
  }
  function soon() {
    if (!pending) { pending = true; requestAnimationFrame(pass); }
  }
  new MutationObserver(function (records) {
    records.forEach(function (r) {
      var el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      var out = el && el.closest(OUTPUT);
      if (out) {
        dirty.add(out);
      } else if (el) {  // outputs added whole (a cell run, a notebook opened)
        r.addedNodes.forEach(function (n) {
          if (n.nodeType !== 1) return;
          if (n.matches(OUTPUT)) dirty.add(n);
          n.querySelectorAll(OUTPUT).forEach(function (o) { dirty.add(o); });
        });
      }
    });
    if (dirty.size) soon();
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
  // a narrower column (a resized window, the file browser opened) can make an output scroll
  var resized = window.ResizeObserver ? new ResizeObserver(function () { all = true; soon(); })
    : null;
  var watched = new WeakSet();
  function watchPanels() {
    if (!resized) return;
    document.querySelectorAll('.jp-NotebookPanel').forEach(function (p) {
      if (!watched.has(p)) { watched.add(p); resized.observe(p); }
    });
  }
  window.addEventListener('resize', function () { all = true; soon(); });
  pass();
})();
