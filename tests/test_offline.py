"""scripts/offline really cuts the network, so `make nbval` proves the notebooks run offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OFFLINE = ROOT / "scripts" / "offline"

PROBE = """
import socket
try:
    socket.create_connection(("151.101.0.223", 443), 2)
    print("reachable")
except OSError:
    print("blocked")
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); print("loopback")
"""


def _unshare_allowed() -> bool:
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not _unshare_allowed(), reason="unshare is not permitted on this machine")
def test_offline_wrapper_blocks_network_but_keeps_loopback() -> None:
    out = subprocess.run([str(OFFLINE), sys.executable, "-c", PROBE], capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert out.stdout.split() == ["blocked", "loopback"]


def test_offline_wrapper_passes_arguments_and_exit_code() -> None:
    ok = subprocess.run([str(OFFLINE), sys.executable, "-c", "import sys; sys.exit(3)"])
    assert ok.returncode == 3
    echo = subprocess.run([str(OFFLINE), "echo", "a b", "c"], capture_output=True, text=True)
    assert echo.stdout == "a b c\n"
