"""``python -m trilat_lessons.build [--check]``: the same as ``trilat data build``."""

import sys

from .pipeline import main

raise SystemExit(main(check="--check" in sys.argv[1:]))
