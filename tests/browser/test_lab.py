"""Real browser: JupyterLab runs the start-here lesson in headless Chromium, offline.

Checks what a student sees: chart SVGs and widget controls in the page, a dropdown (changed with
the mouse, then with the keyboard) that redraws the explorer's chart, and no request leaving
localhost. Screenshots go to tests/browser/_artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

LESSON = "notebooks/00_start_here.ipynb"
KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""
ALL_CELLS_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""
EXPLORER = ".trilat-explorer"


def chart_svg(page: Any, scope: str) -> str:
    """The explorer's chart as SVG text (what the student sees)."""
    return page.locator(f"{scope} .trilat-chart svg").first.evaluate("e => e.outerHTML")


def wait_for_new_chart(page: Any, scope: str, old: str) -> None:
    page.wait_for_function(
        """([sel, old]) => {
          const svg = document.querySelector(sel + ' .trilat-chart svg');
          return !!svg && svg.outerHTML !== old;
        }""",
        arg=[scope, old],
        timeout=30_000,
    )


def test_start_here_lesson_runs_and_its_explorer_responds(
    lab: Any, page_and_blocked: tuple[Any, Any], artifacts: Path
) -> None:
    if not (lab.root / LESSON).exists():
        pytest.skip(f"{LESSON} does not exist yet")
    page, blocked = page_and_blocked
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(lab.lab_url(LESSON))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_CELLS_RAN, timeout=120_000, polling=250)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.wait_for_selector(f"{EXPLORER} .trilat-chart svg", timeout=60_000)
    page.screenshot(path=artifacts / "00_start_here_after_run_all.png")

    # no cell failed
    errors = page.locator(".jp-OutputArea-output").filter(has_text="Traceback (most recent call")
    assert errors.count() == 0, errors.first.inner_text()

    # charts are inline, accessible SVG; widgets are real, labelled controls
    charts = page.locator('.trilat-chart svg[role="graphics-document document"]')
    assert charts.count() >= 2  # the per-year chart and the explorer's timeline
    assert all(charts.nth(i).get_attribute("aria-label") for i in range(charts.count()))
    per_year = page.locator(".trilat-chart").first
    per_year.scroll_into_view_if_needed()
    per_year.screenshot(path=artifacts / "00_start_here_meetings_per_year.png")
    explorer = page.locator(EXPLORER).first
    selects = explorer.locator("select")
    assert selects.count() >= 3  # administration, level, track
    assert explorer.locator("input[type=range], .widget-slider").count() >= 1
    labels = explorer.locator(".widget-label").all_inner_texts()
    assert {"U.S. administration", "Level", "Track"} <= {t.strip() for t in labels}
    assert page.locator(".trilat-quiz input[type=radio]").count() == 4
    summary = explorer.locator("[role=status]").first
    first_summary = summary.inner_text()
    assert "meetings match" in first_summary
    explorer.scroll_into_view_if_needed()
    explorer.screenshot(path=artifacts / "00_start_here_explorer_all.png")

    # a dropdown changed with the mouse redraws the chart and the summary
    before = chart_svg(page, EXPLORER)
    selects.nth(0).select_option(label="Biden")
    wait_for_new_chart(page, EXPLORER, before)
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerText !== old",
        arg=[f"{EXPLORER} [role=status]", first_summary],
    )
    after = chart_svg(page, EXPLORER)
    assert "Biden" in after and "coloured by U.S. administration (Biden)" in after
    assert "under Biden" in summary.inner_text()
    explorer.screenshot(path=artifacts / "00_start_here_explorer_biden.png")

    # ... and so does one changed with the keyboard alone: Tab to the next dropdown, open it
    # with Space, pick with ArrowDown, confirm with Enter. (A bare ArrowDown on a closed
    # dropdown is taken by JupyterLab's notebook shortcuts: ipywidgets issue #3912.)
    selects.nth(0).focus()
    page.keyboard.press("Tab")
    level = selects.nth(1)
    assert level.evaluate("e => e === document.activeElement")
    for key in ("Space", "ArrowDown", "Enter"):
        page.keyboard.press(key)
    wait_for_new_chart(page, EXPLORER, after)
    assert level.evaluate("e => e.selectedIndex") == 1
    # the year slider moves with the arrow keys
    readout = explorer.locator(".widget-readout").first
    years_before = readout.inner_text()
    explorer.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([sel, old]) => document.querySelector(sel).innerText !== old",
        arg=[f"{EXPLORER} .widget-readout", years_before],
    )
    explorer.screenshot(path=artifacts / "00_start_here_explorer_keyboard.png")

    (artifacts / "00_start_here_report.json").write_text(
        json.dumps({"blocked_requests": blocked.urls, "console_errors": console_errors}, indent=2)
    )
    assert blocked.urls == [], f"the page tried to reach the network: {blocked.urls}"


def test_the_network_guard_blocks_and_records_outside_requests(
    page_and_blocked: tuple[Any, Any],
) -> None:
    """The guard above really aborts a non-localhost request (so 'none blocked' means none)."""
    page, blocked = page_and_blocked
    page.set_content("<p>probe</p>")
    outcome = page.evaluate(
        "() => fetch('http://blocked.invalid/probe').then(() => 'reached', () => 'aborted')"
    )
    assert outcome == "aborted"
    assert blocked.urls == ["http://blocked.invalid/probe"]
