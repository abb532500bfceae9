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
from trilat_lessons.grading.answers import CANON_MAX, given
from trilat_lessons.grading.lms import (
    CANVAS_FIXED,
    POINTS_POSSIBLE,
    RosterError,
    parse_formats,
    read_roster,
)
from trilat_lessons.grading.outputs import (
    AnalyticsOptions,
    answers_csv,
    item_analysis_csv,
    questions_of,
    write_analytics,
)
from trilat_lessons.grading.shard import parse_shard, shard_of


def test_given_answer_verdicts():
    q1, q2 = KEY["q1"], KEY["q2"]
    assert given(SET, q1, exported(4))["verdict"] == "correct"
    assert given(SET, q2, exported("t-10."))["verdict"] == "accepted alternative"
    known = given(SET, q1, exported(0))
    assert known["verdict"] == "known misconception" and known["wrong"] == 0
    other = given(SET, q1, exported(PLANTED_WRONG))
    assert other["verdict"] == "unexplained wrong" and other["canon"] == "int:1234"
    assert given(SET, q1, exported("four"))["verdict"] == "malformed"
    assert given(SET, q1, exported(None)) is None  # not attempted: nothing to count
    long = given(SET, q2, exported("x" * 5000 + "\n=1"))
    assert len(long["canon"]) == CANON_MAX and long["canon"].endswith("…")
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
    auto = [i for i in items if i["kind"] == "auto"]
    assert auto and all("indicative only: 12 graded" in i["flag"] for i in auto)  # every one
    # a question with nothing else to say is flagged too (the docs promise it for every figure)
    quiet = an.flag(0.6, 0.5, 12)
    assert quiet == f"indicative only: 12 graded submissions (fewer than {an.MIN_CLASS})"
    assert an.flag(0.6, 0.5, 40) == ""
    sheet = item_analysis_csv(items).decode()
    assert sheet.count("indicative only") == len(items)  # the scored written one too
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


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


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
    canvas = _rows(tmp_path / "lms" / "canvas.csv")
    assert canvas[0][:5] == CANVAS_FIXED and canvas[0][5] == "01_demo Demo"
    # Canvas's importer reads a row whose first cell says "Points Possible" as the maximum
    assert canvas[1] == [POINTS_POSSIBLE, "", "", "", "", "6"]
    by_name = {row[0]: row for row in canvas[2:]}
    # every matched submission; the unmatched one and the absent student are left out
    assert len(canvas) - 2 == len(NAMES) - 1
    assert by_name["Doe, Jane"][1:5] == ["100", "S0", "login0", "Sec, A"]
    assert by_name['O"Brien "Bo"'][5] == f"{totals[NAMES[1]]:g}"
    assert by_name["김민준"][3] == "login2" and by_name["山田 太郎"][2] == "S3"
    assert "=cmd|x" in by_name  # verbatim for the importer; README.txt warns (see below)
    assert "Zoë Ångström" not in by_name  # Canvas could not find them: in unmatched.csv
    assert "Student, Absent" not in by_name  # an empty cell would clear a grade
    assert all(any(row[1:4]) and row[5] != "" for row in canvas[2:])
    assert b'"O""Brien ""Bo"""' in raw and b'"Doe, Jane"' in raw  # RFC 4180 quoting
    moodle = _rows(tmp_path / "lms" / "moodle.csv")
    # ONE identity column for the whole file, filled on every row, and never an empty grade
    assert moodle[0] == ["Full name", "ID number", "01_demo Demo"]
    assert all(row[1] and row[2] for row in moodle[1:])
    assert {r[0] for r in moodle[1:]} == set(NAMES[:-1])
    row = next(r for r in moodle if r[0] == "김민준")
    assert row[1] == "ID2" and float(row[2]) == totals["김민준"]
    check = (tmp_path / "lms" / "roster_check.csv").read_text()
    assert "Zoë Ångström" in check and "Absent Student" in check
    missing = list(
        csv.DictReader(io.StringIO((tmp_path / "lms/missing_submissions.csv").read_text()))
    )
    assert [(r["submission"], r["canvas_id"]) for r in missing] == [("Absent Student", "999")]
    left = list(csv.DictReader(io.StringIO((tmp_path / "lms" / "unmatched.csv").read_text())))
    assert {(r["lms"], r["submission"]) for r in left} == {
        ("canvas", "Zoë Ångström"),
        ("moodle", "Zoë Ångström"),
    }
    zoe = next(r for r in left if r["submission"] == "Zoë Ångström")
    assert float(zoe["grade"]) == totals["Zoë Ångström"]  # the grade is not lost
    assert any("left out of the LMS file" in w for w in warnings)


