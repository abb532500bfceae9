"""Salted digests of canonical answers, and ``wrong()`` messages sealed by their own answer.

An answer is compared as ``sha256("trilat|set|question|canonical")``: the salt (set and question
id) makes equal answers to different questions hash differently. A known wrong answer's message
is encrypted with a key stream derived from that wrong answer (``seal``), so the public key cannot
be read for "every wrong choice has a message, so the answer is the one without" until a student
types that wrong answer.
"""

from __future__ import annotations

import base64
import hashlib


def digest(set_id: str, question: str, canonical: str) -> str:
    """Salted digest of a canonical answer (salt: set and question id)."""
    return hashlib.sha256(f"trilat|{set_id}|{question}|{canonical}".encode()).hexdigest()


def _keystream(set_id: str, question: str, canonical: str, size: int) -> bytes:
    seed = f"trilat-message|{set_id}|{question}|{canonical}|"
    blocks = (hashlib.sha256(f"{seed}{i}".encode()).digest() for i in range(size // 32 + 1))
    return b"".join(blocks)[:size]


def seal(set_id: str, question: str, canonical: str, message: str) -> str:
    """A ``wrong()`` message encrypted with a key derived from its (salted) wrong answer."""
    data = message.encode()
    ks = _keystream(set_id, question, canonical, len(data))
    return base64.b64encode(bytes(a ^ b for a, b in zip(data, ks, strict=True))).decode()


def unseal(set_id: str, question: str, canonical: str, sealed: str) -> str:
    """The message ``seal`` stored, given the answer that opens it (undecodable: a plain note)."""
    try:
        data = base64.b64decode(sealed, validate=True)
        ks = _keystream(set_id, question, canonical, len(data))
        return bytes(a ^ b for a, b in zip(data, ks, strict=True)).decode()
    except (ValueError, UnicodeDecodeError):
        return "Not the expected answer yet."
