"""trilat grade on the hostile corpus: right scores and statuses, no leaks, byte-identical
re-grades, resume, and Ctrl-C losing nothing. Short limits keep the kernels few and fast."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trilat_lessons.grading.answers import VERDICTS
from trilat_lessons.grading.grade import grade
from trilat_lessons.grading.options import GradeOptions
from trilat_lessons.grading.runner import KernelTemplate
from trilat_lessons.grading.shard import MergeError
from trilat_lessons.grading.source import load_source, solution_lines

CORPUS = Path(__file__).parent / "grading_corpus"
SOURCE = CORPUS / "source" / "00_demo.ipynb"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
from trilat_lessons.grading.isolation import probe  # noqa: E402

# where bubblewrap is missing these tests run the documented fallback (tests/test_grading_hostile.py
# covers both paths explicitly)
UNSAFE = not probe().isolated
OPTIONS = dict(
    workers=2,
    timeout_cell=5.0,
    timeout_total=60.0,
    memory_mb=300,
    progress=False,
    unsafe_no_sandbox=UNSAFE,
    retry_timeouts_alone=False,  # tested once below; here it would only double the timeouts
)


def _grades(out: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO((out / "grades.csv").read_text()))
    return {r["student"]: r for r in rows}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    """Grade the corpus (plus the instructor's own solution) once for the whole module."""
    base = tmp_path_factory.mktemp("grading")
    subs = base / "submissions"
    shutil.copytree(CORPUS / "submissions", subs)
    shutil.copy(SOURCE, subs / "instructor_solution.ipynb")
    out = base / "out"
    old = os.environ.get("TRILAT_CORPUS_SOURCE")
    os.environ["TRILAT_CORPUS_SOURCE"] = str(SOURCE.resolve())  # read_instructor tries this path
    with KernelTemplate() as template:  # one warm template for this module's grading runs
        run = grade(SOURCE, subs, out, GradeOptions(**OPTIONS), template=template)
        yield base, subs, out, run, template
    if old is None:
        os.environ.pop("TRILAT_CORPUS_SOURCE", None)
    else:
        os.environ["TRILAT_CORPUS_SOURCE"] = old


def test_every_submission_gets_its_score_and_status(graded):
    _base, _subs, out, run, _t = graded
    assert not run.interrupted
    assert run.graded == len(EXPECTED) + 1
    grades = _grades(out)
    for student, exp in EXPECTED.items():
        row = grades[student]
        assert float(row["total"]) == pytest.approx(exp["total"]), (student, row)
        assert row["status"] == exp["status"], (student, row)
        result = json.loads((out / "results" / f"{student}.json").read_text())
        for qid, status in exp["questions"].items():
            assert result["questions"][qid]["status"] == status, (
                student,
                qid,
                result["questions"][qid],
            )


def test_instructor_solution_scores_full_marks_and_blank_scores_zero(graded):
    _base, _subs, out, _run, _t = graded
    grades = _grades(out)
    sol = grades["instructor_solution"]
    assert sol["status"] == "ok"
    assert [sol[q] for q in ("q1", "q2", "q3", "q4", "q5")] == ["2", "1", "1", "2", "2"]
    assert sol["total"] == "8" and sol["max"] == "10" and sol["pending"] == "q6"
    blank = grades["blank"]
    assert blank["total"] == "0" and blank["status"] == "not attempted"


def test_hidden_checks_add_credit_only_on_top_of_passing_public_checks(graded):
    _base, _subs, out, _run, _t = graded
    results = {
        s: json.loads((out / "results" / f"{s}.json").read_text())["questions"]["q5"]
        for s in ("wrong_answers", "hidden_fails", "good")
    }
    line = results["wrong_answers"]  # mark_line: public fail, the data is right
    assert (line["points"], line["status"], line["public"]) == (0, "incorrect", False)
    assert line["hidden"] == [
        {"description": "the bars show the right count for every year", "passed": True}
    ]
    assert line["message"].startswith("Almost: q5 asks for a bar chart")
    wrong_data = results["hidden_fails"]  # right chart, wrong counts
    assert (wrong_data["points"], wrong_data["status"], wrong_data["public"]) == (
        1,
        "partial",
        True,
    )
    assert wrong_data["message"] == (
        "Your answer passes the public checks, but not these hidden checks: "
        "the bars show the right count for every year."
    )
    assert (results["good"]["points"], results["good"]["status"]) == (2, "correct")


@pytest.mark.parametrize(
    ("public", "hidden", "expected"),
    [
        (True, [], (3, "correct")),
        (False, [], (0, "incorrect")),
        (True, [(1, True), (1, True)], (3, "correct")),
        (True, [(1, True), (1, False)], (2, "partial")),
        (True, [(2, False)], (1, "partial")),
        (False, [(1, True), (1, True)], (0, "incorrect")),  # hidden checks cannot rescue it
        (False, [(5, True)], (0, "incorrect")),
    ],
)
def test_score_policy(public, hidden, expected):
    from trilat_lessons.grading.scoring import score

    assert score(3, 1, public, hidden) == expected
    assert score(2, 0, True, [(1, False)]) == (0, "partial")  # public weight 0: hidden is all


def test_statuses_and_notes_are_clear(graded):
    _base, _subs, out, _run, _t = graded
    grades = _grades(out)
    assert grades["infinite_loop"]["detail"] == "timeout in q1"
    assert grades["empty"]["detail"] == "empty file"
    assert "01_history" in grades["other_assignment"]["detail"]
    notes = {
        s: json.loads((out / "results" / f"{s}.json").read_text())["notes"]
        for s in ("edit_locked", "delete_cells", "add_cells", "read_instructor", "print_megabytes")
    }
    assert any("locked cell" in n for n in notes["edit_locked"])
    assert any("q2" in n and "not attempted" in n for n in notes["delete_cells"])
    assert any("you added were not graded" in n for n in notes["add_cells"])
    # the instructor source is not in the kernel's world at all (namespace sandbox)
    read = json.loads((out / "results" / "read_instructor.json").read_text())["questions"]["q1"]
    assert "FileNotFoundError" in read["message"], read
    assert any("MB of output" in n for n in notes["print_megabytes"])
    wrong = json.loads((out / "results" / "wrong_answers.json").read_text())["questions"]
    assert "every level" in wrong["q1"]["message"]
    assert "reset_index" in wrong["q4"]["message"]


def test_feedback_never_shows_solutions_or_hidden_checks(graded):
    _base, _subs, out, _run, _t = graded
    source = load_source(SOURCE)
    secrets: list[str] = []
    for c in source.cells:
        if c.role in ("answer", "rubric-answer"):
            secrets += solution_lines(c.source)
        if c.role in ("hidden", "key"):
            secrets += [ln.strip() for ln in c.source.splitlines() if len(ln.strip()) > 12]
    assert secrets
    files = sorted((out / "feedback").iterdir())
    assert len(files) == 2 * (len(EXPECTED) + 1)
    for f in files:
        text = f.read_text()
        for s in secrets:
            assert s not in text, (f.name, s)
    md = (out / "feedback" / "wrong_answers.md").read_text()
    assert "| q5 | 0 / 2 | ✗ incorrect |" in md and "q5: ✗ incorrect" in md
    assert "Hidden checks: 1 of 1 passed. They earn points only once the public checks pass" in md
    partial = (out / "feedback" / "hidden_fails.md").read_text()
    assert "| q5 | 1 / 2 | ◐ partial |" in partial
    assert "Hidden checks: 0 of 1 passed.\n- failed: the bars show the right count" in partial
    assert "earn points only" not in partial


def test_reports(graded):
    _base, _subs, out, _run, _t = graded
    summary = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text())))
    assert [r["question"] for r in summary] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    q1 = summary[0]
    assert q1["students"] == str(len(EXPECTED) + 1) and int(q1["full_marks"]) > 0
    svg = (out / "summary.svg").read_text()
    assert svg.startswith("<svg") and "mean score per question" in svg
    manual = list(csv.DictReader(io.StringIO((out / "manual_grading.csv").read_text())))
    assert {r["question"] for r in manual} == {"q6"}
    assert all(r["rubric"].startswith("2:") for r in manual)
    rebuilt = json.loads((out / "rebuilt" / "edit_locked.ipynb").read_text())
    setup = next(c for c in rebuilt["cells"] if c["id"] == "setup")
    assert "head(2)" not in "".join(setup["source"])


