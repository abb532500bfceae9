"""The judging core's public surface: the authoring calls' collector, and typed records that are
plain JSON on disk."""

from __future__ import annotations

import json
from pathlib import Path

from trilat_lessons.exercises.authoring import KeyCollector, accept, collecting, hidden, wrong
from trilat_lessons.judge import KEYS_DIR, AuthorRecord, HiddenCheck, evaluate, export_value

ROOT = Path(__file__).resolve().parent.parent


def test_authoring_calls_go_to_the_collector_of_their_with_block(capsys) -> None:
    with collecting() as outer:
        wrong("q1", 3, "You counted the vice-ministers too.")
        with collecting() as inner:
            accept("q2", "ROK")
        hidden("q1", "uses the clean table", requires="clean")(lambda answer: True)
    assert outer.records == [
        AuthorRecord(
            "wrong", "q1", {"type": "int", "value": 3}, "You counted the vice-ministers too."
        )
    ]
    assert inner.records == [AuthorRecord("accept", "q2", {"type": "str", "value": "ROK"})]
    assert [(h.question, h.description, h.requires) for h in outer.hidden] == [
        ("q1", "uses the clean table", "clean")
    ]
    assert isinstance(outer.hidden[0], HiddenCheck) and outer.hidden[0].run(None)
    # outside any collector (a notebook): wrong() keeps nothing, hidden() checks at once
    wrong("q1", 4, "no collector")
    assert len(outer.records) == 1
    hidden("q9", "always fails")(lambda answer: False)
    assert "hidden check of q9 (always fails): FAILS" in capsys.readouterr().out
    given = KeyCollector()
    with collecting(given) as same:
        accept("q3", 1.5)
    assert same is given and given.records[0].value == {"type": "float", "value": 1.5}


def test_key_files_are_the_typed_records_as_plain_json() -> None:
    """Every key on disk parses into the Key shape and judges its own questions."""
    fields = {"format", "set", "title", "source_fingerprint", "questions"}
    paths = sorted(KEYS_DIR.glob("*.json"))
    assert paths and KEYS_DIR == ROOT / "trilat_lessons" / "exercises" / "keys"
    for path in paths:
        key = json.loads(path.read_text(encoding="utf-8"))
        assert set(key) == fields, path.name
        for q in key["questions"]:
            assert {"id", "kind", "points"} <= set(q)
            if q["kind"] == "auto":
                outcome = evaluate(key["set"], q, export_value(...))
                assert outcome.status == "not attempted", (path.name, q["id"])
