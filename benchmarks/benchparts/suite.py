"""Part 5: wall time of each command of ``make test`` (read with ``make -n``); opt-in."""

from __future__ import annotations

import re
import subprocess
from typing import Any

from .common import (
    ROOT,
    TARGETS,
    WORK,
    loadavg,
    r,
    say,
    timed_run,
)

# ---------------------------------------------------------------------------- 5. suite

DURATIONS = "--durations=8"  # report only: pytest lists the slowest tests (the suite's profile)


def make_recipe(target: str) -> list[str]:
    """The shell lines ``make TARGET`` runs (``make -n``), with ``PYTEST_ARGS=--durations``."""
    if subprocess.run(["make", "-q", "install"], cwd=ROOT).returncode != 0:
        subprocess.run(["make", "install"], cwd=ROOT, check=True)  # not timed
    proc = subprocess.run(
        ["make", "-n", target, f"PYTEST_ARGS={DURATIONS}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    joined = proc.stdout.replace("\\\n", " ")  # a recipe line continued with a backslash
    return [line for line in joined.split("\n") if line.strip()]


def suite_plan() -> list[tuple[str, str, bool]]:
    """(part, shell line, in make test?) read from the Makefile; nbval split by folder.

    ``make test-browser`` is added as a part outside ``make test`` unless ``make test`` runs it.
    """
    plan: list[tuple[str, str, bool]] = []
    test_lines = make_recipe("test")
    for line in test_lines:
        if "ruff format" in line:
            plan.append(("lint (format)", line, True))
        elif "ruff" in line:
            plan.append(("lint", line, True))
        elif "trilat student" in line:
            plan.append(("student edition (its own make test)", line, True))
        elif "--nbval" in line and " notebooks exercises" in line:
            plan.append(("nbval lessons", line.replace(" notebooks exercises", " notebooks"), True))
            plan.append(
                ("nbval exercises", line.replace(" notebooks exercises", " exercises"), True)
            )
        elif "--nbval" in line:
            plan.append(("nbval", line, True))
        elif "tests/browser" in line or "-m browser" in line:
            plan.append(("browser", line, True))
        elif "pytest" in line:
            plan.append(("unit", line, True))
        else:
            plan.append((line.split()[0], line, True))
    plan += [("browser", x, False) for x in make_recipe("test-browser") if x not in test_lines]
    return plan


def _pytest_summary(text: str) -> str:
    lines = [x for x in text.strip().split("\n") if re.search(r"\d+ (passed|failed|error)", x)]
    return lines[-1].strip("= ").strip() if lines else ""


def _slowest(text: str, k: int = 8) -> list[str]:
    """The slowest tests pytest listed (``--durations``): where the suite's time goes."""
    m = re.search(r"slowest \d+ durations =+\n(.*?)\n(?:\n|=)", text, re.DOTALL)
    if not m:
        return []
    return [" ".join(x.split()) for x in m.group(1).split("\n") if x.strip()][:k]


def part_suite() -> dict[str, Any]:
    """Wall time of the commands ``make test`` runs (and ``make test-browser``)."""
    load0 = loadavg()
    logs = WORK / "suite"
    logs.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, line, in_make_test in suite_plan():
        say(f"suite: {name}")
        log = logs / (re.sub(r"\W+", "_", name).strip("_") + ".log")
        res = timed_run(["sh", "-c", line], cwd=ROOT, log=log)
        text = log.read_text(errors="replace")
        rows.append(
            {
                "part": name,
                "command": line,
                "wall_s": r(res["wall_s"]),
                "cpu_s": r(res["cpu_s"]),
                "exit": res["rc"],
                "summary": _pytest_summary(text),
                "slowest": _slowest(text),
                "in_make_test": in_make_test,
                "load_after": loadavg(),
            }
        )
        say(f"  {name}: {res['wall_s']:.1f} s, exit {res['rc']}")
    total = sum(x["wall_s"] for x in rows if x["in_make_test"])
    return {
        "rows": rows,
        "make_test_s": r(total),
        "target_s": TARGETS["make_test_s"],
        "pass": total <= TARGETS["make_test_s"],
        "all_green": all(x["exit"] == 0 for x in rows),
        "note": "the commands of make test (and make test-browser, if make test does not run "
        "it) as the Makefile has them (make -n), with PYTEST_ARGS=--durations=8; nbval's one "
        "pytest call runs here as two (notebooks, exercises) to split the time.",
        "load_before": load0,
    }
