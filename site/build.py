"""Build the course website into ``_site/`` from the student edition (docs/website.md).

Run with the course venv's Python (``make site`` does, with the network cut)::

    .venv/bin/python site/build.py --edition dist/student --output _site

Steps: (1) execute each lesson of the edition with nbclient, offline, importing the edition's own
package (cached in site/_cache/ by a hash of the notebook and the edition's package, so a rebuild
re-runs only what changed); (2) stage a Sphinx source tree in site/_build/src/ (landing page,
lessons with outputs, exercise questions, readings, one codebook page per dataset, how to cite,
licences; notebooks and CSVs to download); (3) render it with Sphinx + MyST-NB in the site tool
venv (site/.venv-site, which never runs course code); (4) put the JupyterLite build into
``_site/lite/`` (lite/build.py) unless ``--no-lite``. Only the edition is read, never the
instructor repository, so the site holds nothing the edition's leak scan did not pass.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from html import escape, unescape
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent
REPO = SITE_DIR.parent
CACHE = SITE_DIR / "_cache" / "executed"
STAGE = SITE_DIR / "_build" / "src"
DOCTREES = SITE_DIR / "_build" / "doctrees"
SITE_PY = SITE_DIR / ".venv-site" / "bin" / "python"
LITE_PY = REPO / "lite" / ".venv-lite" / "bin" / "python"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LIVE_NOTE = (
    "This explorer or quiz needs a running kernel: it is live when you run the lesson in "
    "JupyterLab or in the browser version (Run in the browser, at the top of this page)."
)
LIVE_NOTE_NO_LITE = (
    "This explorer or quiz needs a running kernel: it is live when you run the lesson in "
    "JupyterLab (Download the notebook, at the top of this page)."
)


RUN_THIS_CELL = re.compile(r'<p class="trilat-widget-fallback"[^>]*>.*?</p>', re.S)
"""The first line of a course widget's static fallback (``trilat_lessons/widgets/_base.py``,
``fallback_bundle``): what to do in JupyterLab, which a web page replaces with its own note."""


class BuildError(RuntimeError):
    """A build step failed for a reason the user can act on."""


def log(msg: str) -> None:
    print(f"[site] {msg}", flush=True)


def _tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def execute_lesson(src: Path, edition: Path, package_hash: str, timeout: int) -> dict:
    """The lesson executed (from the cache when neither it nor the package changed)."""
    import nbformat
    from nbclient import NotebookClient

    key = hashlib.sha256(src.read_bytes() + package_hash.encode()).hexdigest()[:20]
    cached = CACHE / f"{src.stem}-{key}.ipynb"
    if cached.exists():
        log(f"{src.name}: outputs from the cache")
        return json.loads(cached.read_text(encoding="utf-8"))
    started = time.monotonic()
    nb = nbformat.read(src, as_version=4)
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(edition), env_path) if p)
    try:
        NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(src.parent)}},
            store_widget_state=False,
        ).execute()
    finally:
        os.environ["PYTHONPATH"] = env_path
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"{src.stem}-*.ipynb"):
        old.unlink()
    nbformat.write(nb, cached)
    log(f"{src.name}: executed in {time.monotonic() - started:.1f} s")
    return json.loads(cached.read_text(encoding="utf-8"))


COURSE_ZIP = "trilat-lessons-student.zip"
ZIP_ROOT = "trilat-lessons-student"
NOT_ZIPPED = {".venv", ".git", "build", "dist"}
"""Top-level folders of a working copy of the edition that are not the course (its
.gitignore's; only at the top: ``trilat_lessons/build/`` is the package's data build)."""
NOT_ZIPPED_ANYWHERE = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}
"""Cache folders, at any depth."""


def course_zip(edition: Path, target: Path, epoch: int) -> int:
    """Zip the whole student edition into ``target`` (one folder, ``ZIP_ROOT``); its size in bytes.

    Deterministic: entries sorted, every time stamp ``epoch`` (not before 1980, which zip cannot
    store), permissions only the executable bit; no venv, git, cache or build folder.
    """
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    files = sorted(
        p
        for p in edition.rglob("*")
        if p.is_file()
        and p.relative_to(edition).parts[0] not in NOT_ZIPPED
        and not NOT_ZIPPED_ANYWHERE.intersection(p.relative_to(edition).parts[:-1])
        and not p.name.endswith((".pyc", ".pyo"))
        and not any(part.endswith(".egg-info") for part in p.relative_to(edition).parts)
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(f"{ZIP_ROOT}/{path.relative_to(edition).as_posix()}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if path.stat().st_mode & 0o111 else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.create_system = 3  # Unix, so that unzip keeps the executable bit
            zf.writestr(info, path.read_bytes(), compresslevel=9)
    return target.stat().st_size


def links_cell(kind: str, name: str, with_lite: bool = True) -> dict:
    """The 'Run in the browser' (only when the site has lite/) and 'Download the notebook' links
    at the top of a page; a notebook alone needs the course package, so the whole course too."""
    run = (
        f'<a class="trilat-run" href="../lite/lab/index.html?path={kind}/{name}">'
        "Run in the browser</a> (JupyterLite: nothing to install) · "
    )
    html = (
        f'<p class="trilat-links">{run if with_lite else ""}'
        f'<a class="trilat-download" href="../download/{kind}/{name}" download>'
        "Download the notebook</a> (it runs with the course package: "
        f'<a href="../download/{COURSE_ZIP}" download>download the whole course</a>)</p>'
    )
    return {"cell_type": "markdown", "id": "trilat-links", "metadata": {}, "source": html}


TITLE_LINE = re.compile(r"\A\s*#\s+[^\n]+\n?")


def under_the_title(nb: dict, cells: list[dict]) -> int:
    """Insert ``cells`` right under the page's title (the first cell's ``# title`` line): the
    first markdown cell is split after that line when more text follows it. Returns the index of
    the cell after that first markdown cell's text."""
    first = nb["cells"][0] if nb["cells"] else None
    if not first or first["cell_type"] != "markdown":
        nb["cells"][0:0] = cells
        return len(cells)
    src = first["source"] if isinstance(first["source"], str) else "".join(first["source"])
    title = TITLE_LINE.match(src)
    rest = src[title.end() :] if title else ""
    if title and rest.strip():
        first["source"] = title[0].rstrip("\n")
        intro = {"cell_type": "markdown", "id": "trilat-intro", "metadata": {}, "source": rest}
        nb["cells"][1:1] = [*cells, intro]
        return len(cells) + 2
    nb["cells"][1:1] = cells
    return len(cells) + 1


