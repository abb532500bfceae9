"""The vocabularies live once, in ``trilat_lessons.codebook``; nothing else in the package spells
them again (a second copy is how the old drift between build, theme and widgets began)."""

from __future__ import annotations

import ast
from pathlib import Path

import trilat_lessons as tl
from trilat_lessons import codebook as cb

PACKAGE = Path(tl.__file__).parent


def _vocabularies() -> dict[str, object]:
    """name -> value of every public vocabulary (lists as sets, dicts as item sets)."""
    out: dict[str, object] = {}
    for name in cb.__all__:
        value = getattr(cb, name)
        out[name] = frozenset(value.items()) if isinstance(value, dict) else frozenset(value)
        if isinstance(value, dict):  # the codes alone would be a copy too
            out[f"{name} (codes)"] = frozenset(value)
    return out


def _literal(node: ast.expr) -> object | None:
    """The comparable value of a module-level literal of strings (or None if it is not one)."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return None
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        try:
            return frozenset(value.items())
        except TypeError:
            return None
    return None


def declared_twice(root: Path = PACKAGE) -> list[str]:
    """``path:line NAME = <a codebook vocabulary>`` for every module-level copy outside codebook."""
    vocab: dict[object, str] = {}
    for name, value in _vocabularies().items():
        vocab.setdefault(value, name)
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "codebook.py" and path.parent == root:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                value = _literal(node.value)
                if value is not None and len(value) > 1 and value in vocab:
                    where = f"{path.relative_to(root)}:{node.lineno}"
                    found.append(f"{where} repeats codebook.{vocab[value]}")
    return found


def test_no_vocabulary_is_declared_twice() -> None:
    assert declared_twice() == []


def test_the_scan_finds_a_copy(tmp_path: Path) -> None:
    (tmp_path / "copy.py").write_text(
        'ORDER = ("strains", "neutral", "improves")\n'
        'LABELS: dict = {"geography": "Geography", **{}}\n'  # not a literal: not a copy
        "SIDES = " + repr(list(reversed(cb.BILATERAL_DYADS))) + "\n"
        "CRIT = " + repr(dict(cb.CRITERIA)) + "\n"
        "CODES = " + repr(list(cb.OBSTACLE_CODES)) + "\n",
        encoding="utf-8",
    )
    assert [line.split(" repeats ")[1] for line in declared_twice(tmp_path)] == [
        "codebook.EFFECTS",
        "codebook.BILATERAL_DYADS",
        "codebook.CRITERIA",
        "codebook.OBSTACLE_CODES (codes)",
    ]


def test_codebook_is_a_leaf_module() -> None:
    tree = ast.parse((PACKAGE / "codebook.py").read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert [ast.unparse(n) for n in imports] == ["from __future__ import annotations"]


def test_tl_codebook_is_the_module_and_a_dataset_codebook() -> None:
    assert tl.codebook is cb and tl.codebook.LEVELS[-1] == "leaders"
    table = tl.codebook("policy_options")
    assert set(cb.CRITERIA) <= set(table["column"])


def test_vocabularies_reach_the_data_package() -> None:
    fields = {f["column"]: f for f in tl.codebook("events").to_dict("records")}
    assert "category" in fields
    meetings = tl.load("meetings")
    assert list(meetings["level"].cat.categories) == cb.LEVELS
    events = tl.load("events")
    tags = {t.strip() for v in events["dyads"].dropna() for t in str(v).split(";")}
    assert tags <= set(cb.EVENT_DYADS) and set(cb.BILATERAL_DYADS) <= tags
