"""The benchmark's pure parts still work (no nbgrader, no kernels, no timings).

``benchmarks/bench.py`` is run by ``make bench``, not by ``make test``; this keeps its generator and
its nbgrader converter from rotting unnoticed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source" / "01_history.ipynb"


@pytest.fixture(scope="module")
def gb():
    spec = importlib.util.spec_from_file_location(
        "bench_gradebench", ROOT / "benchmarks" / "gradebench.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def source(gb):
    return gb.load(SOURCE)


def test_answer_sets_are_deterministic_and_mixed(gb, source):
    a = gb.answer_sets(source, 40)
    assert a == gb.answer_sets(source, 40)
    assert len(a) == 40
    profiles = {e["profile"] for e in a.values()}
    assert profiles == {"correct", "partly wrong", "blank", "slow"}
    slow = [e for e in a.values() if e["profile"] == "slow"]
    assert all(any("time.sleep(" in t for t in e["answers"].values()) for e in slow)
    blank = [e for e in a.values() if e["profile"] == "blank"]
    assert all(not e["answers"] for e in blank)
    two = gb.answer_sets(source, 2)
    assert len(two) == 2


def test_trilat_submissions_fill_only_answer_cells(gb, source):
    answers = gb.answer_sets(source, 2)
    release_ids = [c.id for c in source.cells if c.role not in ("key", "hidden")]
    for entry in answers.values():
        nb = gb.trilat_submission(source, entry["answers"])
        assert [c["id"] for c in nb["cells"]] == release_ids
        for c in nb["cells"]:
            if c["id"] in entry["answers"]:
                assert c["source"] == entry["answers"][c["id"]]
                assert c["metadata"]["trilat"]["role"] in ("answer", "rubric-answer")
        assert "### BEGIN SOLUTION" not in json.dumps(nb)


def test_nbgrader_source_has_the_same_points(gb, source):
    nb = gb.nbgrader_source(source)
    metas = [c["metadata"]["nbgrader"] for c in nb["cells"]]
    assert all(m["schema_version"] == 3 for m in metas)
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids))
    solutions = {m["grade_id"] for m in metas if m["solution"]}
    assert solutions == {c.id for c in source.answer_cells}
    # every auto-graded question: test cells worth its points; the rubric: a manual answer
    points = gb.nbgrader_points(source)
    for qid, q in source.questions.items():
        if q.kind == "auto":
            assert sum(points[qid].values()) == pytest.approx(q.points, abs=1e-3)
        else:
            (cell,) = [c for c in nb["cells"] if c["id"] == q.cells[0]]
            meta = cell["metadata"]["nbgrader"]
            assert cell["cell_type"] == "markdown"
            assert meta["solution"] and meta["grade"] and meta["points"] == q.points
    tests = [c for c in nb["cells"] if c["metadata"]["nbgrader"]["grade"]]
    hidden = [c for c in tests if "### BEGIN HIDDEN TESTS" in c["source"]]
    n_hidden = sum(1 for c in source.cells if c.role == "hidden")
    assert len(hidden) == n_hidden
    for c in tests:
        if c["cell_type"] == "code":
            compile(c["source"], c["id"], "exec")  # valid Python
            assert "assert " in c["source"]
    # key cells (the answers' misconceptions) never reach the nbgrader notebook
    assert not any(c["id"].endswith("-key") for c in nb["cells"])


def test_nbgrader_submissions_fill_solution_cells_by_grade_id(gb, source):
    template = gb.nbgrader_source(source)
    for entry in gb.answer_sets(source, 2).values():
        nb = gb.nbgrader_submission(template, entry["answers"])
        for c in nb["cells"]:
            meta = c["metadata"]["nbgrader"]
            if meta["solution"] and meta["grade_id"] in entry["answers"]:
                assert c["source"] == entry["answers"][meta["grade_id"]]
            elif not meta["solution"]:
                assert c["source"] in {x["source"] for x in template["cells"]}
    assert template == gb.nbgrader_source(source)  # the template is not modified


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_main", ROOT / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_score_comparison_lists_and_explains_disagreements(gb, bench, source):
    sets = gb.answer_sets(source, 2)
    points = gb.nbgrader_points(source)
    tri, nbg = {}, {}
    for student in sets:
        tri[student] = {
            qid: {
                "points": sum(cells.values()),
                "status": "correct",
                "public": True,
                "hidden": [True] * (len(cells) - 1),
                "hidden_counted": True,
            }
            for qid, cells in points.items()
        }
        nbg[student] = {
            gid: {"score": p, "max": p, "manual": False}
            for cells in points.values()
            for gid, p in cells.items()
        }
    prep = {"sets": sets, "source": source}
    same = bench.compare_scores(prep, tri, nbg)
    assert same["disagreements"] == []
    assert same["questions_compared"] == 2 * len(points)
    first = sorted(sets)[0]
    # trilat: public checks fail, so the passing hidden check earns nothing; nbgrader counts it
    tri[first]["q5"].update(points=0.0, status="incorrect", public=False, hidden_counted=False)
    nbg[first]["q5-public"]["score"] = 0.0
    (diff,) = bench.compare_scores(prep, tri, nbg)["disagreements"]
    assert diff["student"] == first and diff["question"] == "q5"
    assert diff["reason"].startswith("scoring rule")


def test_the_table_renders_the_committed_results(bench):
    path = ROOT / "benchmarks" / "results.json"
    if not path.exists():
        pytest.skip("no benchmarks/results.json yet")
    text = bench.table(json.loads(path.read_text()))
    assert "metric" in text.split("\n")[0]
    assert "machine:" in text
