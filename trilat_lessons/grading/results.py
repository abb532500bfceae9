"""The result records of a grading run: one :class:`SubmissionResult` per submission, written as
``results/<student>.json`` and read back by every report, and its :class:`QuestionResult` s.

They are ``TypedDict`` s, so plain dicts at run time: the JSON on disk is exactly what
``json.dumps`` writes of them. Records read back from disk are untrusted JSON; readers use
``.get`` for every optional field."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from ..judge.records import Status, SubmissionStatus


class HiddenResult(TypedDict):
    """One hidden check as feedback lists it: its student-safe description and whether it passed."""

    description: str
    passed: bool


class QuestionResult(TypedDict, total=False):
    """The result of one question (``max``, ``points``, ``status`` and ``message`` always)."""

    max: float
    points: float | None  # None: a written answer waiting for its rubric score
    status: Status
    message: str
    public: bool  # auto: the public checks pass
    hidden: list[HiddenResult]  # auto: every hidden check, passed or not
    hidden_counted: bool  # False: hidden checks listed but worth nothing (public checks fail)
    given: dict[str, Any]  # auto: the canonical answer record (answers.given), instructor only
    answer: str  # manual: the written answer


class SubmissionResult(TypedDict):
    """The result of one submission (``results/<student>.json``)."""

    student: str
    file: str
    set: str
    status: SubmissionStatus
    detail: str
    questions: dict[str, QuestionResult]
    notes: list[str]
    rebuilt: NotRequired[dict[str, Any]]  # the rebuilt notebook: written apart, then dropped
    landlock: NotRequired[int]
    input_hash: NotRequired[str]
    flag: NotRequired[str]  # grades.csv only: a possible identity mix-up
