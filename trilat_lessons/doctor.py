"""``trilat doctor``: check that this environment can run the course, with a fix-it hint for
every problem (students run it when something does not show)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

_FIX_INSTALL = "run `make lab` (or `make install`) from the course folder to (re)install everything"


@dataclass
class Check:
    """One line of the doctor's report."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False
    """True for a limit worth knowing that does not stop the course (shown as WARN, exit 0)."""


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"


def check_versions() -> Check:
    """Python and the key packages are present."""
    wanted = ["trilat-lessons", "jupyterlab", "ipywidgets", "ipykernel", "pandas", "altair",
              "vl-convert-python"]  # fmt: skip
    found = {d: _version(d) for d in wanted}
    missing = [d for d, v in found.items() if v == "missing"]
    detail = f"Python {sys.version.split()[0]}; " + ", ".join(f"{d} {v}" for d, v in found.items())
    ok = not missing and sys.version_info >= (3, 11)
    fix = "" if ok else f"missing: {', '.join(missing) or 'Python >= 3.11'}; {_FIX_INSTALL}"
    return Check("versions", ok, detail, fix)


def check_data() -> Check:
    """Every packaged dataset loads."""
    try:
        from . import datasets
    except ImportError as exc:
        return Check("data", False, f"dataset module not available ({exc})", _FIX_INSTALL)
    try:
        names = datasets.list_datasets()
        rows = {n: len(datasets.load(n)) for n in names}
    except Exception as exc:  # report, never crash the doctor
        return Check("data", False, f"loading failed: {exc}", _FIX_INSTALL)
    if not names:
        return Check("data", False, "no datasets found in the package", _FIX_INSTALL)
    return Check("data", True, f"{len(names)} datasets, {sum(rows.values())} rows in all")


def check_charts() -> Check:
    """A chart renders to SVG in-process, with no network and no external script."""
    try:
        import altair as alt
        import pandas as pd

        from .render import chart_to_svg

        chart = (
            alt.Chart(
                pd.DataFrame({"year": [2022, 2023], "meetings": [3, 5]}),
                title="Doctor test chart",
                description="Two bars used by trilat doctor to test offline rendering.",
            )
            .mark_bar()
            .encode(x="year:O", y="meetings:Q")
        )
        svg = chart_to_svg(chart)
    except Exception as exc:
        return Check("charts", False, f"offline rendering failed: {exc}", _FIX_INSTALL)
    if "<svg" not in svg or "http://" in svg.replace("http://www.w3.org", "") or "https://" in svg:
        return Check("charts", False, "the SVG refers to the network", _FIX_INSTALL)
    return Check("charts", True, f"offline SVG rendering works ({len(svg) // 1024} KB test chart)")


def _labextension_dirs() -> list[Path]:
    from jupyter_core.paths import jupyter_path

    return [Path(p) for p in jupyter_path("labextensions")]


def check_widgets_extension() -> Check:
    """The ipywidgets front-end extension is installed where JupyterLab looks."""
    try:
        dirs = _labextension_dirs()
    except Exception as exc:
        return Check("widgets", False, f"cannot read Jupyter paths: {exc}", _FIX_INSTALL)
    for d in dirs:
        pkg = d / "@jupyter-widgets" / "jupyterlab-manager" / "package.json"
        if pkg.is_file():
            version = json.loads(pkg.read_text(encoding="utf-8")).get("version", "?")
            return Check("widgets", True, f"front-end extension {version} in {d}")
    return Check(
        "widgets",
        False,
        "the ipywidgets JupyterLab extension (jupyterlab_widgets) is not installed",
        f"widgets will show as text only; {_FIX_INSTALL}",
    )


LAB_EXTENSION = "trilat-lessons"
"""The course's JupyterLab extension (``trilat_lessons/labextension``): the page guard."""


