"""How check() and progress() results look: HTML in JupyterLab, plain text everywhere else.

Every status is said in words as well as with a symbol and a colour (never colour alone), and the
text is deterministic, so the outputs stored in instructor sources can be validated by nbval.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

STYLE = {
    # status: (symbol, words, colour)
    "correct": ("✅", "correct", "#1b7f3b"),
    "incorrect": ("❌", "not yet", "#b3261e"),
    "malformed": ("⚠️", "check the type", "#9a5b00"),
    "not attempted": ("⬜", "not attempted", "#555555"),
    "manual": ("📝", "graded by your instructor", "#1f5fa8"),
    "error": ("⚠️", "could not check", "#9a5b00"),
    "unchecked": ("·", "not checked yet", "#777777"),
}

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
        symbol, words, _ = STYLE.get(self.status, STYLE["error"])
        return f"{self.question} ({_points(self.points)}): {symbol} {words}"

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
        symbol, words, colour = STYLE.get(self.status, STYLE["error"])
        e = html.escape
        parts = [
            f'<div role="status" {_BOX.format(c=colour)}>',
            f"<strong>{e(self.question)} ({e(_points(self.points))}): "
            f'<span aria-hidden="true">{symbol}</span> {e(words)}</strong>',
        ]
        if self.message:
            parts.append(f" &mdash; {e(self.message)}")
        for n in self.notes:
            parts.append(f"<br><span>{e(n)}</span>")
        if self.status != "not attempted":
            parts.append(f"<br><small>{e(hidden_line(self.hidden, self.kind))}</small>")
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
            "Legend: ✅ correct · ❌ not yet · ⚠️ check the type · ⬜ not attempted · "
            "📝 graded by your instructor · · not checked yet"
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
            cells = " ".join(
                f'<span title="{e(STYLE.get(s, STYLE["unchecked"])[1])}">{e(q)} '
                f"{STYLE.get(s, STYLE['unchecked'])[0]}</span>"
                for q, s in qs
            )
            out.append(
                f'<tr><th scope="row" style="text-align:left">{e(set_id)} {e(title)}</th>'
                f"<td>{passed}/{auto}</td><td>{cells}</td></tr>"
            )
        out.append("</tbody></table>")
        return "".join(out)
