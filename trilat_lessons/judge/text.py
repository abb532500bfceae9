"""Text normalisation for comparing answers: width, case, accents, punctuation, spacing, and
numbers written to a fixed number of decimals."""

from __future__ import annotations

import re
import unicodedata

# combining marks of Latin, Greek and Cyrillic accents (not the kana voicing marks U+3099/309A,
# which change a Japanese word, and not Hangul jamo, which NFC puts back together)
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"}
)
_SEPARATORS = "/\\\u2212"  # like dashes, these stand between words: "Dokdo/Takeshima"


def _punctuation(ch: str) -> str:
    """What a character becomes in the canonical text: dashes and slashes separate words, other
    punctuation (dots, commas, quotes, brackets, ...) is dropped; underscores and the rest stay."""
    if ch.isalnum() or ch.isspace() or ch == "_":
        return ch
    cat = unicodedata.category(ch)
    if cat == "Pd" or ch in _SEPARATORS:
        return " "
    if cat[0] == "P" or ch in "`\u00b4":
        return ""
    return ch


def norm_text(s: str) -> str:
    """Normalise free text for comparison: width, case, accents, punctuation, spacing.

    ``"Ménage à trois"``, ``"menage a trois"`` and ``" MENAGE-A-TROIS. "`` give the same text.
    """
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", s).casefold())
    s = unicodedata.normalize("NFC", _ACCENTS.sub("", s)).translate(_LETTERS)
    s = "".join(_punctuation(ch) for ch in s)
    return re.sub(r"\s+", " ", s).strip()


def num_text(x: float, decimals: int) -> str:
    r = round(float(x), decimals)
    if r == int(r) and abs(r) < 1e15:
        return str(int(r))
    text = f"{r:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
