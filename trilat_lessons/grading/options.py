"""What a grading run is asked to do: its limits and options (:class:`GradeOptions`, whose defaults
``trilat grade``'s arguments read) and the run's errors (statuses: ``judge.records``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class SandboxUnavailable(RuntimeError):
    """The namespace sandbox cannot be set up and the instructor did not accept the risk."""


class OutputError(RuntimeError):
    """A result or report could not be written (the run fails rather than lose a row)."""


@dataclass
class GradeOptions:
    """Limits and behaviour of one grading run."""

    workers: int = 0  # 0: one per core
    timeout_cell: float = 30.0
    timeout_total: float = 120.0
    memory_mb: int = 1024
    progress: bool = True
    force: bool = False  # re-grade even when results are up to date
    # run kernels without the namespace sandbox when it cannot be set up (untrusted code can
    # then reach the network from native code, read what the grader's user can read, ...)
    unsafe_no_sandbox: bool = False
    # a submission that ran past a time limit while other kernels ran is graded again alone at
    # the end, so another student's CPU burners can never cost it points
    retry_timeouts_alone: bool = True
    shard: tuple[int, int] | None = None  # (K, N): grade only shard K of N (see shard.py)
    analytics: Any = None  # outputs.AnalyticsOptions: roster, LMS files, pseudonyms

    def fingerprint(self) -> dict[str, Any]:
        """The options that change grades (part of every input hash)."""
        return {
            "timeout_cell": float(self.timeout_cell),
            "timeout_total": float(self.timeout_total),
            "memory_mb": int(self.memory_mb),
        }


def sandbox_refusal(missing: str, detail: str) -> str:
    """What ``trilat grade`` says when it will not run untrusted code unprotected."""
    return (
        "cannot isolate the grading kernels: "
        + detail
        + ".\nWithout that sandbox a submission's native code can send data over the network, "
        "start processes that outlive the run, and read or change what your user can (other "
        "students' results, the instructor source).\nFix: "
        + missing
        + ". Or, only for submissions you trust, re-run with --unsafe-no-sandbox."
    )
