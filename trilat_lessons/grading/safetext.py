"""Untrusted text made writable: the one place lone surrogates are dealt with.

Python strings can hold lone surrogates (``chr(0xD800)``, a JSON ``"\\ud800"``, a file name's
undecodable bytes) that no UTF-8 writer accepts. Everything a submission or its kernel sends
(answers, error text, notebook sources, file names) passes through ``scrub`` before it is judged
or written, so one such character costs at most the question it is in, never the run.
"""

from __future__ import annotations

import re
from typing import Any


def safe_text(text: str) -> str:
    """``text`` with every lone surrogate written as its escape (``\\ud800``); else unchanged."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def scrub(obj: Any) -> Any:
    """``obj`` (JSON-like: dicts, lists, strings) with every string and key made ``safe_text``."""
    if isinstance(obj, str):
        return safe_text(obj)
    if isinstance(obj, dict):
        return {scrub(k): scrub(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [scrub(v) for v in obj]
    return obj


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def nesting_ok(raw: bytes, limit: int) -> bool:
    """True when the JSON text ``raw`` nests arrays/objects at most ``limit`` deep (string bodies,
    escaped quotes included, are skipped): checked before ``json.loads`` so that a hostile
    document cannot exhaust the parser's recursion."""
    depth = 0
    for ch in _STRING.sub(b"", raw):
        if ch in (91, 123):  # [ {
            depth += 1
            if depth > limit:
                return False
        elif ch in (93, 125):  # ] }
            depth -= 1
    return True
