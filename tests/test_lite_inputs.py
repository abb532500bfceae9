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


@pytest.fixture
def lite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    spec = importlib.util.spec_from_file_location("lite_build", REPO / "lite" / "build.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
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
