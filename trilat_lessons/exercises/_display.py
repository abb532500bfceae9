"""How check() and progress() results look: HTML in JupyterLab, plain text everywhere else.

Every status is said in words as well as with a mark and a colour (never colour or a symbol
alone; the marks are ASCII in text and SVG in HTML, so no emoji font is needed), and the text is
deterministic, so the outputs stored in instructor sources can be validated by nbval.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

STYLE = {
    # status: (mark in plain text, words, colour); the HTML draws the mark (see ICONS)
    "correct": ("+", "correct", "#1b7f3b"),
    "incorrect": ("x", "not yet", "#b3261e"),
    "malformed": ("!", "check the type", "#9a5b00"),
    "not attempted": ("-", "not attempted", "#555555"),
    "manual": ("*", "graded by your instructor", "#1f5fa8"),
    "error": ("!", "could not check", "#9a5b00"),
    "unchecked": (".", "not checked yet", "#767676"),
}
"""Plain-text marks are ASCII and the HTML marks are drawn as SVG, so no status depends on an
emoji or symbol font (many machines have none); the words always stand beside the mark."""

_PATHS = {
    "correct": '<path d="M3 8.5l3.2 3.2L13 5" fill="none" stroke-width="2.4"/>',
    "incorrect": '<path d="M4 4l8 8M12 4l-8 8" fill="none" stroke-width="2.4"/>',
    "malformed": '<path d="M8 2.5v7M8 12.2v1.3" fill="none" stroke-width="2.4"/>',
    "not attempted": (
        '<rect x="2.5" y="2.5" width="11" height="11" fill="none" stroke-width="1.6"/>'
    ),
    "manual": '<path d="M3 13l1-3.5L11 2.5l2.5 2.5-7 7z" fill="none" stroke-width="1.6"/>',
    "error": '<path d="M8 2.5v7M8 12.2v1.3" fill="none" stroke-width="2.4"/>',
    "unchecked": '<circle cx="8" cy="8" r="2" stroke-width="2"/>',
}


def icon(status: str) -> str:
    """The status mark as inline SVG (hidden from screen readers: the words say it)."""
    colour = STYLE.get(status, STYLE["error"])[2]
    path = _PATHS.get(status, _PATHS["error"])
    return (
        '<svg aria-hidden="true" focusable="false" width="14" height="14" viewBox="0 0 16 16"'
        f' style="vertical-align:-2px" stroke="{colour}" fill="{colour}"'
        f' stroke-linecap="round">{path}</svg>'
    )


_BOX = (
    'style="border-left:4px solid {c};padding:4px 10px;margin:3px 0;background:#f8f8f8;'
    'font-family:var(--jp-ui-font-family,sans-serif);font-size:13px;line-height:1.45"'
)


def _points(p: float) -> str:
    text = f"{p:g}"
    return f"{text} point{'s' * (p != 1)}"


def hidden_line(hidden: int, kind: str) -> str:
    """The honest sentence about what else happens at grading."""
    if kind == "manual":
        return "Your instructor grades this answer with the rubric; check() cannot score it."
    if hidden:
        s = "s" if hidden != 1 else ""
        return f"At grading, {hidden} hidden check{s} will also run on this answer."
    return "No hidden checks: at grading this answer is judged by these same checks."


@dataclass
class CheckResult:
    """The result of checking one answer."""

    set_id: str
    question: str
    status: str
    message: str = ""
    points: float = 0
    hidden: int = 0
    kind: str = "auto"
    notes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.status == "correct"

    @property
    def passed(self) -> bool:
        """True when the public checks pass."""
        return self.status == "correct"

    def headline(self) -> str:
        """One line: question, points, verdict."""
        _, words, _ = STYLE.get(self.status, STYLE["error"])
        return f"{self.question} ({_points(self.points)}): {words}"

    def text(self) -> str:
        """Plain-text rendering."""
        lines = [self.headline() + (f": {self.message}" if self.message else ".")]
        lines += [f"  {n}" for n in self.notes]
        if self.status != "not attempted":
            lines.append("  " + hidden_line(self.hidden, self.kind))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    __str__ = text

    def html(self) -> str:
        """HTML rendering (one box)."""
        _, words, colour = STYLE.get(self.status, STYLE["error"])
        e = html.escape
        parts = [
            f'<div class="trilat-check" role="status" {_BOX.format(c=colour)}>',
            f"<strong>{e(self.question)} ({e(_points(self.points))}): "
            f"{icon(self.status)} {e(words)}</strong>",
        ]
        if self.message:
            parts.append(f" &mdash; {e(self.message)}")
        for n in self.notes:
            parts.append(f"<br><span>{e(n)}</span>")
        if self.status != "not attempted":
            parts.append(
                f"<br><span style='font-size:12px'>{e(hidden_line(self.hidden, self.kind))}</span>"
            )
        parts.append("</div>")
        return "".join(parts)

    def _repr_html_(self) -> str:
        return self.html()


@dataclass
class CheckReport:
    """The results of checking every question of a set."""

    set_id: str
    results: list[CheckResult]

    def summary(self) -> str:
        """One line: how many auto-graded questions pass, and what is left to the instructor."""
        auto = [r for r in self.results if r.kind != "manual"]
        manual = [r for r in self.results if r.kind == "manual"]
        ok = [r for r in auto if r.passed]
        pts = sum(r.points for r in ok)
        total = sum(r.points for r in auto)
        line = (
            f"{self.set_id}: {len(ok)} of {len(auto)} auto-checked questions pass "
            f"({pts:g} of {total:g} points)."
        )
        if manual:
            ids = ", ".join(r.question for r in manual)
            mp = sum(r.points for r in manual)
            line += f" {ids} ({mp:g} points) graded by your instructor."
        return line

    def text(self) -> str:
        """Plain-text rendering."""
        return "\n".join([self.summary(), *(r.text() for r in self.results)])

    def __repr__(self) -> str:
        return self.text()

    __str__ = text

    def _repr_html_(self) -> str:
        body = "".join(r.html() for r in self.results)
        return f"<div><p><strong>{html.escape(self.summary())}</strong></p>{body}</div>"

    def __bool__(self) -> bool:
        return all(r.passed for r in self.results if r.kind != "manual")


@dataclass
class ProgressReport:
    """Which questions pass, across every exercise set (for self-study)."""

    rows: list[tuple[str, str, list[tuple[str, str]]]]  # (set id, title, [(question, status)])

    def text(self) -> str:
        """Plain-text rendering."""
        if not self.rows:
            return "No exercise sets are installed."
        lines = ["Your progress (last check() of each question):"]
        for set_id, title, qs in self.rows:
            passed = sum(1 for _, s in qs if s == "correct")
            auto = sum(1 for _, s in qs if s != "manual")
            marks = " ".join(f"{q} {STYLE.get(s, STYLE['unchecked'])[0]}" for q, s in qs)
            lines.append(f"{set_id} {title}: {passed}/{auto} pass   {marks}")
        lines.append(
            "Legend: + correct, x not yet, ! check the type, - not attempted,"
            " * graded by your instructor, . not checked yet"
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    __str__ = text

    def _repr_html_(self) -> str:
        e = html.escape
        out = [
            '<table><caption style="text-align:left"><strong>Your progress</strong> '
            "(last check() of each question)</caption>",
            '<thead><tr><th scope="col">Set</th><th scope="col">Passing</th>'
            '<th scope="col">Questions</th></tr></thead><tbody>',
        ]
        for set_id, title, qs in self.rows:
            passed = sum(1 for _, s in qs if s == "correct")
            auto = sum(1 for _, s in qs if s != "manual")
            cells = "; ".join(
                f'<span style="white-space:nowrap">{e(q)} {icon(s if s in STYLE else "unchecked")}'
                f" {e(STYLE.get(s, STYLE['unchecked'])[1])}</span>"
                for q, s in qs
            )
            out.append(
                f'<tr><th scope="row" style="text-align:left">{e(set_id)} {e(title)}</th>'
                f"<td>{passed}/{auto}</td><td>{cells}</td></tr>"
            )
        out.append("</tbody></table>")
        return "".join(out)