def test_instructor_outputs_and_merged_shards_equal_one_run(graded, tmp_path):
    """The analytics of a real run; 4 parts of it merged give the same files, byte for byte;
    a --shard run grades exactly its share of the students."""
    from trilat_lessons.grading.shard import merge, shard_of

    _base, subs, out, _run, template = graded
    for name in ("item_analysis.csv", "answers.csv", "key_suggestions.md", "report.html"):
        assert (out / name).stat().st_size > 0, name
    wrong = json.loads((out / "results" / "wrong_answers.json").read_text())
    verdicts = {q: r["given"]["verdict"] for q, r in wrong["questions"].items() if "given" in r}
    assert verdicts and set(verdicts.values()) <= {*VERDICTS, "malformed"}
    good = json.loads((out / "results" / "good.json").read_text())
    assert good["questions"]["q1"]["given"]["verdict"] == "correct"
    feedback = (out / "feedback" / "wrong_answers.md").read_text()
    assert "unexplained wrong" not in feedback and "known misconception" not in feedback
    meta = json.loads((out / "run.json").read_text())
    parts = []
    for k in range(1, 5):
        part = tmp_path / f"part{k}"
        (part / "results").mkdir(parents=True)
        for f in (out / "results").glob("*.json"):
            if shard_of(f.stem, 4) == k:
                shutil.copy(f, part / "results" / f.name)
        (part / "run.json").write_text(json.dumps({**meta, "shard": [k, 4]}))
        parts.append(part)
    shutil.copy(out / "manual_grading.csv", parts[0] / "manual_grading.csv")
    merged = tmp_path / "merged"
    # `trilat grade merge` in a process of its own, as on a batch engine: one that never ran the
    # instructor's code (which sets the course theme) still draws the same summary chart
    cmd = "from trilat_lessons.cli import main; raise SystemExit(main())"
    args = ["grade", "merge", *map(str, parts), "--out", str(merged)]
    done = subprocess.run([sys.executable, "-c", cmd, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for name in ("grades.csv", "questions.csv", "item_analysis.csv", "answers.csv",
                 "key_suggestions.md", "manual_grading.csv", "summary.svg"):  # fmt: skip
        assert (merged / name).read_bytes() == (out / name).read_bytes(), name
    from trilat_lessons.theme import FONT

    assert f'font-family="{FONT}"' in (merged / "summary.svg").read_text()  # the course theme
    with pytest.raises(MergeError, match="missing \\[4\\]"):
        merge(parts[:3], tmp_path / "incomplete")
    # a real --shard run: only its share, each result as the unsharded run wrote it
    few = tmp_path / "few"
    few.mkdir()
    names = ["good", "wrong_answers", "blank", "hidden_fails", "exception", "empty"]
    for n in names:
        shutil.copy(subs / f"{n}.ipynb", few / f"{n}.ipynb")
    part = tmp_path / "shard1"
    grade(SOURCE, few, part, GradeOptions(**OPTIONS, shard=(1, 2)), template=template)
    got = sorted(p.stem for p in (part / "results").glob("*.json"))
    assert got and got == sorted(n for n in names if shard_of(n, 2) == 1)
    # run.json hashes the whole folder, not the shard: a merge can tell if the folder changed
    from trilat_lessons.grading.runmeta import submissions_hash

    part_meta = json.loads((part / "run.json").read_text())
    assert part_meta["submissions"] == len(names)
    assert part_meta["submissions_sha256"] == submissions_hash(names)
    for n in got:
        assert (
            json.loads((part / "results" / f"{n}.json").read_text())["questions"]
            == (json.loads((out / "results" / f"{n}.json").read_text())["questions"])
        )


def test_four_shards_flag_hard_links_as_one_run_does(graded, tmp_path):
    """Two names of one file in different shards: every part sees the whole folder's links, so
    4 real --shard runs merged give grades.csv (flags in the detail) byte for byte as one run."""
    from trilat_lessons.grading.shard import merge, shard_of

    _base, subs, _out, _run, template = graded
    folder = tmp_path / "links"
    folder.mkdir()
    a = "linked_a"
    b = next(f"linked_{i}" for i in range(99) if shard_of(f"linked_{i}", 4) != shard_of(a, 4))
    shutil.copy(subs / "good.ipynb", folder / f"{a}.ipynb")
    os.link(folder / f"{a}.ipynb", folder / f"{b}.ipynb")
    shutil.copy(subs / "blank.ipynb", folder / "other.ipynb")
    one = tmp_path / "one"
    grade(SOURCE, folder, one, GradeOptions(**OPTIONS), template=template)
    parts = []
    for k in range(1, 5):
        part = tmp_path / f"part{k}"
        grade(SOURCE, folder, part, GradeOptions(**OPTIONS, shard=(k, 4)), template=template)
        parts.append(part)
    merged = tmp_path / "merged"
    merge(parts, merged)
    rows = _grades(one)
    assert rows[a]["detail"] == f"Same file as {b} (hard links to one file)."
    assert rows[b]["detail"] == f"Same file as {a} (hard links to one file)."
    assert (merged / "grades.csv").read_bytes() == (one / "grades.csv").read_bytes()
    for name in (a, b, "other"):
        got = json.loads((merged / "results" / f"{name}.json").read_text())
        want = json.loads((one / "results" / f"{name}.json").read_text())
        assert (got.get("flag"), got["notes"]) == (want.get("flag"), want["notes"]), name


def test_regrade_is_byte_identical_and_resume_skips_unchanged(graded):
    __base, subs, out, _run, template = graded
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    sheet = out / "manual_grading.csv"
    again = grade(SOURCE, subs, out, GradeOptions(**OPTIONS, force=True), template=template)
    assert again.graded == len(EXPECTED) + 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before == after
    # an instructor scores a written answer; a student's file changes; re-run resumes
    rows = list(csv.reader(io.StringIO(sheet.read_text())))
    header = rows[0]
    good_row = next(r for r in rows if r[0] == "good")
    good_row[header.index("score")] = "1.5"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    sheet.write_text(buf.getvalue())
    (subs / "exception.ipynb").write_bytes((subs / "good.ipynb").read_bytes())
    resumed = grade(SOURCE, subs, out, GradeOptions(**OPTIONS), template=template)
    assert (resumed.graded, resumed.skipped) == (1, len(EXPECTED))
    grades = _grades(out)
    assert grades["exception"]["total"] == "8"
    assert grades["good"]["q6"] == "1.5" and grades["good"]["total"] == "9.5"
    assert grades["good"]["pending"] == ""


def test_ctrl_c_loses_nothing(tmp_path, graded):
    template = graded[4]
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("good", "blank", "infinite_loop"):
        shutil.copy(CORPUS / "submissions" / f"{name}.ipynb", subs)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "trilat_lessons.grading.cli",
        "grade",
        str(SOURCE),
        str(subs),
        "--out",
        str(out),
        "--workers",
        "1",
        "--timeout-cell",
        "60",
        "--timeout-total",
        "120",
        *(["--unsafe-no-sandbox"] if UNSAFE else []),
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a terminal's Ctrl-C: make sure SIGINT is not inherited as ignored (background jobs)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    results = out / "results"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(list(results.glob("*.json"))) < 2:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    try:
        _stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()  # never leave a grader behind, whatever happened
    assert proc.returncode == 130, stderr
    assert "run the same command again to resume" in stderr
    saved = sorted(p.stem for p in results.glob("*.json"))
    assert saved == ["blank", "good"]
    assert not (out / "grades.csv").exists()
    # the unfinished submission is replaced; the same grading (same limits) grades only it
    shutil.copy(CORPUS / "submissions" / "good.ipynb", subs / "infinite_loop.ipynb")
    options = GradeOptions(
        workers=1, timeout_cell=60, timeout_total=120, progress=False, unsafe_no_sandbox=UNSAFE
    )
    resumed = grade(SOURCE, subs, out, options, template=template)
    assert (resumed.graded, resumed.skipped) == (1, 2)
    assert _grades(out)["infinite_loop"]["total"] == "8"


def test_feedback_and_sheets_cannot_be_forged(graded):
    """Error text cannot forge a Score line or inject HTML; written answers cannot be formulas."""
    _base, _subs, out, _run, _t = graded
    md = (out / "feedback" / "markdown_forgery.md").read_text()
    scores = [ln for ln in md.splitlines() if ln.startswith("Score:")]
    assert len(scores) == 1 and scores[0].startswith("Score: 6 / 10"), scores
    assert "<script>" not in md and "&lt;script&gt;" in md
    html = (out / "feedback" / "markdown_forgery.html").read_text()
    assert "<script>" not in html
    sheet = (out / "manual_grading.csv").read_text()
    row = next(ln for ln in sheet.splitlines() if ln.startswith("markdown_forgery,"))
    assert ",'=HYPERLINK(" in row or ",\"'=HYPERLINK(" in row, row


def test_channel_forgery_is_noted_and_ignored(graded):
    _base, _subs, out, _run, _t = graded
    garbage = json.loads((out / "results" / "channel_garbage.json").read_text())
    assert garbage["questions"]["q4"]["status"] == "correct"  # the forged q4 export was dropped
    assert any("were ignored" in n for n in garbage["notes"])


def test_a_timeout_among_other_kernels_is_graded_again_alone(tmp_path, graded):
    """Another student's CPU burners cannot cost points: a time-out is re-measured alone."""
    template = graded[4]
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("infinite_loop", "good"):
        shutil.copy(CORPUS / "submissions" / f"{name}.ipynb", subs)
    options = GradeOptions(**{**OPTIONS, "timeout_cell": 2.0, "retry_timeouts_alone": True})
    run = grade(SOURCE, subs, tmp_path / "out", options, template=template)
    assert run.graded == 2
    loop = json.loads((tmp_path / "out" / "results" / "infinite_loop.json").read_text())
    assert (loop["status"], loop["questions"]["q1"]["status"]) == ("timeout", "timeout")
    assert any("graded again with nothing else running" in n for n in loop["notes"])
    good = json.loads((tmp_path / "out" / "results" / "good.json").read_text())
    assert not any("graded again" in n for n in good["notes"])
