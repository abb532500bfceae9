"""What each student sees: ONE document per submission (:func:`feedback`), rendered as Markdown
(:func:`to_markdown`) and as a page (:func:`to_html`). The document decides every word; the
renderers only choose the syntax, so the two files can never say different things.

Never in it: hidden-check code, expected values or solutions; only public-check messages and
hidden-check descriptions.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..judge.records import Status
from .writing import fmt, md

if TYPE_CHECKING:  # pragma: no cover
    from .prepare import Grader
    from .results import QuestionResult, SubmissionResult

ICON: dict[Status, str] = {
    "correct": "✓",
    "partial": "◐",
    "incorrect": "✗",
    "malformed": "⚠",
    "not attempted": "○",
    "error": "⚠",
    "manual": "✎",
    "timeout": "⚠",
    "total timeout": "⚠",
    "memory": "⚠",
    "kernel died": "⚠",
    "not run": "○",
    "corrupt": "✗",
    "wrong assignment": "✗",
    "internal error": "⚠",
}
"""A mark beside each status word (the word carries the meaning): text symbols that common
fonts have (DejaVu, Arial's fallbacks), never emoji, which show as empty boxes on a machine
without an emoji font (issue #15)."""


@dataclass
class QuestionFeedback:
    """One question's part of the feedback."""

    qid: str
    status: Status
    points: str  # "pending" for a written answer not scored yet
    max: str
    message: str = ""
    hidden_line: str = ""  # "Hidden checks: 2 of 3 passed." (empty: no hidden checks)
    hidden: list[tuple[bool, str]] = field(default_factory=list)  # (passed, description)

    @property
    def icon(self) -> str:
        return ICON.get(self.status, "")


@dataclass
class Feedback:
    """The feedback document of one submission."""

    set_id: str
    title: str
    student: str
    score: str
    max: str
    pending: list[str]
    status: str
    detail: str
    questions: list[QuestionFeedback]
    notes: list[str]

    @property
    def heading(self) -> str:
        return f"Feedback: {self.set_id} {self.title}".rstrip()

    @property
    def score_line(self) -> str:
        line = f"{self.score} / {self.max}"
        if self.pending:
            line += f" (still to be graded by your instructor: {', '.join(self.pending)})"
        return line


def hidden_summary(qr: QuestionResult) -> str:
    """The line above a question's hidden checks in feedback (says when they earn nothing)."""
    hidden = qr.get("hidden") or []
    passed = sum(1 for h in hidden if h["passed"])
    line = f"Hidden checks: {passed} of {len(hidden)} passed."
    if qr.get("hidden_counted") is False:
        line += " They earn points only once the public checks pass, so none counted here."
    return line


def feedback(grader: Grader, r: SubmissionResult, total: float, pending: list[str]) -> Feedback:
    """The feedback document of result ``r`` (``total``: its points with rubric scores)."""
    src = grader.source
    questions = []
    for qid, qr in r["questions"].items():
        unscored = qr.get("points") is None and qr["status"] == "manual"
        hidden = qr.get("hidden") or []
        questions.append(
            QuestionFeedback(
                qid,
                qr["status"],
                "pending" if unscored else fmt(qr.get("points") or 0),
                fmt(qr["max"]),
                qr.get("message") or "",
                hidden_summary(qr) if hidden else "",
                [(bool(h["passed"]), h["description"]) for h in hidden],
            )
        )
    return Feedback(
        src.set_id,
        src.title,
        r["student"],
        fmt(total),
        fmt(sum(q.points for q in src.questions.values())),
        pending,
        r["status"],
        r.get("detail") or "",
        questions,
        list(r.get("notes") or []),
    )


def _passed(ok: bool) -> str:
    return "passed" if ok else "failed"


def to_markdown(doc: Feedback) -> str:
    """The document as Markdown (every piece of text escaped: one line, no markup of its own)."""
    lines = [
        f"# Feedback: {doc.set_id} {md(doc.title)}".rstrip(),
        "",
        f"Student: {md(doc.student)}  ",
        f"Score: {doc.score_line}",
        "",
        f"Status: {md(doc.status)}" + (f" ({md(doc.detail)})" if doc.detail else ""),
        "",
        "| Question | Points | Result |",
        "|---|---|---|",
    ]
    for q in doc.questions:
        lines.append(f"| {q.qid} | {q.points} / {q.max} | {q.icon} {q.status} |")
    lines.append("")
    for q in doc.questions:
        lines += [f"## {q.qid}: {q.icon} {q.status}", ""]
        if q.message:
            lines += [md(q.message), ""]
        if q.hidden:
            lines.append(q.hidden_line)
            lines += [f"- {_passed(ok)}: {md(text)}" for ok, text in q.hidden]
            lines.append("")
    if doc.notes:
        lines += ["## Notes", ""]
        lines += [f"- {md(n)}" for n in doc.notes]
        lines.append("")
    return "\n".join(lines)


def to_html(doc: Feedback) -> str:
    """The document as a self-contained page (every piece of text escaped)."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(doc.heading)}</title>",
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}</style>",
        "</head><body>",
        f"<h1>{e(doc.heading)}</h1>",
        f"<p>Student: {e(doc.student)}<br>Score: {e(doc.score_line)}"
        + f"<br>Status: {e(doc.status)}"
        + (f" ({e(doc.detail)})" if doc.detail else "")
        + "</p>",
        '<table><thead><tr><th scope="col">Question</th><th scope="col">Points</th>'
        '<th scope="col">Result</th></tr></thead><tbody>',
    ]
    for q in doc.questions:
        out.append(
            f'<tr><th scope="row">{e(q.qid)}</th><td>{e(q.points)} / {e(q.max)}</td>'
            f"<td>{q.icon} {e(q.status)}</td></tr>"
        )
    out.append("</tbody></table>")
    for q in doc.questions:
        out.append(f"<h2>{e(q.qid)}: {e(q.status)}</h2>")
        if q.message:
            out.append(f"<p>{e(q.message)}</p>")
        if q.hidden:
            out.append(f"<p>{e(q.hidden_line)}</p><ul>")
            out += [f"<li>{_passed(ok)}: {e(text)}</li>" for ok, text in q.hidden]
            out.append("</ul>")
    if doc.notes:
        out.append("<h2>Notes</h2><ul>")
        out += [f"<li>{e(n)}</li>" for n in doc.notes]
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
