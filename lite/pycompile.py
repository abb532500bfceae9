"""Byte-compile the modules the site's notebooks import, ahead of time, with the site's own Pyodide.

In the browser nothing persists between visits, so Pyodide compiles every ``.py`` it imports on
each cold start: pandas, altair, IPython and the rest. That was about 40% of lesson 01's cold
start. The build therefore runs every notebook of the site once in the same Pyodide (under
Node.js, offline: the files of ``static/pyodide`` and nothing else), records the modules they
import, and puts bytecode for exactly those modules into the wheels. Modules no notebook imports
stay source only, so the download grows by as little as possible. Third-party modules become
sourceless ``.pyc`` files, as Pyodide's own ``py-compile`` makes them. The course's own modules
keep their source beside a ``__pycache__`` file, so a student's traceback through course code
still shows its lines. The bytecode is "unchecked-hash" (PEP 552), because unpacking a wheel
gives files new times.

The standard library gets the same treatment inside Pyodide's ``python_stdlib.zip`` (zipimport
reads a ``.pyc`` first). ``lite/build.py`` calls :func:`compile_dist`; the build report says
what was compiled, or why not (no Node.js: the site works, only slower).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

KEEP_SOURCE = ("trilat_lessons/",)
"""Wheel entries compiled beside their source rather than replacing it (the course's own code)."""

WHOLE = ("pyodide_kernel/", "ipykernel/", "piplite/")
"""Compiled in full: the kernel's own small packages, which only the real kernel can import."""

TIMEOUT_S = 900

_NODE_JS = r"""
import { loadPyodide } from "%(dist)s/pyodide.mjs";
import fs from "node:fs";
const [job, packages] = [process.argv[2], JSON.parse(process.argv[3])];
const py = await loadPyodide({
  indexURL: "%(dist)s/", lockFileURL: "%(dist)s/pyodide-lock.json",
  env: {
    HOME: "/home/pyodide", TRILAT_PROGRESS_FILE: "/tmp/progress.json",
    // bytecode without column positions (python -X no_debug_ranges): a quarter smaller; a
    // traceback through library code shows its lines without the ^^^ under the expression
    PYTHONNODEBUGRANGES: "1",
  },
  stdout: () => {}, stderr: (s) => process.stderr.write(s + "\n"),
});
if (packages.length) await py.loadPackage(packages, { messageCallback: () => {} });
py.FS.mkdirTree("/job");
py.FS.mount(py.FS.filesystems.NODEFS, { root: job }, "/job");
py.FS.mkdirTree("/dist");
py.FS.mount(py.FS.filesystems.NODEFS, { root: "%(dist)s" }, "/dist");
await py.runPythonAsync(fs.readFileSync(job + "/step.py", "utf8"));
"""

_TRACE_PY = r"""
import contextlib, io, json, os, sys
import micropip, piplite  # imported by the kernel when it starts
import getpass  # imported by the kernel's own package (pyodide_kernel), which only it can import
from IPython.core.interactiveshell import InteractiveShell
import comm, ipywidgets

shell = InteractiveShell.instance()
os.chdir("/job/notebooks")
failed = []
for folder in sorted(os.listdir(".")):
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".ipynb"):
            continue
        cells = json.load(open(os.path.join(folder, name), encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                ok = shell.run_cell("".join(cell["source"]), silent=True).success
            if not ok:
                failed.append(f"{folder}/{name} cell {i}")
# beyond the notebooks, what a student of the course commonly does: an error (IPython formats
# its traceback: pygments' style, stack_data, ...), saving a table, the statistics module
STUDENT = (
    "1 / 0",
    "import io, pandas as pd\npd.DataFrame({'a': [1]}).to_csv(io.StringIO())",
    "import statistics\nstatistics.mean([1, 2])",
)
for code in STUDENT:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        shell.run_cell(code)
site = next(p for p in sys.path if p.endswith("site-packages")) + "/"
stdlib = next(p for p in sys.path if p.endswith(".zip")) + "/"
files = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
files = [f for f in files if isinstance(f, str)]
json.dump({
    "imported": sorted(f[len(site):] for f in files if f.startswith(site)),
    "stdlib": sorted(f[len(stdlib):] for f in files if f.startswith(stdlib)),
    "failed": failed,
    # every module loaded, also those Python froze into itself (os, site, importlib.util...),
    # whose files are not read, so "stdlib" above does not name them
    "loaded": sorted(sys.modules),
}, open("/job/result.json", "w"))
"""

_COMPILE_PY = r"""
import importlib.util, json, os, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

job = json.load(open("/job/job.json"))
site = next(p for p in sys.path if p.endswith("site-packages")) + "/"
stdlib = next(p for p in sys.path if p.endswith(".zip")) + "/"
for wheel, entries in job["wheels"].items():
    where = stdlib if wheel == job["stdlib"] else site
    with zipfile.ZipFile("/dist/" + wheel) as zf:
        for entry in entries:
            source = zf.read(entry)
            code = compile(source, where + entry, "exec", dont_inherit=True)
            target = f"/job/out/{wheel}/{entry}c"
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(_code_to_hash_pyc(code, importlib.util.source_hash(source), False))
json.dump({"cache_tag": sys.implementation.cache_tag}, open("/job/result.json", "w"))
"""


class CompileError(RuntimeError):
    """The byte-compile step failed (the message says where)."""


def _run(dist: Path, job: Path, step: str, packages: list[str]) -> dict[str, Any]:
    """Run one ``step`` (Python source) in a fresh Pyodide from ``dist`` under Node.js."""
    node = shutil.which("node")
    assert node is not None
    (job / "step.py").write_text(step)
    script = job / "run.mjs"
    script.write_text(_NODE_JS % {"dist": dist.as_posix()})
    try:
        proc = subprocess.run(
            [node, str(script), str(job), json.dumps(packages)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as err:
        raise CompileError(f"Pyodide under Node.js took over {TIMEOUT_S} s") from err
    result = job / "result.json"
    if proc.returncode != 0 or not result.is_file():
        err = proc.stderr
        start = err.find("PythonError: Traceback")  # else Node's own error, at the end
        shown = err[start:][:3000] if start >= 0 else err[-3000:]
        raise CompileError(f"Pyodide under Node.js failed:\n{shown}")
    data: dict[str, Any] = json.loads(result.read_text())
    result.unlink()
    return data


def trace_imports(dist: Path, notebooks: Path, packages: list[str]) -> dict[str, Any]:
    """Run every notebook under ``notebooks`` in the site's Pyodide; the site-packages files
    they import (relative paths) and the cells that failed there (a cell that fails early may
    leave imports out: the site is then only slower, never wrong)."""
    with tempfile.TemporaryDirectory() as tmp:
        job = Path(tmp)
        shutil.copytree(notebooks, job / "notebooks")
        return _run(dist, job, _TRACE_PY, packages)


STDLIB = "python_stdlib.zip"
"""Pyodide's standard library: imported from this zip, as ``.py`` in the official files."""


def _plan(dist: Path, imported: set[str], stdlib: set[str]) -> dict[str, list[str]]:
    """archive file -> its ``.py`` entries to compile: the imported ones (all of the kernel's
    own packages) of every wheel, and the imported modules of the standard library's zip."""
    plan: dict[str, list[str]] = {}
    for archive in [*sorted(dist.glob("*.whl")), dist / STDLIB]:
        wanted = stdlib if archive.name == STDLIB else imported
        with zipfile.ZipFile(archive) as zf:
            entries = [
                n
                for n in zf.namelist()
                if n.endswith(".py") and (n in wanted or n.startswith(WHOLE))
            ]
        if entries:
            plan[archive.name] = entries
    return plan


def compile_dist(dist: Path, notebooks: Path, packages: list[str], rewrite: Any) -> dict[str, Any]:
    """Trace, compile and rewrite the wheels of ``dist`` in place; a summary for the report.

    ``rewrite(wheel, pyc_by_entry, keep_source, cache_tag)`` writes the new wheel (the one home
    of wheel writing is lite/build.py). Returns ``{"compiled": False, "why": ...}`` when Node.js
    is missing.
    """
    if shutil.which("node") is None:
        return {"compiled": False, "why": "node (Node.js) not found: wheels left as source"}
    trace = trace_imports(dist, notebooks, packages)
    plan = _plan(dist, set(trace["imported"]), set(trace["stdlib"]))
    with tempfile.TemporaryDirectory() as tmp:
        job = Path(tmp)
        (job / "out").mkdir()
        (job / "job.json").write_text(json.dumps({"wheels": plan, "stdlib": STDLIB}))
        tag = _run(dist, job, _COMPILE_PY, [])["cache_tag"]
        for wheel, entries in plan.items():
            pyc = {e: (job / "out" / wheel / f"{e}c").read_bytes() for e in entries}
            rewrite(dist / wheel, pyc, KEEP_SOURCE, tag)
    return {
        "compiled": True,
        "modules": sum(len(v) for v in plan.values()),
        "wheels": len(plan),
        "rewritten": sorted(plan),
        "cells_failed_while_tracing": trace["failed"],
        "loaded": trace["loaded"],
    }
