"""The ``trilat release`` and ``trilat grade`` commands (``register`` adds them to ``trilat``)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def _release(args: argparse.Namespace) -> int:
    from .release import make_release, store_outputs
    from .source import SourceError

    status = 0
    for src in args.sources:
        try:
            rel = make_release(src, args.out, args.keys_dir)
        except SourceError as exc:
            print(f"trilat release: {exc}", file=sys.stderr)
            status = 1
            continue
        if args.check:
            changed = rel.changed()
            for p in changed:
                print(f"out of date: {p} (run: trilat release {src})", file=sys.stderr)
            status = status or (1 if changed else 0)
            continue
        written = rel.write()
        for p in written:
            print(f"wrote {p}")
        if not written:
            print(f"{rel.source.set_id}: release up to date")
        if args.store_outputs:
            store_outputs(src)
            print(f"stored check outputs in {src}")
    return status


def _analytics(args: argparse.Namespace) -> object:
    """The ``--roster``/``--lms``/``--pseudonymise`` options (raises ``ValueError``)."""
    from .lms import parse_formats, read_roster
    from .outputs import AnalyticsOptions

    return AnalyticsOptions(
        roster=read_roster(args.roster) if args.roster else None,
        lms=parse_formats(args.lms) if args.lms else [],
        assignment=args.lms_assignment or "",
        pseudonymise=args.pseudonymise,
        lms_provisional=args.lms_provisional,
    )


def _merge(args: argparse.Namespace, analytics: object) -> int:
    from .options import GradeOptions, OutputError
    from .shard import MergeError, merge

    try:
        notes = merge(args.submissions, args.out, GradeOptions(analytics=analytics))
    except (MergeError, OutputError) as exc:
        print(f"trilat grade merge: {exc}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    print(f"merged {len(args.submissions)} part(s); see {Path(args.out) / 'grades.csv'}")
    if not args.lms:
        print(
            "note: no --lms given, so no LMS files were written (the parts have none either): "
            "add --roster ROSTER.csv --lms canvas,moodle to this merge to write OUT/lms/",
            file=sys.stderr,
        )
    return 0


def _grade(args: argparse.Namespace) -> int:
    from .grade import grade
    from .options import GradeOptions, OutputError, SandboxUnavailable
    from .runner import TemplateError
    from .shard import parse_shard
    from .source import SourceError

    try:
        analytics = _analytics(args)
        shard = parse_shard(args.shard) if args.shard else None
    except ValueError as exc:
        print(f"trilat grade: {exc}", file=sys.stderr)
        return 2
    if args.source == "merge":
        if not args.submissions:
            print("trilat grade merge: give the part folders: trilat grade merge PART_DIR... "
                  "--out OUT_DIR (`trilat grade merge --help`)", file=sys.stderr)  # fmt: skip
            return 2
        if shard is not None:
            print("trilat grade merge: --shard is for grading a part, not merging", file=sys.stderr)
            return 2
        return _merge(args, analytics)
    if len(args.submissions) != 1:
        print("trilat grade: give one SUBMISSIONS_DIR (or: trilat grade merge PART_DIR...)",
              file=sys.stderr)  # fmt: skip
        return 2
    args.submissions = args.submissions[0]
    if not Path(args.submissions).is_dir():
        print(f"trilat grade: {args.submissions} is not a folder of submissions", file=sys.stderr)
        return 2
    options = GradeOptions(
        shard=shard,
        analytics=analytics,
        workers=args.workers or (os.cpu_count() or 1),
        timeout_cell=args.timeout_cell,
        timeout_total=args.timeout_total,
        memory_mb=args.memory_mb,
        progress=not args.quiet,
        force=args.force,
        unsafe_no_sandbox=args.unsafe_no_sandbox,
    )
    try:
        run = grade(args.source, args.submissions, args.out, options)
    except SandboxUnavailable as exc:
        print(f"trilat grade: {exc}", file=sys.stderr)
        return 3
    except (SourceError, TemplateError, OutputError) as exc:
        print(f"trilat grade: {exc}", file=sys.stderr)
        return 1
    if run.protection != "namespaces":
        print(
            "warning: graded WITHOUT the namespace sandbox (--unsafe-no-sandbox): kernels could "
            "reach the network from native code and anything your user can read or write",
            file=sys.stderr,
        )
    if run.warning:
        print(f"warning: {run.warning}", file=sys.stderr)
    if shard is not None and (args.lms or args.roster):
        print(
            "note: a --shard part writes no LMS files; `trilat grade merge PART_DIR... --out OUT"
            " --roster ROSTER.csv --lms ...` writes them once, from every part's grades",
            file=sys.stderr,
        )
    for note in run.notes:
        print(f"warning: {note}", file=sys.stderr)
    for name, why in run.ignored:  # nothing in the folder vanishes without a trace
        print(f"not graded: {name}: {why}", file=sys.stderr)
    if run.interrupted:
        return 130
    tally = ", ".join(f"{k} {v}" for k, v in sorted(run.counts.items())) or "nothing new"
    print(
        f"graded {run.graded} submission(s), {run.skipped} unchanged and skipped ({tally}); "
        f"see {Path(args.out) / 'grades.csv'}"
    )
    if environment_failed(run.counts):
        print(
            "trilat grade: every submission ended in 'internal error': the grading environment,"
            " not the students, is broken (see the detail column); fix it and re-run with --force",
            file=sys.stderr,
        )
        return 1
    return 0


def environment_failed(counts: dict[str, int]) -> bool:
    """True when a run graded something and every graded submission is an internal error."""
    total = sum(counts.values())
    return total > 0 and counts.get("internal error", 0) == total


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``release`` and ``grade`` to the ``trilat`` command."""
    p = subparsers.add_parser(
        "release",
        help="write the student version and public key of exercise sources",
        description="Instructor source -> student notebook (solutions and hidden checks removed, "
        "locked cells marked, outputs cleared) + public key in the package.",
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="exercises/source/NN_topic.ipynb")
    p.add_argument("--out", default=None, help="folder for student notebooks (default: exercises/)")
    p.add_argument("--keys-dir", default=None, help="folder for keys (default: the package's)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if out of date")
    p.add_argument(
        "--store-outputs",
        action="store_true",
        help="also run the source in a kernel and store its check outputs (for nbval)",
    )
    p.set_defaults(func=_release)

    g = subparsers.add_parser(
        "grade",
        add_help=False,
        help="grade a folder of submissions of one exercise set (or: grade merge)",
        description="Rebuild each submission from the source (answer cells only), run it in its "
        "own sandboxed kernel process, judge answers in this process, write reports. Resumable. "
        "`trilat grade merge PART_DIR... --out OUT` combines the parts of a --shard run "
        "(`trilat grade merge --help`).",
    )
    merge_help = merge_parser(g.prog)
    g.add_argument("-h", "--help", action=_GradeHelp, merge=merge_help, help="show this help")
    g.add_argument("source", metavar="SOURCE", help="the instructor source notebook (or: merge)")
    g.add_argument(
        "submissions",
        nargs="*",  # checked in _grade: `grade merge` with no part gets its own message
        metavar="SUBMISSIONS_DIR",
        help="<student>.ipynb or <student>/*.ipynb (after merge: the part folders)",
    )
    g.add_argument("--out", required=True, metavar="OUT_DIR", help="where results and reports go")
    _add_run_options(g)
    g.add_argument(
        "--shard",
        metavar="K/N",
        help="grade only shard K of N (a stable hash of each student id); merge the parts "
        "with `trilat grade merge` (a part writes no LMS files: the merge does)",
    )
    _add_output_options(g)
    g.set_defaults(func=_grade)

    sc = subparsers.add_parser(
        "scaffold",
        help="write a template instructor source for a new exercise set",
        description="Write exercises/source/NN_topic.ipynb: a template with every cell role "
        "(setup, question, answer, check, hidden, rubric) to edit, then `trilat release`.",
    )
    sy = subparsers.add_parser(
        "synth",
        help="generate N plausible submissions of a set (trials and benchmarks)",
        description="Each synthetic student answers with the solution, a wrong value or a "
        "blank, from a seeded generator (the same command gives the same files).",
    )
    for sub, module in ((sc, "scaffold"), (sy, "synth")):
        _lazy_command(sub, module)


