"""Issue 12's attack classes that need the test machine: native network code, escaping processes,
``dir_fd`` rewrites, links, FIFOs, colliding names, environment secrets, write errors, and the
refused-by-default fallback. Each case asserts the exact score and status."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import unicodedata
from pathlib import Path

import pytest

from trilat_lessons.grading.grade import grade
from trilat_lessons.grading.isolation import probe
from trilat_lessons.grading.options import GradeOptions, OutputError
from trilat_lessons.grading.runner import KernelTemplate
from trilat_lessons.grading.source import load_source, solution_lines

CORPUS = Path(__file__).parent / "grading_corpus"
SOURCE = CORPUS / "source" / "00_demo.ipynb"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
SECRET = "trilat-grader-secret-7f3a91"
OPTIONS = dict(
    workers=2,
    timeout_cell=5.0,
    timeout_total=60.0,
    memory_mb=300,
    progress=False,
    retry_timeouts_alone=False,
)
sys.path.insert(0, str(CORPUS))
from make_corpus import ANSWERS, good, submission  # noqa: E402

from trilat_lessons.grading.release import notebook_bytes  # noqa: E402
from trilat_lessons.grading.writing import csv_uncell  # noqa: E402

# CI (.ci/run) installs bubblewrap and sets TRILAT_REQUIRE_SANDBOX=1: there a missing sandbox
# fails these tests instead of skipping them
pytestmark = pytest.mark.skipif(
    not probe().isolated and not os.environ.get("TRILAT_REQUIRE_SANDBOX"),
    reason=f"no namespace sandbox: {probe()}",
)

NATIVE_C = r"""
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int udp(const char *ip, int port) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) return 0;
    struct sockaddr_in a; memset(&a, 0, sizeof a);
    a.sin_family = AF_INET; a.sin_port = htons(port); inet_pton(AF_INET, ip, &a.sin_addr);
    int ok = sendto(s, "leak", 4, 0, (struct sockaddr *)&a, sizeof a) == 4;
    close(s);
    return ok;
}

static int tcp(const char *ip, int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return 0;
    struct sockaddr_in a; memset(&a, 0, sizeof a);
    a.sin_family = AF_INET; a.sin_port = htons(port); inet_pton(AF_INET, ip, &a.sin_addr);
    int ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    close(s);
    return ok;
}

__attribute__((constructor)) static void run(void) {
    int sent = 0;
    for (int i = 0; i < 3; i++) {
        sent += udp("127.0.0.1", UDP_PORT);
        sent += udp(HOST_IP, UDP_PORT_HOST);
    }
    sent += tcp("127.0.0.1", TCP_PORT);
    FILE *f = fopen("native_ran.txt", "w");
    if (f) { fprintf(f, "ran sent=%d", sent); fclose(f); }
}
"""


def _host_ip() -> str:
    """A non-loopback address of this machine (or loopback when there is none)."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5)
        for ip in out.stdout.split():
            if "." in ip and not ip.startswith("127."):
                return ip
    except (OSError, subprocess.TimeoutExpired):
        pass
    return "127.0.0.1"


class Listener:
    """UDP listeners on loopback and the host address, a TCP one on loopback; counts arrivals."""

    def __init__(self) -> None:
        self.host = _host_ip()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp_host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp_host.bind((self.host, 0))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(8)
        self.packets = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def ports(self) -> dict[str, int]:
        return {
            "UDP_PORT": self.udp.getsockname()[1],
            "UDP_PORT_HOST": self.udp_host.getsockname()[1],
            "TCP_PORT": self.tcp.getsockname()[1],
        }

    def _run(self) -> None:
        import select

        socks = [self.udp, self.udp_host, self.tcp]
        while not self._stop.is_set():
            ready, _, _ = select.select(socks, [], [], 0.1)
            for s in ready:
                if s is self.tcp:
                    conn, _ = s.accept()
                    conn.close()
                else:
                    s.recv(64)
                self.packets += 1

    def close(self) -> int:
        self._stop.set()
        self._thread.join(2)
        for s in (self.udp, self.udp_host, self.tcp):
            s.close()
        return self.packets