def check_page_guard() -> Check:
    """The course's JupyterLab extension is installed and enabled: without it a notebook
    reopened untrusted (from someone else, or changed outside JupyterLab) has links that pass
    typed letters to notebook shortcuts and scrolling outputs without a tab stop (a warning:
    a freshly run lesson carries the same guard in its outputs)."""
    fix = (
        "install the course into the environment that runs JupyterLab (`make install`), then"
        f" `jupyter labextension enable {LAB_EXTENSION}` and reload the page"
    )
    try:
        from jupyterlab_server.config import get_static_page_config

        dirs = _labextension_dirs()
        disabled = get_static_page_config(level="all").get("disabledExtensions", {})
    except Exception as exc:
        return Check("guard", True, f"cannot tell: {exc}", fix, warning=True)
    if not any((d / LAB_EXTENSION / "package.json").is_file() for d in dirs):
        what = "is not installed where JupyterLab looks"
    elif (isinstance(disabled, dict) and disabled.get(LAB_EXTENSION)) or (
        isinstance(disabled, list) and LAB_EXTENSION in disabled  # (the older form: a list)
    ):
        what = "is disabled"
    else:
        return Check("guard", True, "the course's JupyterLab extension (page guard) is on")
    return Check(
        "guard",
        True,
        f"the course's JupyterLab extension {what}: in a notebook reopened untrusted, letters"
        " typed on a link can reach notebook shortcuts (a cell inserted or deleted)",
        fix,
        warning=True,
    )


def _kernel_python(argv0: str) -> str:
    # jupyter_client replaces a bare "python" with the Python that runs the server
    return sys.executable if argv0 in {"python", "python3"} else argv0


def check_kernel() -> Check:
    """The default Python kernel is the environment that has this package."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec("python3")
    except Exception as exc:
        return Check("kernel", False, f"no python3 kernel found ({exc})", _FIX_INSTALL)
    python = _kernel_python(spec.argv[0])
    try:
        out = subprocess.run(
            [python, "-c", "import trilat_lessons, sys; print(sys.prefix)"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("kernel", False, f"kernel Python {python} does not run ({exc})", _FIX_INSTALL)
    if out.returncode != 0:
        return Check(
            "kernel",
            False,
            f"the python3 kernel ({python}) cannot import trilat_lessons",
            "in JupyterLab pick the kernel of this course's .venv, or " + _FIX_INSTALL,
        )
    prefix = out.stdout.strip()
    same = os.path.realpath(prefix) == os.path.realpath(sys.prefix)
    detail = f"python3 kernel runs {python} (environment {prefix})"
    if not same:
        detail += f"; note: doctor runs in {sys.prefix}"
    return Check("kernel", True, detail)


_CJK = {"ko": "Korean", "ja": "Japanese"}


def _fonts_for(lang: str) -> list[str] | None:
    """Font families fontconfig has for ``lang``; None when fontconfig cannot be asked."""
    try:
        out = subprocess.run(
            ["fc-list", f":lang={lang}", "family"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    return sorted({line.split(",")[0].strip() for line in out.stdout.splitlines() if line.strip()})


def check_fonts() -> Check:
    """A font with Korean and Japanese letters is installed (some sources quote them).

    Checked with fontconfig on this machine, which is what a browser here uses; a browser on
    another machine uses that machine's fonts.
    """
    found = {lang: _fonts_for(lang) for lang in _CJK}
    if any(v is None for v in found.values()):
        return Check(
            "fonts",
            True,
            "cannot list fonts here (no fontconfig `fc-list`): if Korean or Japanese text shows"
            " as empty boxes, install a CJK font",
            "Debian/Ubuntu: sudo apt-get install fonts-noto-cjk",
            warning=True,
        )
    missing = [_CJK[lang] for lang, fams in found.items() if not fams]
    if missing:
        return Check(
            "fonts",
            True,
            f"no {' or '.join(missing)} font installed: names and quotes in"
            f" {' and '.join(missing)} will show as empty boxes (the English beside them reads"
            " correctly)",
            "Debian/Ubuntu: sudo apt-get install fonts-noto-cjk (macOS and Windows have one)",
            warning=True,
        )
    names = ", ".join(sorted({f for fams in found.values() for f in (fams or [])})[:3])
    return Check("fonts", True, f"Korean and Japanese text can be shown ({names})")


WIDGET_TIP = (
    "An explorer or quiz that says 'run this cell to start it' (or 'Error displaying widget:"
    " model not found') is not broken: its controls live in the running kernel, so run its"
    " cells again (Run > Run All Cells). Only if it still does not appear is something above"
    " wrong."
)


def check_save_hook() -> Check:
    """The course's save hook (``labhooks``, a Jupyter server extension the package enables) is
    on for this environment's JupyterLab: without it a reopened lesson's explorers say "Error
    displaying widget: model not found" until their cells run again (a warning, not a fault)."""
    try:
        from jupyter_core.paths import jupyter_config_path
        from jupyter_server.extension.config import ExtensionConfigManager
        from jupyter_server.serverapp import ServerApp

        # as the server decides: the extension lists (jupyter_server_config.d), then its own
        # config files, whose ServerApp.jpserver_extensions win
        enabled = ExtensionConfigManager(
            read_config_path=jupyter_config_path()
        ).get_jpserver_extensions()
        app = ServerApp()
        app.load_config_file()
        enabled.update(app.jpserver_extensions)
    except Exception as exc:  # no jupyter_server here, or an unreadable config: report it
        return Check(
            "savehook", True, f"cannot tell whether the save hook is on ({exc})", warning=True
        )
    if enabled.get("trilat_lessons.labhooks"):
        return Check("savehook", True, "JupyterLab's save hook is on (reopened lessons stay tidy)")
    return Check(
        "savehook",
        True,
        "the course's save hook is off in this environment's JupyterLab: reopened lessons show"
        " 'model not found' in place of their explorers until their cells run again",
        "jupyter server extension enable trilat_lessons.labhooks (or start JupyterLab with"
        " `make lab`)",
        warning=True,
    )


