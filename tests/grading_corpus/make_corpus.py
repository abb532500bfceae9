"""Regenerate the grading test corpus: a tiny demo exercise set and hostile submissions.

Run ``python tests/grading_corpus/make_corpus.py`` after changing it; the files it writes are
committed, and ``expected.json`` holds the score and status each submission must get.
The demo set uses a toy table (not course facts) so grading tests never depend on the datasets.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from trilat_lessons.grading.release import notebook_bytes, student_notebook
from trilat_lessons.grading.scaffold import cell, source_notebook, write_notebook
from trilat_lessons.grading.source import load_source

HERE = Path(__file__).parent
SOURCE = HERE / "source" / "00_demo.ipynb"
SUBS = HERE / "submissions"

SETUP = """
import pandas as pd
import trilat_lessons as tl
from trilat_lessons import check

tl.exercises.start("00_demo")
# A toy table for testing the grader (not real data).
talks = pd.DataFrame(
    {
        "year": [2014, 2016, 2016, 2017, 2018, 2018, 2019, 2023, 2023, 2023],
        "level": ["leaders", "vice", "leaders", "leaders", "ministers", "vice", "ministers",
                  "leaders", "leaders", "ministers"],
        "days": [1, 2, 1, 1, 2, 1, 1, 3, 1, 2],
    }
)
"""

ANSWERS = {
    "q1": 'q1_answer = int((talks["level"] == "leaders").sum())',
    "q2": 'q2_answer = talks.loc[talks["level"] == "leaders", "days"].mean()',
    "q3": 'q3_answer = talks["level"].value_counts().idxmax()',
    "q4": 'q4_answer = talks.groupby("year").size().reset_index(name="talks")',
    "q5": (
        "import altair as alt\n"
        'per_year = talks.groupby("year").size().reset_index(name="talks")\n'
        'q5_answer = alt.Chart(per_year, title="Talks per year", '
        'description="Bars: talks each year")'
        '.mark_bar().encode(x="year:O", y="talks:Q")'
    ),
}
WRITTEN = "Leaders met most in 2023, which suggests the toy talks became more regular."


def build_source() -> None:
    """Write the demo instructor source."""
    sol = {q: f"### BEGIN SOLUTION\n{code}\n### END SOLUTION" for q, code in ANSWERS.items()}
    cells = [
        cell(
            "text",
            "# 00_demo: grader test set\n\nA toy table; only answer cells are graded.",
            "intro",
        ),
        cell("setup", SETUP, "setup"),
        cell("question", "**q1 (2 points).** How many talks were at leaders level?", "q1-q"),
        cell(
            "answer",
            sol["q1"],
            "q1-a",
            question="q1",
            points=2,
            expect="int",
            hint="Keep only the rows whose level is 'leaders', then count them.",
        ),
        cell(
            "key",
            "from trilat_lessons.exercises.authoring import accept, wrong\n\n"
            'wrong("q1", len(talks), '
            "\"You counted talks at every level: keep level == 'leaders'.\")\n"
            'wrong("q1", int(talks["level"].isin(["leaders", "vice"]).sum()), '
            '"You counted vice-level talks too.")\n'
            "# another mistake that gives the same count: the two messages are merged\n"
            'wrong("q1", int((talks["level"] != "ministers").sum()), '
            '"You left out only the ministers-level talks.")',
            "q1-key",
        ),
        cell("check", 'check("q1")', "q1-c"),
        cell(
            "hidden",
            "from trilat_lessons.exercises.authoring import hidden, same_table\n\n\n"
            '@hidden("q1", "matches a fresh count of leaders-level talks", '
            'requires="at leaders level")\n'
            "def _(answer):\n"
            '    return answer == int((talks["level"] == "leaders").sum())',
            "q1-h",
        ),
        cell(
            "question",
            "**q2 (1 point).** Mean length in days of the talks you counted in q1?",
            "q2-q",
        ),
        cell("answer", sol["q2"], "q2-a", question="q2", points=1, expect="float", decimals=2),
        cell("check", 'check("q2")', "q2-c"),
        cell("question", "**q3 (1 point).** The most common level?", "q3-q"),
        cell(
            "answer",
            sol["q3"],
            "q3-a",
            question="q3",
            points=1,
            expect="str",
            choices=["leaders", "vice", "ministers"],
        ),
        cell(
            "key",
            '# a spelling outside the choices that still counts as right\naccept("q3", "leader")',
            "q3-key",
        ),
        cell("check", 'check("q3")', "q3-c"),
        cell(
            "question",
            "**q4 (2 points).** A table of talks per year (columns year, talks).",
            "q4-q",
        ),
        cell("answer", sol["q4"], "q4-a", question="q4", points=2, expect="DataFrame"),
        cell("check", 'check("q4")', "q4-c"),
        cell(
            "hidden",
            '@hidden("q4", "the yearly counts match the data", requires="talks per year")\n'
            "def _(answer):\n"
            '    expected = talks.groupby("year").size().reset_index(name="talks")\n'
            "    return same_table(answer, expected)",
            "q4-h",
        ),
        cell("question", "**q5 (2 points).** A bar chart of talks per year.", "q5-q"),
        cell(
            "answer",
            sol["q5"],
            "q5-a",
            question="q5",
            points=2,
            expect="chart",
            chart={"mark": "bar", "encoding": {"x": "year:O", "y": "talks:Q"}},
        ),
        cell("check", 'check("q5")', "q5-c"),
        cell(
            "hidden",
            "from trilat_lessons.exercises.authoring import chart_table\n\n\n"
            '@hidden("q5", "the bars show the right count for every year", '
            'requires="talks per year")\n'
            "def _(answer):\n"
            "    data = chart_table(answer)\n"
            '    expected = talks.groupby("year").size().reset_index(name="talks")\n'
            '    return same_table(data[["year", "talks"]], expected)',
            "q5-h",
        ),
        cell("question", "**q6 (2 points, rubric).** What does the table suggest?", "q6-q"),
        cell(
            "rubric-answer",
            f"### BEGIN SOLUTION\n{WRITTEN}\n### END SOLUTION",
            "q6-a",
            question="q6",
            points=2,
            rubric="2: uses the yearly counts; 1: vague; 0: none.",
        ),
        cell("check", 'check("q6")', "q6-c"),
    ]
    write_notebook(SOURCE, source_notebook("00_demo", "Grader test set", cells))


def submission(answers: dict[str, str], *, written: str | None = WRITTEN) -> dict:
    """The student release with some answer cells filled in."""
    nb = copy.deepcopy(student_notebook(load_source(SOURCE)))
    for c in nb["cells"]:
        q = c["metadata"]["trilat"].get("question")
        if c["metadata"]["trilat"]["role"] == "answer" and q in answers:
            c["source"] = answers[q]
        if c["metadata"]["trilat"]["role"] == "rubric-answer" and written is not None:
            c["source"] = written
    return nb


def good(**override: str) -> dict[str, str]:
    """All-correct answers, with some replaced."""
    return {**ANSWERS, **override}


def main() -> None:
    """Write source, submissions and expected.json."""
    build_source()
    SUBS.mkdir(parents=True, exist_ok=True)
    for old in SUBS.rglob("*.ipynb"):
        old.unlink()
    expected: dict[str, dict] = {}

    def put(
        name: str,
        nb: dict | bytes,
        total: float,
        status: str,
        questions: dict | None = None,
        why: str = "",
    ):
        path = SUBS / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(nb if isinstance(nb, bytes) else notebook_bytes(nb))
        expected[name.split("/")[0]] = {
            "total": total,
            "status": status,
            "questions": questions or {},
            **({"why": why} if why else {}),
        }

    put("good", submission(good()), 8, "ok")
    put("nested_student/00_demo", submission(good()), 8, "ok")
    put(
        "blank",
        submission({}, written=None),
        0,
        "not attempted",
        {q: "not attempted" for q in ["q1", "q2", "q3", "q4", "q5", "q6"]},
    )
    put(
        "infinite_loop",
        submission(good(q1="while True:\n    pass")),
        6,
        "timeout",
        {"q1": "timeout"},
    )
    put(
        "memory_bomb",
        submission(good(q2="blob = []\nwhile True:\n    blob.append(bytearray(10**7))")),
        7,
        "memory",
        {"q2": "memory"},
    )
    put(
        "sys_exit",
        submission(good(q2="import sys\nsys.exit('bye')\nq2_answer = 1.4")),
        7,
        "ok",
        {"q2": "error"},
    )
    put(
        "os_exit",
        submission(good(q3="import os\nos._exit(1)")),
        7,
        "kernel died",
        {"q3": "kernel died"},
    )
    put(
        "kill_kernel",
        submission(good(q4="import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")),
        6,
        "kernel died",
        {"q4": "kernel died", "q5": "correct"},
    )
    put(
        "kill_grader",
        submission(
            good(
                q1=ANSWERS["q1"] + "\nimport os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
                "os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)"
            )
        ),
        8,
        "ok",
        {"q1": "correct"},
    )
    put(
        "monkeypatch_check",
        submission(
            good(
                q1=(
                    "import trilat_lessons as tl\nimport trilat_lessons.exercises as ex\n"
                    "from trilat_lessons.judge import compare as _compare\n"
                    "tl.check = ex.check = lambda *a, **k: 'correct'\n"
                    "_compare.evaluate = lambda *a, **k: _compare.Outcome('correct')\n"
                    "_compare.digest = lambda *a, **k: 'x'\n"
                    "q1_answer = 3"
                )
            )
        ),
        6,
        "ok",
        {"q1": "incorrect"},
    )
    put(
        "monkeypatch_grader",
        submission(
            good(
                q2=(
                    "import json\nimport trilat_lessons.judge.export as ex\n"
                    "ex.export_value = lambda v: {'type': 'float', 'value': 99.0}\n"
                    "import trilat_lessons.grading.grade as g\n"
                    "g._judge = lambda *a, **k: {'points': 100, 'max': 1, 'status': 'correct'}\n"
                    'json.dumps = lambda *a, **k: \'{"event": "finished"}\'\n'
                    "q2_answer = 2.5"
                )
            )
        ),
        5,
        "ok",
        {"q2": "incorrect", "q5": "incorrect"},
    )
    edited = submission(good())
    for c in edited["cells"]:
        if c["id"] == "setup":
            c["source"] += "\ntalks = talks.head(2)\n"
        if c["id"] == "q1-c":
            c["source"] = "print('all correct!')"
    put("edit_locked", edited, 8, "ok")
    deleted = submission(good())
    deleted["cells"] = [
        c for c in deleted["cells"] if c["id"] not in ("setup", "q2-a", "q3-c", "intro")
    ]
    put("delete_cells", deleted, 7, "ok", {"q2": "not attempted"})
    added = submission(good(q1="q1_answer = helper", q2="q2_answer = ...  # your answer here"))
    added["cells"].insert(
        3,
        {
            "cell_type": "code",
            "id": "mine-1",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "helper = 5\nq2_answer = 1.4",
        },
    )
    put("add_cells", added, 5, "ok", {"q1": "error", "q2": "not attempted"})
    text = notebook_bytes(submission(good()))
    put("corrupt_json", text[: len(text) // 2], 0, "corrupt")
    put("empty", b"", 0, "corrupt")
    put("not_a_notebook", b"[1, 2, 3]\n", 0, "corrupt")
    other = submission(good())
    other["metadata"]["trilat"]["set"] = "01_history"
    put("other_assignment", other, 0, "wrong assignment")
    put(
        "read_instructor",
        submission(
            good(
                q1=(
                    "import os, json\n"
                    "path = os.environ.get('TRILAT_CORPUS_SOURCE', '/nonexistent')\n"
                    "nb = json.load(open(path))\n"
                    "q1_answer = 5"
                )
            )
        ),
        6,
        "ok",
        {"q1": "error"},
    )
    put(
        "print_megabytes",
        submission(good(q2=("for i in range(300):\n    print('x' * 100_000)\n" + ANSWERS["q2"]))),
        8,
        "ok",
    )
    put(
        "wrong_answers",
        submission(
            good(
                q1="q1_answer = len(talks)",
                q3="q3_answer = 'Leaders.'",
                q4='q4_answer = talks.groupby("year").size()',
                q5=ANSWERS["q5"].replace("mark_bar", "mark_line"),
            )
        ),
        2,
        "ok",
        {"q1": "incorrect", "q3": "correct", "q4": "malformed", "q5": "incorrect"},
        why="q5 (mark_line) fails its public checks, so its passing hidden check earns 0 (was 1).",
    )
    put(
        "hidden_fails",
        submission(good(q5=ANSWERS["q5"].replace("talks.groupby", "talks.head(4).groupby"))),
        7,
        "ok",
        {"q5": "partial"},
    )
    put("exception", submission(good(q1="raise ValueError('boom')")), 6, "ok", {"q1": "error"})
    put(
        "huge_answer",
        submission(
            good(q4="import numpy as np\nq4_answer = pd.DataFrame(np.zeros((1_000_000, 2)))")
        ),
        6,
        "ok",
        {"q4": "malformed"},
    )
    hostile(put)
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(f"wrote {SOURCE} and {len(expected)} submissions")


# Channel forgery: student code finds the kernel's socket to the grader and writes to it.
FIND_CHANNEL = """
import os, stat
def _channel_fds():
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                yield fd
        except OSError:
            pass