def test_a_submission_that_could_not_be_graded_is_never_uploaded(tmp_path: Path):
    meta, results = synthetic_class(len(NAMES), names=NAMES)
    results[0]["status"] = "corrupt"  # "Doe, Jane"
    for q in results[0]["questions"].values():
        q.update(points=0.0, status="corrupt")
    opts = AnalyticsOptions(roster=read_roster(_roster(tmp_path)), lms=["canvas", "moodle"])
    warnings = write_analytics(meta, results, tmp_path, opts)
    canvas = {r[0]: r for r in _rows(tmp_path / "lms/canvas.csv")}
    moodle = {r[0]: r for r in _rows(tmp_path / "lms/moodle.csv")}
    assert "Doe, Jane" not in canvas and "Doe, Jane" not in moodle  # neither 0 nor empty
    assert canvas['O"Brien "Bo"'][5] != ""  # the others keep their grade
    check = (tmp_path / "lms" / "roster_check.csv").read_text()
    assert 'submission not graded: corrupt,"Doe, Jane"' in check
    left = (tmp_path / "lms" / "unmatched.csv").read_text()
    assert '"Doe, Jane"' in left and "not graded" in left
    assert any("could not be graded" in w and "never 0" in w for w in warnings)


def _pending(results: list[dict], n: int) -> None:
    """The first ``n`` students' written answer (q4) is not scored yet."""
    for r in results[:n]:
        r["questions"]["q4"].update(status="manual", points=None)


def test_provisional_grades_are_held_back_until_written_answers_are_scored(tmp_path: Path):
    meta, results = synthetic_class(len(NAMES), names=NAMES)
    _pending(results, 2)  # "Doe, Jane" and 'O"Brien "Bo"' wait for a rubric score
    opts = AnalyticsOptions(roster=read_roster(_roster(tmp_path)), lms=["canvas", "moodle"])
    warnings = write_analytics(meta, results, tmp_path, opts)
    for name in ("canvas", "moodle"):
        firsts = [r[0] for r in _rows(tmp_path / "lms" / f"{name}.csv")]
        assert "Doe, Jane" not in firsts and 'O"Brien "Bo"' not in firsts, name
        assert "김민준" in firsts, name
    left = list(csv.DictReader(io.StringIO((tmp_path / "lms" / "unmatched.csv").read_text())))
    held = [r for r in left if r["reason"].startswith("provisional")]
    assert len(held) == 4 and all("q4" in r["reason"] and r["grade"] for r in held)
    assert any("2 grade(s) held back" in w and "--lms-provisional" in w for w in warnings)
    readme = (tmp_path / "lms" / "README.txt").read_text()
    assert readme.count("INCOMPLETE") == 1 and "2 grade(s) are held back" in readme
    assert "The 3 grade(s) written to the upload files are final" in readme
    assert "provisional" in (tmp_path / "report.html").read_text()
    # asked for: written, and said loudly to be provisional
    opts.lms_provisional = True
    warnings = write_analytics(meta, results, tmp_path, opts)
    assert "Doe, Jane" in [r[0] for r in _rows(tmp_path / "lms/canvas.csv")]
    assert any(w.startswith("PROVISIONAL grades") for w in warnings)
    assert "PROVISIONAL" in (tmp_path / "lms" / "README.txt").read_text()
    # once every written answer is scored, the files say they are final
    meta, results = synthetic_class(len(NAMES), names=NAMES)
    opts.lms_provisional = False
    warnings = write_analytics(meta, results, tmp_path, opts)
    assert "FINAL" in (tmp_path / "lms" / "README.txt").read_text()
    assert not any("held back" in w or "PROVISIONAL" in w for w in warnings)


