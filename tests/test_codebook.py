"""The vocabularies live once, in ``trilat_lessons.schema``; nothing else in the package spells
them again (a second copy is how the old drift between build, theme and widgets began)."""

from __future__ import annotations

import ast
from pathlib import Path

import trilat_lessons as tl
from trilat_lessons import schema

PACKAGE = Path(tl.__file__).parent


_CONTAINERS = (ast.List, ast.Tuple, ast.Set, ast.Dict)

ALLOWED: dict[str, str] = {}
"""``path:line`` -> why a literal naming 2+ codes of one vocabulary is not a copy (none today)."""


def _vocabularies() -> dict[str, frozenset[str]]:
    """name -> the values of every public vocabulary (a dict's codes, and its labels if strings)."""
    out: dict[str, frozenset[str]] = {}
    for name in schema.__all__:
        value = getattr(schema, name)
        out[name] = frozenset(value)
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            out[f"{name} (labels)"] = frozenset(value.values())
    return out


def _strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def declared_twice(root: Path = PACKAGE) -> list[str]:
    """``path:line repeats schema.NAME`` for every literal outside the codebook (at any level:
    module, class or function; list, tuple, set or dict keys and values, nested) that spells two or
    more values of one vocabulary: a whole copy, a subset or a palette keyed by the codes."""
    vocab = _vocabularies()
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.parent == root / "schema":
            continue
        inner: set[int] = set()  # literals inside a reported literal are part of it
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, _CONTAINERS) or id(node) in inner:
                continue
            inner |= {id(sub) for sub in ast.walk(node) if sub is not node}
            where = f"{path.relative_to(root)}:{node.lineno}"
            words = _strings(node)
            for name, values in vocab.items():
                if len(words & values) >= 2 and where not in ALLOWED:
                    found.append(f"{where} repeats schema.{name}")
                    break
    return found


def test_no_vocabulary_is_declared_twice() -> None:
    assert declared_twice() == []


def test_the_scan_finds_a_copy(tmp_path: Path) -> None:
    (tmp_path / "copy.py").write_text(
        'ORDER = ("strains", "neutral", "improves")\n'
        'LABELS: dict = {"geography": 1, **{}}\n'  # one code alone is not a copy
        "SIDES = " + repr(list(reversed(schema.BILATERAL_DYADS))) + "\n"
        "CRIT = " + repr(dict(schema.CRITERIA)) + "\n"
        "CODES = " + repr(list(schema.OBSTACLE_CODES)) + "\n"
        'COLORS = {"envoys/other": "#fff", "leaders": "#000"}\n'  # a palette keyed by codes
        'PAIRS = (("U.S.", "us_president"), ("ROK", "rok_president"))\n'  # nested
        "def f(q):\n"
        '    return q in ("about", "over")\n'  # a subset, inside a function
        "STEPS = [1, 2]\n",
        encoding="utf-8",
    )
    assert [line.split(" repeats ")[1] for line in declared_twice(tmp_path)] == [
        "schema.EFFECTS",
        "schema.BILATERAL_DYADS",
        "schema.CRITERIA",
        "schema.OBSTACLE_CODES",
        "schema.LEVELS",
        "schema.COUNTRIES",
        "schema.QUALIFIERS",
    ]


def test_schema_is_a_leaf_package() -> None:
    """The schema imports only the standard library and itself, so anything may import it."""
    for path in (PACKAGE / "schema").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1, f"{path.name}: {ast.unparse(node)}"
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module] if isinstance(node, ast.ImportFrom) else []
                names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
                for name in names:
                    assert name and name.split(".")[0] in {"__future__", "typing"}, name


def test_tl_codebook_is_a_plain_function_and_tl_schema_the_vocabularies() -> None:
    from trilat_lessons.datasets import codebook

    assert tl.codebook is codebook and tl.schema is schema and tl.schema.LEVELS[-1] == "leaders"
    table = tl.codebook("policy_options")
    assert set(schema.CRITERIA) <= set(table["column"])


def test_vocabularies_reach_the_data_package() -> None:
    fields = {f["column"]: f for f in tl.codebook("events").to_dict("records")}
    assert "category" in fields
    meetings = tl.load("meetings")
    assert list(meetings["level"].cat.categories) == schema.LEVELS
    events = tl.load("events")
    tags = {t.strip() for v in events["dyads"].dropna() for t in str(v).split(";")}
    assert tags <= set(schema.EVENT_DYADS) and set(schema.BILATERAL_DYADS) <= tags