def _native_library(listener: Listener, tmp: Path) -> bytes | None:
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        return None
    src = tmp / "leak.c"
    src.write_text(NATIVE_C)
    lib = tmp / "leak.so"
    defines = [f"-D{k}={v}" for k, v in listener.ports().items()]
    defines.append(f'-DHOST_IP="{listener.host}"')
    subprocess.run([gcc, "-shared", "-fPIC", "-O1", *defines, "-o", str(lib), str(src)], check=True)
    return lib.read_bytes()


def native_answer(lib: bytes) -> str:
    """q1: write a C library to the scratch folder, load it without ctypes, then answer."""
    blob = base64.b64encode(lib).decode()
    return (
        "import base64, importlib.machinery, importlib.util, os\n"
        f"open('leak.so', 'wb').write(base64.b64decode('{blob}'))\n"
        "try:\n"
        "    loader = importlib.machinery.ExtensionFileLoader('leak', os.path.abspath('leak.so'))\n"
        "    spec = importlib.util.spec_from_loader('leak', loader)\n"
        "    importlib.util.module_from_spec(spec)\n"
        "except ImportError:\n"
        "    pass  # no PyInit_leak: the constructor has run already\n"
        "ran = open('native_ran.txt').read()\n"
        "assert ran.startswith('ran'), ran\n" + ANSWERS["q1"]
    )


ESCAPE_Q1 = (
    "import _posixsubprocess, os, time\n"
    "def burn():\n"
    "    os.setsid()\n"
    "    while True:\n"
    "        pass\n"
    "def escape():  # fork with no audit event; the child leaves the session and burns CPU\n"
    "    args = [[b'/bin/true'], [b'/bin/true'], True, (), None, None, -1, -1, -1, -1, -1, -1,\n"
    "            *os.pipe(), False, False, -1, None, None, None, -1, burn]\n"
    "    try:\n"
    "        return _posixsubprocess.fork_exec(*args, False)  # 3.11.7+: allow_vfork\n"
    "    except TypeError:\n"
    "        return _posixsubprocess.fork_exec(*args)\n"
    "burners = [escape() for _ in range(4)]\n"
    "time.sleep(0.5)\n"
    "assert all(os.waitpid(p, os.WNOHANG) == (0, 0) for p in burners)  # all still running\n"
    + ANSWERS["q1"]
)


def dir_fd_answer(results: Path, source_dir: Path) -> str:
    """q1: rewrite another student's result and read the source through directory fds."""
    return (
        "import os\n"
        f"fd = os.open({str(results)!r}, os.O_RDONLY | os.O_DIRECTORY)\n"
        "w = os.open('good.json', os.O_WRONLY | os.O_TRUNC, dir_fd=fd)\n"
        "os.write(w, b'{}')\n"
        f"sfd = os.open({str(source_dir)!r}, os.O_RDONLY | os.O_DIRECTORY)\n"
        "leak = os.read(os.open('00_demo.ipynb', os.O_RDONLY, dir_fd=sfd), 100000)\n"
        + ANSWERS["q1"]
    )


