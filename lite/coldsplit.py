"""Leave out of the site's first visit the modules that no notebook imports (lite/build.py).

Run after the bytecode step (lite/pycompile.py): a ``.py`` left in a third-party wheel is a
module no lesson or exercise imports, and so is a standard-library module the traced notebooks
never loaded. They move into archives the browser fetches on first import: one
``<wheel>.cold.zip`` per wheel, listed in the site's ``pyodide-lock.json`` with its sha256, and
one ``python_stdlib-<name>.cold.zip`` per top-level module or package of the standard library.
Pyodide's standard-library zip gets the finder that fetches them (lite/coldimport.py, as
``_trilat_cold.py``, with the table of archives) and a ``sitecustomize.py`` that installs it.
docs/jupyterlite.md, "Smaller first visit", says why and what a student sees.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

WriteZip = Callable[[Path, dict[str, bytes], str | None], None]
"""lite/build.py's ``write_zip(path, entries, record)``: the one home of zip writing."""

COLD_MIN = 30_000
"""A wheel whose unimported modules come to fewer (compressed) bytes is left whole: a second
request would cost more than it saves."""

NOT_SPLIT = ("trilat-lessons",)
"""Wheels never split: the course's own modules stay in its wheel, whatever a notebook imports."""

KEEP_HOT = (
    *(
        f"encodings.{codec}"
        for codec in (
            *("ascii", "latin_1", "charmap", "cp1252", "idna", "punycode", "utf_7", "utf_8_sig"),
            *("utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le"),
            *("unicode_escape", "raw_unicode_escape"),
            # Korean, Japanese and Chinese: small (their tables are inside Python)
            *("cp949", "euc_kr", "johab", "iso2022_kr", "cp932", "shift_jis", "shift_jis_2004"),
            *("shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213", "iso2022_jp"),
            *("iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext"),
            *("gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950"),
        )
    ),
    "stringprep",
)
"""Standard-library modules kept in the first visit though no notebook loads them: the codecs
a student of this course may well name (``encoding="cp949"``, ``"utf-8-sig"``). The codec
registry (``encodings.search_function``) remembers a codec it could not import: one whose
archive could not be fetched would read as "unknown encoding" for the rest of the session."""

FINDER_NEEDS = ("hashlib", "importlib", "io", "zipfile", "shutil", "struct", "binascii", "os")
"""Top-level standard-library names the finder itself imports while it fetches and unpacks
(lite/coldimport.py): never cold, or a cold import would recurse instead of failing clearly."""

FINDER_FILES = ("_trilat_cold.py", "sitecustomize.py")
"""What the split adds to Pyodide's standard-library zip (refused if Pyodide ever has them)."""

FINDER = Path(__file__).resolve().parent / "coldimport.py"
TABLE = "COLD: dict[str, dict[str, Any]] = {}"
"""The line of lite/coldimport.py that the build fills in with the table of archives."""


class SplitError(RuntimeError):
    """The split cannot be done (the message says why)."""


def module_name(entry: str) -> str:
    """``pkg/sub/__init__.py`` -> ``pkg.sub``; ``pkg/mod.py`` -> ``pkg.mod``."""
    name = entry[: -len(".py")].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def split_wheels(dist: Path, write_zip: WriteZip) -> dict[str, dict[str, Any]]:
    """Move each wheel's ``.py`` entries (what no notebook imported) into ``<wheel>.cold.zip``;
    the lock gets the smaller wheels' sha256 and one ``<name>-cold-modules`` entry per archive
    (never preloaded: listed so that the lock vouches for it). Returns the table of archives."""
    lock_path = dist / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    cold: dict[str, dict[str, Any]] = {}
    listed: dict[str, dict[str, Any]] = {}  # the lock's entries for the archives
    for key, entry in sorted(lock["packages"].items()):
        whl = dist / entry["file_name"]
        if key in NOT_SPLIT or not whl.is_file():
            continue
        with zipfile.ZipFile(whl) as zf:
            record = next((n for n in zf.namelist() if n.endswith(".dist-info/RECORD")), None)
            moved = [
                i
                for i in zf.infolist()
                if i.filename.endswith(".py") and ".dist-info/" not in i.filename
            ]
            if record is None or sum(i.compress_size for i in moved) < COLD_MIN:
                continue
            data = {n: zf.read(n) for n in zf.namelist() if n != record}
        names = {i.filename for i in moved}
        write_zip(whl, {n: d for n, d in data.items() if n not in names}, record)
        entry["sha256"] = _sha256(whl)
        archive = whl.name.removesuffix(".whl") + ".cold.zip"
        write_zip(dist / archive, {n: data[n] for n in sorted(names)}, None)
        digest = _sha256(dist / archive)
        cold[archive] = {"sha256": digest, "modules": sorted(module_name(n) for n in names)}
        listed[f"{key}-cold-modules"] = {
            "name": f"{key}-cold-modules",
            "version": "0",
            "file_name": archive,
            "install_dir": "site",
            "sha256": digest,
            "package_type": "package",
            "imports": [],
            "depends": [],
            "unvendored_tests": False,
            "shared_library": False,
        }
    lock["packages"] = dict(sorted({**lock["packages"], **listed}.items()))
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    return cold


