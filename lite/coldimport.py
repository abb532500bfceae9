"""Modules that no notebook of the site imports, loaded from the site the first time they are.

lite/build.py moves the modules that no lesson or exercise imports (3 MB: most of pygments'
lexers, unused parts of numpy, pandas and the standard library) out of the first visit, into
``<wheel>.cold.zip`` per wheel and ``python_stdlib-<name>.cold.zip`` per top-level module of
the standard library. This file goes into Pyodide's standard-library zip as ``_trilat_cold.py``,
with ``COLD`` filled in by the build; a ``sitecustomize.py`` beside it calls :func:`install`
when Python starts, in the kernel's worker. The first ``import`` of such a module fetches its
archive (synchronously: a worker may), checks its sha256, unpacks it and lets the normal import
go on: ``import pygments.lexers.rust`` works as on the desktop, one request later.
"""

from __future__ import annotations

import sys
from typing import Any

COLD: dict[str, dict[str, Any]] = {}
"""archive file name -> {"sha256": ..., "modules": [dotted names], "into": "stdlib" for the
standard library's (its folder on ``sys.path``; else site-packages)}; written by lite/build.py."""


class ColdModules:
    """A ``sys.meta_path`` finder placed first: for a module in a cold archive it brings the
    archive in, then returns None so that the standard finders import the module as usual."""

    def __init__(self, cold: dict[str, dict[str, Any]]) -> None:
        self.archive_of = {m: name for name, info in cold.items() for m in info["modules"]}
        self.cold = cold
        self.folder: dict[str, str] = {}  # archive -> where it was unpacked

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        archive = self.archive_of.get(fullname)
        if archive is None:
            return None
        if archive not in self.folder:
            self.folder[archive] = self.bring_in(archive, fullname)
        if path is not None:
            # a submodule whose package lives elsewhere (in the standard library's zip): the
            # package's __path__ (``path`` is that very list) gets the folder it was unpacked in
            here = "/".join([self.folder[archive], *fullname.split(".")[:-1]])
            if here not in path:
                path.append(here)
        return None

    def bring_in(self, archive: str, fullname: str) -> str:
        """Fetch, check and unpack ``archive``; the folder it went to, or an ImportError that
        says why not."""
        import hashlib  # here, not at start-up: Python imports this module as it starts
        import importlib
        import io
        import zipfile

        try:
            import pyodide_js  # type: ignore[import-not-found]  # Pyodide only

            # the digest in the address: a browser's cached copy from an older build is not used
            digest = self.cold[archive]["sha256"]
            data = fetch(f"{pyodide_js._api.config.indexURL}{archive}?sha256={digest}")
        except Exception as err:  # an HTTP status, or the browser's NetworkError
            raise ImportError(
                f"{fullname} is in {archive} on this site, which could not be loaded ({err})",
                name=fullname,
            ) from None
        if hashlib.sha256(data).hexdigest() != self.cold[archive]["sha256"]:
            raise ImportError(
                f"{fullname} is in {archive} on this site, which is not the one it was built with",
                name=fullname,
            )
        folder = target_folder(self.cold[archive].get("into", "site-packages"))
        if folder is None:
            raise ImportError(f"{fullname}: no folder on sys.path to unpack it into", name=fullname)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            zf.extractall(folder)
        importlib.invalidate_caches()
        return folder


def target_folder(into: str) -> str | None:
    """Where an archive unpacks: the standard library's folder on ``sys.path``, or site-packages
    (None if a program took it off ``sys.path``)."""
    end = "python{}.{}".format(*sys.version_info[:2]) if into == "stdlib" else "site-packages"
    return next((p for p in sys.path if p.endswith(end)), None)


def fetch(url: str) -> bytes:
    """The bytes at ``url``, by a synchronous request (allowed in the kernel's Web Worker)."""
    from js import XMLHttpRequest  # type: ignore[import-not-found]  # Pyodide only

    request = XMLHttpRequest.new()
    request.open("GET", url, False)
    request.responseType = "arraybuffer"
    request.send(None)
    if request.status != 200:
        raise OSError(f"HTTP {request.status}")
    return bytes(request.response.to_bytes())


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (in Pyodide only; once)."""
    if sys.platform != "emscripten" or not COLD:
        return
    if not any(isinstance(f, ColdModules) for f in sys.meta_path):
        sys.meta_path.insert(0, ColdModules(COLD))
