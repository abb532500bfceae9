"""Instructor analytics on synthetic result records (in-process, no kernels): verdicts of given
answers, item analysis, key suggestions with a planted misconception and alternative, the class
report, LMS files against the Canvas and Moodle column rules, shards, pseudonyms."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import statistics
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analytics_support import (
    KEY,
    MISCONCEPTION,
    PLANTED_ALT,
    PLANTED_WRONG,
    SET,
    exported,
    synthetic_class,
)

from trilat_lessons.grading import analytics as an
from trilat_lessons.grading.lms import (
    CANVAS_FIXED,
    MOODLE_FIXED,
    RosterError,
    parse_formats,
    read_roster,
)
from trilat_lessons.grading.outputs import (
    AnalyticsOptions,
    answers_csv,
    questions_of,
    write_analytics,
)
from trilat_lessons.grading.shard import parse_shard, shard_of


def test_given_answer_verdicts():
    q1, q2 = KEY["q1"], KEY["q2"]
    assert an.given(SET, q1, exported(4))["verdict"] == "correct"
    assert an.given(SET, q2, exported("t-10."))["verdict"] == "accepted alternative"
    known = an.given(SET, q1, exported(0))
    assert known["verdict"] == "known misconception" and known["wrong"] == 0
    other = an.given(SET, q1, exported(PLANTED_WRONG))
    assert other["verdict"] == "unexplained wrong" and other["canon"] == "int:1234"
    assert an.given(SET, q1, exported("four"))["verdict"] == "malformed"
    assert an.given(SET, q1, exported(None)) is None  # not attempted: nothing to count
    long = an.given(SET, q2, exported("x" * 5000 + "\n=1"))
    assert len(long["canon"]) == an.CANON_MAX and long["canon"].endswith("…")
    assert "\n" not in long["canon"]


def test_item_analysis_figures_and_flags():
    meta, results = synthetic_class(200, plant=False)
    questions = questions_of(meta)
    items = {i["question"]: i for i in an.item_analysis(questions, results)}
    q3 = items["q3"]
    pool = an.graded(results)
    item = [an.item_score(r, questions[2]) for r in pool]
    rest = [an.total(r) - s for r, s in zip(pool, item, strict=True)]
    assert q3["item_rest_r"] == pytest.approx(statistics.correlation(item, rest))
    assert q3["facility"] == pytest.approx(sum(item) / len(item))
    assert 0 < q3["upper_lower"] <= 1 and q3["item_rest_r"] > 0.2  # ability drives scores
    assert sum(q3["statuses"].values()) == len(results)
    # a question everyone gets right is too easy and cannot discriminate
    for r in results:
        r["questions"]["q3"].update(points=1.0, status="correct")
    q3 = next(i for i in an.item_analysis(questions, results) if i["question"] == "q3")
    assert "too easy" in q3["flag"] and "no discrimination" in q3["flag"]
    # a question only the weakest get right discriminates negatively
    ranked = sorted(pool, key=an.total)
    for j, r in enumerate(ranked):
        r["questions"]["q3"]["points"] = 1.0 if j < len(ranked) // 3 else 0.0
    q3 = next(i for i in an.item_analysis(questions, results) if i["question"] == "q3")
    assert "negative discrimination" in q3["flag"] and q3["upper_lower"] < 0


def test_small_classes_are_flagged_indicative_and_pending_rubrics_have_no_figures():
    meta, results = synthetic_class(12, plant=False)
    items = an.item_analysis(questions_of(meta), results)
    flagged = [i for i in items if i["flag"]]
    assert flagged and all("indicative only" in i["flag"] for i in flagged if i["kind"] == "auto")
    results[0]["questions"]["q4"].update(status="manual", points=None)
    q4 = next(i for i in an.item_analysis(questions_of(meta), results) if i["question"] == "q4")
    assert q4["facility"] is None and "not scored yet" in q4["flag"]


def test_planted_misconception_tops_key_suggestions_and_alternative_is_an_accept_candidate(
    tmp_path: Path,
):
    meta, results = synthetic_class(200)
    write_analytics(meta, results, tmp_path)
    text = (tmp_path / "key_suggestions.md").read_text()
    first = text.split("### 1.")[1].split("###")[0]
    assert f"int:{PLANTED_WRONG}" in first
    assert f'wrong("q1", {PLANTED_WRONG}, "TODO' in first
    accept = text.split("candidate `accept()`")[1]
    assert f'accept("q2", {PLANTED_ALT.lower()!r})' in accept
    assert "1234" not in accept  # the misconception is common, not a strong students' answer
    rows = list(csv.DictReader(io.StringIO((tmp_path / "answers.csv").read_text())))
    q1 = [r for r in rows if r["question"] == "q1"]
    planted = next(r for r in q1 if r["answer"] == "int:1234")
    assert planted["verdict"] == "unexplained wrong" and 0.2 < float(planted["share"]) < 0.4
    known = next(r for r in q1 if r["answer"] == "int:0")
    assert known["verdict"] == "known misconception" and known["wrong_message"] == MISCONCEPTION
    assert {r["verdict"] for r in rows} >= {"correct", "accepted alternative", "malformed"}
    # without the planted answers neither shows up
    meta, results = synthetic_class(200, plant=False)
    write_analytics(meta, results, tmp_path)
    text = (tmp_path / "key_suggestions.md").read_text()
    assert "1234" not in text and PLANTED_ALT.lower() not in text


def test_answers_csv_escapes_formulas():
    row = {
        "question": "q1",
        "answer": '=HYPERLINK("x")',
        "count": 1,
        "share": 1.0,
        "verdict": "unexplained wrong",
        "message": "+1",
        "rest_mean": 0.0,
        "sha": "ab",
    }
    parsed = list(csv.reader(io.StringIO(answers_csv([row]).decode())))[1]
    assert parsed[1] == '\'=HYPERLINK("x")' and parsed[5] == "'+1"


def test_report_html_is_self_contained_and_pseudonymised(tmp_path: Path):
    meta, results = synthetic_class(60)
    write_analytics(meta, results, tmp_path, AnalyticsOptions(pseudonymise=True))
    page = (tmp_path / "report.html").read_text()
    for section in ("Score distribution", "Statuses", "Item analysis", "Answers given",
                    "Written answers still to grade"):  # fmt: skip
        assert section in page
    assert page.count("<svg") >= 2 and "<desc>" in page
    assert "<script" not in page and "src=" not in page and "@import" not in page
    assert "Student 005" not in page  # the timed-out student is named only by a code
    again = tmp_path / "again"
    again.mkdir()
    (again / "pseudonym.salt").write_bytes((tmp_path / "pseudonym.salt").read_bytes())
    write_analytics(meta, results, again, AnalyticsOptions(pseudonymise=True))
    assert (again / "report.html").read_bytes() == (tmp_path / "report.html").read_bytes()
    write_analytics(meta, results, tmp_path)
    assert "Student 005" in (tmp_path / "report.html").read_text()


NAMES = ["Doe, Jane", 'O"Brien "Bo"', "김민준", "山田 太郎", "=cmd|x", "Zoë Ångström"]


def _roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    rows = [["submission", "name", "canvas_id", "sis_user_id", "sis_login_id", "section",
             "email", "username", "idnumber"]]  # fmt: skip
    for i, name in enumerate(NAMES[:-1]):  # the last submission has no roster row
        rows.append([name, name, str(100 + i), f"S{i}", f"login{i}", "Sec, A", f"u{i}@x.org",
                     f"u{i}", f"ID{i}"])  # fmt: skip
    rows.append(["Absent Student", "Student, Absent", "999", "S9", "login9", "", "", "", ""])
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_canvas_and_moodle_files_follow_their_column_rules(tmp_path: Path):
    meta, results = synthetic_class(len(NAMES), names=NAMES)
    roster = read_roster(_roster(tmp_path))
    opts = AnalyticsOptions(roster=roster, lms=parse_formats("canvas,moodle"))
    warnings = write_analytics(meta, results, tmp_path, opts)
    assert any("not in the roster" in w for w in warnings)
    assert any("without a submission" in w for w in warnings)
    totals = {r["student"]: an.total(r) for r in results}
    raw = (tmp_path / "lms" / "canvas.csv").read_bytes()
    assert raw.decode("utf-8")  # UTF-8, no BOM before "Student"
    assert raw.startswith(b"Student,ID,SIS User ID,SIS Login ID,Section,")
    canvas = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert canvas[0][:5] == CANVAS_FIXED and canvas[0][5] == "01_demo Demo"
    by_name = {row[0]: row for row in canvas[1:]}
    assert len(canvas) - 1 == len(NAMES) + 1  # every submission and the absent student
    assert by_name["Doe, Jane"][1:5] == ["100", "S0", "login0", "Sec, A"]
    assert by_name['O"Brien "Bo"'][5] == f"{totals[NAMES[1]]:g}"
    assert by_name["김민준"][3] == "login2" and by_name["山田 太郎"][2] == "S3"
    assert "'=cmd|x" in by_name  # a name a sheet would run is escaped
    assert by_name["Zoë Ångström"][1:5] == ["", "", "", ""]  # kept, not dropped
    assert by_name["Student, Absent"][5] == ""  # no grade: Canvas leaves it unchanged
    assert b'"O""Brien ""Bo"""' in raw and b'"Doe, Jane"' in raw  # RFC 4180 quoting
    moodle = list(csv.reader(io.StringIO((tmp_path / "lms" / "moodle.csv").read_text())))
    assert moodle[0][:4] == MOODLE_FIXED and len(moodle) == len(canvas)
    row = next(r for r in moodle if r[0] == "김민준")
    assert row[1:4] == ["ID2", "u2", "u2@x.org"] and float(row[4]) == totals["김민준"]
    check = (tmp_path / "lms" / "roster_check.csv").read_text()
    assert "Zoë Ångström" in check and "Absent Student" in check