def _lazy_command(p: argparse.ArgumentParser, module: str) -> None:
    """Arguments and runner of a command whose module says both (``add_arguments``, ``run``)."""
    import importlib

    mod = importlib.import_module(f"{__package__}.{module}")
    mod.add_arguments(p)
    p.set_defaults(func=mod.run)


def _add_run_options(g: argparse.ArgumentParser) -> None:
    """Limits and behaviour of a run; defaults come from :class:`grade.GradeOptions`."""
    from .options import GradeOptions

    d = GradeOptions()
    g.add_argument(
        "--workers", type=int, default=d.workers, help="parallel kernels (default: cores)"
    )
    g.add_argument("--timeout-cell", type=float, default=d.timeout_cell, metavar="S",
                   help=f"seconds per cell (default {d.timeout_cell:g})")  # fmt: skip
    g.add_argument("--timeout-total", type=float, default=d.timeout_total, metavar="S",
                   help=f"seconds per notebook (default {d.timeout_total:g})")  # fmt: skip
    g.add_argument("--memory-mb", type=int, default=d.memory_mb, metavar="M",
                   help=f"memory per kernel (default {d.memory_mb})")  # fmt: skip
    g.add_argument("--force", action="store_true", help="re-grade even unchanged submissions")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="grade even where kernels cannot be isolated in Linux namespaces (bubblewrap "
        "missing or user namespaces disabled): only for submissions you trust",
    )


