"""Grading commands and renderers that must stay in step: one feedback document rendered twice,
``trilat scaffold``/``trilat synth`` (and their old entry points), and ``trilat grade``'s
defaults read from ``GradeOptions``. The package layout rules live in ``test_layout.py``."""

from __future__ import annotations


def test_feedback_markdown_and_html_render_one_document():
    from trilat_lessons.grading.feedback import Feedback, QuestionFeedback, to_html, to_markdown

    q = QuestionFeedback("q1", "partial", "0.5", "1", "Look at <b>2015</b>.", "Hidden: 1 of 2.",
                         [(True, "counts rows"), (False, "keeps Japan")])  # fmt: skip
    doc = Feedback("01_x", "Title", "Ann", "0.5", "3", ["q2"], "ok", "", [q], ["Graded alone."])
    page, text = to_html(doc), to_markdown(doc)
    for words in ("Feedback: 01_x Title", "0.5 / 3 (still to be graded by your instructor: q2)",
                  "Hidden: 1 of 2.", "failed: keeps Japan", "Graded alone."):  # fmt: skip
        assert words in page and words in text, words
    assert "&lt;b&gt;2015&lt;/b&gt;" in page and "<b>" not in text  # escaped in both
    q.message = "Changed."
    assert "Changed." in to_html(doc) and "Changed." in to_markdown(doc)


def test_scaffold_and_synth_are_trilat_commands_and_the_old_entry_points_still_work(tmp_path):
    from trilat_lessons.cli import main
    from trilat_lessons.grading import scaffold, synth

    assert main(["scaffold", "09_demo", "Demo", "--dir", str(tmp_path / "new")]) == 0
    assert scaffold.main(["09_demo", "Demo", "--dir", str(tmp_path / "old")]) == 0
    made = tmp_path / "new" / "09_demo.ipynb"
    assert made.read_bytes() == (tmp_path / "old" / "09_demo.ipynb").read_bytes()
    assert main(["synth", str(made), str(tmp_path / "a"), "-n", "3"]) == 0
    assert synth.main([str(made), str(tmp_path / "b"), "-n", "3"]) == 0
    a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(a) == 3 and a == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_grade_command_defaults_are_the_grade_options_defaults():
    from dataclasses import fields

    from trilat_lessons.cli import build_parser
    from trilat_lessons.grading.options import GradeOptions

    args = build_parser().parse_args(["grade", "src.ipynb", "subs", "--out", "o"])
    d = GradeOptions()
    shared = {f.name for f in fields(GradeOptions)} & set(vars(args))
    assert shared >= {"workers", "timeout_cell", "timeout_total", "memory_mb", "force"}
    for name in shared - {"shard"}:
        assert getattr(args, name) == getattr(d, name), name
