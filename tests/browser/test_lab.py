"""The browser tests' network guard really blocks. (Every lesson in JupyterLab, including lesson
00's explorer driven by mouse and keyboard, is in test_lessons.py.)"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_the_network_guard_blocks_and_records_outside_requests(
    page_and_blocked: tuple[Any, Any],
) -> None:
    """The guard above really aborts a non-localhost request (so 'none blocked' means none)."""
    page, blocked = page_and_blocked
    page.set_content("<p>probe</p>")
    outcome = page.evaluate(
        "() => fetch('http://blocked.invalid/probe').then(() => 'reached', () => 'aborted')"
    )
    assert outcome == "aborted"
    assert blocked.urls == ["http://blocked.invalid/probe"]