def _add_output_options(g: argparse.ArgumentParser) -> None:
    """The instructor outputs beyond the standard reports (``grade`` and ``grade merge``)."""
    g.add_argument(
        "--roster", metavar="ROSTER.csv", help="submission names -> LMS identities (see docs)"
    )
    g.add_argument(
        "--lms", metavar="canvas,moodle", help="also write OUT/lms/<name>.csv gradebook imports"
    )
    g.add_argument("--lms-assignment", metavar="NAME", help='LMS grade column, e.g. "Set 1 (123)"')
    g.add_argument(
        "--lms-provisional",
        action="store_true",
        help="also write grades whose written answers are not scored yet (counted 0; by "
        "default they are held back until manual_grading.csv is scored)",
    )
    g.add_argument(
        "--pseudonymise",
        action="store_true",
        help="show stable codes instead of names in the shareable reports (report.html, "
        "questions.csv, ...) to share statistics",
    )


def merge_parser(grade_prog: str = "trilat grade") -> argparse.ArgumentParser:
    """The options of ``trilat grade merge`` (for its own ``--help``)."""
    m = argparse.ArgumentParser(
        prog=f"{grade_prog} merge",
        description="Combine the parts of a --shard run into OUT and write every report once, "
        "as one unsharded run would (byte-identical grades.csv); with --roster and --lms, also "
        "the LMS files (the parts write none).",
    )
    m.add_argument("parts", nargs="+", metavar="PART_DIR", help="the --out folders of the parts")
    m.add_argument("--out", required=True, metavar="OUT_DIR", help="where the merged reports go")
    _add_output_options(m)
    return m


class _GradeHelp(argparse.Action):
    """``-h`` of ``trilat grade``: the merge help after ``grade merge``, else the grade help."""

    def __init__(self, option_strings: list[str], merge: argparse.ArgumentParser, **kw: Any):
        kw.update(dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0)
        super().__init__(option_strings, **kw)
        self.merge = merge

    def __call__(self, parser: argparse.ArgumentParser, namespace: Any, *_: Any) -> None:
        (self.merge if getattr(namespace, "source", None) == "merge" else parser).print_help()
        parser.exit()


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m trilat_lessons.grading.cli``)."""
    parser = argparse.ArgumentParser(prog="trilat")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