def test_moodle_file_uses_one_identity_column_and_sends_the_rest_to_unmatched(tmp_path: Path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "submission,name,email,username,idnumber\n"
        "A,Ann,a@x.org,ann,\n"  # no ID number
        "B,Bo,b@x.org,,B1\n"  # no username
        "C,Cy,c@x.org,cy,C1\n"
        "D,Di,,di,D1\n",  # no email: email is filled for 3, username 3, idnumber 3 -> idnumber
        encoding="utf-8",
    )
    meta, results = synthetic_class(4, names=["A", "B", "C", "D"])
    opts = AnalyticsOptions(roster=read_roster(roster), lms=["moodle"])
    write_analytics(meta, results, tmp_path, opts)
    moodle = _rows(tmp_path / "lms" / "moodle.csv")
    assert moodle[0][:2] == ["Full name", "ID number"]
    assert [r[:2] for r in moodle[1:]] == [["Bo", "B1"], ["Cy", "C1"], ["Di", "D1"]]
    left = list(csv.DictReader(io.StringIO((tmp_path / "lms" / "unmatched.csv").read_text())))
    assert [(r["submission"], r["reason"]) for r in left] == [
        ("A", "roster row has no idnumber (the file's identity)")
    ]
    assert "'idnumber'" in (tmp_path / "lms" / "README.txt").read_text()
    # the column filled for most students wins
    roster.write_text("submission,email,idnumber\nA,a@x.org,\nB,b@x.org,B1\nC,c@x.org,\n")
    write_analytics(meta, results[:3], tmp_path, AnalyticsOptions(read_roster(roster), ["moodle"]))
    moodle = _rows(tmp_path / "lms" / "moodle.csv")
    assert moodle[0][1] == "Email address" and len(moodle) == 4


def test_lms_without_a_roster_warns_and_loses_no_grade(tmp_path: Path):
    meta, results = synthetic_class(5)
    warnings = write_analytics(meta, results, tmp_path, AnalyticsOptions(lms=["canvas"]))
    assert any("no --roster" in w for w in warnings)
    canvas = (tmp_path / "lms" / "canvas.csv").read_text().splitlines()
    assert len(canvas) == 2  # the header and Points Possible: no row Canvas could not find
    left = list(csv.DictReader(io.StringIO((tmp_path / "lms" / "unmatched.csv").read_text())))
    assert len(left) == 5 and all(r["grade"] != "" for r in left)


