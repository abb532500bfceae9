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
 *    Ctrl+S (save) or Ctrl+Shift+C (the command palette). Letters, digits, Enter, Space, arrows
 *    and the Ctrl/Cmd editing keys (A, C, V, X, Y, Z; Backspace, Delete, arrows, Home, End with
 *    any modifier; Ctrl+Shift+M: select, copy, paste, merge or move cells) never reach the
 *    notebook, so "a", "d d", "x", "m" cannot insert, delete, cut or change a cell. It works by stopping those keys' keydown at <body>, below the document where
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
  var EDIT_KEYS = /^(Backspace|Delete|ArrowUp|ArrowDown|ArrowLeft|ArrowRight|Home|End)$/;
  var EDIT_LETTERS = /^[acvxyz]$/i;

  // -- 1. keys ---------------------------------------------------------------------------
  // true: the key stays with the focused part of an output or of the prose
  function stays(e) {
    if (e.key === 'Escape' || e.key === 'Tab') return false;
    var mod = e.ctrlKey || e.metaKey || e.altKey;
    if (e.key === 'Enter') return !(mod || e.shiftKey);  // Shift/Ctrl/Alt+Enter run the cell
    if (!mod) return true;  // letters, digits, Space, arrows, Enter, with or without Shift
    if (EDIT_KEYS.test(e.key)) return true;  // merge, move, collapse cells
    if (e.shiftKey) return /^m$/i.test(e.key);  // Ctrl+Shift+M merges; the palette etc. go on
    return EDIT_LETTERS.test(e.key);  // select all, copy, paste, cut, undo, redo cells
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
  // What a screen reader announces for a stop: what the part shows. A chart: its name (the
  // SVG's label, an image's text, else its first line, the title); a table: its caption or
  // label, else its columns; a whole output or anything else: its first words.
  function words(text, limit) {
    text = (text || '').replace(/\s+/g, ' ').trim();
    return text.length > limit ? text.slice(0, limit - 1).replace(/\s+\S*$/, '') + '\u2026'
      : text;
  }
  // The text of e, line by line and node by node (a sanitized chart keeps its SVG's title and
  // description as bare text, a line break between them: see render.spec_to_svg).
  function pieces(e) {
    var out = [], walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), n;
    while ((n = walk.nextNode())) {
      n.nodeValue.split('\n').forEach(function (line) {
        var t = line.replace(/\s+/g, ' ').trim();
        if (t) out.push(t);
      });
    }
    return out;
  }
  // the pieces as one line: a space between two, none before punctuation ("<b>Quiz</b>: run")
  function joined(list) {
    return list.reduce(function (text, piece) {
      return text && !/^[:;,.!?)]/.test(piece) ? text + ' ' + piece : text + piece;
    }, '');
  }
  function regionName(e) {
    var tables = e.matches('table') ? [e] : e.querySelectorAll('table');
    var chart = e.matches('figure') || !tables.length && e.querySelector('svg, img');
    var name = '';
    if (e.matches(OUTPUT)) {  // a whole output (several parts): its first words
      name = 'Output: ' + words(joined(pieces(e)), 60);
    } else if (chart) {  // its label, else its first piece of text: the title
      var drawn = e.querySelector('svg[aria-label], img[alt]');
      name = 'Chart: ' + words(drawn ? drawn.getAttribute('aria-label') || drawn.alt
        : pieces(e)[0], 80);
    } else if (tables.length === 1) {
      var t = tables[0], cap = t.querySelector('caption');
      var label = t.getAttribute('aria-label') || (cap && cap.textContent);
      if (!label) {
        var heads = Array.prototype.map.call(t.querySelectorAll('thead th'), function (th) {
          return th.textContent.trim();
        }).filter(function (h) { return h && h !== 'row'; });
        label = heads.length ? 'columns ' + heads.slice(0, 4).join(', ')
          + (heads.length > 4 ? ' and ' + (heads.length - 4) + ' more' : '') : '';
      }
      name = 'Table' + (label ? ': ' + words(label, 80) : '');
    } else {
      name = 'Output: ' + words(joined(pieces(e)), 60);
    }
    // no two regions share a name (a screen reader's list of regions tells them apart)
    var unique = name + ' (scrolls)';
    for (var n = 2; document.querySelector('[aria-label="' + CSS.escape(unique) + '"]'); n++) {
      unique = name + ' (scrolls, ' + n + ')';
    }
    return unique;
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

  // -- 3b. radio groups ------------------------------------------------------------------------
  // ipywidgets' radio buttons have no name, so a browser makes one group of all of them on the
  // page: an arrow key on a quiz's option would move to, and pick, an option of another quiz.
  var groups = 0;
  function nameRadioGroups(out) {
    out.querySelectorAll('.widget-radio-box').forEach(function (box) {
      var loose = box.querySelectorAll('input[type=radio]:not([name])');
      if (!loose.length) return;
      if (!box.hasAttribute('data-trilat-group')) {
        box.setAttribute('data-trilat-group', 'trilat-radio-' + (++groups));
      }
      var name = box.getAttribute('data-trilat-group');
      loose.forEach(function (i) { i.name = name; });
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
      nameRadioGroups(o);
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