def test_roster_and_option_errors_are_clear(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nA,a@x\n")
    with pytest.raises(RosterError, match="submission"):
        read_roster(bad)
    twice = tmp_path / "twice.csv"
    twice.write_text("submission\nA\na\n")
    with pytest.raises(RosterError, match="twice"):
        read_roster(twice)
    with pytest.raises(ValueError, match="blackboard"):
        parse_formats("canvas,blackboard")
    for text in ("0/4", "5/4", "x", "2"):
        with pytest.raises(ValueError):
            parse_shard(text)
    assert parse_shard("2/4") == (2, 4)


def test_shards_partition_the_students_deterministically():
    keys = [f"student{i:04d}" for i in range(400)]
    parts = [[k for k in keys if shard_of(k, 4) == s] for s in range(1, 5)]
    assert sorted(k for p in parts for k in p) == keys and all(60 < len(p) < 140 for p in parts)
    # the hash of the id alone: a known value, the same on every machine and Python run
    assert [shard_of(k, 4) for k in ("a", "b", "student0001")] == [
        int(hashlib.sha256(k.encode()).hexdigest()[:16], 16) % 4 + 1
        for k in ("a", "b", "student0001")
    ]


def test_analytics_order_does_not_depend_on_the_order_of_results(tmp_path: Path):
    meta, results = synthetic_class(80)
    a, b = tmp_path / "a", tmp_path / "b"
    write_analytics(meta, results, a)
    write_analytics(meta, list(reversed(json.loads(json.dumps(results)))), b)
    for name in ("item_analysis.csv", "answers.csv", "key_suggestions.md", "report.html"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_merge_command_combines_parts_and_refuses_gaps(tmp_path: Path, capsys):
    from trilat_lessons.grading.cli import main

    meta, results = synthetic_class(40)
    parts = []
    for k in (1, 2):
        part = tmp_path / f"part{k}"
        (part / "results").mkdir(parents=True)
        (part / "run.json").write_text(json.dumps({**meta, "shard": [k, 2]}))
        for i, r in enumerate(results):
            key = f"student{i:03d}"
            if shard_of(key, 2) == k:
                (part / "results" / f"{key}.json").write_text(json.dumps(r))
        parts.append(str(part))
    out = tmp_path / "out"
    args = ["grade", "merge", *parts, "--out", str(out), "--lms", "canvas"]
    assert main(args) == 0
    grades = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
    assert len(grades) == 40 and (out / "lms" / "canvas.csv").is_file()
    assert (out / "report.html").is_file() and (out / "feedback" / "student000.md").is_file()
    assert main(["grade", "merge", parts[0], "--out", str(tmp_path / "x")]) == 1
    assert "missing [2]" in capsys.readouterr().err
    assert main(["grade", "src.ipynb", "a", "b", "--out", str(tmp_path / "y")]) == 2
    assert main(["grade", "merge", *parts, "--out", str(out), "--shard", "3/2"]) == 2


def test_a_known_misconception_carries_its_unsealed_message():
    """Keys store wrong() messages sealed by their wrong answer; the answer distribution opens
    them with the answer the student gave, so answers.csv names the misconception."""
    from trilat_lessons.exercises._compare import canonical, digest, seal
    from trilat_lessons.grading.analytics import given

    entry = {"id": "q1", "expect": {"type": "int"}, "answers": [digest("s", "q1", "4")]}
    exported = {"type": "int", "value": 5}
    status, text = canonical(entry, exported)
    assert status == "ok"
    entry["wrong"] = [
        {
            "digest": digest("s", "q1", str(text)),
            "sealed": seal("s", "q1", str(text), "Off by one."),
        }
    ]
    g = given("s", entry, exported)
    assert g is not None and g["verdict"] == "known misconception" and g["message"] == "Off by one."
