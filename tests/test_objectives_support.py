"""Reading a lesson's learning objectives from its first cell (shared by the objectives test)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def objectives(lesson: str) -> list[str]:
    """The objective bullets of ``notebooks/<lesson>.ipynb``, markup and line breaks removed."""
    nb = json.loads((ROOT / "notebooks" / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    head = "".join(nb["cells"][0]["source"])
    block = head.split("Learning objectives", 1)[1].split("**Estimated time**", 1)[0]
    items = re.findall(r"^- (.*(?:\n  .*)*)", block, flags=re.M)
    return [re.sub(r"\s+", " ", i.replace("**", "")).strip().rstrip(";.") for i in items]
