"""The parts of ``benchmarks/bench.py``, one module per benchmark (see bench.py's docstring)."""
