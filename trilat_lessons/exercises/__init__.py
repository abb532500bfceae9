"""Student side of the exercises: ``start()``, ``check()`` and ``progress()``.

In an exercise notebook::

    import trilat_lessons as tl
    from trilat_lessons import check, progress
    tl.exercises.start("01_history")
    ...
    check("q3")      # instant feedback on q3_answer
    check()          # every question of the set
    progress()       # every set, for self-study

``check`` judges the answer with the public key shipped in the package (salted digests and
structure, never the answers themselves) and never raises: whatever the student's variable holds,
the result is a friendly message.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from ._display import CheckReport, CheckResult, ProgressReport

if TYPE_CHECKING:
    from ..judge import Key, KeyQuestion

__all__ = ["CheckReport", "CheckResult", "check", "current_set", "progress", "start"]

_CURRENT: str | None = None
_UNSET: Any = object()  # check("q1") without answer=: read the notebook's variable


class _Started:
    """What ``start()`` shows: the set, its questions and how to check them."""

    def __init__(self, set_id: str, key: Key) -> None:
        self.set_id = set_id
        self.key = key

    def text(self) -> str:
        """Plain-text rendering."""
        qs = self.key.get("questions", [])
        auto = [q for q in qs if q.get("kind") != "manual"]
        pts = sum(q["points"] for q in qs)
        return (
            f"Exercise set {self.set_id}: {len(qs)} questions, {pts:g} points "
            f'({len(auto)} checked instantly with check("q1") etc.; '
            f"{len(qs) - len(auto)} graded by your instructor). "
            "Only code inside the answer cells is graded."
        )

    def __repr__(self) -> str:
        return self.text()


def start(set_id: str) -> _Started | str:
    """Choose the exercise set that ``check()`` uses in this notebook (its first cell calls it)."""
    global _CURRENT
    from ..judge import list_sets, load_key

    key = load_key(str(set_id))
    if key is None:
        known = ", ".join(list_sets()) or "none"
        return f"There is no exercise set {set_id!r} installed (known sets: {known})."
    _CURRENT = str(set_id)
    return _Started(_CURRENT, key)


def current_set() -> str | None:
    """The set chosen with ``start()``, if any."""
    return _CURRENT


def _namespace(depth: int) -> dict[str, Any]:
    """The student's variables: the IPython user namespace, else the caller's globals."""
    ipython = sys.modules.get("IPython")
    if ipython is not None:
        try:
            shell = ipython.get_ipython()
            if shell is not None:
                return shell.user_ns
        except Exception:
            pass
    try:
        return sys._getframe(depth + 1).f_globals
    except ValueError:  # pragma: no cover
        return {}


def _previous_cell_error() -> str | None:
    """A note when the last cell the student ran raised (their answer may be stale)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        shell = ipython.get_ipython()
        result = getattr(shell, "last_execution_result", None)
        if shell is None or result is None or getattr(shell, "last_execution_succeeded", True):
            return None
        err = result.error_in_exec or result.error_before_exec
        if err is None:
            return None
        text = f"{type(err).__name__}: {str(err)[:150]}".rstrip(": ")
        return (
            f"Note: the last cell you ran stopped with an error ({text}); "
            "fix and re-run it, or your answer may be out of date."
        )
    except Exception:
        return None


class _RealInterrupt:
    """Tell a real Ctrl-C apart from a ``KeyboardInterrupt`` raised by a student's object.

    While ``check()`` runs (main thread only), SIGINT goes through a handler that notes it came
    from the keyboard (or the notebook's Stop button) before raising; a ``KeyboardInterrupt``
    without that note came from the student's code (an ``__eq__``, say) and is reported instead.
    """

    def __init__(self) -> None:
        self.seen = False
        self._old: Any = None
        self._installed = False

    def __enter__(self) -> _RealInterrupt:
        if threading.current_thread() is threading.main_thread():
            try:
                self._old = signal.getsignal(signal.SIGINT)

                def handler(signum: int, frame: Any) -> None:
                    self.seen = True
                    raise KeyboardInterrupt

                signal.signal(signal.SIGINT, handler)
                self._installed = True
            except (ValueError, TypeError, OSError):
                self._installed = False
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            with contextlib.suppress(ValueError, TypeError, OSError):
                signal.signal(signal.SIGINT, self._old)


def _escaped(exc: BaseException, guard: _RealInterrupt) -> str:
    """The message for a student's object that raised while being checked (or re-raise)."""
    if isinstance(exc, KeyboardInterrupt) and guard.seen:
        raise exc  # the student pressed Stop / Ctrl-C: let it interrupt
    return (
        f"Your answer raised {type(exc).__name__} while check() looked at it (an object whose "
        "methods raise or exit cannot be judged). Store a plain value, then check again."
    )


