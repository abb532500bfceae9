"""Write environment.yml (conda/mamba, Binder) from requirements.lock so both pin the same versions.

Run by `make lock`; tests/test_environment.py fails when the two disagree.
Usage: python scripts/env_from_lock.py [--check]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from packaging.markers import Marker

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
ENV = ROOT / "environment.yml"
PYTHON = "3.11"
# the platform Binder and the course's machines use
MARKER_ENV = {
    "python_version": PYTHON,
    "python_full_version": f"{PYTHON}.9",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def lock_pins(text: str) -> dict[str, str]:
    """Package -> version for every lock entry that applies to Linux, Python 3.11."""
    pins: dict[str, str] = {}
    for line in text.splitlines():
        m = PIN.match(line.strip())
        if not m:
            continue
        name, version, marker = m.group(1).lower(), m.group(2), m.group(3)
        if marker and not Marker(marker).evaluate(MARKER_ENV):
            continue
        pins[name] = version
    return pins


def render(pins: dict[str, str]) -> str:
    lines = [
        "# Generated from requirements.lock by scripts/env_from_lock.py (run `make lock`).",
        "# Same pins as the lock; Binder installs the package itself in postBuild.",
        "name: trilat-lessons",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={PYTHON}",
        "  - pip",
        "  - pip:",
    ]
    lines += [f"      - {name}=={version}" for name, version in sorted(pins.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render(lock_pins(LOCK.read_text(encoding="utf-8")))
    if "--check" in argv:
        if ENV.read_text(encoding="utf-8") != text:
            print("environment.yml is stale: run `python scripts/env_from_lock.py`")
            return 1
        return 0
    ENV.write_text(text, encoding="utf-8")
    print(f"wrote {ENV.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
