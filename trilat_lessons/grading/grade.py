"""``trilat grade``: rebuild, run, judge and report every submission of one exercise set.

For each submission: rebuild it from the instructor source taking only the answer cells (by cell
id), run it in its own fresh kernel process (limits, sandbox), receive the exported answers, judge
them *here* with the public key and the hidden checks, write ``results/<student>.json`` at once.
Re-running skips submissions whose input hash is unchanged; reports are rebuilt from the results.

This module orchestrates the phases, each in its own module: ``options`` (what is asked),
``intake`` (discovery, safe reading, hard links), ``prepare`` (source, key, plan), ``rebuild``,
``run`` (one submission in its kernel), ``scoring`` (judge), ``finish`` (reports).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..judge.records import TIMEOUTS
from .finish import finish, write_json
from .intake import Submission, instructor_inodes, take_in
from .options import GradeOptions, OutputError, SandboxUnavailable, sandbox_refusal
from .prepare import Grader, prepare
from .progressbar import ProgressBar
from .release import notebook_bytes
from .results import SubmissionResult
from .run import empty_result, grade_one
from .runner import KernelTemplate
from .safetext import scrub


def _clean_stale_workroots() -> None:
    """Remove work folders left by grading runs that were killed (their process is gone)."""
    base = Path(tempfile.gettempdir())
    for d in base.glob("trilat-grade-*"):
        m = re.match(r"trilat-grade-(\d+)-", d.name)
        if not m or not d.is_dir() or d.is_symlink():
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (PermissionError, OverflowError):
            continue


@dataclass
class GradeRun:
    """What a grading run did."""

    graded: int
    skipped: int
    interrupted: bool
    counts: dict[str, int]
    out_dir: Path
    warning: str | None = None
    protection: str = ""
    notes: list[str] = field(default_factory=list)  # roster mismatches and the like
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (entry, why not graded)


def grade(
    source_path: str | Path,
    submissions_dir: str | Path,
    out_dir: str | Path,
    options: GradeOptions | None = None,
    *,
    stream: Any = None,
    template: KernelTemplate | None = None,
) -> GradeRun:
    """Grade every submission in ``submissions_dir`` into ``out_dir`` (resumable).

    ``template`` lets several runs share one warm template (the caller then closes it).
    Raises ``SandboxUnavailable`` when kernels cannot be isolated and ``unsafe_no_sandbox`` is
    not set, ``OutputError`` when anything cannot be written.
    """
    import sys

    options = options or GradeOptions()
    isolated, protection = _isolation(options, template)
    out = Path(out_dir)
    results_dir = _make_out_dirs(out, Path(submissions_dir))
    denied = [str(Path(submissions_dir).resolve()), str(out.resolve())]
    owned = template is None
    if template is None:
        template = KernelTemplate(isolated=isolated, workers=options.workers or os.cpu_count() or 1)
        template.start_background()  # warms up while the source is prepared
    try:
        grader = prepare(source_path, options, denied)
    except BaseException:
        if owned:
            template.close()
        raise
    forbidden = instructor_inodes(Path(source_path), out)
    subs, everyone, ignored = take_in(
        submissions_dir, grader.source.set_id, forbidden, options.shard
    )
    names = {s.student: s.key for s in subs}
    todo, skipped = _to_grade(subs, grader, results_dir, options.force)
    stream = stream if stream is not None else sys.stderr
    bar = ProgressBar(len(subs), stream=stream, enabled=options.progress, done=skipped)
    _clean_stale_workroots()
    workroot = tempfile.mkdtemp(prefix=f"trilat-grade-{os.getpid()}-")
    rec = _Recorder(grader, template, options, workroot, out, bar)
    try:
        interrupted = _run_all(rec, todo)
    finally:
        if owned:
            template.close()
        shutil.rmtree(workroot, ignore_errors=True)
    bar.close(interrupted=interrupted)
    if rec.errors:
        raise OutputError(
            f"{len(rec.errors)} result(s) could not be written, so the run stopped: {rec.errors[0]}"
        )
    notes: list[str] = []
    if not interrupted:
        results = _read_back(subs, rec.fresh, results_dir)
        notes = finish(grader, results, out, names, options, everyone=everyone)
    graded = sum(rec.counts.values())
    counts = rec.counts
    return GradeRun(
        graded, skipped, interrupted, counts, out, grader.key_warning, protection, notes, ignored
    )


def _isolation(options: GradeOptions, template: KernelTemplate | None) -> tuple[bool, str]:
    """(kernels isolated?, protection level); raises ``SandboxUnavailable`` when kernels cannot
    be isolated and the instructor did not accept the risk."""
    from .isolation import probe

    if template is not None:
        isolated = template.isolated
        protection = "namespaces" if isolated else "none"
    else:
        prot = probe()
        isolated, protection = prot.isolated, prot.level
        if not isolated and not options.unsafe_no_sandbox:
            raise SandboxUnavailable(sandbox_refusal(prot.missing, prot.detail))
    if not isolated and not options.unsafe_no_sandbox:
        raise SandboxUnavailable(
            sandbox_refusal("use an isolated template", "the kernel template is not isolated")
        )
    return isolated, protection


def _make_out_dirs(out: Path, submissions_dir: Path) -> Path:
    """Create ``out/results`` and ``out/rebuilt`` (returns the first); ``OutputError`` when the
    output and submissions folders overlap or cannot be created."""
    subs_root, out_root = submissions_dir.resolve(), out.resolve()
    if out_root == subs_root or subs_root in out_root.parents or out_root in subs_root.parents:
        raise OutputError(
            f"the output folder {out} and the submissions folder {submissions_dir} overlap:"
            " choose an output folder outside the submissions (and not containing them)"
        )
    results_dir = out / "results"
    try:
        results_dir.mkdir(parents=True, exist_ok=True)
        (out / "rebuilt").mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {results_dir}: {exc.strerror or exc}") from None
    return results_dir


@dataclass
class _Recorder:
    """Grades one submission at a time from worker threads and records its result at once
    (``results/<key>.json``, the rebuilt notebook); keeps what the run needs afterwards."""

    grader: Grader
    template: KernelTemplate
    options: GradeOptions
    workroot: str
    out: Path
    bar: ProgressBar
    fresh: dict[str, SubmissionResult] = field(default_factory=dict)  # never re-read
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    retry: list[tuple[Submission, str]] = field(default_factory=list)  # timed out: run alone
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    registry: set[Any] = field(default_factory=set)  # live kernels, to shut down on Ctrl-C

    @property
    def workers(self) -> int:
        return self.options.workers or os.cpu_count() or 1

    def work(self, sub: Submission, h: str, alone: bool = False) -> None:
        """Grade ``sub`` (input hash ``h``) and record it, or queue it to be retried alone."""
        if self.stop.is_set():
            return
        res = self._grade(sub)
        if self.stop.is_set():
            return  # interrupted mid-run: do not record a half-graded submission
        timed_out = any(q.get("status") in TIMEOUTS for q in res["questions"].values())
        if timed_out and not alone and self.options.retry_timeouts_alone and self.workers > 1:
            with self.lock:
                self.retry.append((sub, h))
            return
        if timed_out and alone:
            res["notes"].append(
                "Your notebook ran past a time limit while other notebooks were being graded, "
                "so it was graded again with nothing else running: this is that result."
            )
        self._record(sub, h, res)

    def _grade(self, sub: Submission) -> SubmissionResult:
        try:
            if sub.raw is None:
                return empty_result(self.grader, sub.student, sub.path, "rejected", sub.problem)
            return grade_one(
                self.grader, sub.student, sub.path, sub.raw, self.template, self.options,
                self.workroot, self.registry, self.stop,
            )  # fmt: skip
        except Exception as exc:  # an internal error must not stop the run
            detail = f"{type(exc).__name__}: {exc}"
            return empty_result(self.grader, sub.student, sub.path, "internal error", detail)

    def _record(self, sub: Submission, h: str, res: SubmissionResult) -> None:
        res["input_hash"] = h
        res["notes"] = [*sub.notes, *res["notes"]]
        if sub.notes and not res.get("detail"):
            res["detail"] = " ".join(sub.notes)[:300]
        if sub.flag:  # the other names are not the student's business: grades.csv only
            res["flag"] = sub.flag
        rebuilt = res.pop("rebuilt", None)
        try:
            res = scrub(res)  # untrusted text (answers, errors, names) always writable
            if rebuilt is not None:
                _write_bytes(
                    self.out / "rebuilt" / f"{sub.key}.ipynb", notebook_bytes(scrub(rebuilt))
                )
            write_json(self.out / "results" / f"{sub.key}.json", res)
        except (OutputError, ValueError, RecursionError) as exc:
            with self.lock:
                self.errors.append(str(exc))
            self.stop.set()
            return
        with self.lock:
            self.fresh[sub.key] = res
            self.counts[res["status"]] = self.counts.get(res["status"], 0) + 1
            self.bar.update(res["status"])

    def interrupt(self) -> None:
        """Stop: no new submission starts, and every live kernel is shut down."""
        self.stop.set()
        for life in list(self.registry):
            with contextlib.suppress(OSError):
                life.shutdown(2)  # the reaper kills that kernel's namespace


def _run_all(rec: _Recorder, todo: list[tuple[Submission, str]]) -> bool:
    """Grade ``todo`` in a pool of ``rec.workers`` threads, then the timed-out ones alone, one
    kernel at a time; returns True when interrupted (Ctrl-C)."""
    interrupted = False
    with cf.ThreadPoolExecutor(max_workers=rec.workers) as pool:
        futures = [pool.submit(rec.work, *t) for t in todo]
        try:
            pending = set(futures)
            while pending:
                _done, pending = cf.wait(pending, timeout=0.25)
            for f in futures:  # a crash in ``work`` must fail the run, not lose a row
                if not f.cancelled() and f.exception() is not None:
                    rec.errors.append(f"grading failed: {f.exception()!r}")
        except KeyboardInterrupt:
            interrupted = True
            rec.stop.set()
            for f in futures:
                f.cancel()
            rec.interrupt()
    try:
        for t in sorted(rec.retry, key=lambda t: t[0].key):  # alone: one kernel at a time
            if rec.stop.is_set():
                break
            rec.work(*t, alone=True)
    except KeyboardInterrupt:
        interrupted = True
        rec.interrupt()
    return interrupted


def _read_back(
    subs: list[Submission], fresh: dict[str, SubmissionResult], results_dir: Path
) -> list[SubmissionResult]:
    """Every submission's result in ``subs`` order: this run's from memory, the skipped ones
    (unchanged since an earlier run) from ``results/``."""
    results: list[SubmissionResult] = []
    for sub in subs:
        if sub.key in fresh:
            results.append(fresh[sub.key])
            continue
        rpath = results_dir / f"{sub.key}.json"
        try:
            results.append(json.loads(rpath.read_text(encoding="utf-8")))
        except (OSError, ValueError, RecursionError) as exc:
            raise OutputError(f"cannot read back {rpath}: {exc}") from None
    return results


def _to_grade(
    subs: list[Submission], grader: Grader, results_dir: Path, force: bool
) -> tuple[list[tuple[Submission, str]], int]:
    """The submissions to grade, each with its input hash, and how many are skipped (their
    result holds the same hash: same bytes, notes, source, key and limits)."""
    todo: list[tuple[Submission, str]] = []
    skipped = 0
    for sub in subs:
        data = sub.raw if sub.raw is not None else b"rejected\0" + sub.problem.encode()
        data += json.dumps([sub.notes, sub.flag]).encode()
        h = hashlib.sha256(grader.fingerprint.encode() + b"\0" + data).hexdigest()
        rpath = results_dir / f"{sub.key}.json"
        if not force and rpath.is_file() and not rpath.is_symlink():
            try:
                old = json.loads(rpath.read_text(encoding="utf-8"))
                if old.get("input_hash") == h and old.get("student") == sub.student:
                    skipped += 1
                    continue
            except (OSError, ValueError, AttributeError, RecursionError):
                pass
        todo.append((sub, h))
    return todo, skipped


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


__all__ = ["GradeRun", "grade"]
