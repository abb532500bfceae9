"""Smoke test of the zero-install JupyterLite site (``make lite``, then ``make test-lite``).

Serves ``_site/lite/`` on localhost, opens lesson 01 in headless Chromium, runs every cell in the
browser's Python (Pyodide) and checks what a student sees: no traceback, course charts drawn as
inline accessible SVG, widgets rendered. Then opens exercise 01, answers q1 in the page, runs every
cell and checks that ``check()`` printed its verdicts. No request may leave localhost: the site
carries Pyodide, its packages and the course. Screenshots go to tests/lite/_artifacts/.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.lite, pytest.mark.slow]

KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""
ALL_CELLS_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) '
    + '.jp-CodeCell .jp-InputArea-prompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""
SET_CELL = """([index, source]) => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  nb.widgets[index].model.sharedModel.setSource(source);
}"""
# first Pyodide start loads ~35 MB from localhost and preloads the course: allow for a slow CI
START_TIMEOUT = 240_000
RUN_TIMEOUT = 300_000


def open_and_run_all(
    page: Any, site: Any, notebook: str, before_run: Any = None
) -> dict[str, float]:
    """Open ``notebook``, wait for its kernel, run every cell; return the seconds each step took."""
    t0 = time.monotonic()
    page.goto(site.page(notebook))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=START_TIMEOUT)
    page.wait_for_function(KERNEL_IDLE, timeout=START_TIMEOUT, polling=500)
    t1 = time.monotonic()
    if before_run is not None:
        before_run(page)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_CELLS_RAN, timeout=RUN_TIMEOUT, polling=500)
    page.wait_for_function(KERNEL_IDLE, timeout=RUN_TIMEOUT, polling=500)
    return {"kernel_ready_s": round(t1 - t0, 1), "run_all_s": round(time.monotonic() - t1, 1)}


SCROLL_TO = """async (selector) => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const index = nb.widgets.findIndex(cell => cell.node.querySelector(selector));
  if (index < 0) return false;
  nb.activeCellIndex = index;
  await nb.scrollToItem(index, 'start');
  return true;
}"""


def show(page: Any, selector: str) -> Any:
    """The first match of ``selector``, scrolled into view (JupyterLab hides off-screen cells)."""
    assert page.evaluate(SCROLL_TO, selector), selector
    locator = page.locator(f".jp-NotebookPanel:not(.lm-mod-hidden) {selector}").first
    locator.wait_for(state="visible", timeout=30_000)
    return locator


def raw_size(site: Any, url: str, wire: int) -> int:
    """The size on disk of the site file behind ``url`` (``wire`` for anything else)."""
    path = url.removeprefix(site.url).split("?")[0].split("#")[0].lstrip("/")
    file = site.root / path
    return file.stat().st_size if path and file.is_file() else wire


def tracebacks(page: Any) -> list[str]:
    errors = page.locator(".jp-OutputArea-output").filter(has_text="Traceback (most recent call")
    return [errors.nth(i).inner_text()[:3000] for i in range(errors.count())]


def test_lesson_01_runs_in_the_browser_and_draws_its_charts(
    site: Any, page_and_blocked: tuple[Any, Any], artifacts: Path
) -> None:
    page, blocked = page_and_blocked
    console: list[str] = []
    loaded: dict[str, int] = {}  # what a first visit downloads, by URL (from Content-Length)
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("response", lambda r: loaded.update({r.url: int(r.headers.get("content-length", 0))}))
    timings: dict[str, float] = {}
    guard: list[bool] = []  # the course's JupyterLab extension ran the page guard before any cell

    def before_run(page: Any) -> None:
        guard.append(page.evaluate("() => !!window.__trilatLinkGuard"))

    try:
        timings = open_and_run_all(page, site, "notebooks/01_history.ipynb", before_run)
    finally:
        page.screenshot(path=artifacts / "lite_01_history_after_run_all.png", full_page=False)
        (artifacts / "lite_01_history_console.txt").write_text("\n".join(console))
        raw = {url: raw_size(site, url, n) for url, n in loaded.items()}
        (artifacts / "lite_01_history_downloads.json").write_text(
            json.dumps(
                {
                    **timings,
                    "bytes": sum(loaded.values()),  # on the wire (gzip where the host would)
                    "raw_bytes": sum(raw.values()),  # the files as they are on disk
                    "files": loaded,
                },
                indent=1,
            )
        )

    assert tracebacks(page) == []
    assert guard == [True], "the site's JupyterLab did not load the course's extension"
    # the setup cell ran in Pyodide with the course wheel preloaded
    # (by its text: tl.setup() also puts the page's script carrier, with no text, among them)
    ready = page.locator(".jp-OutputArea-output").filter(has_text="trilat-lessons").first
    first_out = ready.inner_text()
    assert "trilat-lessons" in first_out and "ready" in first_out
    # course charts: inline, accessible SVG drawn by vega inside the kernel (no vl-convert)
    charts = page.locator('.trilat-chart svg[role="graphics-document document"]')
    charts.first.wait_for(state="attached", timeout=60_000)  # off-screen cells are not "visible"
    assert charts.count() >= 3  # per year, timeline, events (+ the explorer's)
    assert all(charts.nth(i).get_attribute("aria-label") for i in range(charts.count()))
    marks = page.locator('.trilat-chart svg [role="graphics-symbol"] title')
    assert marks.count() > 0  # hover titles on the data marks, as on the desktop
    show(page, ".trilat-chart").screenshot(path=artifacts / "lite_01_history_chart.png")
    # widgets: the quizzes and the explorer are real controls
    assert page.locator(".jp-OutputArea-output .widget-radio-box, .widget-radio").count() >= 1
    assert page.locator(".trilat-explorer select").count() >= 1
    show(page, ".trilat-explorer").screenshot(path=artifacts / "lite_01_history_explorer.png")
    # Tab completion (the kernel's jedi, in the worker)
    matches = page.evaluate(COMPLETE, "tl.se")
    assert any(m.endswith("setup") for m in matches), matches
    # lite/boot.js fetched Pyodide's two largest files gzipped, never the plain ones
    fetched = {url.rsplit("/", 1)[-1] for url in loaded}
    assert {"pyodide.asm.wasm.gz", "pyodide.asm.js.gz"} <= fetched
    assert not {"pyodide.asm.wasm", "pyodide.asm.js"} & fetched
    # modules no notebook imports stay out of the first visit, and come when imported
    assert not [name for name in fetched if ".cold.zip" in name]
    # the target, from a host that does not compress (the files as they are on disk)
    assert sum(raw.values()) <= 30_000_000, sum(raw.values())
    reply = page.evaluate(EXECUTE, "1 / 0")  # a student's error: its traceback needs no archive
    assert reply["status"] == "error" and "ZeroDivisionError" in reply["text"], reply
    reply = page.evaluate(EXECUTE, "b'\\xc0\\xcc'.decode('cp949')")  # Korean: a kept codec
    assert reply == {"status": "ok", "text": "'\uc774'"}, reply
    assert not [url for url in loaded if ".cold.zip" in url]
    reply = page.evaluate(EXECUTE, "from pygments.lexers.rust import RustLexer\nRustLexer.name")
    assert reply == {"status": "ok", "text": "'Rust'"}, reply
    # and the standard library's: a package, a module of a package that stays in the zip, and
    # a codec that Python's C code looks up
    code = "import xmlrpc.client, email.mime.text\nb'\\x80'.decode('mac_roman')"
    reply = page.evaluate(EXECUTE, code)
    assert reply == {"status": "ok", "text": "'\u00c4'"}, reply
    names = [url.split("?")[0].rsplit("/", 1)[-1] for url in loaded]
    cold = sorted(name for name in names if name.endswith(".cold.zip"))
    tops = ("email", "encodings", "xml", "xmlrpc")  # xmlrpc.client imports xml.parsers.expat
    stdlib = [f"python_stdlib-{top}.cold.zip" for top in tops]
    assert len(cold) == 5 and cold[0].startswith("pygments-") and cold[1:] == stdlib, cold
    assert blocked.urls == []


EXECUTE = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  let text = '';
  const future = k.requestExecute({ code, store_history: false });
  future.onIOPub = (msg) => {
    const c = msg.content;
    if (c.data && c.data['text/plain']) text += c.data['text/plain'];
    if (c.ename) text += c.ename + ': ' + c.evalue;
  };
  const reply = await future.done;
  return { status: reply.content.status, text };
}"""


