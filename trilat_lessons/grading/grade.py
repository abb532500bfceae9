"""``trilat grade``: rebuild, run, judge and report every submission of one exercise set.

For each submission: rebuild it from the instructor source taking only the answer cells (by cell
id), run it in its own fresh kernel process (limits, sandbox), receive the exported answers, judge
them *here* with the public key and the hidden checks, write ``results/<student>.json`` at once.
Re-running skips submissions whose input hash is unchanged; reports are rebuilt from the results.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._version import __version__
from ..exercises._compare import evaluate, norm_text
from ..exercises._export import decode
from ..exercises._keys import load_key
from .analytics import given
from .instructor import InstructorRun, build_key, run_instructor
from .intake import Submission, file_text, find_submissions, parse_notebook, read_safely
from .progressbar import ProgressBar
from .release import notebook_bytes, student_notebook
from .runner import KernelTemplate, run_with_restarts
from .safetext import scrub
from .source import EDITABLE, RUBRIC_PLACEHOLDER, Source, cell_text, load_source

RUNAWAY = ("total timeout", "timeout", "memory", "kernel died")
STATUS_ORDER = ["rejected", "corrupt", "wrong assignment", *RUNAWAY, "not attempted", "ok"]


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


@dataclass
class Grader:
    """Everything prepared once per run: the source, its key, hidden checks, the run plan."""

    source: Source
    run: InstructorRun
    key: dict[str, Any]
    release: dict[str, Any]
    plan: list[dict[str, Any]]  # code cells to run: {cell_id, role, question, exports}
    fingerprint: str
    key_warning: str | None
    denied: list[str]


def fmt(points: float) -> str:
    """Points as text: at most two decimals, no trailing zeros."""
    text = f"{round(points + 1e-9, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _sentence(text: str) -> str:
    """``text`` with a capital first letter (feedback messages are sentences)."""
    return text[:1].upper() + text[1:]


def prepare(source_path: str | Path, options: GradeOptions, extra_denied: list[str]) -> Grader:
    """Load and run the instructor source, build the key, plan the cells."""
    source = load_source(source_path)
    run = run_instructor(source)
    key = build_key(source, run)
    warning = None
    shipped = load_key(source.set_id)
    if shipped is None:
        warning = f"no key for {source.set_id} is installed: students' check() cannot work."
    elif shipped != key:
        warning = (
            f"the installed key of {source.set_id} differs from this source: students saw other "
            "check() results. Re-run `trilat release` and reinstall."
        )
    plan: list[dict[str, Any]] = []
    last = {q.cells[-1]: q for q in source.questions.values() if q.kind == "auto"}
    for c in source.cells:
        if c.cell_type != "code" or c.role not in ("setup", "answer"):
            continue
        exports = []
        if c.id in last:
            exports = [[last[c.id].id, last[c.id].variable]]
        plan.append(
            {
                "cell_id": c.id,
                "role": c.role,
                "question": c.meta.get("question"),
                "exports": exports,
            }
        )
    blob = json.dumps(
        [source.fingerprint, key, options.fingerprint(), __version__, "grade-4"], sort_keys=True
    )
    fp = hashlib.sha256(blob.encode()).hexdigest()
    denied = sorted({str(Path(source.path).resolve().parent), *extra_denied})
    return Grader(source, run, key, student_notebook(source), plan, fp, warning, denied)


# ---------------------------------------------------------------------------- one submission


def rebuild(grader: Grader, nb: dict[str, Any]) -> dict[str, Any]:
    """Take the answer cells (by id) from a submission; everything else from the source."""
    source = grader.source
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    tmeta = meta.get("trilat") if isinstance(meta.get("trilat"), dict) else {}
    sub_set = tmeta.get("set")
    by_id: dict[str, dict[str, Any]] = {}
    for c in nb["cells"]:
        if isinstance(c, dict) and isinstance(c.get("id"), str):
            by_id.setdefault(c["id"], c)
    answer_ids = {c.id for c in source.answer_cells}
    release_cells = {c["id"]: c for c in grader.release["cells"]}
    matched = answer_ids & set(by_id)
    if (sub_set and sub_set != source.set_id) or (not sub_set and not matched):
        what = (
            f"exercise set {sub_set!r}" if sub_set else "a notebook with none of its answer cells"
        )
        return {"wrong_assignment": f"this is {what}, not {source.set_id}"}
    texts: dict[str, str] = {}
    notes: list[str] = []
    deleted, edited_locked = [], 0
    for c in source.cells:
        if c.role not in EDITABLE:
            sub = by_id.get(c.id)
            rel = release_cells.get(c.id)
            if (
                sub is not None
                and rel is not None
                and cell_text(sub.get("source")) != rel["source"]
            ):
                edited_locked += 1
            continue
        sub = by_id.get(c.id)
        if sub is None or sub.get("cell_type") != c.cell_type:
            deleted.append(str(c.meta.get("question")))
            texts[c.id] = release_cells[c.id]["source"]
        else:
            texts[c.id] = cell_text(sub.get("source"))
    known = {c.id for c in source.cells}
    added = sum(1 for cid in by_id if cid not in known) + sum(
        1 for c in nb["cells"] if isinstance(c, dict) and not isinstance(c.get("id"), str)
    )
    if deleted:
        qs = ", ".join(sorted(set(deleted)))
        notes.append(
            f"Answer cell(s) of {qs} were missing or changed type: treated as not attempted."
        )
    if edited_locked:
        notes.append(
            f"{edited_locked} locked cell(s) were edited; the original versions were used."
        )
    if added:
        notes.append(f"{added} cell(s) you added were not graded: only answer cells count.")
    cells = []
    for step in grader.plan:
        cid = step["cell_id"]
        text = (
            texts.get(cid, source.cell(cid).source)
            if step["role"] == "answer"
            else source.cell(cid).source
        )
        cells.append({"source": text, "exports": step["exports"]})
    rebuilt = json.loads(json.dumps(grader.release))
    for c in rebuilt["cells"]:
        if c["id"] in texts:
            c["source"] = texts[c["id"]]
    return {"cells": cells, "texts": texts, "notes": notes, "rebuilt": rebuilt}


def score(
    points: float, public_weight: float, public_passed: bool, hidden: list[tuple[float, bool]]
) -> tuple[float, str]:
    """Points and status of one auto-graded question whose answer is well formed.

    Hidden checks only add credit on top of passing public checks: ``correct`` when everything
    passes (full points), ``partial`` when the public checks pass and some hidden check fails
    (``points × passed weight / total weight``, public weight included), ``incorrect`` when the
    public checks fail (0 points, whatever the hidden checks say).
    """
    if not public_passed:
        return 0.0, "incorrect"
    total = public_weight + sum(w for w, _ in hidden)
    earned = public_weight + sum(w for w, ok in hidden if ok)
    if all(ok for _, ok in hidden):
        return float(points), "correct"
    return (round(points * earned / total, 2) if total else 0.0), "partial"


def _judge(
    grader: Grader, qid: str, exported: dict[str, Any] | None, cell_state: dict[str, Any]
) -> dict[str, Any]:
    entry = next(q for q in grader.key["questions"] if q["id"] == qid)
    points = float(entry["points"])
    res: dict[str, Any] = {"max": points, "points": 0.0, "public": False, "hidden": []}
    runaway = cell_state.get("runaway")
    if runaway:
        messages = {
            "timeout": "Your answer cell ran past the time limit and was stopped.",
            "total timeout": "The notebook ran past its total time limit before this answer.",
            "kernel died": "Your answer cell stopped the Python process (exit, crash or kill).",
            "memory": "Your answer cell ran out of memory (the limit was reached).",
        }
        res.update(status=runaway, message=messages[runaway])
        return res
    if exported is None:
        res.update(
            status="not run", message="This answer was never reached (an earlier cell broke)."
        )
        return res
    outcome = evaluate(grader.source.set_id, entry, exported)
    answer = given(grader.source.set_id, entry, exported)  # instructor analytics only
    if answer is not None:
        res["given"] = answer
    error = cell_state.get("error")
    res["status"] = outcome.status
    res["message"] = outcome.message
    if outcome.status == "not attempted" and error:
        res["status"] = "error"
        res["message"] = f"Your answer cell raised {error}, so {entry['variable']} was never set."
        return res
    if outcome.status in ("not attempted", "malformed"):
        if error:
            res["message"] += f" (Your answer cell also raised {error}.)"
        return res
    res["public"] = outcome.passed
    value = decode(exported)
    hidden: list[tuple[float, bool]] = []
    for h in grader.run.hidden_for(qid):  # run even when public fail: feedback lists them
        ok = h.run(value)
        res["hidden"].append({"description": h.description, "passed": ok})
        hidden.append((h.weight, ok))
    public_weight = float(entry.get("public_weight", 1))
    res["points"], res["status"] = score(points, public_weight, outcome.passed, hidden)
    if res["status"] == "partial":
        failed = [h["description"] for h in res["hidden"] if not h["passed"]]
        res["message"] = (
            "Your answer passes the public checks, but not these hidden checks: "
            + "; ".join(failed)
            + "."
        )
    elif res["hidden"] and not outcome.passed:
        res["hidden_counted"] = False  # listed in feedback, worth nothing until public pass
    if error:
        res["message"] = (
            res["message"] + " " if res["message"] else ""
        ) + f"(Your answer cell raised {error}.)"
    return res


def grade_one(
    grader: Grader,
    student: str,
    path: Path,
    raw: bytes,
    template: KernelTemplate | None,
    options: GradeOptions,
    workroot: str,
    registry: set[Any],
    stop: threading.Event | None = None,
) -> dict[str, Any]:
    """Grade one submission; returns its result record (never raises for a bad submission)."""
    source = grader.source
    result: dict[str, Any] = {
        "student": student,
        "file": file_text(path.name),
        "set": source.set_id,
        "status": "ok",
        "detail": "",
        "questions": {},
        "notes": [],
    }
    qids = list(source.questions)
    empty = {q: {"max": source.questions[q].points, "points": 0.0} for q in qids}
    nb, problem = parse_notebook(raw)
    if nb is None:
        for q in qids:
            empty[q].update(status="corrupt", message="The file could not be read as a notebook.")
        result.update(status="corrupt", detail=problem, questions=empty)
        return result
    built = rebuild(grader, nb)
    if "wrong_assignment" in built:
        for q in qids:
            empty[q].update(
                status="wrong assignment", message=_sentence(built["wrong_assignment"]) + "."
            )
        result.update(status="wrong assignment", detail=built["wrong_assignment"], questions=empty)
        return result
    result["notes"] = built["notes"]
    result["rebuilt"] = built["rebuilt"]
    assert template is not None
    workdir = tempfile.mkdtemp(prefix="k-", dir=workroot)
    limits = {
        "memory_mb": options.memory_mb,
        "cpu_seconds": int(options.timeout_total) + 10,
    }
    outcomes, exports, info = run_with_restarts(
        template,
        built["cells"],
        cell_timeout=options.timeout_cell,
        total_timeout=options.timeout_total,
        limits=limits,
        workdir_root=workdir,
        denied=grader.denied,
        registry=registry,
        stop=stop,
    )
    shutil.rmtree(workdir, ignore_errors=True)
    exports = scrub(exports)  # a lone surrogate in an answer costs that question only
    # per-question cell state
    states: dict[str, dict[str, Any]] = {q: {} for q in qids}
    blocked = False
    for i, step in enumerate(grader.plan):
        out = outcomes[i]
        q = step.get("question")
        if out.error and "grading sandbox" in str(out.error.get("evalue", "")):
            blocked = True
        if step["role"] != "answer" or q not in states:
            continue
        st = states[q]
        if out.status in RUNAWAY and not st.get("runaway"):
            st["runaway"] = out.status
        elif out.status == "error" and out.error and not st.get("error"):
            st["error"] = scrub(f"{out.error['ename']}: {out.error['evalue'][:160]}".rstrip(": "))
    for qid, q in source.questions.items():
        if q.kind == "manual":
            text = "\n".join(built["texts"].get(cid, "") for cid in q.cells).strip()
            attempted = bool(text) and norm_text(text) != norm_text(RUBRIC_PLACEHOLDER)
            result["questions"][qid] = {
                "max": q.points,
                "points": None,
                "status": "manual" if attempted else "not attempted",
                "message": "Graded by your instructor with the rubric."
                if attempted
                else "No written answer.",
                "answer": text if attempted else "",
            }
            continue
        result["questions"][qid] = _judge(grader, qid, exports.get(qid), states[qid])
    if blocked:
        result["notes"].append(
            "Some of your code tried something the grading sandbox does not allow."
        )
    if info.get("ignored"):
        result["notes"].append(
            f"{info['ignored']} message(s) your code wrote to the grader's channel were ignored."
        )
    if info.get("flooded"):
        result["notes"].append(
            "Your code sent more data to the grader than a notebook can; it was stopped."
        )
    if info.get("printed", 0) > 1_000_000:
        result["notes"].append(
            f"Your code printed {info['printed'] / 1e6:.0f} MB of output (ignored)."
        )
    statuses = [r["status"] for r in result["questions"].values()]
    for s in RUNAWAY:
        hit = [q for q, r in result["questions"].items() if r["status"] == s]
        if hit:
            result["status"] = s
            result["detail"] = f"{s} in {', '.join(hit)}"
            break
    else:
        if all(s == "not attempted" for s in statuses):
            result["status"] = "not attempted"
    result["landlock"] = info.get("landlock", 0)
    return result


# ---------------------------------------------------------------------------- the run


def _write_json(path: Path, obj: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(
            json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _empty_result(grader: Grader, student: str, path: Path, status: str, detail: str) -> dict:
    """The record of a submission that never reached a kernel (every question gets ``status``)."""
    messages = {
        "rejected": "The submission was not accepted: " + detail + ".",
        "internal error": "The grader failed on this submission; please re-run.",
    }
    return {
        "student": student,
        "file": file_text(path.name),
        "set": grader.source.set_id,
        "status": status,
        "detail": detail[:300],
        "notes": [],
        "questions": {
            q: {
                "max": grader.source.questions[q].points,
                "points": 0.0,
                "status": status,
                "message": messages.get(status, detail),
            }
            for q in grader.source.questions
        },
    }


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

    from .isolation import probe

    options = options or GradeOptions()
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
    out = Path(out_dir)
    subs_root, out_root = Path(submissions_dir).resolve(), out.resolve()
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
    ignored: list[tuple[str, str]] = []
    subs = find_submissions(submissions_dir, grader.source.set_id, ignored)
    everyone = [s.key for s in subs]  # the whole folder, before sharding: hashed in run.json
    mine = subs
    if options.shard is not None:
        from .shard import shard_of

        k, n = options.shard
        mine = [s for s in subs if shard_of(s.key, n) == k]
    chosen = {id(s) for s in mine}
    forbidden = _instructor_inodes(Path(source_path), out)
    for sub in subs:
        if sub.problem:
            continue
        if id(sub) in chosen:
            ident: list[tuple[int, int]] = []
            sub.raw, sub.problem = read_safely(sub.path, forbidden=forbidden, identity=ident)
            sub.inode = ident[0] if ident else None
        else:  # another shard's: only its identity, as read_safely would have found it
            sub.inode = _file_identity(sub.path, forbidden)
    # across the whole folder, so a --shard part flags the same hard links as one run would
    _note_shared_files(subs)
    subs = mine
    names = {s.student: s.key for s in subs}
    todo: list[tuple[Submission, str]] = []
    skipped = 0
    for sub in subs:
        data = sub.raw if sub.raw is not None else b"rejected\0" + sub.problem.encode()
        data += json.dumps([sub.notes, sub.flag]).encode()
        h = hashlib.sha256(grader.fingerprint.encode() + b"\0" + data).hexdigest()
        rpath = results_dir / f"{sub.key}.json"
        if not options.force and rpath.is_file() and not rpath.is_symlink():
            try:
                old = json.loads(rpath.read_text(encoding="utf-8"))
                if old.get("input_hash") == h and old.get("student") == sub.student:
                    skipped += 1
                    continue
            except (OSError, ValueError, AttributeError, RecursionError):
                pass
        todo.append((sub, h))
    stream = stream if stream is not None else sys.stderr
    bar = ProgressBar(len(subs), stream=stream, enabled=options.progress, done=skipped)
    counts: dict[str, int] = {}
    fresh: dict[str, dict[str, Any]] = {}  # results of this run, kept here (never re-read)
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    registry: set[Any] = set()
    workers = options.workers or os.cpu_count() or 1
    interrupted = False
    _clean_stale_workroots()
    workroot = tempfile.mkdtemp(prefix=f"trilat-grade-{os.getpid()}-")

    retry: list[tuple[Submission, str]] = []

    def work(sub: Submission, h: str, alone: bool = False) -> None:
        if stop.is_set():
            return
        try:
            if sub.raw is None:
                res = _empty_result(grader, sub.student, sub.path, "rejected", sub.problem)
            else:
                res = grade_one(
                    grader, sub.student, sub.path, sub.raw, template, options, workroot,
                    registry, stop,
                )  # fmt: skip
        except Exception as exc:  # an internal error must not stop the run
            detail = f"{type(exc).__name__}: {exc}"
            res = _empty_result(grader, sub.student, sub.path, "internal error", detail)
        if stop.is_set():
            return  # interrupted mid-run: do not record a half-graded submission
        timed_out = any(
            q.get("status") in ("timeout", "total timeout") for q in res["questions"].values()
        )
        if timed_out and not alone and options.retry_timeouts_alone and workers > 1:
            with lock:
                retry.append((sub, h))
            return
        if timed_out and alone:
            res["notes"].append(
                "Your notebook ran past a time limit while other notebooks were being graded, "
                "so it was graded again with nothing else running: this is that result."
            )
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
                _write_bytes(out / "rebuilt" / f"{sub.key}.ipynb", notebook_bytes(scrub(rebuilt)))
            _write_json(results_dir / f"{sub.key}.json", res)
        except (OutputError, ValueError, RecursionError) as exc:
            with lock:
                errors.append(str(exc))
            stop.set()
            return
        with lock:
            fresh[sub.key] = res
            counts[res["status"]] = counts.get(res["status"], 0) + 1
            bar.update(res["status"])

    try:
        with cf.ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(work, *t) for t in todo]
            try:
                pending = set(futures)
                while pending:
                    _done, pending = cf.wait(pending, timeout=0.25)
                for f in futures:  # a crash in ``work`` must fail the run, not lose a row
                    if not f.cancelled() and f.exception() is not None:
                        errors.append(f"grading failed: {f.exception()!r}")
            except KeyboardInterrupt:
                interrupted = True
                stop.set()
                for f in futures:
                    f.cancel()
                for life in list(registry):
                    with contextlib.suppress(OSError):
                        life.shutdown(2)  # the reaper kills that kernel's namespace
        try:
            for t in sorted(retry, key=lambda t: t[0].key):  # alone: one kernel at a time
                if stop.is_set():
                    break
                work(*t, alone=True)
        except KeyboardInterrupt:
            interrupted = True
            stop.set()
            for life in list(registry):
                with contextlib.suppress(OSError):
                    life.shutdown(2)
    finally:
        if owned:
            template.close()
        shutil.rmtree(workroot, ignore_errors=True)
    bar.close(interrupted=interrupted)
    if errors:
        raise OutputError(
            f"{len(errors)} result(s) could not be written, so the run stopped: {errors[0]}"
        )
    notes: list[str] = []
    if not interrupted:
        results = []
        for sub in subs:
            if sub.key in fresh:
                results.append(fresh[sub.key])
                continue
            rpath = results_dir / f"{sub.key}.json"
            try:
                results.append(json.loads(rpath.read_text(encoding="utf-8")))
            except (OSError, ValueError, RecursionError) as exc:
                raise OutputError(f"cannot read back {rpath}: {exc}") from None
        notes = finish(grader, results, out, names, options, everyone=everyone)
    graded = sum(counts.values())
    return GradeRun(
        graded, skipped, interrupted, counts, out, grader.key_warning, protection, notes, ignored
    )


def finish(
    grader: Any,
    results: list[dict[str, Any]],
    out: Path,
    names: dict[str, str],
    options: GradeOptions,
    meta: dict[str, Any] | None = None,
    everyone: list[str] | None = None,
) -> list[str]:
    """Write every report and instructor output of a run (also after a merge of shards);
    ``everyone``: every submission id found, before sharding."""
    from .outputs import student_codes, write_analytics
    from .report import write_reports
    from .shard import RUN_FILE, run_meta

    try:
        out.mkdir(parents=True, exist_ok=True)
        codes = student_codes([r["student"] for r in results], out, options.analytics)
        write_reports(grader, results, out, names, codes)
        meta = meta or run_meta(grader, options.shard, everyone)
        _write_json(out / RUN_FILE, meta)
        return write_analytics(meta, results, out, options.analytics)
    except OSError as exc:
        raise OutputError(f"cannot write the reports in {out}: {exc}") from None


def _instructor_inodes(source_path: Path, out: Path) -> set[tuple[int, int]]:
    """(st_dev, st_ino) of the instructor's source folder and the outputs: a submission that is
    a hard link to one of these is rejected (any other hard link is just another name)."""
    found: set[tuple[int, int]] = set()
    for top in (source_path.resolve().parent, out):
        seen = 0
        for dirpath, _dirs, files in os.walk(top):
            for name in files:
                with contextlib.suppress(OSError):
                    st = os.lstat(os.path.join(dirpath, name))
                    found.add((st.st_dev, st.st_ino))
            seen += len(files)
            if seen > MAX_WALK:  # a source kept in a huge folder: its own files come first
                break
    return found


MAX_WALK = 20_000  # files looked at per folder when collecting the instructor's inodes


def _file_identity(path: Path, forbidden: set[tuple[int, int]]) -> tuple[int, int] | None:
    """(st_dev, st_ino) of a regular file that is not a link to a forbidden file, else None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    ident = (st.st_dev, st.st_ino)
    return ident if stat.S_ISREG(st.st_mode) and ident not in forbidden else None


def _note_shared_files(subs: list[Submission]) -> None:
    """Several names for one file (hard links): each is graded, and the instructor is told."""
    by_inode: dict[tuple[int, int], list[Submission]] = {}
    for sub in subs:
        if sub.inode is not None:
            by_inode.setdefault(sub.inode, []).append(sub)
    for group in by_inode.values():
        for sub in group if len(group) > 1 else []:
            others = ", ".join(o.student for o in group if o is not sub)
            sub.flag = f"Same file as {others} (hard links to one file)."


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


__all__ = [
    "GradeOptions",
    "GradeRun",
    "OutputError",
    "SandboxUnavailable",
    "find_submissions",
    "grade",
    "prepare",
    "rebuild",
]
