"""Fast unit tests of the grader's untrusted-input edges: the kernel channel, intake (ids, files,
nesting), report escaping, export validation, and check()/progress() against hostile objects."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import unicodedata

import pytest

from trilat_lessons.grading.channel import MAX_TRAFFIC, Channel
from trilat_lessons.grading.intake import (
    display_name,
    find_submissions,
    parse_notebook,
    read_safely,
    student_key,
)
from trilat_lessons.grading.writing import csv_cell, csv_uncell, md
from trilat_lessons.judge import valid_export


def _channel(*lines: bytes) -> Channel:
    a, b = socket.socketpair()
    for line in lines:
        b.sendall(line + b"\n")
    b.close()
    return Channel(a)


def test_channel_ignores_garbage_and_checks_the_schema():
    ch = _channel(
        b"[" * 100_000,  # nested deeper than any message: refused before json parses it
        b"not json",
        b'{"event": "start", "cell": "3"}',  # wrong type
        b'{"event": "done", "cell": 0, "error": 5}',
        b'{"event": "export", "question": 1, "value": {}}',
        b'{"event": "nonsense"}',
        b'{"event": "start", "cell": ' + b"1" * 5000 + b"}",  # oversized small message
        b'{"event": "start", "cell": 2}',
    )
    assert ch.next(time.monotonic() + 5) == {"event": "start", "cell": 2}
    assert ch.ignored == 7
    assert ch.next(time.monotonic() + 5) is None  # EOF


def test_channel_caps_a_line_and_the_whole_traffic():
    a, b = socket.socketpair()
    b.setblocking(False)
    ch = Channel(a)
    sent = 0
    with pytest.raises(ValueError):
        while sent < MAX_TRAFFIC * 2:
            with contextlib.suppress(BlockingIOError):
                sent += b.send(b"x" * (1 << 20))  # one endless line
            with contextlib.suppress(TimeoutError):
                ch.next(time.monotonic() + 0.01)
    b.close()
    a.close()


def test_channel_deadline_is_the_graders():
    a, _b = socket.socketpair()
    ch = Channel(a)
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        ch.next(start + 0.3)
    assert time.monotonic() - start < 2


def test_student_keys_are_unique_stable_and_safe():
    names = ["alice", "Alice", "ALICE", "a l i c e", "alice/..", "x" * 250, "José", "../etc"]
    names.append(unicodedata.normalize("NFD", "José"))
    keys = [student_key(n) for n in names]
    assert len(set(keys)) == len(keys)
    assert keys[0] == "alice"  # plain names keep their name
    assert all(len(k) <= 70 and k == k.lower() and "/" not in k for k in keys)
    assert [student_key(n) for n in names] == keys  # stable
    assert display_name("a\nb\x00c") == "a b c"
    assert display_name(os.fsdecode(b"bad\xff\xfename")) == "bad\ufffd\ufffdname"
    assert student_key(os.fsdecode(b"bad\xffname")) != student_key(os.fsdecode(b"bad\xfename"))
    assert display_name(unicodedata.normalize("NFD", "José")) == "José"


def test_intake_never_follows_links_or_blocks(tmp_path):
    (tmp_path / "ok.ipynb").write_text("{}")
    os.symlink(tmp_path / "ok.ipynb", tmp_path / "link.ipynb")
    os.mkfifo(tmp_path / "pipe.ipynb")
    (tmp_path / "dir.ipynb").mkdir()
    (tmp_path / "big.ipynb").write_bytes(b" " * 2000)
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "00_demo.ipynb").write_text("{}")
    os.symlink(tmp_path / "real", tmp_path / "linked_folder")
    found = {s.student: s for s in find_submissions(tmp_path, "00_demo")}
    assert sorted(found) == ["big", "dir", "link", "linked_folder", "ok", "pipe", "real"]
    assert "symbolic link" in read_safely(found["linked_folder"].path)[1]
    assert read_safely(found["ok"].path) == (b"{}", "")
    assert "symbolic link" in read_safely(found["link"].path)[1]
    assert "pipe" in read_safely(found["pipe"].path)[1]
    assert "folder" in read_safely(found["dir"].path)[1]
    assert "too large" in read_safely(found["big"].path, max_bytes=1000)[1]
    os.link(tmp_path / "ok.ipynb", tmp_path / "hard.ipynb")  # e.g. to the instructor source
    ident: list[tuple[int, int]] = []
    assert read_safely(tmp_path / "hard.ipynb", identity=ident) == (b"{}", "")  # another name
    assert "instructor" in read_safely(tmp_path / "hard.ipynb", forbidden=set(ident))[1]


def test_deep_or_broken_notebook_json_is_corrupt_not_an_error():
    assert parse_notebook(b"[" * 100_000)[0] is None
    assert "nested" in parse_notebook(b'{"cells": ' + b"[" * 5000 + b"]" * 5000 + b"}")[1]
    assert parse_notebook(b"")[1] == "empty file"
    nb, why = parse_notebook(json.dumps({"cells": [], "metadata": {}}).encode())
    assert nb == {"cells": [], "metadata": {}} and why == ""


def test_csv_and_markdown_escaping():
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(bad) == "'" + bad and csv_uncell(csv_cell(bad)) == bad
    assert csv_cell("fine") == "fine" and csv_cell(3) == 3
    text = md("x\n\nScore: 10 / 10\r\n<script>alert(1)</script> # | `")
    assert "\n" not in text and "<" not in text and "\\#" in text and "\\|" in text


def test_forged_exports_are_rejected():
    assert valid_export({"type": "int", "value": 3})
    assert not valid_export({"type": "Series", "data": [1], "dtype": "S900000000"})
    assert not valid_export({"type": "DataFrame", "columns": ["a"], "dtypes": ["U99999999"]})
    assert not valid_export({"type": "list", "items": [{"type": "int", "value": 1}] * 20_000})
    assert not valid_export({"type": "unknown"})
    deep: dict = {"type": "int", "value": 1}
    for _ in range(50):
        deep = {"type": "list", "items": [deep]}
    assert not valid_export(deep)


class Hostile(int):
    """An answer whose methods raise what ``except Exception`` does not catch."""

    def __int__(self):
        raise KeyboardInterrupt

    def __index__(self):
        raise KeyboardInterrupt

    def __eq__(self, other):
        raise SystemExit

    def __hash__(self):
        raise GeneratorExit

    def __str__(self):
        raise KeyboardInterrupt

    __repr__ = __str__


class HostileStr(str):
    def __str__(self):
        raise SystemExit

    def __eq__(self, other):
        raise GeneratorExit

    __hash__ = str.__hash__


@pytest.mark.parametrize("value", [Hostile(3), HostileStr("x")], ids=["int", "str"])
def test_check_never_raises_whatever_the_object_does(value):
    import trilat_lessons as tl
    from trilat_lessons import check

    tl.exercises.start("01_history")
    for q in ("q1", "q2", "q3"):
        result = check(q, answer=value)
        assert result.status in ("error", "malformed", "incorrect"), result
    assert "raised" in check("q1", answer=Hostile(3)).message


def test_progress_never_raises_on_a_file_of_the_wrong_shape(tmp_path, monkeypatch):
    from trilat_lessons import progress
    from trilat_lessons.exercises import _progress

    path = tmp_path / "progress.json"
    monkeypatch.setenv("TRILAT_PROGRESS_FILE", str(path))
    for content in (
        {"sets": {"01_history": ["x"]}},
        {"sets": {"01_history": {"q1": "str", "q2": {"status": 3, "key": None}}}},
        {"sets": []},
        [1, 2],
    ):
        path.write_text(json.dumps(content))
        _progress.reset_cache()
        report = progress()
        assert not isinstance(report, str), report
        _progress.record("01_history", "q1", "correct", "k")  # and recording still works
    path.write_text("[" * 100_000)
    _progress.reset_cache()
    assert not isinstance(progress(), str)
    _progress.reset_cache()


def test_doctor_reports_the_grading_protection(monkeypatch):
    from trilat_lessons import doctor
    from trilat_lessons.grading import isolation

    here = doctor.check_grading_sandbox()
    assert here.ok and "grading protection: " in here.detail
    assert here.warning == (not isolation.probe().isolated)
    isolation.probe.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        missing = doctor.check_grading_sandbox()
    finally:
        isolation.probe.cache_clear()
    assert missing.ok and missing.warning and "NONE" in missing.detail  # WARN, never OK
    assert "apt-get install bubblewrap" in missing.detail


def test_a_file_named_like_a_tagged_name_gets_its_own_tag(tmp_path):
    """NFC and NFD 'José' are tagged with their keys; a third file literally named like one of
    those tags must not share that shown name (scores typed per name would reach it)."""
    from trilat_lessons.grading.intake import find_submissions

    nfc = unicodedata.normalize("NFC", "José")
    nfd = unicodedata.normalize("NFD", "José")
    for name in (nfc, nfd):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    first = find_submissions(tmp_path, "00_demo")
    tagged = sorted(s.student for s in first)
    (tmp_path / f"{tagged[0]}.ipynb").write_text("{}")
    subs = find_submissions(tmp_path, "00_demo")
    shown = [s.student for s in subs]
    assert len(shown) == 3 and len(set(shown)) == 3, shown
    assert tagged[0] in shown and tagged[1] in shown  # the first two keep their names


def test_typed_scores_survive_a_huge_written_answer(tmp_path):
    """manual_grading.csv holds whole written answers: reading it back must not hit the csv
    module's 131,072-character field limit (which used to wipe every typed score)."""
    from trilat_lessons.grading.writing import read_csv_rows

    big = "x" * 300_000
    path = tmp_path / "manual_grading.csv"
    path.write_text(f"student,score,answer\nalice,3,short\nmallory,,{big}\n", encoding="utf-8")
    rows = read_csv_rows(path.read_text(encoding="utf-8"))
    assert [r["score"] for r in rows] == ["3", ""] and len(rows[1]["answer"]) == 300_000