COURSE_URL = re.compile(r'<span class="trilat-url">(https?://[^<"]+)</span>')
"""A web address in course output: text in a notebook (its page script makes it a link there,
see trilat_lessons/sources.py); on the website, a link."""

CHART_SVG = re.compile(r'(<svg\b[^>]*\bclass="marks"[^>]*>)(.*?</svg>)', re.S)
FONT_SIZE = re.compile(r'font-size(?:="|:\s*)([\d.]+)px')
CHART_MIN_TEXT_PX = 9
"""On a narrow screen a chart shrinks with the column only down to the scale where its smallest
text is drawn at this size; below it, the chart keeps that size and scrolls sideways in its own
box (the package's focusable ``figure.trilat-chart``; WCAG 1.4.10 allows that for charts)."""


def chart_min_width(html: str) -> str:
    """``html`` with each chart's smallest readable width (:data:`CHART_MIN_TEXT_PX`) in its
    ``--trilat-chart-min-width``, which site/trilat.css uses as the chart's ``min-width``."""

    def sized(m: re.Match[str]) -> str:
        tag, body = m[1], m[2]
        width = re.search(r'\swidth="([\d.]+)"', tag)
        sizes = [float(size) for size in FONT_SIZE.findall(body)]
        if not width or not sizes or min(sizes) <= 0 or 'style="' not in tag:
            return m[0]
        least = math.ceil(float(width[1]) * CHART_MIN_TEXT_PX / min(sizes))
        return tag.replace('style="', f'style="--trilat-chart-min-width:{least}px;', 1) + body

    return CHART_SVG.sub(sized, html)


