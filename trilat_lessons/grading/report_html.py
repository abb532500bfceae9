"""``report.html``: the class report an instructor reads without opening a CSV.

One self-contained page (inline CSS and SVG, no script, no external resource): score
distribution, statuses, item analysis, answer distributions, written answers still to grade.
Charts come from the course's renderer (:func:`trilat_lessons.render.spec_to_svg`) with a title
and a description each, and every chart has a table beside it with the same figures.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from .analytics import MIN_CLASS, ItemQuestion, graded, total
from .results import SubmissionResult

STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.5;"
    "color:#1a1a1a;background:#fff}table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "td,th{border:1px solid #767676;padding:2px 8px;text-align:left;vertical-align:top}"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}.flag{color:#8a1c00}"
    ".num{text-align:right}figure{margin:1em 0}figcaption{font-size:.95em;color:#333}"
    "a{color:#0b5394}.wrap{overflow-wrap:anywhere}.scroll{overflow-x:auto;max-width:100%}"
    ".scroll:focus{outline:2px solid #0b5394}"
)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _pct(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None, digits: int = 2) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def _figure(spec: dict[str, Any], caption: str) -> str:
    """An SVG chart from the course renderer, or a note when it cannot be drawn."""
    try:
        from ..render import spec_to_svg

        svg = spec_to_svg(spec)
    except Exception as exc:  # the tables carry the same figures
        return f"<p>(Chart not drawn: {_e(type(exc).__name__)}; the table has the figures.)</p>"
    return f"<figure>{svg}<figcaption>{_e(caption)}</figcaption></figure>"


def _score_chart(totals: list[float], maxp: float, set_id: str) -> str:
    counts = Counter(round(t, 2) for t in totals)
    values = [{"score": s, "students": c} for s, c in sorted(counts.items())]
    desc = f"Bar chart: how many students scored each total on {set_id}, from 0 to {maxp:g} points."
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": f"{set_id}: total scores",
        "description": desc,
        "data": {"values": values},
        "mark": {"type": "bar", "color": "#2f5d8a"},
        "encoding": {
            "x": {
                "field": "score",
                "type": "quantitative",
                "title": "Total points",
                "scale": {"domain": [0, maxp]},
                "bin": {"step": max(1, round(maxp / 20))},
            },
            "y": {"aggregate": "sum", "field": "students", "type": "quantitative",
                  "title": "Students"},
        },
        "width": 480,
        "height": 200,
    }  # fmt: skip
    return _figure(spec, desc)


def _facility_chart(items: list[dict[str, Any]], set_id: str) -> str:
    values = [
        {"question": i["question"], "facility": round(100 * i["facility"], 1)}
        for i in items
        if i["facility"] is not None
    ]
    desc = (
        "Horizontal bars: the share of each question's points the class scored (facility); "
        "questions above 90% may be too easy, below 20% too hard."
    )
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": f"{set_id}: facility per question",
        "description": desc,
        "data": {"values": values},
        "mark": {"type": "bar", "color": "#2f5d8a"},
        "encoding": {
            "y": {"field": "question", "type": "nominal", "sort": None, "title": "Question"},
            "x": {"field": "facility", "type": "quantitative", "title": "Facility (%)",
                  "scale": {"domain": [0, 100]}},
        },
        "width": 420,
        "height": max(120, 22 * len(values)),
    }  # fmt: skip
    return _figure(spec, desc)


def class_report(
    meta: dict[str, Any],
    questions: list[ItemQuestion],
    results: list[SubmissionResult],
    items: list[dict[str, Any]],
    answers: list[dict[str, Any]],
    who: dict[str, str],
    *,
    top_answers: int = 8,
) -> str:
    """The page's HTML. ``who`` maps each result's student to the name or code to show."""
    set_id = meta["set"]
    title = f"Class report: {set_id} {meta.get('title', '')}".rstrip()
    pool = graded(results)
    maxp = sum(q.points for q in questions)
    totals = [total(r) for r in pool]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        f"<p>{len(results)} submissions, {len(pool)} graded (the others were rejected, corrupt "
        f"or another set). Maximum {maxp:g} points.</p>",
        '<nav aria-label="Sections"><ul><li><a href="#scores">Scores</a></li>'
        '<li><a href="#statuses">Statuses</a></li><li><a href="#items">Item analysis</a></li>'
        '<li><a href="#answers">Answers given</a></li>'
        '<li><a href="#manual">Written answers to grade</a></li></ul></nav>',
    ]
    # scores
    out.append('<h2 id="scores">Score distribution</h2>')
    if totals:
        mean = sum(totals) / len(totals)
        ordered = sorted(totals)
        median = ordered[len(ordered) // 2]
        out.append(
            f"<p>Mean {mean:.2f}, median {median:g}, lowest {ordered[0]:g}, highest "
            f"{ordered[-1]:g} of {maxp:g} points (written answers count once scored).</p>"
        )
        out.append(_score_chart(totals, maxp, set_id))
    else:
        out.append("<p>No graded submissions.</p>")
    # statuses
    out.append('<h2 id="statuses">Statuses</h2>')
    by_status: dict[str, list[str]] = {}
    for r in results:
        by_status.setdefault(r.get("status", ""), []).append(who.get(r["student"], "?"))
    out.append(
        '<table><caption>Submissions by status</caption><thead><tr><th scope="col">Status'
        '</th><th scope="col" class="num">Submissions</th><th scope="col">Who (not ok)</th>'
        "</tr></thead><tbody>"
    )
    for status, names in sorted(by_status.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = "" if status == "ok" else ", ".join(sorted(names))
        out.append(
            f'<tr><th scope="row">{_e(status)}</th><td class="num">{len(names)}</td>'
            f'<td class="wrap">{_e(shown)}</td></tr>'
        )
    out.append("</tbody></table>")
    # items
    out.append('<h2 id="items">Item analysis</h2>')
    out.append(
        "<p>Facility: the share of the question's points the class scored. Item-rest r: the "
        "correlation of the question's score with the score on the rest of the set (the "
        "point-biserial for right/wrong questions); near 0 or negative means the question "
        "does not separate students who did well from those who did not. Upper-lower: the "
        "mean score of the top 27% (by the rest of the set) minus that of the bottom 27%. "
        f"With fewer than {MIN_CLASS} graded submissions these figures are indicative only."
        + (
            f" {items[0]['rest_unscored']} written answer(s) are not scored yet: until they "
            "are, item-rest r and upper-lower count them as 0 in the rest-of-set score."
            if items and items[0].get("rest_unscored")
            else ""
        )
        + "</p>"
    )
    out.append(_facility_chart(items, set_id))
    out.append(
        '<table><caption>Item analysis</caption><thead><tr><th scope="col">Question</th>'
        '<th scope="col" class="num">Attempted</th><th scope="col" class="num">Facility</th>'
        '<th scope="col" class="num">Item-rest r</th><th scope="col" class="num">Upper-lower'
        '</th><th scope="col">Statuses</th><th scope="col">Flag</th></tr></thead><tbody>'
    )
    for i in items:
        statuses = ", ".join(f"{k or 'none'} {v}" for k, v in i["statuses"].items())
        out.append(
            f'<tr><th scope="row">{_e(i["question"])}</th><td class="num">{i["attempted"]}</td>'
            f'<td class="num">{_pct(i["facility"])}</td>'
            f'<td class="num">{_num(i["item_rest_r"])}</td>'
            f'<td class="num">{_num(i["upper_lower"])}</td><td>{_e(statuses)}</td>'
            f'<td class="flag">{_e(i["flag"])}</td></tr>'
        )
    out.append("</tbody></table>")
    # answers
    out.append('<h2 id="answers">Answers given</h2>')
    out.append(
        "<p>The most frequent distinct answers to each auto-graded question, in canonical form "
        "(the form the key compares). Suggested <code>wrong()</code> and <code>accept()</code> "
        "lines are in key_suggestions.md.</p>"
    )
    for q in questions:
        if q.kind != "auto":
            continue
        rows = [a for a in answers if a["question"] == q.id]
        out.append(f"<h3>{_e(q.id)}</h3>")
        if not rows:
            out.append("<p>No answers.</p>")
            continue
        # a long unbroken answer wraps anywhere; wider content scrolls inside a region that
        # keyboard users can focus and scroll (WCAG 2.1.1, scrollable-region-focusable)
        out.append(
            f'<div class="scroll" role="region" tabindex="0" '
            f'aria-label="Answers given to {_e(q.id)}">'
            f"<table><caption>{_e(q.id)}: {len(rows)} distinct answers (top {top_answers})"
            '</caption><thead><tr><th scope="col">Answer</th><th scope="col" class="num">'
            'Students</th><th scope="col">Verdict</th><th scope="col">wrong() message</th>'
            "</tr></thead><tbody>"
        )
        for a in rows[:top_answers]:
            out.append(
                f'<tr><td class="wrap"><code>{_e(a["answer"])}</code></td>'
                f'<td class="num">{a["count"]} ({_pct(a["share"])})</td>'
                f'<td>{_e(a["verdict"])}</td><td class="wrap">{_e(a["message"])}</td></tr>'
            )
        out.append("</tbody></table></div>")
    # manual
    out.append('<h2 id="manual">Written answers still to grade</h2>')
    pending = []
    for r in results:
        for q in questions:
            qr = r["questions"].get(q.id, {})
            if q.kind == "manual" and qr.get("status") == "manual" and qr.get("points") is None:
                pending.append((q.id, who.get(r["student"], "?")))
    if pending:
        per_q = Counter(qid for qid, _ in pending)
        out.append(
            "<p>Score them in manual_grading.csv, then run the same command again. Until then "
            "these students' totals count them 0: <strong>provisional</strong>. The LMS upload "
            "files hold such grades back (listed in lms/unmatched.csv) unless --lms-provisional "
            "was given.</p><ul>"
            + "".join(f"<li>{_e(qid)}: {n} to grade</li>" for qid, n in per_q.items())
            + "</ul>"
        )
    else:
        out.append("<p>None: every written answer is scored.</p>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
