"""The built course website (``make site`` -> ``_site/``), served from a sub-path on localhost and
opened page by page in headless Debian Chromium with the network cut (``make test-site``).

Every HTML page outside the JupyterLite app is reached by following links from the landing page.
On a 1280 px window, light system scheme, on each: no failed request, no request leaving
localhost, every internal link and #anchor resolves, axe-core (WCAG 2 A/AA, pinned in
tests/browser/package-lock.json) finds no violation on the whole page, no web address in the
article's text outside a link, and every chart fits the article's column with its text at 10 px or
more. Then on a 390 px phone screen, dark system scheme and a saved "dark": every page stays
light, is no wider than the screen, its charts keep their text at 9 px or more (scrolling in their
own focusable box), axe-core again; the buttons above the article open the navigation and the
page's contents. Files to download answer 200. Lesson and exercise pages carry "Run in the
browser" (into _site/lite/, whose files/ must hold the notebook it opens) and "Download the
notebook"; a site built with --no-lite links to no lite/ at all.
"""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, unquote, urldefrag, urljoin, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: shared Chromium support
from chromium_support import CHROMIUM, guarded_page, launch_chromium
from site_server import serve_under

pytestmark = pytest.mark.site

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("TRILAT_SITE", REPO / "_site"))
HAS_LITE = (SITE / "lite").is_dir()  # `make site SITE_ARGS=--no-lite` leaves it out
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "_artifacts"
PREFIX = "/course/"  # the site is served from a sub-path, as on GitHub Pages or a university server
# Sphinx's own search and index pages: loaded and link-checked, but not course content for axe
GENERATED = {"search.html", "genindex.html"}

AXE_RUN = """async () => {
  // the whole page: the course's content and the theme's navigation around it
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
    resultTypes: ['violations'],
  });
  const out = [];
  for (const v of r.violations) {
    for (const n of v.nodes) {
      out.push({rule: v.id, target: n.target.join(' '), html: n.html.slice(0, 200),
                summary: n.failureSummary});
    }
  }
  return out;
}"""
# Charts on a 1280 px window: each fits the article's column (no sideways scrolling, nothing cut
# off) and its smallest text is still drawn at 10 px or more.
CHARTS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('article svg.marks')) {
    const col = svg.closest('article'), cs = getComputedStyle(col), c = col.getBoundingClientRect();
    const left = c.left + parseFloat(cs.paddingLeft), right = c.right - parseFloat(cs.paddingRight);
    const b = svg.getBoundingClientRect(), scale = b.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(
      t => parseFloat(getComputedStyle(t).fontSize) * scale);
    const smallest = sizes.length ? Math.min(...sizes) : 99;
    if (b.left < left - 0.5 || b.right > right + 0.5 || smallest < 10) {
      out.push({chart: (svg.getAttribute('aria-label') || '').slice(0, 80),
                width: Math.round(b.width), column: Math.round(right - left),
                smallest_text_px: Math.round(smallest * 10) / 10});
    }
  }
  return out;
}"""
LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.href)"""
# A web address typed as text (prose, readings, licences) is a link on the site, as in JupyterLab:
# no http:// or https:// in the article's text outside a link (a notebook's code cells excepted)
BARE_URLS = """() => {
  const out = [], root = document.querySelector('article') || document.body;
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (/https?:\\/\\//.test(n.textContent) && !n.parentElement.closest('a, div.cell_input')) {
      out.push('web address not a link: ' + n.textContent.trim().slice(0, 120));
    }
  }
  return out;
}"""
PHONE = {"width": 390, "height": 844}
# On a phone (390 px): the page is no wider than the screen (no sideways scrolling of the page);
# a chart keeps its smallest text at 9 px or more, and when it is then wider than the column it
# scrolls sideways inside its own box, which the keyboard can reach (tabindex) and which is named
PHONE_FIT = """() => {
  const out = [], html = document.documentElement;
  if (html.scrollWidth > window.innerWidth) {
    out.push(`page ${html.scrollWidth} px wide on a ${window.innerWidth} px screen`);
  }
  for (const svg of document.querySelectorAll('article svg.marks')) {
    const b = svg.getBoundingClientRect(), scale = b.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(
      t => parseFloat(getComputedStyle(t).fontSize) * scale);
    const smallest = sizes.length ? Math.min(...sizes) : 99;
    const name = (svg.getAttribute('aria-label') || '').slice(0, 60);
    if (smallest < 9) out.push(`chart text at ${smallest.toFixed(1)} px: ${name}`);
    const box = svg.parentElement;
    if (svg.scrollWidth > box.clientWidth + 1 && !(
        ['auto', 'scroll'].includes(getComputedStyle(box).overflowX) && box.tabIndex >= 0
        && box.getAttribute('aria-label'))) {
      out.push(`chart wider than its box, which is no named focusable scroll box: ${name}`);
    }
  }
  return out;
}"""


