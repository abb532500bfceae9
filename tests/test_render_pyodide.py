"""The browser branch of the renderer (JupyterLite / Pyodide), tested on the desktop.

In Pyodide, ``spec_to_svg`` gets its SVG from vega's own JavaScript (run in the kernel's worker)
instead of vl-convert, then adds the same accessibility as on the desktop. Here a fake ``js`` /
``pyodide.code`` pair stands in for the worker; the JavaScript helper itself is run under Node with
the pinned npm vega when ``lite/build.py fetch`` has cached it (else that test skips).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import types
from pathlib import Path
from typing import Any

import pytest

from trilat_lessons import render

REPO = Path(__file__).resolve().parents[1]
NPM_CACHE = REPO / "lite" / "_cache" / "npm"

SPEC: dict[str, Any] = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "title": "Meetings & more",
    "description": "Bars of <meetings> per year.",
    "data": {"values": [{"year": "2022", "n": 3}, {"year": "2023", "n": 5}]},
    "mark": {"type": "bar", "tooltip": True},
    "encoding": {
        "x": {"field": "year", "type": "ordinal"},
        "y": {"field": "n", "type": "quantitative"},
    },
}
# what vega's headless SVG renderer returns (shape only)
VEGA_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="100" height="50">'
    '<g><path aria-label="year: 2022; n: 3" role="graphics-symbol" d="M0,0h10v3h-10Z"/>'
    '<path aria-label="year: 2023; n: 5" role="graphics-symbol" d="M20,0h10v5h-10Z"/></g></svg>'
)


class FakeWorker:
    """Stands in for Pyodide's ``js`` module and ``pyodide.code.run_js`` (records the scripts)."""

    def __init__(self) -> None:
        self.scripts: list[str] = []
        self.specs: list[dict[str, Any]] = []
        self.globalThis = types.SimpleNamespace()  # the JavaScript name

    def run_js(self, code: str) -> None:
        self.scripts.append(code)
        if "__trilatVegaSvg" in code:
            # setattr: a dunder name written in a class body would be name-mangled
            setattr(self.globalThis, "__trilatVegaSvg", self._render)

    def _render(self, spec_json: str) -> str:
        self.specs.append(json.loads(spec_json))
        return VEGA_SVG


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeWorker:
    fake = FakeWorker()
    js = types.ModuleType("js")
    js.globalThis = fake.globalThis  # type: ignore[attr-defined]
    pyodide = types.ModuleType("pyodide")
    code = types.ModuleType("pyodide.code")
    code.run_js = fake.run_js  # type: ignore[attr-defined]
    pyodide.code = code  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setitem(sys.modules, "pyodide", pyodide)
    monkeypatch.setitem(sys.modules, "pyodide.code", code)
    pkg = tmp_path / "site" / render.VEGA_JS_PACKAGE
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "vega.min.js").write_text("/* vega */")
    (pkg / "vega-lite.min.js").write_text("/* vega-lite */")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, render.VEGA_JS_PACKAGE, raising=False)
    monkeypatch.setattr(render, "in_browser", lambda: True)
    return fake


def test_desktop_is_not_the_browser() -> None:
    assert render.in_browser() is (sys.platform == "emscripten")
    assert not render.in_browser()


def test_browser_branch_draws_with_vega_js_and_keeps_accessibility(worker: FakeWorker) -> None:
    svg = render.spec_to_svg(SPEC)
    assert worker.scripts[:2] == ["/* vega */", "/* vega-lite */"]  # vega first: vega-lite needs it
    assert worker.specs == [SPEC]
    root = re.search(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="graphics-document document"' in root
    assert 'aria-label="Bars of &lt;meetings&gt; per year."' in root
    assert "<title>Meetings &amp; more</title>" in svg
    assert "<desc>Bars of &lt;meetings&gt; per year.</desc>" in svg
    assert svg.count("<title>year: 20") == 2  # hover titles on the marks
    render.spec_to_svg(SPEC)
    assert len(worker.scripts) == 3  # vega is loaded once per kernel, not once per chart


def test_browser_renderer_bundle_matches_the_desktop_shape(worker: FakeWorker) -> None:
    bundle = render._renderer(SPEC)
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/html"].startswith('<figure class="trilat-chart"')
    assert "<script" not in bundle["text/html"]
    assert bundle["text/plain"].startswith("<Chart: Meetings & more>")


def test_browser_without_the_vega_package_says_what_is_missing(
    worker: FakeWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "VEGA_JS_PACKAGE", "trilat_no_such_vega_package")
    with pytest.raises(RuntimeError, match="make lite"):
        render.spec_to_svg(SPEC)


def _npm_file(tgz_glob: str, member: str, dest: Path) -> Path | None:
    tarballs = sorted(NPM_CACHE.glob(tgz_glob))
    if not tarballs:
        return None
    with tarfile.open(tarballs[-1]) as tf:
        target = dest / Path(member).name
        target.write_bytes(tf.extractfile(member).read())  # type: ignore[union-attr]
    return target


def test_the_worker_helper_draws_what_vega_toSVG_draws(tmp_path: Path) -> None:
    """Run render._VEGA_SVG_JS under Node with the pinned vega: same SVG as the async API."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    vega = _npm_file("vega-6*.tgz", "package/build/vega.min.js", tmp_path)
    vega_lite = _npm_file("vega-lite-6*.tgz", "package/build/vega-lite.min.js", tmp_path)
    if vega is None or vega_lite is None:
        pytest.skip("vega npm packages not cached: run `make lite-fetch`")
    (tmp_path / "helper.js").write_text(render._VEGA_SVG_JS)
    (tmp_path / "spec.json").write_text(json.dumps(SPEC))
    script = tmp_path / "run.js"
    script.write_text(
        """
const vm = require("vm"), fs = require("fs"), dir = process.argv[2];
for (const f of ["vega.min.js", "vega-lite.min.js", "helper.js"]) {
  vm.runInThisContext(fs.readFileSync(dir + "/" + f, "utf8"));
}
const specJson = fs.readFileSync(dir + "/spec.json", "utf8");
const sync = globalThis.__trilatVegaSvg(specJson);
const compiled = vegaLite.compile(JSON.parse(specJson)).spec;
new vega.View(vega.parse(compiled), {renderer: "none"}).toSVG().then(asyncSvg => {
  process.stdout.write(JSON.stringify({sync, asyncSvg}));
});
"""
    )
    out = subprocess.run(
        [node, str(script), str(tmp_path)], capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(out.stdout)
    assert result["sync"] == result["asyncSvg"]
    assert 'role="graphics-symbol"' in result["sync"] and "2023" in result["sync"]