COMPLETE = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const reply = await k.requestComplete({ code, cursor_pos: code.length });
  const c = reply.content;
  return c.status === 'ok' ? c.matches : ['status: ' + c.status];
}"""


def test_exercise_01_check_gives_verdicts_in_the_browser(
    site: Any, page_and_blocked: tuple[Any, Any], artifacts: Path
) -> None:
    """Also lite/boot.js on other hosts: one that has no ``pyodide.asm.js.gz`` (Pyodide then
    loads its plain file) and one that unpacks ``pyodide.asm.wasm.gz`` on the way (sent with
    ``Content-Encoding: gzip``, the browser hands over the plain bytes, used as they are)."""
    page, blocked = page_and_blocked
    fetched: list[str] = []
    wasm = (site.root / "static" / "pyodide" / "pyodide.asm.wasm").read_bytes()
    # on the context: a page route does not see the kernel's worker
    page.context.route("**/pyodide.asm.js.gz", lambda route: route.fulfill(status=404))
    page.context.route("**/pyodide.asm.wasm.gz", lambda route: route.fulfill(body=wasm))
    page.on("response", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]))
    nb = json.loads((site.root / "files" / "exercises" / "01_history.ipynb").read_text())
    q1_cell = next(
        i
        for i, c in enumerate(nb["cells"])
        if c.get("metadata", {}).get("trilat", {}).get("question") == "q1"
        and c["metadata"]["trilat"].get("role") == "answer"
    )
    answer = (
        'q1_answer = int(((meetings["level"] == "leaders") '
        '& meetings["year"].between(2017, 2023)).sum())'
    )

    def answer_q1(page: Any) -> None:
        page.evaluate(SET_CELL, [q1_cell, answer])

    try:
        open_and_run_all(page, site, "exercises/01_history.ipynb", before_run=answer_q1)
    finally:
        page.screenshot(path=artifacts / "lite_exercise_01_after_run_all.png", full_page=False)

    assert tracebacks(page) == []
    verdicts = page.locator('.jp-OutputArea-output [role="status"]')
    verdicts.first.wait_for(state="attached", timeout=60_000)
    texts = [verdicts.nth(i).inner_text() for i in range(verdicts.count())]
    assert any(t.startswith("q1 (2 points)") and "correct" in t for t in texts), texts
    assert any("not attempted" in t for t in texts), texts  # q2.. were left as `...`
    show(page, '.jp-OutputArea-output [role="status"]').screenshot(
        path=artifacts / "lite_exercise_01_check_q1.png"
    )
    assert {"pyodide.asm.wasm.gz", "pyodide.asm.js.gz", "pyodide.asm.js"} <= set(fetched)
    assert "pyodide.asm.wasm" not in fetched
    assert blocked.urls == []


def _site_notebooks() -> list[str]:
    root = Path(__file__).resolve().parents[2]
    files = Path(os.environ.get("TRILAT_LITE_SITE", root / "_site" / "lite")) / "files"
    return sorted(p.relative_to(files).as_posix() for p in files.glob("*/*.ipynb"))


@pytest.mark.skipif(
    os.environ.get("TRILAT_LITE_ALL") != "1", reason="every notebook: set TRILAT_LITE_ALL=1"
)
@pytest.mark.parametrize("notebook", _site_notebooks())
def test_every_notebook_runs_in_the_browser_without_a_traceback(
    site: Any, page_and_blocked: tuple[Any, Any], artifacts: Path, notebook: str
) -> None:
    page, blocked = page_and_blocked
    try:
        open_and_run_all(page, site, notebook)
    finally:
        page.screenshot(path=artifacts / f"lite_all_{notebook.replace('/', '_')}.png")
    assert tracebacks(page) == []
    assert blocked.urls == []


def test_the_site_ships_bytecode_for_what_the_notebooks_import(site: Any) -> None:
    """lite/pycompile.py: imported modules as bytecode (the course's beside its source), the
    lock's sha256 re-computed for every rewritten file, ssl left out as an empty wheel, Pyodide
    started by lite/boot.js with gzipped copies of its two largest files."""
    import gzip
    import hashlib
    import zipfile

    dist = site.root / "static" / "pyodide"
    lock = json.loads((dist / "pyodide-lock.json").read_text())["packages"]
    for entry in lock.values():
        local = dist / entry["file_name"]
        assert hashlib.sha256(local.read_bytes()).hexdigest() == entry["sha256"], local.name

    def names(package: str) -> set[str]:
        with zipfile.ZipFile(dist / lock[package]["file_name"]) as zf:
            return set(zf.namelist())

    pandas = names("pandas")
    assert "pandas/core/frame.pyc" in pandas and "pandas/core/frame.py" not in pandas
    course = names("trilat-lessons")
    assert "trilat_lessons/charts/__init__.py" in course
    assert any(n.startswith("trilat_lessons/charts/__pycache__/__init__.") for n in course)
    with zipfile.ZipFile(dist / "python_stdlib.zip") as zf:
        assert "json/__init__.pyc" in zf.namelist()
    assert all(n.startswith("ssl-0+absent.dist-info/") for n in names("ssl"))
    assert not list(dist.glob("openssl*"))
    # lite/boot.js beside Pyodide, which the kernel starts from, and the files it unpacks
    config = json.loads((site.root / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/boot.js" and (dist / "boot.js").is_file()
    for name in ("pyodide.asm.wasm", "pyodide.asm.js"):
        packed = (dist / f"{name}.gz").read_bytes()
        assert gzip.decompress(packed) == (dist / name).read_bytes(), name
