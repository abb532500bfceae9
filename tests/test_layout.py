"""The package's shape (issue 16), one rule set for the whole package: no import cycle, layers
that import one way, and no module over 500 lines unless its opening says "Long because:".

The import graph is read from the source with ``ast`` (nothing is imported). Module-level
imports are what Python runs on ``import``, so that graph must be acyclic. Imports inside
functions run later and cannot deadlock an import, but a lazy cycle is still two modules that
need each other, so the graph with them must be acyclic too; they also say which layer uses
which: analysis may use neither charts nor widgets, charts may not use widgets, at any depth.

Not seen by ``ast``: names looked up by string with ``importlib`` (the lazy tables of
``trilat_lessons/__init__.py`` and ``widgets/__init__.py``, the subcommand list of ``cli.py``).
:func:`test_every_lazy_name_resolves` imports each of those names instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "trilat_lessons"
MAX_LINES = 500
REASON = "Long because:"

# Temporary exemptions (module -> why), for a module being split; an entry goes stale (and the
# test fails) once its module is short or states its reason in its first lines. None today.
KNOWN_LONG: dict[str, str] = {}


def _modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under ``root`` (a package)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _prefixes(name: str) -> set[str]:
    """``a``, ``a.b`` and ``a.b.c`` for ``a.b.c``: every module ``import a.b.c`` runs."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def _targets(module: str, is_package: bool, node: ast.AST, known: set[str]) -> set[str]:
    """The package modules an import statement in ``module`` loads.

    The packages that contain ``module`` are left out: Python imports them before ``module``
    (``from . import x`` in a submodule is no cycle with its package), unless a name that is
    not a submodule is taken from one, which needs that package's ``__init__`` to have run.
    """
    ancestors = _prefixes(module) - {module}
    found: set[str] = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            found |= _prefixes(alias.name) - ancestors
    elif isinstance(node, ast.ImportFrom):
        target = node.module or ""
        if node.level:
            base = module.split(".")[: None if is_package else -1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        found |= _prefixes(target) - ancestors
        for alias in node.names:
            sub = f"{target}.{alias.name}"
            found.add(sub if sub in known else target)
    found.discard(module)
    return found & known


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def import_graph(root: Path = PACKAGE) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level imports, every import incl. those inside functions) per module.

    ``if TYPE_CHECKING:`` blocks never run, so they count in neither graph.
    """
    modules = _modules(root)
    known = set(modules)
    eager: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        eager[name], every[name] = set(), set()
        stack: list[tuple[ast.AST, bool]] = [(n, True) for n in tree.body]
        while stack:
            node, top = stack.pop()
            if _is_type_checking(node):
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets = _targets(name, is_package, node, known)
                every[name] |= targets
                if top:
                    eager[name] |= targets
                continue
            inner = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            stack += [(child, top and not inner) for child in ast.iter_child_nodes(node)]
    return eager, every


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(u: str) -> list[str] | None:
        state[u] = 1
        path.append(u)
        for v in sorted(graph.get(u, ())):
            if state.get(v) == 1:
                return [*path[path.index(v) :], v]
            if v not in state and (cycle := visit(v)):
                return cycle
        path.pop()
        state[u] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_package_has_no_import_cycle() -> None:
    eager, _ = import_graph()
    assert len(eager) > 40  # the graph really was read
    cycle = find_cycle(eager)
    assert cycle is None, "module-level import cycle: " + " -> ".join(cycle or [])


def test_the_package_has_no_lazy_import_cycle() -> None:
    """Imports inside functions count too: such a cycle is two modules that need each other."""
    _, every = import_graph()
    grading = {m.split(".")[-1]: {t.split(".")[-1] for t in ts} for m, ts in every.items()
               if m.startswith("trilat_lessons.grading.")}  # fmt: skip
    assert grading["grade"] >= {"intake", "prepare", "run", "finish", "options"}  # it sees them
    assert "grade" not in grading["report"] and "grade" not in grading["shard"]
    cycle = find_cycle(every)
    assert cycle is None, "import cycle (lazy imports included): " + " -> ".join(cycle or [])
    report = "trilat_lessons.grading.report"
    assert find_cycle({**every, report: every[report] | {"trilat_lessons.grading.finish"}})


@pytest.mark.parametrize("package", ["trilat_lessons", "trilat_lessons.widgets"])
def test_every_lazy_name_resolves(package: str) -> None:
    """The lazy tables (names imported by string on first use) name only things that exist."""
    import importlib

    module = importlib.import_module(package)
    assert len(module.__all__) > 5
    missing = [n for n in module.__all__ if getattr(module, n, None) is None]
    assert not missing, f"{package} lists names that do not resolve: {missing}"


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_imports_inside_functions_are_seen_but_not_module_level(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from .a import x\n")
    (pkg / "sub" / "__init__.py").write_text("from ..b import f\n")
    (pkg / "sub" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .. import b\n"
        "import pkg.a\nfrom . import VALUE\n"
    )
    eager, every = import_graph(pkg)
    assert eager["pkg.a"] == {"pkg.b"} and eager["pkg.b"] == set()
    assert every["pkg.b"] == {"pkg.a"}
    assert eager["pkg.sub"] == {"pkg.b"}
    # pkg.sub's __init__ must have run (VALUE is no module); not pkg.b (type checking only)
    assert eager["pkg.sub.c"] == {"pkg.a", "pkg.sub"}
    assert find_cycle(eager) is None and find_cycle(every) == ["pkg.a", "pkg.b", "pkg.a"]


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [("analysis", {"charts", "widgets"}), ("charts", {"widgets"})],
)
def test_layers_import_one_way(layer: str, forbidden: set[str]) -> None:
    """Even a lazy import inside a function would make the lower layer need the upper one."""
    _, every = import_graph()
    assert any(_layer(m) == layer for m in every), f"no {layer} module found"
    wrong = sorted(
        f"{m} imports {t}"
        for m, targets in every.items()
        if _layer(m) == layer
        for t in targets
        if _layer(t) in forbidden
    )
    assert not wrong


def test_analysis_and_charts_do_not_import_ipywidgets_or_altair_at_module_level() -> None:
    for layer, banned in (("analysis", ("ipywidgets", "altair")), ("charts", ("ipywidgets",))):
        for path in (PACKAGE / layer).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {
                alias.name.split(".")[0]
                for node in ast.walk(tree)
                if isinstance(node, ast.Import)
                for alias in node.names
            } | {
                (node.module or "").split(".")[0]
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and not node.level
            }
            assert not names & set(banned), f"{path.name} imports {names & set(banned)}"


def long_modules(root: Path = PACKAGE) -> dict[str, int]:
    """Modules over MAX_LINES lines whose first ten lines do not say why they are long."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_LINES and not any(REASON in line for line in lines[:10]):
            out[path.relative_to(root).as_posix()] = len(lines)
    return out


def test_no_module_is_long_without_a_stated_reason() -> None:
    long = long_modules()
    unexplained = {m: n for m, n in long.items() if m not in KNOWN_LONG}
    assert not unexplained, (
        f"modules over {MAX_LINES} lines: {unexplained}; split them, or begin them with a"
        f" comment '# {REASON} ...'"
    )
    stale = sorted(set(KNOWN_LONG) - set(long))
    assert not stale, f"remove {stale} from KNOWN_LONG in {Path(__file__).name}: split or explained"


def test_the_length_check_reads_the_reason(tmp_path: Path) -> None:
    body = "x = 1\n" * (MAX_LINES + 1)
    (tmp_path / "long.py").write_text(body)
    (tmp_path / "explained.py").write_text(f'"""Doc."""\n# {REASON} one table.\n' + body)
    (tmp_path / "short.py").write_text("x = 1\n")
    assert long_modules(tmp_path) == {"long.py": MAX_LINES + 1}
