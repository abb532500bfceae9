"""The JupyterLite build ships bytecode for what the notebooks import (lite/pycompile.py): the
wheels it rewrites must import from that bytecode without their source (third-party modules), or
beside it (the course's own), and list every file in RECORD. The bytecode here is made by this
Python; the build makes it with the site's own Pyodide."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def lite() -> Any:
    return _load("lite_build", REPO / "lite" / "build.py")


@pytest.fixture
def pycompile() -> Any:
    return _load("lite_pycompile", REPO / "lite" / "pycompile.py")


def _pyc(source: str) -> bytes:
    code = compile(source, "<test>", "exec", dont_inherit=True)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source.encode()), False))


def _wheel(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
        zf.writestr("demo-1.0.dist-info/RECORD", "stale\n")
    return path


FILES = {
    "thirdparty/__init__.py": "VALUE = 'from source'\n",
    "thirdparty/unused.py": "X = 1\n",
    "coursepkg/__init__.py": "VALUE = 'course source'\n",
    "demo-1.0.dist-info/METADATA": "Name: demo\n",
}


def test_rewritten_wheel_imports_from_bytecode_and_lists_every_file(
    lite: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whl = _wheel(tmp_path / "demo-1.0-py3-none-any.whl", FILES)
    # bytecode made from a DIFFERENT source than the file: importing it proves which one ran
    pyc = {
        "thirdparty/__init__.py": _pyc("VALUE = 'from bytecode'\n"),
        "coursepkg/__init__.py": _pyc("VALUE = 'course bytecode'\n"),
    }
    tag = sys.implementation.cache_tag
    # (the build keeps the source of the course's own modules: a fake package here, so this
    # test never shadows the real trilat_lessons in sys.modules)
    lite.bytecode_archive(whl, pyc, ("coursepkg/",), tag)
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
        record = zf.read("demo-1.0.dist-info/RECORD").decode().splitlines()
        data = {n: zf.read(n) for n in names}
    assert "thirdparty/__init__.pyc" in names and "thirdparty/__init__.py" not in names
    assert "thirdparty/unused.py" in names  # not imported by any notebook: left as source
    assert "coursepkg/__init__.py" in names  # the course keeps its source ...
    assert f"coursepkg/__pycache__/__init__.{tag}.pyc" in names  # ... and gets bytecode
    listed = {line.split(",")[0]: line for line in record}
    assert set(listed) == set(names)
    for name in names:
        if name.endswith("RECORD"):
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(data[name]).digest()).rstrip(b"=")
        assert listed[name] == f"{name},sha256={digest.decode()},{len(data[name])}"

    # unpack as Pyodide does (new file times, so only unchecked-hash bytecode stays valid)
    site = tmp_path / "site"
    zipfile.ZipFile(whl).extractall(site)
    monkeypatch.syspath_prepend(str(site))
    for mod in ("thirdparty", "coursepkg"):
        monkeypatch.delitem(sys.modules, mod, raising=False)
    assert importlib.import_module("thirdparty").VALUE == "from bytecode"
    assert importlib.import_module("coursepkg").VALUE == "course bytecode"
    monkeypatch.delitem(sys.modules, "thirdparty")
    monkeypatch.delitem(sys.modules, "coursepkg")


def test_standard_library_zip_keeps_its_folders_and_imports_the_bytecode(
    lite: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdlib = tmp_path / "python_stdlib.zip"
    with zipfile.ZipFile(stdlib, "w") as zf:
        zf.writestr("stdmod_demo/", b"")
        zf.writestr("stdmod_demo/__init__.py", "VALUE = 'from source'\n")
    pyc = {"stdmod_demo/__init__.py": _pyc("VALUE = 'from bytecode'\n")}
    lite.bytecode_archive(stdlib, pyc, (), sys.implementation.cache_tag)
    with zipfile.ZipFile(stdlib) as zf:
        assert zf.namelist() == ["stdmod_demo/", "stdmod_demo/__init__.pyc"]
        assert zf.getinfo("stdmod_demo/").is_dir()
    monkeypatch.syspath_prepend(str(stdlib))  # imported from the zip itself, like Pyodide
    monkeypatch.delitem(sys.modules, "stdmod_demo", raising=False)
    assert importlib.import_module("stdmod_demo").VALUE == "from bytecode"
    monkeypatch.delitem(sys.modules, "stdmod_demo")


def test_plan_compiles_what_was_imported_and_the_kernel_packages_whole(
    pycompile: Any, tmp_path: Path
) -> None:
    _wheel(tmp_path / "demo-1.0-py3-none-any.whl", FILES)
    _wheel(
        tmp_path / "pyodide_kernel-0.6-py3-none-any.whl",
        {"pyodide_kernel/__init__.py": "", "pyodide_kernel/kernel.py": ""},
    )
    with zipfile.ZipFile(tmp_path / "python_stdlib.zip", "w") as zf:
        zf.writestr("json/__init__.py", "")
        zf.writestr("tomllib/__init__.py", "")
    plan = pycompile._plan(tmp_path, {"thirdparty/__init__.py"}, {"json/__init__.py"})
    assert plan == {
        "demo-1.0-py3-none-any.whl": ["thirdparty/__init__.py"],
        "pyodide_kernel-0.6-py3-none-any.whl": [
            "pyodide_kernel/__init__.py",
            "pyodide_kernel/kernel.py",
        ],
        "python_stdlib.zip": ["json/__init__.py"],
    }


def test_without_node_the_build_says_so_and_leaves_the_wheels(
    pycompile: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pycompile.shutil, "which", lambda _name: None)
    summary = pycompile.compile_dist(tmp_path, tmp_path, [], lambda *a: pytest.fail("rewrote"))
    assert summary["compiled"] is False and "Node.js" in summary["why"]


def test_an_absent_package_is_an_empty_wheel_pyodide_can_install(lite: Any, tmp_path: Path) -> None:
    whl = lite.absent_wheel("ssl", tmp_path)
    name, version, imports, requires = lite._wheel_info(whl)
    assert (name, imports, requires) == ("ssl", [], [])
    with zipfile.ZipFile(whl) as zf:
        assert all(n.startswith(f"ssl-{version}.dist-info/") for n in zf.namelist())


def test_precompile_rehashes_only_the_archives_it_rewrote(
    lite: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "pyodide"
    dist.mkdir()
    (dist / "a.whl").write_bytes(b"a before")
    (dist / "b.whl").write_bytes(b"b")
    lock = {"packages": {n: {"file_name": f"{n}.whl", "sha256": "as-checked"} for n in "ab"}}
    (dist / "pyodide-lock.json").write_text(json.dumps(lock))

    class FakePycompile:
        CompileError = RuntimeError

        @staticmethod
        def compile_dist(dist: Path, *_: Any) -> dict[str, Any]:
            (dist / "a.whl").write_bytes(b"a after")
            return {"compiled": True, "modules": 1, "wheels": 1, "rewritten": ["a.whl"],
                    "cells_failed_while_tracing": []}  # fmt: skip

    monkeypatch.setitem(sys.modules, "pycompile", FakePycompile)
    lite.precompile(dist, tmp_path)
    entries = json.loads((dist / "pyodide-lock.json").read_text())["packages"]
    assert entries["a"]["sha256"] == hashlib.sha256(b"a after").hexdigest()
    assert entries["b"]["sha256"] == "as-checked"  # not rewritten: not re-hashed
