"""No module of the package imports another package's or module's private names.

A leading underscore means "this package's business": a private module (``_core``) or a private
name of a package's ``__init__`` may be imported by modules of the package that owns it (and their
subpackages), never by a sibling package (``grading`` reaching into ``exercises._compare`` is what
made the judging core public). A private name of a plain module (``datasets._resources``) is that
module's own business: a sibling module asks for a public function instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "trilat_lessons"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _where(dotted: str) -> Path:
    return PACKAGE.parent.joinpath(*dotted.split("."))


def _is_module(dotted: str) -> bool:
    """True when ``dotted`` names a module or package of this repository."""
    return _where(dotted).with_suffix(".py").is_file() or _is_package(dotted)


def _is_package(dotted: str) -> bool:
    return (_where(dotted) / "__init__.py").is_file()


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _imports(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted target) for every import of a module; ``from m import n`` gives ``m.n``."""
    here = module.split(".")
    package = here if is_package else here[:-1]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out += [(node.lineno, f"{target}.{a.name}") for a in node.names if a.name != "*"]
    return out


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of ``module`` that reach a private name owned by a package it is not in."""
    found = []
    for line, target in _imports(source, module, is_package):
        parts = target.split(".")
        if parts[0] != PACKAGE.name:
            continue
        for i, part in enumerate(parts):
            if not _private(part):
                continue
            # a private module, or a private name of a package, belongs to that package; a private
            # name of a plain module belongs to that module alone
            owner = ".".join(parts[:i])
            if not (module == owner or module.startswith(owner + ".")):
                found.append(f"{module}:{line}: imports {target}")
            break
    return found


def test_no_module_imports_a_siblings_private_names() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += violations(text, _module_name(path), path.name == "__init__.py")
    assert not found, "private names imported across packages:\n" + "\n".join(found)


def test_the_rule_sees_private_modules_and_names() -> None:
    """The checker flags a sibling's private module and private name, not its own package's."""
    probe = (
        "from ..exercises import _progress\n"
        "from ..exercises.authoring import _ACTIVE\n"
        "from trilat_lessons.judge.export import _TooLarge\n"
        "import trilat_lessons.exercises._display\n"
        "from . import _anything_of_grading\n"
        "from .._version import __version__\n"
        "from ..judge import export_value\n"
    )
    found = violations(probe, "trilat_lessons.grading.probe")
    assert [f.split("imports ")[1] for f in found] == [
        "trilat_lessons.exercises._progress",
        "trilat_lessons.exercises.authoring._ACTIVE",
        "trilat_lessons.judge.export._TooLarge",
        "trilat_lessons.exercises._display",
    ]
    # inside the owning package the same imports are fine
    assert not violations("from . import _progress\n", "trilat_lessons.exercises.x")


def test_the_rule_sees_a_sibling_modules_private_names() -> None:
    """A private name of a plain module is flagged for its sibling modules, not for itself."""
    probe = (
        "from .datasets import _resources, load\n"
        "from .charts import _core\n"
        "from .charts._core import _frame\n"
    )
    found = violations(probe, "trilat_lessons.data_cli")
    assert [f.split("imports ")[1] for f in found] == [
        "trilat_lessons.datasets._resources",
        "trilat_lessons.charts._core",
        "trilat_lessons.charts._core._frame",
    ]
    assert not violations("from .datasets import _resources\n", "trilat_lessons.datasets")
    # a private module is still its package's business: charts modules may import charts._core
    assert not violations("from ._core import _frame\n", "trilat_lessons.charts.events")