def test_roster_and_option_errors_are_clear(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nA,a@x\n")
    with pytest.raises(RosterError, match=r"submission.*\['name', 'email'\].*CSV UTF-8"):
        read_roster(bad)  # the header actually found, and how to save the sheet
    semi = tmp_path / "semi.csv"  # a comma-decimal locale's spreadsheet writes ';'
    semi.write_text("submission;name;email\nA;Doe, Jane;a@x\n", encoding="utf-8")
    assert read_roster(semi).rows[0]["name"] == "Doe, Jane"
    legacy = tmp_path / "cp1252.csv"
    legacy.write_bytes("submission,name\nA,Zoë\n".encode("cp1252"))
    with pytest.raises(RosterError, match=r"not UTF-8.*CSV UTF-8"):
        read_roster(legacy)
    twice = tmp_path / "twice.csv"
    twice.write_text("submission\nA\na\nB\nC\nb\n")
    with pytest.raises(RosterError, match=r"2 submission name\(s\).*'A' / 'a'; 'B' / 'b'"):
        read_roster(twice)  # every duplicate at once
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
    capsys.readouterr()
    assert main(["grade", "merge", "--out", str(out)]) == 2  # no part: its own message
    err = capsys.readouterr().err
    assert err.startswith("trilat grade merge: give the part folders") and "usage" not in err


def test_a_known_misconception_carries_its_unsealed_message():
    """Keys store wrong() messages sealed by their wrong answer; the answer distribution opens
    them with the answer the student gave, so answers.csv names the misconception."""
    from trilat_lessons.grading.answers import given
    from trilat_lessons.judge import canonical, digest, seal

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


def test_item_analysis_figures_are_numbers_and_text_is_still_escaped():
    """Negative figures stay numbers (not '-0.099 text); a text cell is still formula-escaped."""
    pd = pytest.importorskip("pandas")
    meta, results = synthetic_class(200, plant=False)
    pool = sorted(an.graded(results), key=an.total)
    for j, r in enumerate(pool):  # only the weakest get q3 right: negative discrimination
        r["questions"]["q3"]["points"] = 1.0 if j < len(pool) // 3 else 0.0
    items = an.item_analysis(questions_of(meta), results)
    items[0]["flag"] = "-1+2"
    raw = item_analysis_csv(items)
    frame = pd.read_csv(io.BytesIO(raw))
    for col in ("facility", "item_rest_r", "upper_lower_27"):
        assert frame[col].dtype == float, col
    assert (frame["item_rest_r"] < 0).any()
    assert frame["flag"][0] == "'-1+2"
    answers = pd.read_csv(
        io.BytesIO(answers_csv(an.answer_distribution(questions_of(meta), results)))
    )
    assert answers["share"].dtype == float and answers["rest_mean"].dtype == float


def test_an_answer_both_unexplained_and_an_accept_candidate_is_cross_referenced():
    questions = questions_of(synthetic_class(3)[0])
    base = {"question": "q1", "full": None, "message": "", "share": 0.1}
    answers = [
        {**base, "answer": "int:4", "sha": "a", "count": 5, "verdict": "correct", "rest_mean": 1},
        {**base, "answer": "int:9", "sha": "b", "count": 4, "verdict": "unexplained wrong",
         "rest_mean": 2.0},
    ]  # fmt: skip
    text = an.key_suggestions_md(SET, questions, answers, 9)
    wrong_part, accept_part = text.split("candidate `accept()`")
    assert "int:9" in wrong_part and "int:9" in accept_part
    assert "Also an `accept()` candidate below" in wrong_part
    assert "also wrong answer 1 above: decide which" in accept_part
    answers[1]["rest_mean"] = 0.5  # weak students: a plain wrong answer, no cross-reference
    text = an.key_suggestions_md(SET, questions, answers, 9)
    assert "accept()` candidate below" not in text and "decide which" not in text


def test_merge_refuses_parts_cut_from_different_submission_folders(tmp_path: Path):
    from types import SimpleNamespace

    from trilat_lessons.grading.runmeta import run_meta, submissions_hash
    from trilat_lessons.grading.shard import MergeError, gather

    meta, results = synthetic_class(4)
    grader = SimpleNamespace(
        key={"questions": []},
        source=SimpleNamespace(set_id=SET, title="Demo", questions={}),
        fingerprint="f" * 64,
    )
    keys = [f"student{i:03d}" for i in range(4)]
    got = run_meta(grader, (1, 2), list(reversed(keys)))
    assert got["submissions"] == 4 and got["submissions_sha256"] == submissions_hash(keys)
    parts = []
    for k, found in ((1, keys), (2, keys[:3])):  # part 2 saw a folder with one student less
        part = tmp_path / f"part{k}"
        (part / "results").mkdir(parents=True)
        extra = {"submissions": len(found), "submissions_sha256": submissions_hash(found)}
        (part / "run.json").write_text(json.dumps({**meta, "shard": [k, 2], **extra}))
        for key, r in zip(keys, results, strict=True):
            if shard_of(key, 2) == k:
                (part / "results" / f"{key}.json").write_text(json.dumps(r))
        parts.append(part)
    with pytest.raises(MergeError, match="another submissions folder"):
        gather(parts, tmp_path / "out")
    fixed = json.loads((parts[0] / "run.json").read_text())
    (parts[1] / "run.json").write_text(json.dumps({**fixed, "shard": [2, 2]}))
    merged, _ = gather(parts, tmp_path / "out")
    assert merged["submissions_sha256"] == submissions_hash(keys)


def test_pseudonymised_outputs_leave_out_answers_only_one_student_gave(tmp_path: Path):
    meta, results = synthetic_class(60)
    rare = given(SET, KEY["q2"], exported("my cat Mochi"))  # could name its author
    results[3]["questions"]["q2"]["given"] = rare
    write_analytics(meta, results, tmp_path, AnalyticsOptions(pseudonymise=True))
    shared = (tmp_path / "answers.csv").read_text() + (tmp_path / "report.html").read_text()
    assert "mochi" not in shared.lower()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "answers.csv").read_text())))
    assert rows and all(int(r["count"]) >= 2 for r in rows)
    write_analytics(meta, results, tmp_path)  # the instructor's own run keeps every answer
    assert "mochi" in (tmp_path / "answers.csv").read_text().lower()


