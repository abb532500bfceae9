"""Release-time rules on question texts: no question gives another's answer away, and every
requirement a hidden check tests is stated in its question.

1. **Answers stay hidden.** The canonical form (``norm_text``: case, accents, punctuation and
   spacing ignored) of each text answer — the solution and every ``accept()`` value; for a list of
   texts, all its items together — must not stand, as whole words, in what a student sees of
   *another* question: its prompt and tips (question cells), hint, recheck text (the fallback
   message of ``check()``), chart-table messages, rubric, ``wrong()`` messages and hidden-check
   descriptions. For a question with ``choices`` the answer counts as given away only when the
   other question names it and none of the other choices (naming every option of a closed question
   singles none out). Numbers are too short to test this way: review them by hand.
2. **No unstated requirement.** Every ``@hidden`` check declares ``requires="..."``, words that
   must stand in its own question's text (question cells), so a student who reads the question
   knows everything the grader will test. Where a public check can test the requirement itself,
   it should (04 q7's colour order is part of the chart spec ``check()`` reads), so that ✅ means
   the stated requirements are met.
3. **No answer by elimination.** ``wrong()`` messages are stored in the public key sealed with a
   key derived from their own (salted) wrong answer (``judge.seal``, applied to every
   question when the key is built), so for a question with a fixed list of choices, or a boolean,
   reading the key does not show which choices have a message and which one has none. (A closed
   question's few choices can still be hashed and compared with the key's digests by a student who
   writes code for it: that is inherent in an offline ``check()``; keep such questions low-point.)
4. **No placeholder feedback.** A ``wrong()`` message pasted from
   ``key_suggestions.md`` that still starts with "TODO" is refused.
"""

from __future__ import annotations

from typing import Any

from ..judge import decode, norm_text
from .instructor import InstructorRun
from .source import EDITABLE, Source


def prompts(source: Source) -> dict[str, str]:
    """Question id -> the text of its question cells (each belongs to the next answer cell's)."""
    out: dict[str, list[str]] = {q: [] for q in source.questions}
    pending: list[str] = []
    for c in source.cells:
        if c.role == "question":
            pending.append(c.source)
        elif c.role in EDITABLE and pending:
            out[str(c.meta.get("question"))].extend(pending)
            pending = []
    return {q: "\n\n".join(texts) for q, texts in out.items()}


def shown_texts(source: Source, run: InstructorRun) -> dict[str, list[str]]:
    """Question id -> everything a student can read about it (prompt, hint, recheck, rubric,
    feedback)."""
    texts = {q: [p] for q, p in prompts(source).items()}
    for qid, q in source.questions.items():
        texts[qid] += [
            str(q.meta[k]) for k in ("hint", "recheck", "rubric", "title") if q.meta.get(k)
        ]
        chart = q.meta.get("chart")
        data = chart.get("data") if isinstance(chart, dict) else None
        if isinstance(data, dict):  # check()'s messages about the chart's table
            texts[qid] += [str(data[k]) for k in ("message", "rows_message") if data.get(k)]
    for rec in run.records:
        if rec.kind == "wrong" and rec.question in texts:
            texts[rec.question].append(str(rec.message))
    for h in run.hidden:
        texts[h.question].append(h.description)
    return texts


def _answer_forms(qid: str, source: Source, run: InstructorRun) -> list[list[str]]:
    """The text answers of a question, each as the list of normalised words that must not leak."""
    values = [run.exports.get(qid)]
    values += [r.value for r in run.records if r.question == qid and r.kind == "accept"]
    forms = []
    for exported in values:
        if not exported:
            continue
        value: Any = decode(exported)
        if isinstance(value, str):
            items = [value]
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            items = value
        else:
            continue  # numbers, tables, charts: by hand
        normed = [norm_text(v) for v in items]
        if all(normed):
            forms.append(normed)
    return forms


def _names(hay: str, needle: str) -> bool:
    return f" {needle} " in f" {hay} "


def answer_leaks(source: Source, run: InstructorRun) -> list[str]:
    """Rule 1: every place where a question's text answer stands in another question's texts."""
    texts = shown_texts(source, run)
    problems = []
    for qid, q in source.questions.items():
        if q.kind != "auto":
            continue
        choices = [norm_text(str(c)) for c in q.meta.get("choices") or []]
        for form in _answer_forms(qid, source, run):
            for other, shown in texts.items():
                if other == qid:
                    continue
                hay = norm_text("\n".join(shown))
                if not all(_names(hay, item) for item in form):
                    continue
                rivals = [c for c in choices if c not in form and _names(hay, c)]
                if choices and rivals:
                    continue
                problems.append(
                    f"{other}'s text (prompt, tips, hint, rubric or feedback) gives away the "
                    f"answer to {qid} ({' / '.join(form)!r}): reword it"
                )
    return sorted(set(problems))


def unstated_requirements(source: Source, run: InstructorRun) -> list[str]:
    """Rule 2: hidden checks without ``requires=``, or whose phrase the question does not state."""
    text = {q: norm_text(p) for q, p in prompts(source).items()}
    problems = []
    for h in run.hidden:
        if not h.requires or not norm_text(h.requires):
            problems.append(
                f"{h.question}: hidden check {h.description!r} needs requires='...': the words "
                "of the question that tell students what it tests"
            )
        elif not _names(text.get(h.question, ""), norm_text(h.requires)):
            problems.append(
                f"{h.question}: hidden check {h.description!r} requires {h.requires!r}, which "
                "the question text does not state: say it in the question, or drop the check"
            )
    return problems


def todo_messages(run: InstructorRun) -> list[str]:
    """Rule 4: no ``wrong()`` message still starting with "TODO" (the placeholder of the stubs
    in ``key_suggestions.md``): students would read it as feedback. (``accept()`` has none.)"""
    return [
        f"{rec.question}: wrong() message {str(rec.message)[:60]!r} is still the "
        "TODO placeholder of a key suggestion: write the message students will read"
        for rec in run.records
        if rec.kind == "wrong" and str(rec.message or "").lstrip().upper().startswith("TODO")
    ]


def release_problems(source: Source, run: InstructorRun) -> list[str]:
    """Every rule; an empty list means the question texts can be released."""
    return answer_leaks(source, run) + unstated_requirements(source, run) + todo_messages(run)
