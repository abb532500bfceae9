"""The class report (``OUT/report.html``) in headless Chromium, offline: it loads nothing from
anywhere, logs no console error, and axe-core finds no WCAG 2 A/AA violation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: synthetic records
from analytics_support import KEY, SET, exported, synthetic_class

from trilat_lessons.grading.answers import given
from trilat_lessons.grading.outputs import AnalyticsOptions, write_analytics

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_PAGE = """async () => {
  const r = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
    resultTypes: ['violations'],
  });
  return r.violations.map(v => ({rule: v.id, nodes: v.nodes.map(n => n.target.join(' '))}));
}"""


def test_class_report_opens_offline_without_errors(
    page_and_blocked: tuple[Any, Any], tmp_path: Path
) -> None:
    page, blocked = page_and_blocked
    meta, results = synthetic_class(400)
    long = given(SET, KEY["q2"], exported("x" * 200))  # one long unbroken answer
    for r in results[:2]:
        r["questions"]["q2"]["given"] = long
    write_analytics(meta, results, tmp_path, AnalyticsOptions(pseudonymise=True))
    page.set_viewport_size({"width": 1100, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content((tmp_path / "report.html").read_text(encoding="utf-8"))
    page.wait_for_load_state("load")
    assert page.title().startswith("Class report: 01_demo")
    assert page.locator("svg[role]").count() >= 2  # the charts, each with a role and a label
    assert page.locator("table caption").count() >= 5
    assert errors == [] and blocked.urls == []
    # the long answer wraps: nothing wider than the window
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert AXE.is_file(), "axe-core missing: make browser-deps"
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_PAGE) == []