CONTENTS_CELL = {
    "cell_type": "markdown",
    "id": "trilat-contents",
    "metadata": {},
    "source": "```{contents} On this page\n:local:\n:depth: 1\n:backlinks: none\n```",
}
"""The page's sections, after its introduction: lesson and exercise pages give the article the
whole width for the charts (site/trilat.css), so the theme's right-hand sidebar is not shown."""


def merge_streams(outputs: list[dict]) -> list[dict]:
    """``outputs`` with each run of printed text to one stream (stdout, stderr) as one output.

    The kernel sends printed text in chunks cut by timing, so one ``print`` loop can arrive as one
    output or as two; merged, a lesson executed twice gives the same page.
    """
    merged: list[dict] = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and out.get("output_type") == "stream" == prev.get("output_type")
            and out.get("name") == prev.get("name")
        ):
            text = [prev.get("text", ""), out.get("text", "")]
            prev["text"] = "".join(t if isinstance(t, str) else "".join(t) for t in text)
        else:
            merged.append(out)
    return merged


PAGE_SCRIPT = re.compile(r'<style onload="[^"]*"></style>')
"""A course output's script for JupyterLab (the page guard, a widget's helper: an empty
``<style>`` with a load handler): the website has no notebook to guard, so it is left out."""


def for_the_web(nb: dict, kind: str, name: str, with_lite: bool = True) -> dict:
    """Drop live-widget views (keep their text/html fallback, with a note), kernel state and the
    outputs' JupyterLab scripts; printed text in one piece per stream; course web addresses become
    links; charts get their smallest readable width."""
    nb["metadata"].pop("widgets", None)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("execution", None)
        if "outputs" in cell:
            cell["outputs"] = merge_streams(cell["outputs"])
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and "text/html" in data:
                page = data["text/html"]
                page = page if isinstance(page, str) else "".join(page)
                page = COURSE_URL.sub(r'<a href="\1">\1</a>', PAGE_SCRIPT.sub("", page))
                data["text/html"] = chart_min_width(page)
            if not data or WIDGET_VIEW not in data:
                continue
            del data[WIDGET_VIEW]
            if "text/html" in data:
                html = data["text/html"]
                html = html if isinstance(html, str) else "".join(html)
                note = LIVE_NOTE if with_lite else LIVE_NOTE_NO_LITE
                note = f'<p class="trilat-live-note"><em>{note}</em></p>'
                # the notebook's "run this cell (Shift+Enter)" line, on a page the site's note
                web, found = RUN_THIS_CELL.subn(lambda _m, n=note: n, html, count=1)
                data["text/html"] = web if found else html + note
                data.pop("text/plain", None)
    after_intro = under_the_title(nb, [links_cell(kind, name, with_lite)])
    nb["cells"][after_intro:after_intro] = [CONTENTS_CELL]
    return nb


def title_of(nb: dict, fallback: str) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            match = re.search(r"^#\s+(.+)$", src, re.M)
            if match:
                return match.group(1).strip()
    return fallback


