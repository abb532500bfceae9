"""The static picture a course widget carries in its text/html fallback (widgets/snapshot.py):
what the website, nbconvert and a reopened notebook show where no kernel draws the live view."""

from __future__ import annotations

import ipywidgets as w

import trilat_lessons as tl
from trilat_lessons.labhooks import FALLBACK_MARK, WIDGET_VIEW
from trilat_lessons.widgets.snapshot import SNAPSHOT_CLASS, snapshot_html


def test_a_quiz_fallback_shows_its_question_and_options_but_no_answer() -> None:
    quiz = tl.widgets.Quiz("Which city hosted it?", ["Camp David", "Seoul"], correct="Camp David")
    bundle = quiz._repr_mimebundle_()
    fallback = bundle["text/html"]
    assert WIDGET_VIEW in bundle and FALLBACK_MARK in fallback and SNAPSHOT_CLASS in fallback
    assert "run this cell" in fallback.lower()  # still says how to make it live
    assert "Which city hosted it?" in fallback
    assert "<li>Camp David</li><li>Seoul</li>" in fallback
    assert "correct" not in fallback.lower() and "Check answer" not in fallback  # no button
    assert "onerror" not in fallback and "onload" not in fallback and "<script" not in fallback


def test_an_explorer_fallback_shows_its_first_chart_controls_and_sentences() -> None:
    explorer = tl.widgets.TimelineExplorer(tl.load("meetings"))
    fallback = explorer._repr_mimebundle_()["text/html"]
    assert explorer.chart_view.value in fallback  # the same accessible SVG figure
    assert "<svg" in fallback and 'class="trilat-chart"' in fallback
    assert "<b>Level:</b> all" in fallback  # a control as text, not a dead control
    assert "<select" not in fallback and "<input" not in fallback
    assert "meetings match" in fallback
    assert "Keyboard:" not in fallback  # help about live controls is left out


def test_hidden_parts_buttons_and_empty_widgets_have_no_picture() -> None:
    box = w.VBox(
        [
            w.HTML("<p>shown</p>"),
            w.HTML("<p>secret</p>", layout=w.Layout(display="none")),
            w.Button(description="Go"),
            w.HTML(""),
        ]
    )
    picture = snapshot_html(box)
    assert "shown" in picture and "secret" not in picture and "Go" not in picture
    assert snapshot_html(w.Button(description="Go")) == ""
