"""The grader's layout: one phase per module, no import cycle inside ``trilat_lessons.grading``
(imports inside functions count too: a lazy import still runs both ways), and no module over
400 lines without a stated reason."""

from __future__ import annotations

import ast
from pathlib import Path

import trilat_lessons.grading as grading

PACKAGE = Path(grading.__file__).parent
LONG_OK = {  # modules allowed past 400 lines, and why (not split in this change)
    "edition.py": "trilat student: one command's copy, marker and check steps, read together",
    "kernel.py": "the code that runs inside the sandboxed kernel: one file, shipped as is",
    "runner.py": "kernel limits, restarts and the channel protocol share one state machine",
}


def _imports(path: Path) -> set[str]:
    """Sibling modules of ``grading`` that ``path`` imports (relative or absolute)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(a.name for a in node.names)
            elif node.module and node.module.startswith("trilat_lessons.grading."):
                found.add(node.module.split(".")[2])
    return {m for m in found if (PACKAGE / f"{m}.py").is_file()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_inside_grading():
    graph = {p.stem: _imports(p) - {p.stem} for p in PACKAGE.glob("*.py")}
    assert graph["grade"] >= {"intake", "prepare", "run", "finish", "options"}  # it sees them
    assert "grade" not in graph["report"] and "grade" not in graph["shard"]
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])
    assert _cycle({**graph, "report": graph["report"] | {"finish"}})  # the check can fail


def test_modules_stay_small_or_say_why():
    for path in PACKAGE.glob("*.py"):
        lines = path.read_text(encoding="utf-8").count("\n")
        if path.name not in LONG_OK:
            assert lines < 400, f"{path.name}: {lines} lines"


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