def codebook_pages(edition: Path, out: Path) -> list[str]:
    """One page per dataset (split from the edition's docs/codebook.md), each with its CSV."""
    text = (edition / "docs" / "codebook.md").read_text(encoding="utf-8")
    head, *sections = re.split(r"^## ", text, flags=re.M)
    intro = re.sub(r"<!--.*?-->", "", head.split("\n", 1)[1], flags=re.S)
    intro = re.sub(r"\[`(\w+)`\]\(#[\w-]+\)", r"[`\1`](\1.md)", intro)
    names = []
    licence = ""
    for sec in sections:
        name, body = sec.split("\n", 1)
        name = name.strip()
        if name == "Licence":
            licence = body.strip()
            continue
        csv = edition / "trilat_lessons" / "data" / f"{name}.csv"
        if not csv.exists():
            raise BuildError(f"the codebook names {name} but {csv} is missing")
        names.append(name)
        page = [
            f"# Dataset `{name}`",
            "",
            f'<p><a class="trilat-download" href="../download/data/{name}.csv" download>'
            f"Download {name}.csv</a> (UTF-8 CSV, {csv.stat().st_size:,} bytes)</p>",
            "",
            body.strip(),
            "",
            "## How to cite this dataset",
            "",
            f"Cite the course (see [How to cite](../cite.md)) and name the dataset `{name}`; "
            "also cite the documents its rows come from: each row has a `source_id`, and "
            "`trilat_lessons.cite(source_id)` formats the reference"
            + (
                "; here on the web, find the `source_id` in the [`sources`](sources.md) dataset, "
                "which lists each document's title, issuer, date and, where known, address."
                if name != "sources" and (csv.parent / "sources.csv").exists()
                else "."
            ),
            "",
        ]
        if licence:
            page += ["## Licence", "", licence, ""]
        (out / f"{name}.md").write_text("\n".join(page), encoding="utf-8")
    # the licence section comes last in the codebook, so add it to the pages written before it
    if licence:
        for name in names:
            page_path = out / f"{name}.md"
            text_page = page_path.read_text(encoding="utf-8")
            if "## Licence" not in text_page:
                page_path.write_text(text_page + f"## Licence\n\n{licence}\n", encoding="utf-8")
    index = [
        "# Data codebook",
        "",
        intro.strip(),
        "",
        "```{toctree}",
        ":hidden:",
        "",
        *names,
        "```",
    ]
    (out / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    return names


def cite_page(edition: Path) -> str:
    import yaml

    cff = yaml.safe_load((edition / "CITATION.cff").read_text(encoding="utf-8"))
    authors = ", ".join(a.get("name") or f"{a.get('family-names')}, {a.get('given-names')}"
                        for a in cff.get("authors", []))  # fmt: skip
    year = str(cff.get("date-released", ""))[:4]
    ref = f"{authors} ({year}). *{cff['title']}* (version {cff['version']})."
    return "\n".join(
        [
            "# How to cite",
            "",
            " ".join(cff.get("message", "").split()),
            "",
            "**Suggested reference**",
            "",
            ref,
            "",
            f"Licences: {', '.join(cff.get('license', []))} (see [Licences](licences.md)).",
            "",
            '<p><a href="download/CITATION.cff" download>Download CITATION.cff</a> '
            "(the Citation File Format, read by GitHub, Zenodo and reference managers).</p>",
            "",
        ]
    )


WEB_ADDRESS = re.compile(
    r"https?://[^\s<>\"'“”‘’()\[\]]+"  # then its last character, never the sentence's full stop
    r"[^\s<>\"'“”‘’()\[\].,;:!?]"
)
"""A web address in plain text (its trailing punctuation is the sentence's, not the address's)."""


def licence_block(text: str) -> str:
    """A licence's text as it is (line breaks kept, wrapped on a narrow screen), its web
    addresses links: a raw ``<pre>`` block, which MyST passes through with its blank lines."""
    parts, end = [], 0
    for m in WEB_ADDRESS.finditer(text):
        url = escape(m[0], quote=True)
        parts += [escape(text[end : m.start()], quote=False), f'<a href="{url}">{url}</a>']
        end = m.end()
    parts.append(escape(text[end:], quote=False))
    return f'<pre class="trilat-licence">{"".join(parts)}</pre>'


def licences_page(edition: Path) -> str:
    parts = [
        "# Licences",
        "",
        "The course's code is under the MIT licence; its content (lessons, exercises, "
        "documentation) and the compilation of its datasets are under CC BY 4.0. The full texts:",
    ]
    for name in ("LICENSE", "LICENSE-CONTENT"):
        text = (edition / name).read_text(encoding="utf-8").strip()
        parts += ["", f"## {name}", "", licence_block(text)]
    return "\n".join(parts) + "\n"


def landing_page(
    lessons: list[tuple[str, str]],
    exercises: list[tuple[str, str]],
    with_lite: bool = True,
    zip_bytes: int = 0,
    repository: str = "",
) -> str:
    """The landing page; without the browser version (--no-lite) it offers only the other two.

    ``zip_bytes``: the size of the whole course's zip (:func:`course_zip`); ``repository``: the
    course repository's web address (``COURSE_REPOSITORY``), linked when given.
    """
    lesson_rows = "\n".join(f"| [{t}](lessons/{s}.ipynb) |" for s, t in lessons)
    exercise_rows = "\n".join(f"| [{t}](exercises/{s}.ipynb) |" for s, t in exercises)
    live = "in the browser version or in JupyterLab" if with_lite else "in JupyterLab"
    ways = [
        "**Read it here.** Every lesson below is a page with its charts and outputs. Explorers and"
        " quizzes need a running kernel: here each shows a static picture of its first state, and"
        f" it comes alive when you run the lesson {live}.",
    ]
    if with_lite:
        ways.append(
            "**Run it in the browser.** Each lesson page has a *Run in the browser* link that"
            ' opens it in <a href="lite/lab/index.html">JupyterLite</a>, a JupyterLab that runs'
            " entirely in your browser: nothing to install, and after the first load it works"
            " offline. (The first visit downloads the Python runtime, several tens of megabytes.)"
        )
    size = f", {zip_bytes / 1e6:.1f} MB" if zip_bytes >= 100_000 else f", {zip_bytes:,} bytes"
    repo = ""
    if re.fullmatch(r"https?://[^\s<>\"']+", repository):
        url = escape(repository, quote=True)
        repo = f' Its source is also in the <a href="{url}">course repository</a>.'
    ways.append(
        f'**Download and install.** <a href="download/{COURSE_ZIP}" download>Download the whole'
        f" course</a> (a zip{size}): notebooks, exercises, data and the package with `check()`"
        " feedback. Unzip it and, in its folder, run `make install` then `make lab` (Python 3.11"
        " or newer and `make`; the first install downloads the pinned packages; see its README)."
        " Each page also has a *Download the notebook* link: a notebook alone runs only where the"
        f" course package is installed.{repo}"
    )
    ways_md = "\n".join(f"{i}. {w}" for i, w in enumerate(ways, 1))
    count = {2: "Two", 3: "Three"}[len(ways)]
    answer = "run them in the browser or in JupyterLab" if with_lite else "run them in JupyterLab"
    return f"""# U.S.–Japan–South Korea trilateral cooperation: a Jupyter course

A course in notebooks on how the United States, Japan and South Korea came to cooperate as three,
what holds them back, how China figures in each capital's view, and what policy options are on
the table. Every dataset cites a source on every row; charts and interactive explorers work
offline; exercises give instant feedback.

**For whom.** Students of international relations, East Asian studies or public policy (no prior
programming needed: lesson 00b is a Python primer), and instructors who want to adopt or adapt a
course whose every figure can be traced to a document.

## {count} ways to use it

{ways_md}

## Syllabus

| lesson |
|---|
{lesson_rows}

## Exercises

Each set has questions you answer in the notebook and check with `check()`. Here you can read the
questions; {answer} to answer and get feedback.

| exercise set |
|---|
{exercise_rows}

## Also here

- [Readings](readings.md): the documents behind the course.
- [Data codebook](data/index.md): every dataset, its columns, and its CSV to download.
- [How to cite](cite.md) and [Licences](licences.md).

```{{toctree}}
:hidden:
:caption: Lessons

{chr(10).join(f"lessons/{s}" for s, _ in lessons)}
```

```{{toctree}}
:hidden:
:caption: Exercises

{chr(10).join(f"exercises/{s}" for s, _ in exercises)}
```

```{{toctree}}
:hidden:
:caption: Reference

readings
data/index
cite
licences
```
"""


def stage(edition: Path, timeout: int, with_lite: bool = True, epoch: int = 0) -> None:
    """Write the Sphinx source tree (and the files to download) into site/_build/src/."""
    import nbformat

    shutil.rmtree(STAGE, ignore_errors=True)
    (STAGE / "lessons").mkdir(parents=True)
    (STAGE / "exercises").mkdir()
    (STAGE / "data").mkdir()
    downloads = STAGE / "_extra" / "download"
    for sub in ("notebooks", "exercises", "data"):
        (downloads / sub).mkdir(parents=True)
    package_hash = _tree_hash(edition / "trilat_lessons")
    lessons = []
    for src in sorted((edition / "notebooks").glob("*.ipynb")):
        shutil.copyfile(src, downloads / "notebooks" / src.name)
        executed = execute_lesson(src, edition, package_hash, timeout)
        nb = for_the_web(executed, "notebooks", src.name, with_lite)
        nbformat.write(nbformat.from_dict(nb), STAGE / "lessons" / src.name)
        lessons.append((src.stem, title_of(nb, src.stem)))
    exercises = []
    for src in sorted((edition / "exercises").glob("*.ipynb")):
        shutil.copyfile(src, downloads / "exercises" / src.name)
        nb = json.loads(src.read_text(encoding="utf-8"))
        nb = for_the_web(nb, "exercises", src.name, with_lite)
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        (STAGE / "exercises" / src.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
        exercises.append((src.stem, title_of(nb, src.stem)))
    for csv in sorted((edition / "trilat_lessons" / "data").glob("*.csv")):
        shutil.copyfile(csv, downloads / "data" / csv.name)
    shutil.copyfile(edition / "CITATION.cff", downloads / "CITATION.cff")
    zip_bytes = course_zip(edition, downloads / COURSE_ZIP, epoch)
    log(f"{COURSE_ZIP}: {zip_bytes:,} bytes")
    codebook_pages(edition, STAGE / "data")
    # the edition does not carry the readings page; it is public course content (no exercise
    # material), and the leak scan over _site/ checks it like every other page
    readings = edition / "docs" / "readings.md"
    readings = readings if readings.exists() else REPO / "docs" / "readings.md"
    shutil.copyfile(readings, STAGE / "readings.md")
    (STAGE / "cite.md").write_text(cite_page(edition), encoding="utf-8")
    (STAGE / "licences.md").write_text(licences_page(edition), encoding="utf-8")
    (STAGE / "index.md").write_text(
        landing_page(
            lessons, exercises, with_lite, zip_bytes, os.environ.get("COURSE_REPOSITORY", "")
        ),
        encoding="utf-8",
    )
    (STAGE / "_static").mkdir()
    for name in ("trilat.css", "trilat-nomath.js"):
        shutil.copyfile(SITE_DIR / name, STAGE / "_static" / name)


def build_env() -> dict[str, str]:
    """The environment of the Sphinx run: ``SOURCE_DATE_EPOCH`` as given, else the last commit's
    time (as lite/build.py does), so the copyright year in every page's footer (site/conf.py) is
    the commit's and two builds of one commit are the same bytes."""
    env = dict(os.environ)
    if not env.get("SOURCE_DATE_EPOCH", "").isdigit():
        try:
            git = ["git", "-C", str(REPO), "log", "-1", "--format=%ct"]
            out = subprocess.run(git, capture_output=True, text=True, check=True, timeout=30)
            env["SOURCE_DATE_EPOCH"] = str(int(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError, ValueError):
            env.pop("SOURCE_DATE_EPOCH", None)  # no year in the footer
    return env


def sphinx(output: Path) -> None:
    if not SITE_PY.exists():
        raise BuildError(f"{SITE_PY} is missing (make site installs it from the lock)")
    # MyST-NB writes a jupyter_execute/ folder next to Sphinx's output folder, so Sphinx writes
    # into site/_build/html/ and the result is moved to the output afterwards
    html = SITE_DIR / "_build" / "html"
    for old in (output, DOCTREES, html):
        shutil.rmtree(old, ignore_errors=True)
    cmd = [str(SITE_PY), "-m", "sphinx", "-b", "html", "-E", "-W", "--keep-going", "-q"]
    cmd += ["-c", str(SITE_DIR), "-d", str(DOCTREES), str(STAGE), str(html)]
    subprocess.run(cmd, check=True, timeout=900, env=build_env())
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(html, output)
    (output / ".buildinfo").unlink(missing_ok=True)  # holds a hash of the build's config only
    shutil.rmtree(output / "_sources", ignore_errors=True)  # empty: no page source is copied
    (output / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ as it is


NAV_TOGGLE = re.compile(
    r'(<li class="[^"]*has-children[^"]*"><a [^>]*>(?P<text>.*?)</a>\s*<details[^>]*>)<summary>',
    re.S,
)


def name_nav_toggles(html: str) -> str:
    """Give each collapsible section of the theme's navigation an accessible name.

    The theme's ``<summary>`` holds only a decorative chevron (axe: summary-name); its name is
    the section it opens, e.g. "Data codebook: show or hide its pages".
    """

    def named(m: re.Match[str]) -> str:
        text = " ".join(unescape(re.sub(r"<[^>]+>", "", m["text"])).split())
        label = escape(f"{text}: show or hide its pages", quote=True)
        return f'{m[1]}<summary aria-label="{label}">'

    return NAV_TOGGLE.sub(named, html)


LIGHT_ONLY = (
    "<script>(function () { var get = Storage.prototype.getItem;"
    " Storage.prototype.getItem = function (key) {"
    ' return key === "mode" || key === "theme" ? "light" : get.apply(this, arguments); };'
    " })();</script>"
)
"""First in every page's ``<head>``: the theme's own scripts read a light/dark choice saved in the
browser's storage, which every site on the same host shares (all of one github.io account), so a
"dark" saved by another site would turn this light-only site dark (docs/website.md, "Dark
mode"). The site reads "light" for those two keys; nothing is written to the storage."""


def light_only(html: str) -> str:
    """``html`` with :data:`LIGHT_ONLY` first in its ``<head>``."""
    return html if LIGHT_ONLY in html else html.replace("<head>", "<head>" + LIGHT_ONLY, 1)


NAVBAR_TOGGLE = re.compile(
    r'\s*<button class="pst-navbar-icon sidebar-toggle (?:primary|secondary)-toggle"[^>]*>'
    r'\s*<span class="fa-solid [\w-]+"></span>\s*</button>'
)


def drop_navbar_toggles(html: str) -> str:
    """Remove the hidden sidebar buttons of the theme's top bar, so that the visible ones work.

    pydata-sphinx-theme 0.20 opens the navigation and "contents" panels on a narrow screen from
    the *first* ``.primary-toggle`` / ``.secondary-toggle`` of the page, which is its own top bar's,
    and sphinx-book-theme 1.4 folds the navigation away on a wide screen from the first
    ``.primary-toggle`` too; but the book theme hides that bar and shows its own buttons above the
    article, which then did nothing at any width. Without the hidden ones, both scripts take the
    visible ones.
    """
    return NAVBAR_TOGGLE.sub("", html)


def postprocess(output: Path) -> None:
    """Fix what the theme writes on every page (outside the JupyterLite app)."""
    for page in output.rglob("*.html"):
        if page.relative_to(output).parts[0] in ("lite", "_static"):
            continue
        html = page.read_text(encoding="utf-8")
        fixed = light_only(drop_navbar_toggles(name_nav_toggles(html)))
        if fixed != html:
            page.write_text(fixed, encoding="utf-8")


def lite(output: Path, edition: Path) -> None:
    if not LITE_PY.exists():
        raise BuildError(f"{LITE_PY} is missing (make lite-fetch installs it)")
    cmd = [str(LITE_PY), str(REPO / "lite" / "build.py"), "build"]
    subprocess.run([*cmd, "--output", str(output / "lite"), "--edition", str(edition)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edition", type=Path, default=REPO / "dist" / "student")
    parser.add_argument("--output", type=Path, default=REPO / "_site")
    parser.add_argument("--no-lite", action="store_true", help="leave out _site/lite/")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per lesson cell")
    args = parser.parse_args(argv)
    edition, output = args.edition.resolve(), args.output.resolve()
    started = time.monotonic()
    try:
        if (edition / "exercises" / "source").exists() or not (edition / "notebooks").is_dir():
            raise BuildError(f"{edition} is not a student edition (run: make student)")
        epoch = int(build_env().get("SOURCE_DATE_EPOCH", "0"))
        stage(edition, args.timeout, with_lite=not args.no_lite, epoch=epoch)
        sphinx(output)
        postprocess(output)
        if not args.no_lite:
            lite(output, edition)
    except (BuildError, subprocess.CalledProcessError) as err:
        print(f"[site] error: {err}", file=sys.stderr)
        return 1
    pages = len(list(output.rglob("*.html")))
    log(f"built {output} ({pages} HTML files) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
