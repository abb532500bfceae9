"""Quiz: a multiple-choice or multiple-select question with feedback on every option."""

from __future__ import annotations

import hashlib
import html
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from ._base import StaticFallback, page_helper


@dataclass(frozen=True)
class OptionFeedback:
    """Feedback on one option: was it chosen, is it a right answer, and what to tell the student."""

    option: str
    chosen: bool
    right: bool
    text: str

    @property
    def ok(self) -> bool:
        """True when the student's choice for this option is right (chosen iff it is correct)."""
        return self.chosen == self.right


@dataclass(frozen=True)
class QuizResult:
    """The outcome of checking an answer: correct or not, a 0–1 score and per-option feedback."""

    correct: bool
    score: float
    message: str
    feedback: tuple[OptionFeedback, ...]


def _indices(options: Sequence[str], answer: Any) -> set[int]:
    """Option positions from an index, an option text, or a list of either."""
    if answer is None:
        return set()
    items = [answer] if isinstance(answer, str | int) else list(answer)
    out = set()
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            if not 0 <= item < len(options):
                raise ValueError(f"option index {item} out of range 0..{len(options) - 1}")
            out.add(item)
        elif item in options:
            out.add(options.index(item))
        else:
            raise ValueError(f"{item!r} is not one of the options {list(options)}")
    return out


def grade_choice(
    options: Sequence[str],
    correct: int | str | Iterable[int | str],
    selected: int | str | Iterable[int | str] | None,
    feedback: Mapping[str, str] | Sequence[str] | None = None,
) -> QuizResult:
    """Check a choice: correct only if exactly the right options are chosen; partial credit.

    The score is the share of options judged right (chosen if correct, left if not). Feedback
    is given for every chosen option and for every right option that was missed; an option
    rightly left unpicked gets none. With nothing chosen, nothing is judged or revealed.
    """
    options = list(options)
    right = _indices(options, correct)
    if not right:
        raise ValueError("a question needs at least one correct option")
    chosen = _indices(options, selected)
    if isinstance(feedback, Mapping):
        notes = [str(feedback.get(o, "")) for o in options]
    elif feedback is not None:
        notes = [str(f) for f in feedback]
        if len(notes) != len(options):
            raise ValueError("give one feedback text per option")
    else:
        notes = [""] * len(options)
    items = []
    for i, option in enumerate(options):
        is_right, is_chosen = i in right, i in chosen
        default = (
            "Yes, this is right."
            if is_right and is_chosen
            else "Not this one."
            if is_chosen
            else "You missed this one: it is also right."
            if is_right
            else ""
        )
        note = _without_verdict(notes[i])
        text = (note or default) if (is_chosen or is_right) else ""
        if not chosen:  # nothing picked yet: judge nothing, reveal nothing
            text = ""
        items.append(OptionFeedback(option, is_chosen, is_right, text))
    n_ok = sum(f.ok for f in items)
    is_correct = chosen == right
    if not chosen:
        message = "Choose an option first."
    elif is_correct:
        message = "Correct!"
    elif len(right) > 1:
        message = f"Not quite: {n_ok} of {len(options)} options judged right. Read the feedback."
    else:
        message = "Not quite. Read the feedback and try again."
    return QuizResult(is_correct, n_ok / len(options) if chosen else 0.0, message, tuple(items))


_VERDICT_LEAD = re.compile(r"^\s*(?:right|yes|correct|no|wrong|missed)\s*[:.,!\u2014-]\s*", re.I)


def _without_verdict(note: str) -> str:
    """A feedback note without a leading "Right:", "Yes.", "No:" ...: the verdict words shown
    beside each option already say it (no "Missed: Right: ...")."""
    rest = _VERDICT_LEAD.sub("", note, count=1)
    return rest[:1].upper() + rest[1:] if rest else note


_QUESTION_IDS = itertools.count(1)


def question_id(number: int, question: str, options: Sequence[str]) -> str:
    """A quiz's HTML id: its number in the kernel and a digest of its question and options.

    Unique in a page (the number) even beside outputs kept from an earlier kernel (the digest),
    and the same on every run, so a lesson executed twice gives the same bytes (the website).
    """
    text = "\x1f".join([question, *options]).encode()
    return f"trilat-q-{number}-{hashlib.sha256(text).hexdigest()[:8]}"


def _mark(ok: bool) -> str:
    """A check or cross drawn as inline SVG (no emoji or symbol font needed); words carry the
    meaning beside it."""
    colour = "#006d4e" if ok else "#a33c00"
    shape = "M3 8.5l3.2 3.2L13 5" if ok else "M4 4l8 8M12 4l-8 8"
    return (
        '<svg aria-hidden="true" focusable="false" width="14" height="14" viewBox="0 0 16 16"'
        f' style="vertical-align:-2px"><path d="{shape}" fill="none" stroke="{colour}"'
        ' stroke-width="2.4" stroke-linecap="round"/></svg>'
    )


