"""The lock, pyproject.toml and environment.yml agree, so every machine gets the same versions."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import env_from_lock  # noqa: E402


def _lock() -> dict[str, str]:
    return env_from_lock.lock_pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))


def _pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return [Requirement(r) for r in reqs]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_pyproject_requirement_is_locked_at_an_allowed_version() -> None:
    pins = {_norm(k): v for k, v in _lock().items()}
    problems = []
    for req in _pyproject_requirements():
        version = pins.get(_norm(req.name))
        if version is None:
            problems.append(f"{req.name} is not in requirements.lock")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}=={version} does not satisfy pyproject's {req.specifier}")
    assert not problems, "run `make lock`:\n" + "\n".join(problems)


def test_every_lock_entry_is_hashed() -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
    assert not unhashed, f"entries without hashes: {unhashed}"


def test_environment_yml_has_the_same_pins_as_the_lock() -> None:
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    env_pins = dict(re.findall(r"^\s+- ([A-Za-z0-9_.\-\[\]]+)==(\S+)$", env, flags=re.M))
    env_pins = {_norm(k): v for k, v in env_pins.items()}
    lock = {_norm(k): v for k, v in _lock().items()}
    assert env_pins == lock, {
        k: (env_pins.get(k), lock.get(k))
        for k in set(env_pins) | set(lock)
        if env_pins.get(k) != lock.get(k)
    }


def test_env_from_lock_check_mode_detects_staleness(tmp_path: Path) -> None:
    ok = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "env_from_lock.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stdout
    stale = env_from_lock.render({"altair": "0.0.1"})
    assert stale != (ROOT / "environment.yml").read_text(encoding="utf-8")


def test_installed_versions_match_the_lock() -> None:
    from importlib import metadata

    lock = {_norm(k): v for k, v in _lock().items()}
    for name in ("altair", "pandas", "jupyterlab", "ipywidgets", "vl-convert-python", "nbval"):
        assert metadata.version(name) == lock[name], f"{name}: run `make install`"


def test_binder_postbuild_installs_the_package() -> None:
    post = (ROOT / "postBuild").read_text(encoding="utf-8")
    assert "pip install" in post and " ." in post
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "hatchling==" in env, "postBuild builds without isolation: hatchling must be pinned"
