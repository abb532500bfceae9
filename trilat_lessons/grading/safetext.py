"""Untrusted text made writable: the one place lone surrogates are dealt with.

Python strings can hold lone surrogates (``chr(0xD800)``, a JSON ``"\\ud800"``, a file name's
undecodable bytes) that no UTF-8 writer accepts. Everything a submission or its kernel sends
(answers, error text, notebook sources, file names) passes through ``scrub`` before it is judged
or written, so one such character costs at most the question it is in, never the run.
"""

from __future__ import annotations

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