def test_a_roster_row_is_written_only_where_that_lms_can_find_the_student(tmp_path: Path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "submission,name,canvas_id,email\n"
        'Ann,"Lee, Ann",,\n'  # Canvas can match a name; Moodle has nothing to map
        "Bo,,,bo@x.org\n"  # Moodle by email; Canvas has nothing
        "Cy,,7,cy@x.org\n",
        encoding="utf-8",
    )
    meta, results = synthetic_class(3, names=["Ann", "Bo", "Cy"])
    opts = AnalyticsOptions(roster=read_roster(roster), lms=["canvas", "moodle"])
    write_analytics(meta, results, tmp_path, opts)
    canvas = list(csv.reader(io.StringIO((tmp_path / "lms/canvas.csv").read_text())))
    moodle = list(csv.reader(io.StringIO((tmp_path / "lms/moodle.csv").read_text())))
    assert [r[0] for r in canvas[2:]] == ["Lee, Ann", "Cy"]
    assert [r[1] for r in moodle[1:]] == ["bo@x.org", "cy@x.org"]
    left = list(csv.DictReader(io.StringIO((tmp_path / "lms/unmatched.csv").read_text())))
    assert {(r["lms"], r["submission"]) for r in left} == {("canvas", "Bo"), ("moodle", "Ann")}
    assert all("roster row has no" in r["reason"] for r in left)


def test_report_wraps_only_answer_and_name_cells(tmp_path: Path):
    meta, results = synthetic_class(60)
    write_analytics(meta, results, tmp_path)
    page = (tmp_path / "report.html").read_text()
    style = page.split("<style>")[1].split("</style>")[0]
    assert "overflow-wrap" not in style.replace(".wrap{overflow-wrap:anywhere}", "")
    assert '<th scope="col" class="wrap"' not in page and "<th class=" not in page
    assert '<td class="wrap"><code>' in page  # answers may be one long token


def _parts(tmp_path: Path, results: list[dict], meta: dict, n: int = 2) -> list[str]:
    parts = []
    for k in range(1, n + 1):
        part = tmp_path / f"part{k}"
        (part / "results").mkdir(parents=True)
        (part / "run.json").write_text(json.dumps({**meta, "shard": [k, n]}))
        for r in results:
            if shard_of(r["student"], n) == k:
                (part / "results" / f"{r['student']}.json").write_text(json.dumps(r))
        parts.append(str(part))
    return parts


def test_a_shard_part_writes_no_lms_files_and_the_merge_writes_them_once(tmp_path: Path, capsys):
    from trilat_lessons.grading.cli import main

    meta, results = synthetic_class(len(NAMES), names=NAMES)
    roster = _roster(tmp_path)
    opts = AnalyticsOptions(roster=read_roster(roster), lms=["canvas", "moodle"])
    part = tmp_path / "one_part"
    warnings = write_analytics({**meta, "shard": [1, 4]}, results[:2], part, opts)
    assert warnings == [] and not (part / "lms").exists()  # no other shard's student named
    parts = _parts(tmp_path, results, meta)
    out = tmp_path / "out"
    assert main(["grade", "merge", *parts, "--out", str(out), "--roster", str(roster),
                 "--lms", "canvas,moodle"]) == 0  # fmt: skip
    canvas = _rows(out / "lms" / "canvas.csv")
    assert len(canvas) - 2 == len(NAMES) - 1 and all(r[5] for r in canvas[2:])
    assert "no --lms given" not in capsys.readouterr().err


def test_merge_without_lms_says_no_lms_files_were_written(tmp_path: Path, capsys):
    from trilat_lessons.grading.cli import main

    meta, results = synthetic_class(6)
    out = tmp_path / "out"
    assert main(["grade", "merge", *_parts(tmp_path, results, meta), "--out", str(out)]) == 0
    assert not (out / "lms").exists()
    assert "no --lms given, so no LMS files were written" in capsys.readouterr().err


