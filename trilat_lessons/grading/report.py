"""Reports of a grading run, all rebuilt from ``results/*.json`` and all deterministic.

- ``grades.csv``: student, points per question, total, max, status, pending manual questions, detail
- ``questions.csv``: one row per student and question (status and message), for analysis
- ``feedback/<student>.md`` and ``.html``: what each student sees (never hidden-check code,
  expected values or solutions: only public-check messages and hidden-check descriptions), one
  document built by :func:`feedback.feedback` and rendered twice
- ``summary.csv`` and ``summary.svg``: per-question class summary and a chart of it
- ``manual_grading.csv``: the written answers to score by rubric; scores typed into its ``score``
  column are kept across re-runs (while the answer is unchanged) and flow into ``grades.csv``
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .feedback import feedback, to_html, to_markdown
from .writing import csv_bytes, csv_uncell, fmt, read_csv_rows, short_sha, write_file

if TYPE_CHECKING:  # pragma: no cover
    from .prepare import Grader
    from .results import SubmissionResult


def _fmt(p: float | None) -> str:
    return "" if p is None else fmt(p)


def _manual_sheet(
    grader: Grader, results: list[SubmissionResult], out: Path
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
            sha = short_sha(answer)
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
        write_file(path, csv_bytes(rows))
    return scores


def _summary(
    grader: Grader,
    results: list[SubmissionResult],
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
    write_file(out / "summary.csv", csv_bytes(rows))
    try:
        import altair as alt
        import pandas as pd

        from ..render import chart_to_svg
        from ..theme import enable_theme

        enable_theme()  # the same look whether this process ran the instructor's code or not
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
        write_file(out / "summary.svg", chart_to_svg(chart).encode("utf-8"))
    except Exception as exc:  # the chart is a convenience; the CSV is the record
        write_file(
            out / "summary.svg.txt",
            f"summary chart not drawn: {type(exc).__name__}: {exc}\n".encode(),
        )


def write_reports(
    grader: Grader,
    results: list[SubmissionResult],
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
        doc = feedback(grader, r, total, pending)
        write_file(out / "feedback" / f"{name}.md", to_markdown(doc).encode("utf-8"))
        write_file(out / "feedback" / f"{name}.html", to_html(doc).encode("utf-8"))
    write_file(out / "grades.csv", csv_bytes(grades))
    write_file(out / "questions.csv", csv_bytes(long))
    _summary(grader, results, out, manual_scores)


__all__ = ["write_reports"]