def split_stdlib(
    stdlib: Path, loaded: set[str], write_zip: WriteZip
) -> tuple[dict[str, dict[str, Any]], dict[str, bytes]]:
    """The standard library's modules that no notebook loaded, one archive per top-level name
    (so that an import fetches little), unpacked by the finder into the standard library's
    folder on ``sys.path`` (the zip is not in the lock). ``loaded``: every module the trace had
    loaded, including those Python froze into itself (os, site, importlib.util...), which stay
    whatever their files say. Returns the table of archives and the zip's remaining entries."""
    with zipfile.ZipFile(stdlib) as zf:
        data = {i.filename: zf.read(i) for i in zf.infolist()}
        size = {i.filename: i.compress_size for i in zf.infolist()}
    moved = sorted(
        n
        for n in data
        if n.endswith(".py")
        and module_name(n) not in loaded
        and module_name(n) not in KEEP_HOT
        and module_name(n).split(".")[0] not in FINDER_NEEDS
        and not n.startswith(("__", "site-packages/"))  # __hello__, __phello__: frozen, like os
    )
    if sum(size[n] for n in moved) < COLD_MIN:
        return {}, data
    by_top: dict[str, list[str]] = {}
    for name in moved:
        by_top.setdefault(name.split("/")[0].removesuffix(".py"), []).append(name)
    table: dict[str, dict[str, Any]] = {}
    for top, names in sorted(by_top.items()):
        archive = stdlib.with_name(f"{stdlib.stem}-{top}.cold.zip")
        write_zip(archive, {n: data[n] for n in names}, None)
        table[archive.name] = {
            "sha256": _sha256(archive),
            "modules": [module_name(n) for n in names],
            "into": "stdlib",
        }
    gone = set(moved)
    return table, {n: d for n, d in data.items() if n not in gone}


def split_cold(dist: Path, loaded: set[str], write_zip: WriteZip) -> dict[str, Any]:
    """Split the wheels and the standard library of ``dist`` (the site's ``static/pyodide``),
    then put the finder with its table into the standard library's zip. A summary for the
    build's report."""
    stdlib = dist / "python_stdlib.zip"
    finder = FINDER.read_text()
    if TABLE not in finder:
        raise SplitError(f"{FINDER.name} has no line {TABLE!r} to fill in")
    with zipfile.ZipFile(stdlib) as zf:
        clash = [name for name in FINDER_FILES if name in zf.namelist()]
    if clash:
        raise SplitError(f"{stdlib.name} already has {clash}: the finder would replace them")
    cold = split_wheels(dist, write_zip)
    table, kept = split_stdlib(stdlib, loaded, write_zip)
    cold.update(table)
    kept["_trilat_cold.py"] = finder.replace(TABLE, TABLE[:-2] + repr(cold)).encode()
    kept["sitecustomize.py"] = b"import _trilat_cold\n\n_trilat_cold.install()\n"
    write_zip(stdlib, kept, None)
    return {
        "archives": len(cold),
        "modules": sum(len(v["modules"]) for v in cold.values()),
        "bytes": sum((dist / a).stat().st_size for a in cold),
    }