def test_control_characters_never_reach_a_csv_cell():
    assert csv_cell("a\x00b\x1b[2Jc") == "a\ufffdb\ufffd[2Jc"
    assert csv_cell("line one\nline two\tend") == "line one\nline two\tend"
    assert csv_cell("=1+1") == "'=1+1"


def test_a_run_where_every_submission_is_an_internal_error_fails():
    """A broken grading environment (e.g. the template cannot import the package) must not exit
    0 with every student at 0 points; one internal error among ok rows is a student's row."""
    from trilat_lessons.grading.cli import environment_failed

    assert environment_failed({"internal error": 4})
    assert not environment_failed({"internal error": 1, "ok": 3})
    assert not environment_failed({})


def test_every_status_word_has_one_home():
    """Feedback marks, runaway messages and analytics' exclusions name only statuses that
    judge.records defines (a typo or a status spelled a second way fails here)."""
    from trilat_lessons.grading.feedback import ICON
    from trilat_lessons.grading.scoring import RUNAWAY_MESSAGES
    from trilat_lessons.judge.records import NOT_GRADED, RUNAWAY, STATUSES, TIMEOUTS

    assert set(ICON) <= set(STATUSES)
    # text symbols, not emoji (no emoji-presentation code points, no variation selector 16)
    emoji = {0x23F1, 0x2705, 0x274C, 0x2B1C, 0x26D4, 0x1F4DD, 0x1F4BE, 0x1F4A5}
    assert all(
        ord(c) not in emoji and c != "\ufe0f" and ord(c) < 0x1F000 for c in "".join(ICON.values())
    )
    assert set(STATUSES) - set(ICON) == {"rejected"}  # rejected feedback carries no mark
    assert set(RUNAWAY_MESSAGES) == set(RUNAWAY) and set(TIMEOUTS) <= set(RUNAWAY)
    assert set(NOT_GRADED) <= set(STATUSES) and len(set(STATUSES)) == len(STATUSES)
