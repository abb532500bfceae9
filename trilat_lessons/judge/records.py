"""The typed records the judge passes around: exported answers, keys, questions and verdicts.

Keys and exported answers are JSON on disk and on the wire, so they are ``TypedDict`` s (plain
dicts at run time: a key is written with ``json.dumps`` exactly as before, byte for byte). What
only lives in memory (a verdict, an author's ``wrong()``/``accept()`` record, a hidden check) is
a dataclass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, TypedDict, get_args


class Exported(TypedDict, total=False):
    """One answer as ``export_value`` writes it: the only thing that leaves a student's kernel.

    ``type`` says which other fields are present (``int``/``float``/``str``/``bool``/``datetime``:
    ``value``; ``list``: ``items`` of exports; ``dict``: ``items`` of [key, value] export pairs;
    ``DataFrame``: ``columns``, ``dtypes``, ``index_names``, ``index``, ``data``; ``Series``:
    ``name``, ``dtype``, ``index_names``, ``index``, ``data``; ``chart``: ``spec``; ``timedelta``:
    ``seconds``; ``too_large``: ``what``; ``unexportable``/``bad_chart``: ``error``).
    """

    type: str
    value: Any
    pytype: str
    items: list[Any]
    shape: list[int]
    name: str | None
    dtype: str
    dtypes: list[str]
    columns: list[str]
    index_names: list[str | None]
    index: list[Any]
    data: list[Any]
    spec: dict[str, Any]
    seconds: Any
    what: str
    error: str


class ColumnSpec(TypedDict):
    """One expected column of a table answer: its name and coarse kind (see ``dtype_kind``)."""

    name: str
    kind: str


class ChartData(TypedDict, total=False):
    """What check() compares of a chart's table: row count and digests of named columns."""

    rows: int
    digests: dict[str, str]
    rows_message: str
    message: str


class Expect(TypedDict, total=False):
    """The public shape of a question's answer (``type`` is always there; the rest by type)."""

    type: str
    decimals: int
    choices: list[str]  # str
    items: str  # list: the type of every item
    ordered: bool  # list, DataFrame
    length: int  # list, when the author reveals it
    columns: list[ColumnSpec]  # DataFrame
    rows: int  # DataFrame
    reveal_rows: bool  # DataFrame
    rows_hint: str  # DataFrame
    mark: str | None  # chart
    encoding: dict[str, dict[str, Any]]  # chart: channel -> parsed channel
    title: bool  # chart
    description: bool  # chart
    data: ChartData  # chart


class WrongAnswer(TypedDict):
    """A known wrong answer in a key: its digest and its message sealed by that answer."""

    digest: str
    sealed: NotRequired[str]
    message: NotRequired[str]  # keys written before messages were sealed


class KeyQuestion(TypedDict, total=False):
    """One question of a public key (``id``, ``kind`` and ``points`` always; the rest by kind)."""

    id: str
    kind: str  # auto | manual
    points: float
    title: str
    variable: str
    rubric: str  # manual
    expect: Expect
    hint: str
    recheck: str
    hidden: int  # how many hidden checks grading adds
    public_weight: float
    answers: list[str]  # digests of accepted answers
    wrong: list[WrongAnswer]


class Key(TypedDict):
    """The public key of one exercise set (``trilat_lessons/exercises/keys/<set>.json``): salted
    digests and structure, never an answer."""

    format: int
    set: str
    title: str
    source_fingerprint: str
    questions: list[KeyQuestion]


# ---------------------------------------------------------------------------- statuses
# The one home of every status word an answer, a cell or a submission can end in. check() shows
# the verdicts; grading adds the rest; feedback, reports and analytics only read them.

Verdict = Literal["correct", "incorrect", "malformed", "not attempted", "manual", "error"]
"""What the public checks say of one answer (``error``: check() itself failed, student side;
in grading: the answer cell raised before the answer was set)."""
Runaway = Literal["total timeout", "timeout", "memory", "kernel died"]
"""A kernel stopped by a limit or a crash (an answer's status, and its submission's)."""
Unreached = Literal["rejected", "corrupt", "wrong assignment", "internal error"]
"""A submission that never reached a kernel: every question takes its status, none is graded."""
Status = Literal[Verdict, "partial", "not run", Runaway, Unreached]
"""Every status of one graded question (``partial``: public checks pass, some hidden fail;
``not run``: an earlier cell broke the notebook before this answer)."""
SubmissionStatus = Literal["ok", "not attempted", Runaway, Unreached]
"""The status of a whole submission (``ok``: it ran; each question has its own status)."""

STATUSES: tuple[Status, ...] = get_args(Status)
RUNAWAY: tuple[Runaway, ...] = ("total timeout", "timeout", "memory", "kernel died")
"""Runaway statuses, most serious first (a submission takes the first that any answer has)."""
TIMEOUTS: tuple[Runaway, ...] = ("timeout", "total timeout")
"""Runaways that may be the machine's fault (a loaded run): regraded alone once."""
NOT_GRADED: tuple[Unreached, ...] = get_args(Unreached)
"""Submissions left out of the class figures (analytics) and reported as not graded."""


@dataclass
class Outcome:
    """The verdict of the public checks on one answer."""

    status: Verdict
    message: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every public check passes."""
        return self.status == "correct"


RecordKind = Literal["wrong", "accept", "variant"]


@dataclass(frozen=True)
class AuthorRecord:
    """One ``wrong()``/``accept()``/``variant()`` call of an instructor source: the question, the
    exported value, and (for ``wrong``) the misconception's message."""

    kind: RecordKind
    question: str
    value: Exported
    message: str = ""


@dataclass
class HiddenCheck:
    """A check run only at grading: question, a student-safe description, weight, function, and
    the phrase of the question text that states the requirement it tests (``requires``)."""

    question: str
    description: str
    weight: float
    func: Callable[[Any], Any]
    requires: str | None = None

    def run(self, answer: Any) -> bool:
        """True when the check passes; any exception or falsy result is a fail."""
        try:
            result = self.func(answer)
        except Exception:
            return False
        return result is None or (result is not False and bool(result))
