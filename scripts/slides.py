#!/usr/bin/env python3
"""Slides for each lesson, generated from the notebook with nbconvert's reveal.js exporter, offline.

Each ``##`` heading starts a slide and each ``###`` heading a sub-slide (the notebooks need no
slideshow metadata). The template (slides/template/trilat_reveal) drops everything nbconvert would
load from a CDN (jQuery, require.js, MathJax, mermaid, the widget manager) and loads reveal.js from
the copy pinned in slides/package-lock.json, placed beside the slides as ``reveal.js/``.

    python scripts/slides.py [--execute] [--out dist/slides] [notebooks/01_history.ipynb ...]
"""

from __future__ import annotations

import argparse
import ast
import html
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import ExecutePreprocessor

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "slides" / "template"
REVEAL = ROOT / "slides" / "node_modules" / "reveal.js"
PREFIX = "reveal.js"  # relative to the slides: works from a USB stick or an LMS folder


def mark_slides(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Give every cell a slide type from the headings: ``#``/``##`` slide, ``###`` sub-slide."""
    for cell in nb.cells:
        kind = "-"
        if cell.cell_type == "markdown":
            if re.match(r"#{1,2} ", cell.source) or cell.get("id", "").startswith("part-"):
                kind = "slide"
            elif cell.source.startswith("### "):
                kind = "subslide"
        cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
    return nb


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _quiz_text(source: str) -> str | None:
    """The question and options of a ``Quiz(...)`` call in a cell, as HTML (None: no quiz)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    parts = []
    for node in ast.walk(tree):
        func = node.func if isinstance(node, ast.Call) else None
        name = getattr(func, "attr", None) or getattr(func, "id", None)
        if name != "Quiz":
            continue
        args = {k.arg: k.value for k in node.keywords}
        question = node.args[0] if node.args else args.get("question")
        options = node.args[1] if len(node.args) > 1 else args.get("options")
        try:
            q = ast.literal_eval(question) if question is not None else ""
            opts = ast.literal_eval(options) if options is not None else []
        except ValueError:
            continue
        items = "".join(f"<li>{html.escape(str(o))}</li>" for o in opts)
        parts.append(f"<p><b>Quick check.</b> {html.escape(str(q))}</p><ol>{items}</ol>")
    return "".join(parts) or None


def static_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Slides have no kernel: a quiz shows its question and options as text, and any other widget
    view gives way to its static fallback (the "run this cell" note) instead of an empty box."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        quiz = _quiz_text(cell.source)
        if quiz:
            cell.outputs = [
                nbformat.v4.new_output("display_data", data={"text/html": quiz, "text/plain": ""})
            ]
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                data.setdefault(
                    "text/plain", "Interactive explorer: open the lesson notebook to use it."
                )
    return nb


def export(path: Path, out: Path, execute: bool = False) -> Path:
    """Write ``out/<lesson>.slides.html`` and return its path."""
    nb = nbformat.read(path, as_version=4)
    if execute:
        ExecutePreprocessor(timeout=300, kernel_name="python3").preprocess(
            nb, {"metadata": {"path": str(path.parent)}}
        )
    exporter = SlidesExporter(
        extra_template_basedirs=[str(TEMPLATE)], template_name="trilat_reveal"
    )
    exporter.reveal_url_prefix = PREFIX
    exporter.reveal_theme = "white"  # its fonts are local; "simple" imports Google Fonts
    body, _ = exporter.from_notebook_node(
        mark_slides(static_outputs(nb)), resources={"metadata": {"name": path.stem}}
    )
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{path.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    return target


_LOADS = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//"""
    r"""|@import\s+(?:url\()?\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
    flags=re.I,
)


def offline_problems(folder: Path) -> list[str]:
    """Every place in the slides (HTML) or the copied reveal.js (CSS) that would load from the
    network: a script, stylesheet, image or frame with an http(s) address, or a CSS import."""
    problems = []
    for path in sorted([*folder.rglob("*.html"), *folder.rglob("*.css")]):
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += [f"{path.name}: {m.group(0)[:80]}" for m in _LOADS.finditer(text)]
    return problems


def copy_reveal(out: Path) -> None:
    """Put the pinned reveal.js beside the slides: script, core CSS, the white theme with its local
    fonts and the speaker-notes plugin (the other themes import web fonts, so they stay out)."""
    if not REVEAL.exists():
        sys.exit("reveal.js is missing: run `npm ci --prefix slides` (make slides does it)")
    target = out / PREFIX
    for part in (
        "dist/reveal.js",
        "dist/reveal.css",
        "dist/theme/white.css",
        "plugin/notes/notes.js",
    ):
        (target / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REVEAL / part, target / part)
    fonts = "dist/theme/fonts/source-sans-pro"
    shutil.copytree(REVEAL / fonts, target / fonts, dirs_exist_ok=True)
    shutil.copy2(REVEAL / "LICENSE", target / "LICENSE")


def main(argv: list[str]) -> int:
    """Export the given lessons (default: every lesson notebook)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "slides")
    parser.add_argument("--execute", action="store_true", help="run each lesson first (charts)")
    parser.add_argument("--no-reveal", action="store_true", help="do not copy reveal.js")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(export(path, args.out, args.execute))
    if not args.no_reveal:
        copy_reveal(args.out)
    problems = offline_problems(args.out)
    for p in problems:
        print("loads from the network:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
