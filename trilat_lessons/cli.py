"""The ``trilat`` command: one entry point for students (doctor), instructors (release, grade)
and maintainers (data build). Subcommands live beside the code they drive and register here."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ._version import __version__

# modules that add subcommands through a ``register(subparsers)`` function
_SUBCOMMAND_MODULES = (
    "trilat_lessons.data_cli",
    "trilat_lessons.grading.cli",
    "trilat_lessons.grading.edition",
    "trilat_lessons.pacing",  # instructor-only: not in the student edition
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="trilat",
        description="trilat-lessons: a course on U.S.-Japan-South Korea trilateral cooperation.",
    )
    parser.add_argument("--version", action="version", version=f"trilat-lessons {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    doctor = sub.add_parser("doctor", help="check that this environment can run the course")
    doctor.add_argument("--json", action="store_true", help="print the results as JSON")
    doctor.set_defaults(func=_run_doctor)

    for name in _SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a subcommand module not written yet
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(sub)
    return parser


def _run_doctor(args: argparse.Namespace) -> int:
    from .doctor import main as doctor_main

    return doctor_main(as_json=args.json)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``trilat`` command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
