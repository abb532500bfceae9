"""The judging core behind both the student's ``check()`` and the instructor's ``trilat grade``.

One answer travels one way: ``export_value`` turns it into plain JSON (:class:`Exported`) in the
student's kernel; ``evaluate`` judges that JSON against a question of the public :class:`Key`
(salted digests and structure, never the answer) and gives an :class:`Outcome`. ``trilat release``
builds keys with the same ``canonical``/``digest``/``seal``; ``trilat grade`` adds the instructor's
:class:`HiddenCheck` s on the ``decode``-d answer. Modules:

- ``records``: the typed records (exported answer, key, question, outcome, author record, check)
- ``export``: answer -> JSON (bounded; never unpickles), ``decode`` back, ``valid_export``
- ``compare``: canonical forms and the verdict (``canonical``, ``evaluate``); with ``table`` and
  ``chart`` for those answer types, ``text`` (normalisation), ``describe`` (messages about an
  answer's form) and ``seal`` (digests and sealed messages)
- ``keys``: find and read the key files
"""

from __future__ import annotations

from .chart import parse_channel
from .compare import canonical, evaluate, fallback, outside_choices
from .export import MISSING, data_summary, decode, export_value, valid_export
from .keys import ENV_KEYS, KEYS_DIR, key_dirs, key_path, list_sets, load_key
from .keys import question as find_question
from .records import (
    AuthorRecord,
    ChartData,
    ColumnSpec,
    Expect,
    Exported,
    HiddenCheck,
    Key,
    KeyQuestion,
    Outcome,
    RecordKind,
    WrongAnswer,
)
from .seal import digest, seal, unseal
from .table import dtype_kind
from .text import norm_text

__all__ = [
    "ENV_KEYS",
    "KEYS_DIR",
    "MISSING",
    "AuthorRecord",
    "ChartData",
    "ColumnSpec",
    "Expect",
    "Exported",
    "HiddenCheck",
    "Key",
    "KeyQuestion",
    "Outcome",
    "RecordKind",
    "WrongAnswer",
    "canonical",
    "data_summary",
    "decode",
    "digest",
    "dtype_kind",
    "evaluate",
    "export_value",
    "fallback",
    "find_question",
    "key_dirs",
    "key_path",
    "list_sets",
    "load_key",
    "norm_text",
    "outside_choices",
    "parse_channel",
    "seal",
    "unseal",
    "valid_export",
]