def check_grading_sandbox() -> Check:
    """Which protection ``trilat grade`` gives kernels here (informational for students).

    Never a failure: students do not grade. Instructors read the detail: without namespaces
    ``trilat grade`` refuses untrusted submissions unless ``--unsafe-no-sandbox`` is passed.
    """
    try:
        from .grading.isolation import probe
    except ImportError:  # the student edition ships no grader
        return Check("grading", True, "no grader in this edition (students do not grade)")
    try:
        prot = probe()
    except Exception as exc:  # report, never crash the doctor
        return Check("grading", True, f"grading protection unknown ({exc})", warning=True)
    if prot.isolated:
        return Check("grading", True, f"grading protection: namespaces ({prot.detail})")
    return Check(
        "grading",
        True,
        f"grading protection: NONE ({prot.detail}); `trilat grade` refuses untrusted "
        f"submissions here unless given --unsafe-no-sandbox. To fix: {prot.missing}",
        warning=True,  # a limit for instructors, never a failure for students
    )


CHECKS = (
    check_versions,
    check_data,
    check_charts,
    check_widgets_extension,
    check_page_guard,
    check_kernel,
    check_fonts,
    check_save_hook,
    check_grading_sandbox,
)


def run_checks() -> list[Check]:
    """Run every check; each catches its own failures so the report is always complete."""
    return [check() for check in CHECKS]


def main(*, as_json: bool = False) -> int:
    """Print the report; exit code 0 when all is well, 1 otherwise."""
    results = run_checks()
    if as_json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        for r in results:
            mark = "FAIL" if not r.ok else "WARN" if r.warning else "OK  "
            print(f"[{mark}] {r.name:8} {r.detail}")
            if (not r.ok or r.warning) and r.fix:
                print(f"         fix: {r.fix}")
        bad = sum(not r.ok for r in results)
        warn = sum(r.ok and r.warning for r in results)
        if bad:
            print(f"{bad} problem(s) found.")
        elif warn:
            print(f"The course is ready; {warn} warning(s) above.")
        else:
            print("All green: the course is ready.")
        print(f"Tip: {WIDGET_TIP}")
    return 0 if all(r.ok for r in results) else 1