def forge(line):
    for fd in _channel_fds():
        try:
            os.write(fd, line.encode() + b"\\n")
        except OSError:
            pass
"""


def hostile(put) -> None:
    """Submissions for the attack classes of issue 12 (each with an exact score and status)."""
    put(
        "env_and_proc",
        submission(
            good(
                q1="import os\nraise ValueError(repr(dict(os.environ)))",
                q2=(
                    "import os\nseen = []\n"
                    "for p in os.listdir('/proc'):\n"
                    "    try:\n"
                    "        seen.append(open(f'/proc/{p}/environ', 'rb').read().decode())\n"
                    "    except Exception:\n"
                    "        pass\n"
                    "raise ValueError(' | '.join(seen)[:250])"
                ),
            )
        ),
        5,
        "ok",
        {"q1": "error", "q2": "error"},
        why="both cells raise on purpose; their messages must hold no grader secret",
    )
    put(
        "system_files",
        submission(good(q1="secret = open('/etc/shadow').read()\n" + ANSWERS["q1"])),
        6,
        "ok",
        {"q1": "error"},
    )
    put(
        "fill_disk",
        submission(
            good(
                q1=(
                    "block = b'x' * (1 << 20)\n"
                    "for n in range(8):\n"
                    "    try:\n"
                    "        with open(f'fill{n}.bin', 'wb') as f:\n"
                    "            for _ in range(40):\n"
                    "                f.write(block)\n"
                    "    except OSError:\n"
                    "        break\n" + ANSWERS["q1"]
                )
            )
        ),
        8,
        "ok",
    )
    put(
        "markdown_forgery",
        submission(
            good(
                q1="raise ValueError('boom\\n\\nScore: 10 / 10\\n<script>alert(1)</script>')",
                q2=ANSWERS["q2"],
            ),
            written='=HYPERLINK("http://example.invalid", "click")',
        ),
        6,
        "ok",
        {"q1": "error", "q6": "manual"},
    )
    put(
        "channel_garbage",
        submission(
            good(
                q1=FIND_CHANNEL
                + "forge('[' * 100000)\n"
                + 'forge(\'{"event": "export", "question": "q9", "value": {}}\')\n'
                + 'forge(\'{"event": "done", "cell": "x", "error": 5}\')\n'
                + 'forge(\'{"event": "export", "question": "q4", "value": '
                + '{"type": "Series", "data": [1], "dtype": "S900000000"}}\')\n'
                + "forge('not json at all')\n"
                + ANSWERS["q1"]
            )
        ),
        8,
        "ok",
    )
    put(
        "channel_extend",
        submission(
            good(
                q2=FIND_CHANNEL
                + "import time\n"
                + "while True:\n"
                + '    forge(\'{"event": "start", "cell": 2}\')\n'
                + '    forge(\'{"event": "start", "cell": 3}\')\n'
                + "    time.sleep(0.3)"
            )
        ),
        7,
        "timeout",
        {"q2": "timeout"},
        why="start events sent by the student do not extend the cell's time limit",
    )
    put(
        "channel_finished",
        submission(
            good(
                q3=FIND_CHANNEL
                + 'forge(\'{"event": "finished", "printed": 0}\')\n'
                + "while True:\n    pass"
            )
        ),
        7,
        "timeout",
        {"q3": "timeout", "q4": "correct", "q5": "correct"},
        why="a forged finished does not stop supervision; the kernel is still timed out",
    )
    put(
        "export_hang",
        submission(
            good(
                q1="class Slow(int):\n    def __int__(self):\n        while True:\n"
                "            pass\nq1_answer = Slow(3)"
            )
        ),
        6,
        "timeout",
        {"q1": "timeout", "q2": "correct", "q3": "correct"},
        why="the export of q1 hangs: only q1 is lost",
    )
    put(
        "export_exit",
        submission(
            good(
                q3="import os\nclass Bye(str):\n    def __str__(self):\n        os._exit(3)\n"
                "q3_answer = Bye('leaders')"
            )
        ),
        7,
        "kernel died",
        {"q3": "kernel died", "q4": "correct", "q5": "correct"},
        why="the export of q3 ends the kernel: only q3 is lost",
    )
    put(
        "deep_json",
        b'{"cells": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        0,
        "corrupt",
    )


if __name__ == "__main__":
    main()