def site_pages(root: Path) -> set[str]:
    """Every HTML page of the site outside the JupyterLite app, as paths under the site root."""
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if p.relative_to(root).parts[0] not in ("lite", "_static")  # _static: theme templates
    }


@pytest.fixture(scope="module")
def served():
    if not (SITE / "index.html").is_file():
        pytest.skip(f"no website at {SITE}: build it with `make site`")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium")
    if not AXE.exists():
        pytest.skip("axe-core is not installed: make browser-deps")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    with serve_under(SITE, PREFIX) as base:
        yield base


FOCUSED_BUTTON = """() => {
  const e = document.activeElement;
  if (!e || e.tagName !== 'BUTTON') return null;
  const s = getComputedStyle(e);
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  return ring ? '' : (e.title || e.getAttribute('aria-label') || e.className);
}"""


def focus_rings(page, url: str) -> dict[str, list[str]]:
    """Tabbing through the page's first stops, every theme button shows where the keyboard is
    (site/trilat.css: a 3 px ring); the theme gave "Toggle primary sidebar" none."""
    page.goto(url, wait_until="load")
    buttons, missing = 0, []
    for _ in range(20):
        page.keyboard.press("Tab")
        found = page.evaluate(FOCUSED_BUTTON)
        buttons += found is not None
        if found:
            missing.append(f"no visible focus ring on the button {found!r}")
    if not buttons:
        missing.append("no button in the first 20 tab stops")
    return {"focus rings": list(dict.fromkeys(missing))} if missing else {}


