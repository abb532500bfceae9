"""Where a JupyterLite cold start spends its time: lesson 01, step by step (not in make bench).

Serves a built site (default ``_site/lite``, from ``make lite``) the way ``make test-lite`` does
(localhost, gzip for text and WebAssembly, compressed ahead), opens lesson 01 in headless
Chromium with a fresh profile, waits for the kernel, then sends the imports and each code cell
to the kernel one by one and prints the seconds each took. Give two sites to compare builds;
``--rounds N`` alternates them N times (a loaded machine is noisy: compare pairs).

    .venv/bin/python benchmarks/lite_steps.py [SITE ...] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "lite")]

EXEC = """async (codes) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const out = [];
  for (const code of codes) {
    const t = performance.now();
    let err = null;
    const f = k.requestExecute({code, store_history: false});
    f.onIOPub = (m) => { if (m.header.msg_type === 'error') err = m.content.ename; };
    await f.done;
    out.push([code.split('\\n')[0].slice(0, 60), (performance.now() - t) / 1000, err]);
  }
  return out;
}"""
NOTEBOOK = "notebooks/01_history.ipynb"


def one_run(site: Path) -> dict[str, object]:
    """Open lesson 01 on ``site`` cold; the seconds to the page, to a ready kernel, per step."""
    import conftest as lite  # tests/lite/conftest.py: the same server as make test-lite
    import test_lite_smoke as smoke
    from chromium_support import CHROMIUM, guarded_page, launch_chromium, serve_directory

    for f in site.rglob("*"):
        if f.suffix in lite.COMPRESSED and f.is_file() and f.stat().st_size > 100_000:
            lite._gzipped(str(f), f.stat().st_mtime_ns)
    nb = json.loads((site / "files" / NOTEBOOK).read_text())
    codes = ["import numpy", "import pandas", "import altair", "import ipywidgets"]
    codes += ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    with (
        serve_directory(lite._Handler, site) as origin,
        launch_chromium(CHROMIUM) as browser,
        guarded_page(browser) as (page, _blocked),
    ):
        t0 = time.monotonic()
        page.goto(f"{origin}/lab/index.html?path={NOTEBOOK}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=240_000)
        shown = time.monotonic() - t0
        page.wait_for_function(smoke.KERNEL_IDLE, timeout=240_000, polling=200)
        ready = time.monotonic() - t0
        steps = page.evaluate(EXEC, codes)
        total = time.monotonic() - t0
    return {"shown": shown, "ready": ready, "total": total, "steps": steps}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="*", type=Path, default=[REPO / "_site" / "lite"])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    for _ in range(args.rounds):
        for site in args.sites:
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            run = one_run(site.resolve())
            print(
                f"{site}: notebook shown {run['shown']:.1f} s, kernel ready {run['ready']:.1f} s,"
                f" last step done {run['total']:.1f} s (load average {load})"
            )
            for label, seconds, err in run["steps"]:  # type: ignore[attr-defined]
                print(f"  {seconds:6.2f} s  {label}" + (f"  ERROR {err}" if err else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
