"""The printed table of every part's figures against its target."""

from __future__ import annotations

from typing import Any

# ---------------------------------------------------------------------------- table


def status(ok: bool | None) -> str:
    """PASS / MISS / -."""
    return "-" if ok is None else ("PASS" if ok else "MISS")


def table(res: dict[str, Any]) -> str:
    """One plain-text table of every part that has numbers."""
    rows: list[tuple[str, str, str, str]] = []  # metric, value, target, status
    iso = res.get("isolation")
    if iso:
        co = " (carried over)" if iso.get("carried_over") else ""
        small, large = iso["sizes"]
        for mode in ("isolated", "no_sandbox"):
            m = iso[mode]
            walls = ", ".join(f"{n}: {min(w):.1f} s" for n, w in m["wall_s"].items())
            rows.append((f"trilat grade {mode}{co}", walls, "", ""))
        m = iso["isolated"]
        rows.append(
            (
                "  isolated: per submission",
                f"{m['per_submission_ms']:.0f} ms",
                f"<= {iso['targets']['per_submission_ms']:g} ms",
                status(m["per_submission_ms"] <= iso["targets"]["per_submission_ms"]),
            )
        )
        rows.append(
            (
                "  isolated: fixed start",
                f"{m['fixed_start_s']:.1f} s",
                f"<= {iso['targets']['fixed_start_s']:g} s",
                status(m["fixed_start_s"] <= iso["targets"]["fixed_start_s"]),
            )
        )
        nb = iso["nbgrader"]
        rows.append(
            (
                f"nbgrader, sample of {nb['sample']}",
                f"{nb['wall_s']:.0f} s = {nb['per_submission_s']:.2f} s each",
                "",
                "",
            )
        )
        for n in (small, large):
            rows.append((f"  ratio nbgrader/trilat at {n}", f"{iso['ratio'][str(n)]:.0f}x", "", ""))
    g = res.get("grading")
    if g:
        co = " (carried over)" if g.get("carried_over") else ""
        rows.append(
            (
                f"nbgrader autograde, {g['submissions']} subs{co}",
                f"{g['nbgrader']['wall_s_median']:.1f} s  {g['nbgrader']['per_minute']:.1f}/min",
                "",
                "",
            )
        )
        rows.append(
            (
                f"trilat grade, {g['submissions']} subs{co}",
                f"{g['trilat']['wall_s_median']:.1f} s  {g['trilat']['per_minute']:.1f}/min",
                "",
                "",
            )
        )
        rows.append(
            (
                "  throughput ratio trilat/nbgrader",
                f"{g['ratio']:.1f}x (CPU {g['cpu_ratio']:.1f}x)",
                f">= {g['target']:g}x",
                status(g["pass"]),
            )
        )
        a = g["agreement"]
        rows.append(
            (
                "  same auto-graded scores",
                f"{a['questions_compared'] - len(a['disagreements'])}/{a['questions_compared']}"
                " student x question",
                "all",
                status(not a["disagreements"]),
            )
        )
    c = res.get("check")
    if c:
        for row in c["rows"]:
            rows.append(
                (
                    f"check() {row['kind']}, {row['answer']}",
                    f"p50 {row['p50_ms']:.2f} ms  p95 {row['p95_ms']:.2f} ms  (same answer "
                    f"again: p50 {row['repeated_p50_ms']:.2f} ms)",
                    "",
                    "",
                )
            )
        rows.append(
            (
                "  check() worst p95",
                f"{c['worst_p95_ms']:.2f} ms ({c['worst_p95_ms'] / c['target_p95_ms']:.2f} of"
                " budget)",
                f"<= {c['target_p95_ms']:g} ms",
                status(c["pass"]),
            )
        )
    w = res.get("widgets")
    if w:
        if w.get("pending"):
            rows.append(("widget update", f"pending: {w['note']}", "<= 50 ms p95", "-"))
        else:
            for row in w["rows"]:
                name = row.get("widget") or row.get("name") or "?"
                what = (
                    f"p50 {row.get('spec_p50_ms', 0):.1f} ms  p95 {row.get('spec_p95_ms', 0):.1f}"
                    f" ms (CPU p95 {row.get('spec_cpu_p95_ms', 0):.1f}); then SVG p50 "
                    f"{row.get('svg_p50_ms', 0):.0f} ms"
                )
                rows.append((f"widget {name} update", what, "", ""))
            worst = w.get("worst_p95_ms")
            rows.append(
                (
                    "  widget worst p95",
                    "n/a" if worst is None else f"{worst:.2f} ms",
                    f"<= {w['target_p95_ms']:g} ms",
                    status(w["pass"]),
                )
            )
    s = res.get("startup")
    if s:
        labels = {
            "import": "import trilat_lessons",
            "first_load_all": "first load, all datasets",
            "first_chart_spec": "first chart spec",
            "first_svg": "first SVG render",
        }
        for key, label in labels.items():
            best, med = s[key]["best_s"], s[key]["median_s"]
            target = f"<= {s['target_import_s']:g} s" if key == "import" else ""
            st = status(s["pass"]) if key == "import" else ""
            rows.append((label, f"best {best:.3f} s  median {med:.3f} s", target, st))
    f = res.get("first_chart")
    if f:
        got = f["ready_to_chart_s"]
        rows.append(
            (
                "fresh kernel -> first chart",
                f"best {got['best_s']:.3f} s  median {got['median_s']:.3f} s",
                f"<= {f['target_s']:g} s",
                status(f["pass"]),
            )
        )
        if "uncached_ready_to_chart_s" in f:  # a chart the SVG cache does not hold: no target
            u = f["uncached_ready_to_chart_s"]
            rows.append(
                (
                    "  uncached chart (converter starts)",
                    f"best {u['best_s']:.3f} s  median {u['median_s']:.3f} s",
                    "",
                    "",
                )
            )
        k = f["kernel_start_s"]
        rows.append(("  (kernel start, apart)", f"median {k['median_s']:.3f} s", "", ""))
        if "kernel_cpu_s" in f:
            c = f["kernel_cpu_s"]
            rows.append(("  (kernel CPU time)", f"median {c['median_s']:.3f} s", "", ""))
    u = res.get("suite")
    if u:
        co = " (carried over)" if u.get("carried_over") else ""
        for row in u["rows"]:
            extra = "" if row["in_make_test"] else " (not in make test)"
            rows.append(
                (
                    f"suite {row['part']}{extra}",
                    f"{row['wall_s']:.2f} s  exit {row['exit']}",
                    "",
                    "",
                )
            )
        rows.append(
            (
                f"  make test total{co}",
                f"{u['make_test_s']:.0f} s ({u['make_test_s'] / u['target_s']:.2f} of budget)",
                f"<= {u['target_s']:g} s",
                status(u["pass"]),
            )
        )
    else:
        rows.append(("make test", "not measured (run with --suite)", "<= 180 s", "-"))
    an = res.get("analytics")
    if an:
        co = " (carried over)" if an.get("carried_over") else ""
        rows.append(
            (
                f"analytics on {an['submissions']} results{co}",
                f"{an['analytics_median_s']:.2f} s added "
                f"(fresh process {an.get('cold_process_median_s', 0):.2f} s; planted first: "
                f"{an['planted_misconception_first']}, alternative offered: "
                f"{an['planted_alternative_accept_candidate']})",
                f"<= {an['target_s']:g} s",
                status(an["pass"]),
            )
        )
    widths = [max(len(x[i]) for x in rows) for i in range(4)]
    head = ("metric", "value", "target", "")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*x).rstrip() for x in rows]
    m = res["machine"]
    lines.append(
        f"machine: {m['cores']} cores, Python {m['python']}, load {res['load_start']} -> "
        f"{res['load_end']}"
    )
    return "\n".join(lines)
