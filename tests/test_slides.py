"""Lesson slides (scripts/slides.py, `make slides`) are generated from the notebooks and load
nothing from the network: no CDN script, stylesheet or font."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("slides", ROOT / "scripts" / "slides.py")
slides = importlib.util.module_from_spec(_spec)
sys.modules["slides"] = slides
_spec.loader.exec_module(slides)


def test_lesson_slides_load_nothing_from_the_network(tmp_path: Path) -> None:
    out = slides.export(ROOT / "notebooks" / "01_history.ipynb", tmp_path)
    html = out.read_text(encoding="utf-8")
    assert slides.offline_problems(tmp_path) == []
    assert '<script src="reveal.js/dist/reveal.js">' in html
    assert "reveal.js/dist/theme/white.css" in html
    # one slide per ## heading: the lesson's sections are there
    assert html.count("<section") >= 10 and "Source criticism" in html
    # long sections scroll inside their slide (reveal.js 4.6 has no scroll view; checked in
    # headless Chromium at 1280x800: the last element of the tallest slide becomes visible)
    assert "overflow-y: auto" in html and "center: false" in html
    assert "s.tabIndex = 0" in html  # the scrolling slides take keyboard focus


def test_the_offline_gate_catches_a_cdn(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<script src="https://unpkg.com/reveal.js@4/dist/reveal.js">')
    (tmp_path / "b.css").write_text("@import url(https://fonts.googleapis.com/css?family=Lato);")
    (tmp_path / "c.html").write_text('<a href="https://example.org/source">a cited source</a>')
    assert len(slides.offline_problems(tmp_path)) == 2  # links to read are fine; loads are not


def test_quizzes_read_as_text_and_widgets_fall_back_to_their_note() -> None:
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "01_history.ipynb", as_version=4)
    quiz = next(c for c in nb.cells if c.cell_type == "code" and "Quiz(" in c.source)
    widget = nbformat.v4.new_code_cell("tl.widgets.TimelineExplorer(meetings)")
    widget.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={slides.WIDGET_VIEW: {"model_id": "x"}, "text/html": "<p>run this cell</p>"},
        )
    ]
    nb.cells.append(widget)
    slides.static_outputs(nb)
    shown = quiz.outputs[0]["data"]["text/html"]
    assert "Quick check." in shown and shown.count("<li>") >= 2, shown
    assert slides.WIDGET_VIEW not in widget.outputs[0]["data"]
    assert "run this cell" in widget.outputs[0]["data"]["text/html"]
