"""Reports of a grading run, all rebuilt from ``results/*.json`` and all deterministic.

- ``grades.csv``: student, points per question, total, max, status, pending manual questions, detail
- ``questions.csv``: one row per student and question (status and message), for analysis
- ``feedback/<student>.md`` and ``.html``: what each student sees (never hidden-check code,
  expected values or solutions: only public-check messages and hidden-check descriptions)
- ``summary.csv`` and ``summary.svg``: per-question class summary and a chart of it
- ``manual_grading.csv``: the written answers to score by rubric; scores typed into its ``score``
  column are kept across re-runs (while the answer is unchanged) and flow into ``grades.csv``
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .grade import Grader

ICON = {
    "correct": "✅",
    "partial": "◐",
    "incorrect": "❌",
    "malformed": "⚠️",
    "not attempted": "⬜",
    "error": "⚠️",
    "manual": "📝",
    "timeout": "⏱",
    "total timeout": "⏱",
    "memory": "💾",
    "kernel died": "💥",
    "not run": "⬜",
    "corrupt": "⛔",
    "wrong assignment": "⛔",
    "internal error": "⚠️",
}


def _fmt(p: float | None) -> str:
    from .grade import fmt

    return "" if p is None else fmt(p)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection: cells a sheet evaluates
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+|~!=-])")


# control characters a terminal or spreadsheet would act on (NUL, ESC, ...); tab and newlines stay
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix a quote), with control
    characters such as NUL and ESC shown as U+FFFD so that `cat` or a spreadsheet cannot act on
    them."""
    if isinstance(value, str):
        value = _CONTROL.sub("\ufffd", value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def read_csv_rows(text: str) -> list[dict[str, str]]:
    """Rows of one of our own CSV files, whatever the length of a cell (a written answer may be
    megabytes long: the csv module's default limit of 131,072 characters must not lose a row)."""
    csv.field_size_limit(2**31 - 1)
    return list(csv.DictReader(io.StringIO(text)))


def csv_uncell(value: str) -> str:
    """The value ``csv_cell`` escaped (for reading our own sheets back)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def md(text: Any) -> str:
    """Text safe inside one Markdown line: one line, no raw HTML, no markup of its own."""
    one_line = " ".join(str(text).splitlines())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def csv_bytes(rows: list[list[Any]]) -> bytes:
    """Rows as CSV (UTF-8, ``\\n`` line ends), every cell formula-escaped with ``csv_cell``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows([[csv_cell(v) for v in row] for row in rows])
    return buf.getvalue().encode("utf-8")


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` (making folders) unless the file already holds exactly that."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)


_csv = csv_bytes
_write = write_file


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _manual_sheet(
    grader: Grader, results: list[dict[str, Any]], out: Path
) -> dict[tuple[str, str], float]:
    """Write manual_grading.csv, keeping scores already typed in; returns usable scores."""
    path = out / "manual_grading.csv"
    previous: dict[tuple[str, str, str], tuple[str, str]] = {}
    if path.is_file():
        try:
            typed = read_csv_rows(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, csv.Error) as exc:
            # never rewrite (and so wipe) scores the instructor typed that we cannot read back
            raise OSError(
                f"cannot read the typed-in scores in {path} ({exc}): fix or move that file"
            ) from None
        for row in typed:
            k = (
                csv_uncell(row.get("student", "") or ""),
                row.get("question", ""),
                row.get("answer_sha", ""),
            )
            previous[k] = (
                csv_uncell(row.get("score", "") or ""),
                csv_uncell(row.get("comment", "") or ""),
            )
    manual = [q for q in grader.source.questions.values() if q.kind == "manual"]
    rows: list[list[Any]] = [
        ["student", "question", "max_points", "score", "comment", "answer_sha", "rubric", "answer"]
    ]
    scores: dict[tuple[str, str], float] = {}
    for r in results:
        for q in manual:
            qr = r["questions"].get(q.id, {})
            answer = qr.get("answer", "") if qr.get("status") == "manual" else ""
            sha = _sha(answer)
            score, comment = previous.get((r["student"], q.id, sha), ("", ""))
            if not answer and not score:
                score = "0"
            try:
                value = float(score)
                if 0 <= value <= q.points:
                    scores[(r["student"], q.id)] = value
            except ValueError:
                pass
            rubric = str(q.meta.get("rubric", ""))
            rows.append([r["student"], q.id, _fmt(q.points), score, comment, sha, rubric, answer])
    if manual:
        _write(path, _csv(rows))
    return scores


def hidden_summary(qr: dict[str, Any]) -> str:
    """The line above a question's hidden checks in feedback (says when they earn nothing)."""
    hidden = qr.get("hidden") or []
    passed = sum(1 for h in hidden if h["passed"])
    line = f"Hidden checks: {passed} of {len(hidden)} passed."
    if qr.get("hidden_counted") is False:
        line += " They earn points only once the public checks pass, so none counted here."
    return line


def _feedback_md(grader: Grader, r: dict[str, Any], total: float, pending: list[str]) -> str:
    src = grader.source
    maxp = sum(q.points for q in src.questions.values())
    lines = [
        f"# Feedback: {src.set_id} {md(src.title)}".rstrip(),
        "",
        f"Student: {md(r['student'])}  ",
    ]
    lines.append(
        f"Score: {_fmt(total)} / {_fmt(maxp)}"
        + (f" (still to be graded by your instructor: {', '.join(pending)})" if pending else "")
    )
    lines.append("")
    lines.append(
        f"Status: {md(r['status'])}" + (f" ({md(r['detail'])})" if r.get("detail") else "")
    )
    lines.append("")
    lines.append("| Question | Points | Result |")
    lines.append("|---|---|---|")
    for qid, qr in r["questions"].items():
        pts = (
            "pending"
            if qr.get("points") is None and qr["status"] == "manual"
            else _fmt(qr.get("points") or 0)
        )
        lines.append(
            f"| {qid} | {pts} / {_fmt(qr['max'])} | {ICON.get(qr['status'], '')} {qr['status']} |"
        )
    lines.append("")
    for qid, qr in r["questions"].items():
        lines.append(f"## {qid}: {ICON.get(qr['status'], '')} {qr['status']}")
        lines.append("")
        if qr.get("message"):
            lines.append(md(qr["message"]))
            lines.append("")
        hidden = qr.get("hidden") or []
        if hidden:
            lines.append(hidden_summary(qr))
            for h in hidden:
                lines.append(f"- {'passed' if h['passed'] else 'failed'}: {md(h['description'])}")
            lines.append("")
    if r.get("notes"):
        lines.append("## Notes")
        lines.append("")
        lines.extend(f"- {md(n)}" for n in r["notes"])
        lines.append("")
    return "\n".join(lines)


def _feedback_html(
    md_title: str, r: dict[str, Any], grader: Grader, total: float, pending: list[str]
) -> str:
    e = html.escape
    src = grader.source
    maxp = sum(q.points for q in src.questions.values())
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(md_title)}</title>",
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}</style>",
        "</head><body>",
        f"<h1>{e(md_title)}</h1>",
        f"<p>Student: {e(r['student'])}<br>Score: {e(_fmt(total))} / {e(_fmt(maxp))}"
        + (f" (still to be graded by your instructor: {e(', '.join(pending))})" if pending else "")
        + f"<br>Status: {e(r['status'])}"
        + (f" ({e(r['detail'])})" if r.get("detail") else "")
        + "</p>",
        '<table><thead><tr><th scope="col">Question</th><th scope="col">Points</th>'
        '<th scope="col">Result</th></tr></thead><tbody>',
    ]
    for qid, qr in r["questions"].items():
        pts = (
            "pending"
            if qr.get("points") is None and qr["status"] == "manual"
            else _fmt(qr.get("points") or 0)
        )
        out.append(
            f'<tr><th scope="row">{e(qid)}</th><td>{e(pts)} / {e(_fmt(qr["max"]))}</td>'
            f"<td>{ICON.get(qr['status'], '')} {e(qr['status'])}</td></tr>"
        )
    out.append("</tbody></table>")
    for qid, qr in r["questions"].items():
        out.append(f"<h2>{e(qid)}: {e(qr['status'])}</h2>")
        if qr.get("message"):
            out.append(f"<p>{e(qr['message'])}</p>")
        hidden = qr.get("hidden") or []
        if hidden:
            out.append(f"<p>{e(hidden_summary(qr))}</p><ul>")
            out.extend(
                f"<li>{'passed' if h['passed'] else 'failed'}: {e(h['description'])}</li>"
                for h in hidden
            )
            out.append("</ul>")
    if r.get("notes"):
        out.append("<h2>Notes</h2><ul>")
        out.extend(f"<li>{e(n)}</li>" for n in r["notes"])
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _summary(
    grader: Grader,
    results: list[dict[str, Any]],
    out: Path,
    manual_scores: dict[tuple[str, str], float],
) -> None:
    rows: list[list[Any]] = [
        [
            "question",
            "kind",
            "max_points",
            "students",
            "attempted",
            "full_marks",
            "mean_points",
            "mean_percent",
            "most_common_issue",
            "issue_count",
        ]
    ]
    chart_rows = []
    n = len(results)
    for qid, q in grader.source.questions.items():
        pts, attempted, full = [], 0, 0
        issues: Counter[str] = Counter()
        for r in results:
            qr = r["questions"].get(qid, {})
            status = qr.get("status", "")
            p = manual_scores.get((r["student"], qid)) if q.kind == "manual" else qr.get("points")
            if status not in ("not attempted", "corrupt", "wrong assignment"):
                attempted += 1
            if p is not None:
                pts.append(float(p))
                if float(p) >= q.points - 1e-9:
                    full += 1
            if status not in ("correct", "manual", "not attempted") and qr.get("message"):
                issues[qr["message"]] += 1
        mean = sum(pts) / len(pts) if pts else None
        pct = 100 * mean / q.points if mean is not None and q.points else None
        issue, count = (
            sorted(issues.items(), key=lambda kv: (-kv[1], kv[0]))[0] if issues else ("", 0)
        )
        rows.append(
            [
                qid,
                q.kind,
                _fmt(q.points),
                n,
                attempted,
                full,
                "" if mean is None else _fmt(mean),
                "" if pct is None else f"{pct:.1f}",
                issue,
                count or "",
            ]
        )
        if pct is not None:
            chart_rows.append(
                {
                    "question": qid,
                    "mean_percent": round(pct, 1),
                    "kind": "rubric" if q.kind == "manual" else "auto-graded",
                }
            )
    _write(out / "summary.csv", _csv(rows))
    try:
        import altair as alt
        import pandas as pd

        from ..render import chart_to_svg

        df = pd.DataFrame(
            chart_rows or [{"question": "-", "mean_percent": 0.0, "kind": "auto-graded"}]
        )
        order = list(grader.source.questions)
        chart = (
            alt.Chart(
                df,
                title=f"{grader.source.set_id}: mean score per question ({n} submissions)",
                description=(
                    "Horizontal bars: the class's mean score on each question as a percentage of "
                    "its points; rubric questions appear once scored in manual_grading.csv."
                ),
            )
            .mark_bar()
            .encode(
                y=alt.Y("question:N", sort=order, title="Question"),
                x=alt.X("mean_percent:Q", scale=alt.Scale(domain=[0, 100]), title="Mean score (%)"),
                color=alt.Color("kind:N", title="Graded"),
                tooltip=["question", "mean_percent", "kind"],
            )
            .properties(width=420, height=max(120, 22 * len(order)))
        )
        _write(out / "summary.svg", chart_to_svg(chart).encode("utf-8"))
    except Exception as exc:  # the chart is a convenience; the CSV is the record
        _write(
            out / "summary.svg.txt",
            f"summary chart not drawn: {type(exc).__name__}: {exc}\n".encode(),
        )


def write_reports(
    grader: Grader,
    results: list[dict[str, Any]],
    out: Path,
    names: dict[str, str],
    codes: dict[str, str] | None = None,
) -> None:
    """Write every report of a run from the per-submission results; ``codes`` (with
    ``--pseudonymise``): the student column of the shareable ``questions.csv`` shows codes."""
    results = sorted(results, key=lambda r: r["student"])
    manual_scores = _manual_sheet(grader, results, out)
    qids = list(grader.source.questions)
    maxp = sum(q.points for q in grader.source.questions.values())
    grades: list[list[Any]] = [["student", *qids, "total", "max", "status", "pending", "detail"]]
    long: list[list[Any]] = [["student", "question", "points", "max_points", "status", "message"]]
    for r in results:
        row: list[Any] = [r["student"]]
        total = 0.0
        pending = []
        for qid in qids:
            qr = r["questions"].get(qid, {})
            if grader.source.questions[qid].kind == "manual":
                score = manual_scores.get((r["student"], qid))
                if score is None:
                    pending.append(qid)
                    row.append("")
                else:
                    total += score
                    row.append(_fmt(score))
                    qr = {**qr, "points": score}
                    r["questions"][qid] = qr
            else:
                p = float(qr.get("points") or 0)
                total += p
                row.append(_fmt(p))
            long.append(
                [
                    codes.get(r["student"], "?") if codes is not None else r["student"],
                    qid,
                    _fmt(qr.get("points")) if qr.get("points") is not None else "",
                    _fmt(qr.get("max", 0)),
                    qr.get("status", ""),
                    qr.get("message", ""),
                ]
            )
        detail = "; ".join(d for d in (r.get("detail", ""), r.get("flag", "")) if d)
        row += [_fmt(total), _fmt(maxp), r["status"], " ".join(pending), detail]
        grades.append(row)
        name = names.get(r["student"], r["student"])
        title = f"Feedback: {grader.source.set_id} {grader.source.title}".rstrip()
        _write(
            out / "feedback" / f"{name}.md", _feedback_md(grader, r, total, pending).encode("utf-8")
        )
        _write(
            out / "feedback" / f"{name}.html",
            _feedback_html(title, r, grader, total, pending).encode("utf-8"),
        )
    _write(out / "grades.csv", _csv(grades))
    _write(out / "questions.csv", _csv(long))
    _summary(grader, results, out, manual_scores)