def _check_one(
    set_id: str, key: Key, q: KeyQuestion, namespace: dict[str, Any], value: Any
) -> CheckResult:
    from ..judge import MISSING, Outcome, evaluate, export_value

    hidden = int(q.get("hidden", 0))
    kind = q.get("kind", "auto")
    guard = _RealInterrupt()
    try:
        with guard:
            if kind == "manual":
                rubric = q.get("rubric") or "see the question"
                outcome = Outcome(
                    "manual", f"Your written answer is scored with this rubric: {rubric}"
                )
            else:
                if value is MISSING:
                    value = namespace.get(q["variable"], MISSING)
                outcome = evaluate(set_id, q, export_value(value, chart_data=False))
    except Exception as exc:  # never a traceback from our code
        outcome = Outcome(
            "error",
            f"check() had a problem on its side ({type(exc).__name__}); your answer is not "
            "affected. Please tell your instructor.",
        )
    except BaseException as exc:  # SystemExit, GeneratorExit, KeyboardInterrupt from the object
        outcome = Outcome("error", _escaped(exc, guard))
    result = CheckResult(
        set_id=set_id,
        question=q["id"],
        status=outcome.status,
        message=outcome.message,
        points=q["points"],
        hidden=hidden,
        kind=kind,
    )
    result.notes.extend(outcome.notes)
    if outcome.status in ("correct", "incorrect", "malformed", "not attempted"):
        try:
            from ._progress import record

            record(set_id, q["id"], outcome.status, key.get("source_fingerprint", "")[:16])
        except Exception:
            pass
    return result


def _resolve(question: str | None, exercise_set: str | None) -> tuple[str | None, str | None]:
    if question and ":" in question:
        exercise_set, question = question.split(":", 1)
    return exercise_set or _CURRENT, question


def check(
    question: str | None = None, answer: Any = _UNSET, *, exercise_set: str | None = None
) -> CheckResult | CheckReport | str:
    """Check one answer (``check("q3")``) or every question of the set (``check()``).

    The answer is the question's variable (e.g. ``q3_answer``) in your notebook; pass ``answer=``
    to check a value directly. Never raises.
    """
    from ..judge import MISSING

    try:
        set_id, qid = _resolve(question if question is None else str(question), exercise_set)
        if set_id is None:
            return (
                "check() does not know which exercise set this is: run the notebook's first "
                'cell (it calls tl.exercises.start("...")), then check again.'
            )
        from ..judge import load_key

        key = load_key(set_id)
        if key is None:
            return f"There is no exercise set {set_id!r} installed; check the first cell."
        namespace = _namespace(1)
        note = _previous_cell_error()
        if qid is None:
            results = [_check_one(set_id, key, q, namespace, MISSING) for q in key["questions"]]
            return CheckReport(set_id, results)
        from ..judge import find_question as find

        q = find(key, qid.strip())
        if q is None:
            ids = [x["id"] for x in key["questions"]]
            return (
                f"There is no question {qid!r} in {set_id}; its questions are "
                f'{", ".join(ids)}. Use check("{ids[0]}").'
            )
        value = MISSING if answer is _UNSET else answer
        result = _check_one(set_id, key, q, namespace, value)
        if note and result.status != "correct":
            result.notes.append(note)
        return result
    except Exception as exc:  # pragma: no cover - last resort, never a traceback
        name = type(exc).__name__
        return f"check() had a problem on its side ({name}); please tell your instructor."


def progress() -> ProgressReport | str:
    """Which questions pass, for every exercise set (from your last check() of each).

    Never raises: a progress file of the wrong shape gives a message instead.
    """
    try:
        return _progress_report()
    except Exception as exc:
        return (
            f"progress() could not read your saved results ({type(exc).__name__}); they will be "
            "saved again as you check answers."
        )


def _progress_report() -> ProgressReport:
    from ..judge import list_sets, load_key
    from ._progress import results

    rows = []
    for set_id in list_sets():
        key = load_key(set_id)
        if key is None:
            continue
        stored = results(set_id)
        fp = key.get("source_fingerprint", "")[:16]
        qs = []
        for q in key["questions"]:
            if q.get("kind") == "manual":
                qs.append((q["id"], "manual"))
                continue
            entry = stored.get(q["id"]) or {}
            ok = entry.get("key") == fp and isinstance(entry.get("status"), str)
            status = entry["status"] if ok else "unchecked"
            qs.append((q["id"], status))
        rows.append((set_id, key.get("title", ""), qs))
    return ProgressReport(rows)