def _descendants(root: int) -> list[int]:
    """Every live process below ``root`` (from /proc: parent links)."""
    parent: dict[int, int] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z":
                parent[int(p.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        kids = [c for c, pp in parent.items() if pp in frontier]
        found += kids
        frontier = kids
    return found


def _grades(out: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO((out / "grades.csv").read_text()))
    return {csv_uncell(r["student"]): r for r in rows}


def _outputs_text(out: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*") if p.is_file()
    )


NFC = unicodedata.normalize("NFC", "José")
NFD = unicodedata.normalize("NFD", "José")
LONG = "s" * 249  # + ".ipynb" = 255 bytes, the longest name most file systems allow


def _hostile_folder(base: Path, listener: Listener, isolated: bool) -> tuple[Path, Path, dict]:
    """Submissions for the machine-dependent attack classes: (subs, out, expected)."""
    subs, out = base / "subs", base / "out"
    subs.mkdir()
    (out / "results").mkdir(parents=True)
    good_nb = notebook_bytes(submission(good()))
    expected: dict[str, tuple[float, str]] = {}

    def put(name: str, nb: bytes, total: float, status: str) -> None:
        (subs / f"{name}.ipynb").write_bytes(nb)
        expected[name] = (total, status)

    put("good", good_nb, 8, "ok")
    big = "# " + "x" * 3_000_000 + "\n" + ANSWERS["q1"]  # a 3 MB answer cell is sent in full
    put("big_cell", notebook_bytes(submission(good(q1=big))), 8, "ok")
    put("escape", notebook_bytes(submission(good(q1=ESCAPE_Q1))), 8, "ok")
    put(
        "dir_fd",
        notebook_bytes(submission(good(q1=dir_fd_answer(out / "results", SOURCE.parent)))),
        6,
        "ok",
    )
    lib = _native_library(listener, base)
    if lib is not None:
        put("native_net", notebook_bytes(submission(good(q1=native_answer(lib)))), 8, "ok")
    os.symlink(SOURCE.resolve(), subs / "linked.ipynb")
    expected["linked"] = (0, "rejected")
    (subs / "fifo_student").mkdir()
    os.mkfifo(subs / "fifo_student" / "00_demo.ipynb")
    expected["fifo_student"] = (0, "rejected")
    (subs / "folder.ipynb").mkdir()
    expected["folder"] = (0, "rejected")
    put("Alice", good_nb, 8, "ok")
    put("alice", notebook_bytes(submission(good(q1="q1_answer = 0"))), 6, "ok")
    put(NFC, good_nb, 8, "ok")
    put(NFD, notebook_bytes(submission(good(q2="q2_answer = 0.0"))), 7, "ok")
    put(LONG, good_nb, 8, "ok")
    put("=cmd|' -C calc'!A0", good_nb, 8, "ok")
    with open(os.fsencode(subs) + b"/bad\xffname.ipynb", "wb") as f:  # not UTF-8
        f.write(good_nb)
    expected["bad\ufffdname"] = (8, "ok")
    # lone surrogates (issue 12, second review): in an error, an answer, a source, a written answer
    put(
        "sur_error",
        notebook_bytes(submission(good(q1="raise RuntimeError(chr(0xD800) * 3)"))),
        6,
        "ok",
    )
    put(
        "sur_answer",
        notebook_bytes(submission(good(q3='q3_answer = chr(0xDC80) + "leaders"'))),
        7,
        "ok",
    )
    sur_source = submission(good(q1=ANSWERS["q1"] + "  # \ud800"), written="essay \ud800 =1+1")
    put("sur_source", json.dumps(sur_source).encode(), 8, "ok")  # JSON escapes: "\ud800"
    # one name in both layouts, several notebooks in a folder, names easy to overlook
    put("bob", good_nb, 8, "ok")
    (subs / "bob").mkdir()
    (subs / "bob" / "x.ipynb").write_bytes(notebook_bytes(submission(good(q1="q1_answer = 0"))))
    expected["x.ipynb"] = (6, "ok")
    (subs / "multi").mkdir()
    (subs / "multi" / "00_demo_final.ipynb").write_bytes(good_nb)
    (subs / "multi" / "draft.ipynb").write_bytes(notebook_bytes(submission({})))
    expected["00_demo_final.ipynb"] = (8, "ok")
    expected["draft.ipynb"] = (0, "rejected")
    (subs / "carol.IPYNB").write_bytes(good_nb)
    expected["carol.IPYNB"] = (8, "ok")
    (subs / ".hidden.ipynb").write_bytes(good_nb)
    expected[".hidden.ipynb"] = (0, "rejected")
    (subs / ".ipynb").write_bytes(good_nb)
    expected[".ipynb"] = (0, "rejected")
    (subs / "notes.txt").write_text("not a notebook")
    # hard links: two names of one file are both graded; a link to an output is rejected
    put("hl_a", notebook_bytes(submission(good(q2="q2_answer = 0.0"))), 7, "ok")
    os.link(subs / "hl_a.ipynb", subs / "hl_b.ipynb")
    expected["hl_b"] = (7, "ok")
    (out / "planted.ipynb").write_bytes(good_nb)
    os.link(out / "planted.ipynb", subs / "hl_out.ipynb")
    expected["hl_out"] = (0, "rejected")
    del isolated
    return subs, out, expected


def _check_expected(out: Path, expected: dict) -> dict[str, dict[str, str]]:
    rows = _grades(out)
    by_file: dict[str, dict[str, str]] = {}
    for p in (out / "results").glob("*.json"):
        result = json.loads(p.read_text())
        by_file[result["file"]] = rows[result["student"]]
    for name, (total, status) in expected.items():
        key = f"{name}.ipynb" if not name.lower().endswith(".ipynb") else name
        key = "00_demo.ipynb" if name == "fifo_student" else key
        row = by_file[key]
        assert (float(row["total"]), row["status"]) == (total, status), (name, row)
    return rows


@pytest.fixture(scope="module")
def isolated_run(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("hostile")
    listener = Listener()
    subs, out, expected = _hostile_folder(base, listener, True)
    os.environ["TRILAT_GRADER_SECRET"] = SECRET
    stale = Path(tempfile.gettempdir()) / "trilat-grade-999999999-stale"
    stale.mkdir(exist_ok=True)
    options = GradeOptions(
        workers=2, timeout_cell=5, timeout_total=60, memory_mb=300, progress=False
    )
    try:
        with KernelTemplate(isolated=True) as template:
            run = grade(SOURCE, subs, out, options, template=template)
            yield base, subs, out, expected, run, listener, template, stale
    finally:
        os.environ.pop("TRILAT_GRADER_SECRET", None)
        listener.close()


def test_every_hostile_case_gets_its_exact_score_and_status(isolated_run):
    _base, _subs, out, expected, run, _l, _t, _s = isolated_run
    assert not run.interrupted
    assert run.graded == len(expected)
    _check_expected(out, expected)


def test_native_code_cannot_send_a_single_packet(isolated_run):
    _base, _subs, out, expected, _run, listener, _t, _s = isolated_run
    if "native_net" not in expected:
        pytest.skip("no C compiler to build the native attack")
    result = json.loads(next((out / "results").glob("native_net*.json")).read_text())
    assert result["questions"]["q1"]["status"] == "correct"  # the C code ran (see native_answer)
    assert listener.packets == 0


def test_no_process_outlives_its_submission(isolated_run):
    _base, _subs, out, _e, _run, _l, template, _s = isolated_run
    # bwrap -> its init (PID 1 of the sandbox) -> the template: nothing else survives the run,
    # although "escape" started setsid() CPU burners with no audit event
    assert len(_descendants(template._proc.pid)) == 2
    result = json.loads((out / "results" / "escape.json").read_text())
    assert result["questions"]["q1"]["status"] == "correct"


def test_other_results_and_the_source_are_out_of_reach(isolated_run):
    _base, _subs, out, _e, _run, _l, _t, _s = isolated_run
    good = json.loads((out / "results" / "good.json").read_text())
    assert good["questions"]["q1"]["points"] == 2 and good["status"] == "ok"
    msg = json.loads((out / "results" / "dir_fd.json").read_text())["questions"]["q1"]["message"]
    # the results folder does not exist in the sandbox (and the audit hook refuses the path too)
    assert "FileNotFoundError" in msg or "grading sandbox" in msg, msg


def test_links_fifos_and_folders_are_rejected_and_nothing_of_the_source_leaks(isolated_run):
    _base, _subs, out, _e, _run, _l, _t, _s = isolated_run
    rows = _grades(out)
    details = {r["student"]: r["detail"] for r in rows.values() if r["status"] == "rejected"}
    assert sorted(details) == [
        ".hidden.ipynb",
        ".ipynb",
        "fifo_student",
        "folder",
        "hl_out",
        "linked",
        "multi/draft.ipynb",
    ]
    assert "hidden file" in details[".hidden.ipynb"]
    assert "instructor's files or the grading outputs" in details["hl_out"]
    assert "00_demo_final.ipynb) was graded instead" in details["multi/draft.ipynb"]
    assert "symbolic link" in details["linked"]
    assert "pipe" in details["fifo_student"]
    assert "folder" in details["folder"]
    linked = [p for p in out.rglob("*") if p.is_file() and "linked" in p.name]
    assert linked and not any("rebuilt" in str(p) for p in linked)
    text = "\n".join(p.read_text() for p in linked)
    source = load_source(SOURCE)
    secrets = [ln.strip() for c in source.cells if c.role in ("hidden", "key")
               for ln in c.source.splitlines() if len(ln.strip()) > 12]  # fmt: skip
    for c in source.cells:
        if c.role in ("answer", "rubric-answer"):
            secrets += solution_lines(c.source)
    everything = _outputs_text(out)
    for line in secrets:
        assert line not in text
        if "hidden" in line or "wrong(" in line:
            assert line not in everything


def test_student_ids_are_unique_stable_and_safe(isolated_run):
    _base, subs, out, expected, _run, _l, template, _s = isolated_run
    n = len(expected)
    rows = _grades(out)
    names = list(rows)
    assert len(names) == len(set(names)) == n
    assert {"Alice", "alice"} <= set(names)
    jose = sorted(n for n in names if n.startswith(NFC))
    assert len(jose) == 2 and jose[0] != jose[1]  # two spellings, two distinguishable rows
    assert any(n == LONG for n in names)
    keys = [p.stem for p in (out / "results").glob("*.json")]
    assert len(keys) == n and all(len(k) <= 70 for k in keys)
    # resume is keyed by id: nothing changes, nothing is re-graded, no row lost
    options = GradeOptions(
        workers=2, timeout_cell=5, timeout_total=60, memory_mb=300, progress=False
    )
    again = grade(SOURCE, subs, out, options, template=template)
    assert (again.graded, again.skipped) == (0, n)
    assert _grades(out) == rows


def test_lone_surrogates_cost_one_question_and_are_kept_escaped(isolated_run):
    _base, _subs, out, _e, _run, _l, _t, _s = isolated_run
    questions = {
        (csv_uncell(r["student"]), r["question"]): r
        for r in csv.DictReader(io.StringIO((out / "questions.csv").read_text()))
    }
    assert questions[("sur_error", "q1")]["status"] == "error"
    assert "RuntimeError: \\ud800\\ud800\\ud800" in questions[("sur_error", "q1")]["message"]
    assert questions[("sur_answer", "q3")]["status"] == "incorrect"
    assert questions[("sur_source", "q6")]["status"] == "manual"
    manual = (out / "manual_grading.csv").read_text()
    assert "essay \\ud800 =1+1" in manual
    assert "\\ud800" in (out / "feedback" / "sur_error.md").read_text()


def test_every_entry_of_the_folder_leaves_a_trace(isolated_run):
    _base, _subs, out, _e, run, _l, _t, _s = isolated_run
    rows = _grades(out)
    assert (rows["bob.ipynb"]["total"], rows["bob/x.ipynb"]["total"]) == ("8", "6")
    assert rows["multi"]["total"] == "8" and "only 00_demo_final.ipynb" in rows["multi"]["detail"]
    assert rows["carol"]["status"] == "ok"
    assert run.ignored == [("notes.txt", "not a notebook (the name does not end in .ipynb)")]
    for name in ("hl_a", "hl_b"):
        other = "hl_b" if name == "hl_a" else "hl_a"
        assert rows[name]["detail"] == f"Same file as {other} (hard links to one file)."
        assert "Same file" not in (out / "feedback" / f"{name}.md").read_text()  # instructor only


def test_csv_cells_cannot_be_formulas(isolated_run):
    _base, _subs, out, _e, _run, _l, _t, _s = isolated_run
    raw = (out / "grades.csv").read_text()
    assert "\n\"'=cmd|' -C calc'!A0\"," in raw or "\n'=cmd|' -C calc'!A0," in raw
    for line in raw.splitlines():
        assert not line.startswith(("=", "+", "-", "@"))


def test_no_secret_of_the_grader_reaches_any_output(isolated_run):
    _base, _subs, out, _e, _run, _l, _t, _s = isolated_run
    assert SECRET not in _outputs_text(out)


def test_stale_work_folders_are_removed(isolated_run):
    *_rest, stale = isolated_run
    assert not stale.exists()
    assert not list(Path(tempfile.gettempdir()).glob(f"trilat-grade-{os.getpid()}-*"))


def test_a_write_error_fails_the_run_loudly(tmp_path, isolated_run):
    template = isolated_run[6]
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(CORPUS / "submissions" / "good.ipynb", subs / "good.ipynb")
    shutil.copy(CORPUS / "submissions" / "blank.ipynb", subs / "blank.ipynb")
    out = tmp_path / "out"
    (out / "results" / "good.json").mkdir(parents=True)  # cannot be replaced by a file
    options = GradeOptions(workers=1, timeout_cell=5, timeout_total=60, progress=False)
    with pytest.raises(OutputError, match="could not be written"):
        grade(SOURCE, subs, out, options, template=template)
    assert not (out / "grades.csv").exists()


def test_grade_refuses_without_the_sandbox(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(CORPUS / "submissions" / "good.ipynb", subs / "good.ipynb")
    cmd = [sys.executable, "-m", "trilat_lessons.grading.cli", "grade", str(SOURCE), str(subs)]
    env = {**os.environ, "PATH": str(tmp_path)}  # no bwrap on PATH
    proc = subprocess.run(
        [*cmd, "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 3, proc.stderr
    assert "bubblewrap (bwrap) is not installed" in proc.stderr
    assert "--unsafe-no-sandbox" in proc.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


# ---------------------------------------------------------------- the fallback path


TIME_LIMIT_CASES = ("infinite_loop", "channel_extend", "channel_finished", "export_hang")


def test_corpus_on_the_fallback_path(tmp_path):
    """--unsafe-no-sandbox: Landlock, rlimits and the audit hook only. Python-level attacks still
    get their exact scores; the source and other results stay out of reach (Landlock); what the
    fallback does NOT stop (native code's network access) is shown, as docs/grading.md says."""
    subs = tmp_path / "subs"
    shutil.copytree(CORPUS / "submissions", subs)
    # the time-limit cases take the grader-side path already tested above, at 5 s each: left out
    # here to keep `make test` short
    for name in TIME_LIMIT_CASES:
        (subs / f"{name}.ipynb").unlink()
    listener = Listener()
    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    lib = _native_library(listener, tmp_path)
    if lib is not None:
        nb = notebook_bytes(submission(good(q1=native_answer(lib))))
        (subs / "native_net.ipynb").write_bytes(nb)
    nb = notebook_bytes(submission(good(q1=dir_fd_answer(out / "results", SOURCE.parent))))
    (subs / "dir_fd.ipynb").write_bytes(nb)
    os.environ["TRILAT_GRADER_SECRET"] = SECRET
    options = GradeOptions(
        workers=2,
        timeout_cell=5,
        timeout_total=60,
        memory_mb=300,
        progress=False,
        unsafe_no_sandbox=True,
        retry_timeouts_alone=False,
    )
    try:
        with KernelTemplate(isolated=False) as template:
            run = grade(SOURCE, subs, out, options, template=template)
    finally:
        os.environ.pop("TRILAT_GRADER_SECRET", None)
        packets = listener.close()
    assert run.protection == "none" and not run.interrupted
    rows = _grades(out)
    assert not set(TIME_LIMIT_CASES) & set(rows)
    for student, exp in EXPECTED.items():
        if student in TIME_LIMIT_CASES:
            continue
        row = rows[student]
        assert (float(row["total"]), row["status"]) == (exp["total"], exp["status"]), row
    assert (rows["dir_fd"]["total"], rows["dir_fd"]["status"]) == ("6", "ok")
    good_result = json.loads((out / "results" / "good.json").read_text())
    assert good_result["questions"]["q1"]["points"] == 2  # dir_fd could not rewrite it
    assert SECRET not in _outputs_text(out)
    if lib is not None:
        # the documented gap of the fallback: native code reaches the network (UDP at least)
        assert rows["native_net"]["total"] == "8"
        assert packets > 0


def test_killing_the_grader_kills_every_kernel(tmp_path):
    """SIGKILL to `trilat grade` (no chance to clean up): its sandbox and kernels die with it."""
    import signal
    import time

    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("infinite_loop", "channel_finished"):
        shutil.copy(CORPUS / "submissions" / f"{name}.ipynb", subs)
    cmd = [sys.executable, "-m", "trilat_lessons.grading.cli", "grade", str(SOURCE), str(subs)]
    cmd += ["--out", str(tmp_path / "out"), "--timeout-cell", "60", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        tree: list[int] = []
        while time.monotonic() < deadline and len(tree) < 8:  # bwrap, init, template, kernels
            time.sleep(0.2)
            tree = _descendants(proc.pid)
        assert len(tree) >= 8, tree
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    alive = tree
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in tree if Path(f"/proc/{p}").exists() and not _zombie(p)]
    assert alive == []


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] == "Z"