def feedback_line(f: OptionFeedback) -> str:
    """One feedback item as HTML: a drawn mark, words saying what it means, option and note."""
    verdict = (
        "Right choice"
        if f.chosen and f.right
        else "Wrong choice"
        if f.chosen
        else "Missed"
        if f.right
        else "Rightly left out"
    )
    option = f.option.rstrip().rstrip(".")  # no ".:" where the option ends a sentence
    return f"<li>{_mark(f.ok)} <b>{verdict}</b> — {html.escape(option)}: {html.escape(f.text)}</li>"


class Quiz(StaticFallback, w.VBox):
    """A question with radio buttons (one answer) or checkboxes (several), Check button, feedback.

    ``multiple`` defaults to True when more than one option is correct.
    """

    fallback_name = "Quiz"

    def __init__(
        self,
        question: str,
        options: Sequence[str],
        correct: int | str | Iterable[int | str],
        *,
        feedback: Mapping[str, str] | Sequence[str] | None = None,
        multiple: bool | None = None,
        explanation: str = "",
    ) -> None:
        self.question = question
        self.options = list(options)
        self.correct_answer = correct
        self.feedback_texts = feedback
        self.explanation = explanation
        right = _indices(self.options, correct)
        self.multiple = len(right) > 1 if multiple is None else multiple
        self.result: QuizResult | None = None
        if self.multiple:
            self.choices: list[w.Checkbox] = [
                w.Checkbox(value=False, description=o, indent=False, layout=w.Layout(width="auto"))
                for o in self.options
            ]
            picker: w.Widget = w.VBox(self.choices)
            picker.add_class("trilat-choices")
            for c in self.choices:
                c.observe(self._on_pick, names="value")
        else:
            self.radio = w.RadioButtons(
                options=self.options,
                value=None,
                description="Answer",
                layout=w.Layout(width="auto"),
            )
            self.radio.observe(self._on_pick, names="value")
            picker = self.radio
        hint = "Choose all that apply." if self.multiple else "Choose one."
        self.check_button = w.Button(
            description="Check answer",
            button_style="primary",
            tooltip="Check your answer and show feedback",
        )
        self.check_button.on_click(lambda _b: self.check())
        self.feedback_view = w.HTML()
        self.feedback_view.add_class("trilat-feedback")  # the page helper makes it role=status
        qid = question_id(next(_QUESTION_IDS), question, self.options)
        super().__init__(
            [
                w.HTML(
                    f'<p class="trilat-question" id="{qid}"><b>{html.escape(question)}</b>'
                    f" <i>{hint}</i></p>{page_helper()}"
                ),
                picker,
                self.check_button,
                self.feedback_view,
            ]
        )
        self.add_class("trilat-quiz")

    @property
    def value(self) -> str | tuple[str, ...] | None:
        """The chosen option (one-answer quiz) or the tuple of chosen options (multiple select)."""
        if self.multiple:
            return tuple(o for o, c in zip(self.options, self.choices, strict=True) if c.value)
        return self.radio.value

    @value.setter
    def value(self, answer: int | str | Iterable[int | str] | None) -> None:
        chosen = _indices(self.options, answer)
        if self.multiple:
            for i, c in enumerate(self.choices):
                c.value = i in chosen
        else:
            if len(chosen) > 1:
                raise ValueError("this question takes one answer")
            self.radio.value = self.options[chosen.pop()] if chosen else None

    def _on_pick(self, _change: dict[str, Any]) -> None:
        if self.result is not None:  # the shown feedback no longer matches the choice
            self.result = None
            self.feedback_view.value = ""

    @property
    def correct(self) -> bool:
        """True when the current choice is exactly the right answer."""
        return grade_choice(self.options, self.correct_answer, self.value).correct

    def check(self) -> QuizResult:
        """Grade the current choice and show the message and per-option feedback."""
        self.result = grade_choice(
            self.options, self.correct_answer, self.value, self.feedback_texts
        )
        lines = [feedback_line(f) for f in self.result.feedback if f.text]
        colour = "#006d4e" if self.result.correct else "#a33c00"
        extra = (
            f"<p>{html.escape(self.explanation)}</p>"
            if self.result.correct and self.explanation
            else ""
        )
        self.feedback_view.value = (
            f'<div><p style="color:{colour}"><b>'
            f"{html.escape(self.result.message)}</b></p>"
            f"{'<ul>' + ''.join(lines) + '</ul>' if lines else ''}{extra}</div>"
        )
        return self.result