def test_grade_merge_has_its_own_help(capsys):
    from trilat_lessons.cli import main

    with pytest.raises(SystemExit):
        main(["grade", "merge", "--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: trilat grade merge") and "PART_DIR" in text
    assert "--timeout-cell" not in text and "--roster" in text and "--lms-provisional" in text
    with pytest.raises(SystemExit):
        main(["grade", "--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: trilat grade ") and "--timeout-cell" in text


# files that name students by design (the instructor's own; docs/grading.md says never to share)
NAMING = ("grades.csv", "manual_grading.csv", "feedback/", "results/", "rebuilt/", "lms/")


def test_pseudonymised_run_names_no_student_outside_the_instructor_files(tmp_path: Path):
    from trilat_lessons.grading.cli import main

    names = ["Zoë Ångström", "김민준", "山田 太郎", "Doe Jane", "Okafor Chidi", "Lee Ann"] * 1
    meta, results = synthetic_class(len(names), names=names)
    for r in results:
        r["flag"] = f"Same file as {names[0]} (hard links to one file)."
    out = tmp_path / "out"
    assert main(["grade", "merge", *_parts(tmp_path, results, meta), "--out", str(out),
                 "--pseudonymise"]) == 0  # fmt: skip
    files = sorted(p for p in out.rglob("*") if p.is_file())
    shareable = [p for p in files if not str(p.relative_to(out)).startswith(NAMING)]
    got = {str(p.relative_to(out)) for p in shareable}
    assert {"questions.csv", "report.html", "answers.csv", "summary.csv"} <= got
    for p in shareable:  # every other file, whatever its name: no real name in it or its path
        text = p.read_bytes().decode("utf-8", "replace") + str(p.relative_to(out))
        for name in names:
            assert name not in text, (p.name, name)
    assert any(names[0] in p.read_text() for p in files if p.name == "grades.csv")


def test_merge_takes_only_the_results_each_part_graded_from_the_current_folder(tmp_path: Path):
    """A submission deleted before the parts are graded again, or a stray file in a part's
    results folder, never reaches the merged grades; counts must match the folder's."""
    from trilat_lessons.grading.shard import MergeError, gather, submissions_hash

    meta, results = synthetic_class(12)
    by_key = {f"student{i:03d}": r for i, r in enumerate(results)}
    keys = sorted(by_key)
    gone = keys[0]  # graded once, then deleted from the folder before the re-run
    now = keys[1:]
    parts = []
    for k in (1, 2, 3, 4):
        part = tmp_path / f"part{k}"
        (part / "results").mkdir(parents=True)
        for key in keys:  # the first run's results stay in the part folders
            if shard_of(key, 4) == k:
                (part / "results" / f"{key}.json").write_text(json.dumps(by_key[key]))
        graded = [key for key in now if shard_of(key, 4) == k]
        extra = {"submissions": len(now), "submissions_sha256": submissions_hash(now)}
        (part / "run.json").write_text(json.dumps({**meta, "shard": [k, 4], **extra}))
        (part / "results" / "graded.txt").write_text("".join(f"{g}\n" for g in graded))
        parts.append(part)
    (parts[1] / "results" / "stray.json").write_text(json.dumps(results[5]))
    _, got = gather(parts, tmp_path / "out")
    assert sorted(got) == now and gone not in got
    # a part whose run.json lists an id without its result, or counts that do not add up
    home = next(p for p in parts if (p / "results" / f"{now[0]}.json").exists())
    (home / "results" / f"{now[0]}.json").unlink()
    with pytest.raises(MergeError, match="result is missing"):
        gather(parts, tmp_path / "out2")
    (home / "results" / f"{now[0]}.json").write_text(json.dumps(by_key[now[0]]))
    for p in parts:
        run = json.loads((p / "run.json").read_text())
        (p / "run.json").write_text(json.dumps({**run, "submissions": len(keys)}))
    with pytest.raises(MergeError, match="11 result"):
        gather(parts, tmp_path / "out3")
    # older parts (no list of ids): only the results of their own shard
    for p in parts:
        run = json.loads((p / "run.json").read_text())
        (p / "results" / "graded.txt").unlink()
        (p / "run.json").write_text(json.dumps({**run, "submissions": None}))
    foreign = next(key for key in keys if shard_of(key, 4) != 2)
    (parts[1] / "results" / f"{foreign}.json").write_text(json.dumps(by_key[foreign]))
    _, got = gather(parts, tmp_path / "out4")
    assert sorted(got) == keys


def test_lms_upload_files_keep_identity_cells_verbatim_and_warn_about_formulas(tmp_path: Path):
    """An SIS id "+123" or a Moodle ID number "-0042" must reach the importer as the LMS has it
    (a formula-escaping quote would make another id: Moodle aborts the import); the console and
    lms/README.txt warn that such a file is unsafe to open in a spreadsheet."""
    names = ["Kim Minjun", "Sato Yui"]
    meta, results = synthetic_class(2, names=names)
    path = tmp_path / "roster.csv"
    path.write_text(
        "submission,name,sis_user_id,idnumber\n"
        "Kim Minjun,=Kim Minjun,+123,-0042\nSato Yui,Sato Yui,S2,@7\n",
        encoding="utf-8",
    )
    opts = AnalyticsOptions(roster=read_roster(path), lms=["canvas", "moodle"])
    warnings = write_analytics(meta, results, tmp_path / "out", opts)
    canvas = _rows(tmp_path / "out" / "lms" / "canvas.csv")
    assert [r[:3] for r in canvas[2:]] == [["=Kim Minjun", "", "+123"], ["Sato Yui", "", "S2"]]
    moodle = _rows(tmp_path / "out" / "lms" / "moodle.csv")
    assert [r[:2] for r in moodle[1:]] == [["=Kim Minjun", "-0042"], ["Sato Yui", "@7"]]
    readme = (tmp_path / "out" / "lms" / "README.txt").read_text()
    assert "DO NOT OPEN IN A SPREADSHEET" in readme and "2 cell(s) in canvas.csv" in readme
    assert "3 cell(s) in moodle.csv" in readme
    assert any("DO NOT OPEN IN A SPREADSHEET" in w for w in warnings)


def test_two_submissions_with_one_lms_identity_are_not_uploaded(tmp_path: Path):
    """Two submissions mapped to one SIS id (or one Moodle ID number, or one roster row reached
    under two spellings) would put two grades on one student: both are left out and listed."""
    names = ["Kim Minjun", "Sato Yui", "Lee Ann", "Okafor Chidi", "OKAFOR CHIDI"]
    meta, results = synthetic_class(len(names), names=names)
    path = tmp_path / "roster.csv"
    path.write_text(
        "submission,name,sis_user_id,idnumber\n"
        "Kim Minjun,Kim Minjun,S1,ID1\nSato Yui,Sato Yui,S1,ID1\nLee Ann,Lee Ann,S3,ID3\n"
        "Okafor Chidi,Okafor Chidi,S4,ID4\n",
        encoding="utf-8",
    )
    opts = AnalyticsOptions(roster=read_roster(path), lms=["canvas", "moodle"])
    warnings = write_analytics(meta, results, tmp_path / "out", opts)
    lms = tmp_path / "out" / "lms"
    assert [r[0] for r in _rows(lms / "canvas.csv")[2:]] == ["Lee Ann"]
    assert [r[0] for r in _rows(lms / "moodle.csv")[1:]] == ["Lee Ann"]
    left = list(csv.DictReader(io.StringIO((lms / "unmatched.csv").read_text())))
    shared = {(r["lms"], r["submission"]) for r in left if "shared by" in r["reason"]}
    assert shared == {(k, n) for k in ("canvas", "moodle") for n in ("Kim Minjun", "Sato Yui",
                                                                     "Okafor Chidi")}  # fmt: skip
    assert sum(1 for r in left if r["submission"] == "Okafor Chidi") == 4  # both spellings
    check = (lms / "roster_check.csv").read_text()
    assert "moodle: idnumber 'ID1' is shared by several submissions" in check
    assert any("sharing one LMS identity" in w for w in warnings)


def test_roster_lookup_normalises_each_name_once_not_per_submission(monkeypatch, tmp_path: Path):
    """Matching is a dict lookup built once in read_roster (8,000 students took seconds when
    every submission scanned and normalised the whole roster); timed in benchmarks/."""
    from trilat_lessons.grading import lms

    path = tmp_path / "roster.csv"
    path.write_text("submission\n" + "".join(f"Student {i}\n" for i in range(300)))
    roster = read_roster(path)
    calls = []
    real = lms._norm
    monkeypatch.setattr(lms, "_norm", lambda name: calls.append(name) or real(name))
    assert roster.find("STUDENT 299.ipynb") is roster.rows[299]
    assert roster.find("nobody") is None
    assert len(calls) <= 2


def test_upper_lower_index_does_not_depend_on_the_order_of_tied_students():
    """Students tied on the rest-of-test score at the 27 % cut share its places, so renaming
    students (another file order) never changes the index."""
    import random

    meta, results = synthetic_class(60, seed=3)
    questions = questions_of(meta)
    want = {row["question"]: row["upper_lower"] for row in an.item_analysis(questions, results)}
    rng = random.Random(5)
    for _ in range(6):
        shuffled = json.loads(json.dumps(results))
        rng.shuffle(shuffled)
        for i, r in enumerate(shuffled):
            r["student"] = f"Renamed {i:03d}"
        got = {row["question"]: row["upper_lower"] for row in an.item_analysis(questions, shuffled)}
        assert got.keys() == want.keys()
        for q in want:
            assert got[q] == pytest.approx(want[q], abs=1e-12), q
    from trilat_lessons.grading.evidence import group_mean

    # by hand: rest scores 0, 1, 1, 1, 2 and groups of 2: three students tied at 1 share a place
    pairs = [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 1.0), (1.0, 2.0)]
    assert group_mean(pairs, 2, top=False) == pytest.approx((0 + (1 + 0 + 0) / 3) / 2)
    assert group_mean(pairs, 2, top=True) == pytest.approx((1 + (1 + 0 + 0) / 3) / 2)


def test_accept_candidates_need_a_margin_and_small_evidence_is_labelled_weak():
    """A misconception whose givers did as well as the key's by chance (400 students, a rest
    mean 0.02 points above) is no accept() candidate; the planted alternative still is, on 400
    and on 60 students, where it is labelled weak evidence."""
    meta, results = synthetic_class(400, seed=3)
    qs = questions_of(meta)
    _, cands = an.suggestions(qs, an.answer_distribution(qs, results))
    assert [(a["question"], a["answer"]) for a in cands] == [("q2", f"str:{PLANTED_ALT.lower()}")]
    assert cands[0]["evidence"] == "strong"
    meta, results = synthetic_class(60)
    _, cands = an.suggestions(qs, an.answer_distribution(qs, results))
    assert [(a["answer"], a["evidence"]) for a in cands] == [(f"str:{PLANTED_ALT.lower()}",
                                                              "weak")]  # fmt: skip
    text = an.key_suggestions_md(SET, qs, an.answer_distribution(qs, results), 60)
    assert "**weak evidence**: q2" in text


def test_item_analysis_csv_states_the_minimum_class_and_unscored_written_answers(tmp_path: Path):
    meta, results = synthetic_class(40, plant=False)
    rows = list(csv.DictReader(io.StringIO(item_analysis_csv(
        an.item_analysis(questions_of(meta), results)).decode())))  # fmt: skip
    assert all(r["min_class"] == str(an.MIN_CLASS) and "not scored" not in r["note"] for r in rows)
    for r in results[:3]:
        r["questions"]["q4"].update(status="manual", points=None)
    items = an.item_analysis(questions_of(meta), results)
    rows = list(csv.DictReader(io.StringIO(item_analysis_csv(items).decode())))
    q1 = next(r for r in rows if r["question"] == "q1")
    assert "count 3 written answer(s) not scored yet as 0" in q1["note"] and q1["item_rest_r"]
    write_analytics(meta, results, tmp_path)
    page = (tmp_path / "report.html").read_text()
    assert "3 written answer(s) are not scored yet" in page


@pytest.mark.parametrize(
    "bad", ["[]", '{"student": 5}', '{"student": "student002", "status": "ok", "questions": []}']
)
def test_merge_refuses_a_result_file_of_the_wrong_shape_and_writes_nothing(tmp_path, bad):
    """A part's results are read back from disk: valid JSON of the wrong shape gets a clear
    MergeError naming the file (never a traceback), before anything is copied to the output."""
    from trilat_lessons.grading.shard import MergeError, gather, submissions_hash

    meta, results = synthetic_class(6)
    keys = [f"student{i:03d}" for i in range(6)]
    part = tmp_path / "part1"
    (part / "results").mkdir(parents=True)
    for key, r in zip(keys, results, strict=True):
        (part / "results" / f"{key}.json").write_text(json.dumps({**r, "student": key}))
    (part / "results" / "student002.json").write_text(bad)
    extra = {"submissions": 6, "submissions_sha256": submissions_hash(keys)}
    (part / "run.json").write_text(json.dumps({**meta, "shard": [1, 1], **extra}))
    (part / "results" / "graded.txt").write_text("".join(f"{k}\n" for k in keys))
    with pytest.raises(MergeError, match=r"student002\.json is not a result record"):
        gather([part], tmp_path / "out")
    assert not any((tmp_path / "out" / "results").glob("*.json"))
