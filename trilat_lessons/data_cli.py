"""``trilat data build|list|info|docs``: wire into the main CLI with ``register(subparsers)``."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``data`` command (with ``build``, ``list``, ``info``) to a subparsers object."""
    data = subparsers.add_parser("data", help="build, list and describe the course datasets")
    sub = data.add_subparsers(dest="data_command", required=True)

    build = sub.add_parser("build", help="rebuild clean data from data/raw (source checkout)")
    build.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the committed clean data differs from a fresh build",
    )
    build.set_defaults(func=_build)

    lst = sub.add_parser("list", help="list the datasets with their row counts")
    lst.set_defaults(func=_list)

    info = sub.add_parser("info", help="print the codebook of a dataset")
    info.add_argument("name", help="dataset name (see `trilat data list`)")
    info.set_defaults(func=_info)

    docs = sub.add_parser("docs", help="write the codebook page (docs/codebook.md) from the data")
    docs.add_argument("--out", default="docs/codebook.md", help="where to write the page")
    docs.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    docs.set_defaults(func=_docs)
    return data


def _docs(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .codebook_page import write_codebook

    return write_codebook(Path(args.out), check=args.check)


def _build(args: argparse.Namespace) -> int:
    from .build import main

    return main(check=args.check)


def _list(args: argparse.Namespace) -> int:
    from .datasets import list_datasets, load, resource

    for name in list_datasets():
        print(f"{name:16} {len(load(name)):4d} rows  {resource(name)['title']}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from .datasets import info

    try:
        info(args.name)
    except KeyError as exc:
        print(exc.args[0])
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m trilat_lessons.data_cli ...``)."""
    parser = argparse.ArgumentParser(prog="trilat")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