def phone_panels(page, url: str) -> dict[str, list[str]]:
    """On a phone, the buttons above the article open the site's navigation and the page's
    contents (the theme shows them in a dialog); a page with sections has both."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    out: dict[str, list[str]] = {}
    for kind, dialog in (("primary", "#pst-primary-sidebar-modal"),
                         ("secondary", "#pst-secondary-sidebar-modal")):  # fmt: skip
        page.goto(url, wait_until="load")
        button = page.locator(f".{kind}-toggle:visible")
        if button.count() != 1:
            out.setdefault("phone panels", []).append(f"{button.count()} visible .{kind}-toggle")
            continue
        button.click()
        try:
            page.locator(f"{dialog}[open] a").first.wait_for(state="visible", timeout=3000)
        except PlaywrightTimeout:
            out.setdefault("phone panels", []).append(f"the {kind} button opens no panel of links")
    return out


LINKS_UNDER_TITLE = """() => {
  const title = document.querySelector('.bd-article h1');
  const links = document.querySelector('.bd-article .trilat-links');
  if (!title || !links) return ['no title or no Run/Download links'];
  const gap = links.getBoundingClientRect().top - title.getBoundingClientRect().bottom;
  return gap > 80 ? [`the Run/Download links start ${Math.round(gap)} px below the title`] : [];
}"""
"""On a phone the links come first, right under the title (not after the introduction)."""


def test_every_page_offline_linked_and_accessible(served: str) -> None:
    base = served
    start = urljoin(base, PREFIX + "index.html")
    ARTIFACTS.mkdir(exist_ok=True)
    problems: dict[str, list] = {}
    seen_pages: set[str] = set()
    anchors: dict[str, set[str]] = {}  # page -> ids wanted by links to it
    files: set[str] = set()
    # the theme reaches these two by a form and a script, not a link
    queue = deque([start, *(urljoin(base, PREFIX + p) for p in sorted(GENERATED))])
    with launch_chromium() as browser, guarded_page(browser) as (page, blocked):
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
        page.on(
            "response",
            lambda r: failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None,
        )
        ids: dict[str, set[str]] = {}
        while queue:
            url = queue.popleft()
            if url in seen_pages:
                continue
            seen_pages.add(url)
            failed.clear()
            page.goto(url, wait_until="load")
            rel = url[len(base) + len(PREFIX) :]
            if failed:
                problems.setdefault(rel, []).extend(failed)
            ids[url] = set(
                page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
            )
            if rel not in GENERATED:
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate(AXE_RUN)
                if violations:
                    problems.setdefault(rel, []).extend(violations)
                too_wide = page.evaluate(CHARTS)
                if too_wide:
                    problems.setdefault(rel, []).extend(too_wide)
            bare = page.evaluate(BARE_URLS)
            if bare:
                problems.setdefault(rel, []).extend(bare)
            for href in page.evaluate(LINKS):
                target, frag = urldefrag(href)
                parts = urlsplit(target)
                if f"{parts.scheme}://{parts.netloc}" != base:
                    continue  # external links are text to follow later, not requests
                if not parts.path.startswith(PREFIX):
                    problems.setdefault(rel, []).append(f"link leaves the sub-path: {href}")
                    continue
                path = unquote(parts.path[len(PREFIX) :])
                if path.startswith("lite/"):
                    files.add(path)  # the JupyterLite app: tests/lite opens it; here it must exist
                    # "Run in the browser" opens ?path=<notebook>: that notebook must be there
                    for value in parse_qs(parts.query).get("path", []):
                        files.add(f"lite/files/{value}")
                elif path.endswith(".html") or path == "" or path.endswith("/"):
                    if frag:
                        anchors.setdefault(target, set()).add(unquote(frag))
                    queue.append(target if path.endswith(".html") else target + "index.html")
                else:
                    files.add(path)
            # a lesson or exercise page links to the browser version and to its notebook
            # (built with --no-lite: no link into the missing lite/ at all)
            if rel.startswith(("lessons/", "exercises/")):
                for name in ("Run in the browser", "Download the notebook"):
                    if name == "Run in the browser" and not HAS_LITE:
                        continue
                    if page.get_by_role("link", name=name).count() != 1:
                        problems.setdefault(rel, []).append(f"no single link '{name}'")
        for url, wanted in anchors.items():
            missing = wanted - ids.get(url, set())
            if missing:
                problems.setdefault(url, []).append(f"missing anchors: {sorted(missing)}")
        for path in sorted(files):
            status = page.request.get(urljoin(base, PREFIX + path.split("?")[0])).status
            if status != 200:
                problems.setdefault(path, []).append(f"HTTP {status}")
        if blocked.urls:
            problems["requests leaving localhost"] = blocked.urls
    # a phone, 390 px wide, whose system is set to dark mode (as many phones are) and whose
    # browser holds a "dark" choice saved by another site of the same theme on this host: every
    # page stays light, fits the screen with its charts readable, and passes axe again (one pass
    # for both: axe over every page is most of this test's time, and the site's colours do not
    # depend on the width, since it is light-only)
    with launch_chromium() as browser, guarded_page(browser, color_scheme="dark") as (page, _):
        page.set_viewport_size(PHONE)
        page.add_init_script(
            "try { localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark'); }"
            " catch (e) {}"
        )
        for url in sorted(seen_pages):
            rel = url[len(base) + len(PREFIX) :]
            page.goto(url, wait_until="load")
            found = page.evaluate(PHONE_FIT)
            if rel.startswith(("lessons/", "exercises/")):
                found += page.evaluate(LINKS_UNDER_TITLE)
            if rel not in GENERATED:
                page.add_script_tag(path=str(AXE))
                found += page.evaluate(AXE_RUN)
                if page.evaluate("document.documentElement.dataset.theme") != "light":
                    found.append("the page turned dark")
            if found:
                problems[f"{rel} (390 px, dark system)"] = found
        problems.update(phone_panels(page, urljoin(base, PREFIX + "readings.html")))
        problems.update(focus_rings(page, urljoin(base, PREFIX + "readings.html")))
    visited = {u[len(base) + len(PREFIX) :] for u in seen_pages}
    unvisited = site_pages(SITE) - visited
    if unvisited:
        problems["pages no link reaches"] = sorted(unvisited)
    (ARTIFACTS / "site_report.json").write_text(
        json.dumps(
            {"pages": sorted(visited), "files": sorted(files), "problems": problems}, indent=1
        )
        + "\n"
    )
    assert not problems, json.dumps(problems, indent=1)[:6000]
    assert any(p.startswith("lessons/") for p in visited)
    lite_links = {f for f in files if f.startswith("lite/")}
    if HAS_LITE:  # every lesson and exercise opens in the browser version
        assert "lite/lab/index.html" in lite_links
        opened = {f.removeprefix("lite/files/") for f in lite_links if f.startswith("lite/files/")}
        notebooks = {p for p in visited if p.startswith(("lessons/", "exercises/"))}
        assert len(opened) == len(notebooks), (sorted(opened), sorted(notebooks))
    else:  # built with --no-lite: no page offers the missing browser version
        assert not lite_links, sorted(lite_links)
