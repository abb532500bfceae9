"""Which Python skills a piece of code uses: method names, operators and chart parts, by ``ast``.

Shared by the skills-map test (tests/test_skills.py) and its generator; a token is a short name
such as ``groupby``, ``&``, ``alt.Chart``, ``mark_bar``, ``enc:O`` or ``listcomp``.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The course order: a skill taught in a notebook can be used by exercise sets of that lesson on.
COURSE = [
    "00_start_here",
    "00b_python_primer",
    "01_history",
    "02_obstacles_korea_japan",
    "03_obstacles_structure",
    "04_china_perceptions",
    "05_theory_and_comparison",
    "06_policy_options",
]
BUILTINS = {"int", "float", "str", "bool", "len", "sorted", "set", "range", "list", "sum", "max"}
_ENC = re.compile(r":([NOQT])$")
_AGG = re.compile(r"^(count|distinct|sum|mean)\(")
_ROOTS = {"alt", "pd", "tl"}


def _dotted(node: ast.AST) -> str | None:
    """``alt.Chart`` / ``tl.analysis.rank_options`` for a name chain rooted at alt, pd or tl."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in _ROOTS:
        return ".".join([node.id, *reversed(parts)])
    return None


def _self_filter(node: ast.Subscript) -> bool:
    """``g[g == 1]``: a name filtered by a comparison on that same name."""
    test = node.slice
    return (
        isinstance(node.value, ast.Name)
        and isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == node.value.id
    )


# calls that return a plain dict (the course's weights): a name bound to one is a dict, not a table
_DICT_CALLS = {"dict", "preset_weights", "weights_dict"}


def _dict_names(tree: ast.AST) -> set[str]:
    """Names bound to a dict in ``tree``: a ``{...}`` literal, ``dict(...)``, a dict-returning
    helper, or ``.copy()`` of such a name (so ``w["k"] = 0`` is told from ``t["col"] = ...``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if not isinstance(target, ast.Name):
            continue
        func = value.func if isinstance(value, ast.Call) else None
        called = (
            func.attr
            if isinstance(func, ast.Attribute)
            else func.id
            if isinstance(func, ast.Name)
            else None
        )
        copied = (
            isinstance(func, ast.Attribute)
            and func.attr == "copy"
            and isinstance(func.value, ast.Name)
            and func.value.id in names
        )
        if isinstance(value, ast.Dict) or called in _DICT_CALLS or copied:
            names.add(target.id)
    return names


def _call_idioms(node: ast.Call) -> set[str]:
    """Two-step idioms a method name alone hides: ``reset_index(drop=True)`` (number the rows
    0, 1, 2 again) and ``.diff().idxmax()`` (the row that ends the largest gap)."""
    out: set[str] = set()
    func = node.func
    if not isinstance(func, ast.Attribute):
        return out
    drop = any(
        kw.arg == "drop" and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in node.keywords
    )
    if func.attr == "reset_index" and drop:
        out.add("reset_index(drop=True)")
    inner = func.value
    if (
        func.attr in {"idxmax", "idxmin"}
        and isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Attribute)
        and inner.func.attr == "diff"
    ):
        out.add("diff().idxmax()")
    return out


def _row_before(node: ast.Subscript) -> bool:
    """``t.loc[after - 1, col]``: the row just before a row found by its label."""
    if not (isinstance(node.value, ast.Attribute) and node.value.attr in {"loc", "iloc"}):
        return False
    first = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
    return isinstance(first, ast.BinOp) and isinstance(first.op, (ast.Sub, ast.Add))


def tokens(code: str) -> set[str]:
    """Every skill token in ``code`` (IPython magics and unparsable code give an empty set)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    found: set[str] = set()
    dicts = _dict_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            dotted = _dotted(node.func)
            if dotted:
                found.add(dotted)
            elif isinstance(node.func, ast.Attribute):
                found.add(node.func.attr)
            elif isinstance(node.func, ast.Name) and node.func.id in BUILTINS:
                found.add(node.func.id)
            found.update(_call_idioms(node))
            for kw in node.keywords:
                if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    if _ENC.search(kw.value.value):
                        found.add("enc:" + _ENC.search(kw.value.value).group(1))
                    if _AGG.match(kw.value.value):
                        found.add("agg:" + _AGG.match(kw.value.value).group(1))
                if kw.arg in {"title", "description", "sort", "name", "keep", "observed", "na"}:
                    found.add(f"{kw.arg}=")
            for arg in node.args:
                is_text = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                if is_text and _ENC.search(arg.value) and isinstance(node.func, ast.Attribute):
                    found.add("enc:" + _ENC.search(arg.value).group(1))
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and (node.value.attr == "dt")
        ):  # column.dt.year, spans.dt.days
            found.update({".dt", ".dt." + node.attr})
        elif isinstance(node, ast.Attribute) and node.attr in {
            "str", "loc", "iloc", "days", "dt", "cat", "index", "name", "key", "pivot",
        }:  # fmt: skip
            found.add("." + node.attr)
        elif isinstance(node, ast.BinOp):
            op = {ast.BitAnd: "&", ast.BitOr: "|", ast.Sub: "-"}.get(type(node.op))
            if op:
                found.add(op)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
            found.add("~")
        elif isinstance(node, ast.BoolOp):
            found.add("and/or")
        elif isinstance(node, ast.Compare):
            found.add("compare")
            ordering = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
            text = [c for c in node.comparators if isinstance(c, ast.Constant)]
            if any(isinstance(op, ordering) for op in node.ops) and any(
                isinstance(c.value, str) for c in text
            ):  # stances["stance"] >= "concern": an ordered category's own order
                found.add("cat-order")
        elif isinstance(node, ast.ListComp):
            found.add("listcomp")
        elif isinstance(node, ast.Starred):
            found.add("*unpack")
        elif isinstance(node, ast.Lambda):
            found.add("lambda")
        elif isinstance(node, ast.For):
            found.add("for")
        elif isinstance(node, ast.FunctionDef):
            found.add("def")
        elif isinstance(node, ast.Subscript) and _self_filter(node):
            found.add("g[g==]")
        elif isinstance(node, ast.Subscript) and _row_before(node):
            found.add("loc[i-1]")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if not isinstance(target, ast.Subscript):
                    continue
                if isinstance(target.value, ast.Name) and target.value.id in dicts:
                    found.add("dict[k]=")  # w["support_us"] = 0: one entry of a dict
                    continue
                # t["new"] = ... or t.loc[rows, col] = ...
                is_loc = isinstance(target.value, ast.Attribute) and target.value.attr == "loc"
                found.add("loc=" if is_loc else "column=")
    return found


def solutions(path: Path) -> dict[str, str]:
    """Question id -> the solution code of one instructor source (between the markers)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("trilat", {})
        if meta.get("role") != "answer" or cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        m = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", src, flags=re.S)
        out[meta["question"]] = m.group(1) if m else ""
    return out


def cell_code(notebook: str, cell_id: str) -> str | None:
    """The source of one cell of ``notebooks/<notebook>.ipynb``, or None when there is none."""
    path = ROOT / "notebooks" / f"{notebook}.ipynb"
    if not path.exists():
        return None
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell.get("id") == cell_id:
            return "".join(cell["source"])
    return None
